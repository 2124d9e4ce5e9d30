#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and the local runner.
#   pg-cluster.sh start DIR [PORT]  -> initdb DIR if empty, start it listening on 127.0.0.1:PORT and a
#                                      socket in DIR/sock; prints the admin connection URL on stdout
#   pg-cluster.sh stop DIR          -> fast shutdown
#   pg-cluster.sh url DIR           -> prints the admin connection URL of a running cluster
# As root, the cluster runs as the unprivileged 'postgres' user (initdb refuses root).
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|stop|url DIR [PORT]}
dir=${2:?usage: pg-cluster.sh start|stop|url DIR [PORT]}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_ctl" ] || { echo "pg-cluster.sh: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 1; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    # runuser keeps the environment small; the data directory belongs to postgres.
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url_of() {
  local port
  port=$(cat "$dir/port")
  echo "postgresql://postgres@127.0.0.1:${port}/postgres?host=${dir}/sock"
}

case "$cmd" in
  start)
    port=${3:-0}
    if [ "$port" = 0 ]; then
      # Ask the kernel for a free port; the small race with other starters is retried by the caller.
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
        || shuf -i 20000-60000 -n 1)
    fi
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_owner mkdir -p "$dir/sock"
    echo "$port" > "$dir/port"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c max_connections=300 -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on" >/dev/null \
      || { tail -n 30 "$dir/server.log" >&2; exit 1; }
    url_of
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m "${PG_STOP_MODE:-fast}" -w stop >/dev/null || true
    fi
    ;;
  url)
    url_of
    ;;
  *)
    echo "pg-cluster.sh: unknown command $cmd" >&2; exit 2 ;;
esac
