#!/usr/bin/env bash
# Runs yorisoi locally with the example configuration (the Yamagata pilot), on a fresh Debian 12 machine:
# installs what is missing, builds, starts a private PostgreSQL under .local/ (unless
# YORISOI_DATABASE_URL names one), applies migrations and serves on 127.0.0.1:8080
# (YORISOI_LISTEN=host:port overrides). Ctrl-C stops everything it started.
#
# Secrets: the environment always wins; every one that is unset there gets a development value, generated
# once and kept in .local/dev-secrets.env (mode 600) so that data written today is still readable tomorrow.
# YORISOI_LOCAL_DIR moves .local/ (the private PostgreSQL, the development secrets and staff, the spool).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

config=${YORISOI_CONFIG:-config/examples/yamagata.toml}
# A development runner may talk to a LINE stand-in by plain http on loopback (the simulator, a fake):
# yorisoi refuses http:// LINE API bases without this, and any that is not on loopback even with it.
export YORISOI_ALLOW_PLAIN_LINE_API=${YORISOI_ALLOW_PLAIN_LINE_API:-1}
build=${YORISOI_BUILD_DIR:-build}
local_dir=${YORISOI_LOCAL_DIR:-$root/.local}

./deploy/install-deps.sh run
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" --target yorisoi yorisoi_console

mkdir -p "$local_dir"
# postgres (the private cluster's owner when run as root) must be able to reach .local/pg; the
# secrets file itself is 600.
chmod 711 "$local_dir"
secrets="$local_dir/dev-secrets.env"
touch "$secrets"
chmod 600 "$secrets"

# The value the secrets file keeps for NAME (its last line for that name), or nothing. The file is read,
# never sourced, so that it cannot override what the environment says.
stored_secret() {  # NAME
  sed -n "s/^export $1='\(.*\)'\$/\1/p" "$secrets" | tail -n 1
}

dev_secret() {  # NAME VALUE-COMMAND: keep the environment's value, else a stored or new development value
  local name=$1 maker=$2
  if [ -n "${!name:-}" ]; then
    export "${name?}"
    return
  fi
  local value
  value=$(stored_secret "$name")
  if [ -z "$value" ]; then
    value=$(eval "$maker")
    echo "export $name='$value'" >> "$secrets"
    echo "run-local: $name was unset; generated a development value (kept in $secrets)" >&2
  fi
  export "$name=$value"
}
dev_secret YAMAGATA_LINE_CHANNEL_SECRET 'openssl rand -hex 16'
dev_secret YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN 'openssl rand -base64 48 | tr -d "\n"'
dev_secret YORISOI_ENCRYPTION_KEYS 'echo "1:$(openssl rand -base64 32)"'
dev_secret YORISOI_PSEUDONYM_PEPPER 'openssl rand -base64 32'

pids=()
pg_started=""
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_started" ]; then
    "$root/tests/support/pg-cluster.sh" stop "$local_dir/pg" || true
    echo "run-local: stopped the private PostgreSQL" >&2
  fi
}
trap stop_all INT TERM EXIT

if [ -z "${YORISOI_DATABASE_URL:-}" ]; then
  port=$(cat "$local_dir/pg/port" 2>/dev/null || echo 0)
  "$root/tests/support/pg-cluster.sh" stop "$local_dir/pg" >/dev/null 2>&1 || true
  admin_url=$("$root/tests/support/pg-cluster.sh" start "$local_dir/pg" "$port")
  pg_started=1
  if ! psql "$admin_url" -tAc "select 1 from pg_database where datname = 'yorisoi'" | grep -q 1; then
    psql "$admin_url" -qc "create database yorisoi"
  fi
  # Two roles, as in production: migrations run as the owner (here the cluster's superuser), the service
  # as yorisoi_app, a member of yorisoi_runtime, which cannot change the audit log or the schema.
  psql "$admin_url" -qc "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yorisoi_runtime') THEN CREATE ROLE yorisoi_runtime NOLOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yorisoi_app') THEN CREATE ROLE yorisoi_app LOGIN IN ROLE yorisoi_runtime; END IF;
    END \$\$"
  owner_url=${admin_url/\/postgres\?/\/yorisoi?}
  YORISOI_DATABASE_URL=$owner_url "$build/gateway/yorisoi" migrate --config "$config" >/dev/null
  export YORISOI_DATABASE_URL=${owner_url/\/\/postgres@/\/\/yorisoi_app@}
  echo "run-local: private PostgreSQL in .local/pg (port $(cat "$local_dir/pg/port")), service role yorisoi_app" >&2
fi

# Development staff accounts, made once (passwords in .local/dev-staff.txt, mode 600), so that the console
# can be tried at once. A real deployment makes its first admin with `yorisoi user add` (README).
staff_file="$local_dir/dev-staff.txt"
if [ ! -s "$staff_file" ]; then
  : > "$staff_file.new"
  chmod 600 "$staff_file.new"
  for entry in "dev-admin:admin:管理者" "dev-supervisor:supervisor:スーパーバイザー" \
               "dev-counsellor:counsellor:相談員 山田" "dev-counsellor2:counsellor:相談員 佐藤"; do
    IFS=: read -r login role name <<<"$entry"
    password=$(openssl rand -base64 12)
    if printf '%s\n' "$password" | "$build/gateway/yorisoi" user add --config "$config" --tenant yamagata \
         --login "$login" --name "$name" --role "$role" >/dev/null; then
      printf '%s %s %s\n' "$login" "$password" "$role" >> "$staff_file.new"
    else
      echo "run-local: could not create $login (it may exist from an earlier run: reset its password with the admin API)" >&2
    fi
  done
  mv "$staff_file.new" "$staff_file"
  echo "run-local: created development staff accounts (login password role), kept in .local/dev-staff.txt:" >&2
  sed 's/^/  /' "$staff_file" >&2
fi

listen=${YORISOI_LISTEN:-127.0.0.1:8080}
export YORISOI_LISTEN=$listen
# Plain HTTP in the browser: a session cookie without Secure and no HSTS. yorisoi refuses this unless
# it listens on a loopback address (anything else belongs behind TLS).
export YORISOI_PLAIN_HTTP_LOOPBACK=${YORISOI_PLAIN_HTTP_LOOPBACK:-on}
# The webhook spool (webhooks kept while PostgreSQL is away) under .local/, not in the repository.
export YORISOI_SPOOL_DIR=${YORISOI_SPOOL_DIR:-$local_dir/spool}

# Without a real LINE channel, the resident simulator plays the LINE platform: it signs webhooks to
# yorisoi and receives yorisoi's replies and pushes. YORISOI_LINE_API_BASE set = talk to that instead.
if [ -z "${YORISOI_LINE_API_BASE:-}" ]; then
  sim_listen=${YORISOI_SIMULATOR_PORT:-8081}
  node tests/fake-line/server.js --port "$sim_listen" --yorisoi "http://$listen" \
    --channels-from-env yamagata=YAMAGATA_LINE_CHANNEL_SECRET:YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN >/dev/null &
  pids+=($!)
  export YORISOI_LINE_API_BASE="http://127.0.0.1:$sim_listen"
  echo "run-local: resident simulator on http://127.0.0.1:$sim_listen/ (plays LINE: write as a resident there)" >&2
fi

"$build/gateway/yorisoi" serve --config "$config" &
pids+=($!)
echo "run-local: yorisoi serving on http://$listen/ (webhook: /webhook/line/yamagata, console: http://$listen/console/); Ctrl-C stops" >&2
wait -n "${pids[@]}" || true
