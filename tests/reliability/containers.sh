#!/usr/bin/env bash
# The container image and deploy/compose.yaml, for real, under Debian 12's podman and podman-compose
# (run as root; nothing is pulled: the debian:bookworm base comes from deploy/containers/make-base-image.sh):
#   1. builds the three images (yorisoi: deploy/Dockerfile; PostgreSQL and HAProxy from Debian's packages)
#      through podman-compose, and times the build;
#   2. brings the stack up under a throwaway project name, with generated secrets and a config made from
#      config/examples/yamagata.toml, and times it until GET /readyz answers 200 through HAProxy;
#   3. checks that the instances run as uid 10001 and log in as yorisoi_app (the migrate service, as the
#      owner, has exited 0), and that yorisoi_runtime may not UPDATE or DELETE the audit log;
#   4. sends signed webhooks through HAProxy: answered 200, stored once in the primary, visible on the
#      streaming replica;
#   5. stops one instance: webhooks still answered 200 through HAProxy and stored;
#   6. tears everything down (containers, volumes, network), also on failure.
# The images are built from the last commit (git archive HEAD), so that what is checked is what could
# be shipped; YORISOI_CONTAINERS_SOURCE=worktree builds the working tree instead.
# Exit 0 when every check passed, 1 on a failed check, 77 when podman cannot run here (skip).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${YORISOI_CONTAINERS_CACHE:-/var/cache/yorisoi-containers}
project=yorisoi-ctrtest-$$
work=$(mktemp -d /tmp/yorisoi-containers.XXXXXX)
failures=0

say() { printf 'containers: %s\n' "$*" >&2; }
check() {  # DESCRIPTION COMMAND...: runs the command, counts a failure
  local what=$1
  shift
  if "$@"; then
    say "ok   $what"
  else
    say "FAIL $what"
    failures=$((failures + 1))
  fi
}
now_ms() { date +%s%3N; }

if [ "$(id -u)" != 0 ] || ! command -v podman >/dev/null || ! command -v podman-compose >/dev/null; then
  say "skipped: needs root, podman and podman-compose (apt-get install podman podman-compose runc debootstrap)"
  exit 77
fi

# Sandboxes without CAP_SYS_RESOURCE cannot raise the containers' open-file and process limits to
# podman's defaults, and crun refuses a hybrid cgroup hierarchy: a private containers.conf then
# keeps the limits the shell has and uses runc. An ordinary host needs neither.
probe() { podman run --rm --network none docker.io/library/debian:bookworm true >/dev/null 2>&1; }
"$root/deploy/containers/make-base-image.sh" "$cache"
if [ -z "${CONTAINERS_CONF:-}" ] && ! probe; then
  runtime=crun
  if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ] && command -v runc >/dev/null; then
    runtime=runc
  fi
  nproc=$(ulimit -Hu)
  [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
  printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nruntime = "%s"\n' \
    "$(ulimit -Hn)" "$(ulimit -Hn)" "$nproc" "$nproc" "$runtime" > "$work/containers.conf"
  export CONTAINERS_CONF=$work/containers.conf
  probe || { say "skipped: podman cannot start a container here (runtime $runtime)"; exit 77; }
  say "podman: private containers.conf (runtime $runtime, nofile $(ulimit -Hn), nproc $nproc)"
fi

# The source tree the images are built from, with the compose file in it.
src=$work/src
mkdir -p "$src"
if [ "${YORISOI_CONTAINERS_SOURCE:-head}" = worktree ]; then
  tar -C "$root" --exclude=.git --exclude='./build*' --exclude=node_modules --exclude=./.local -c . | tar -C "$src" -x
else
  git -C "$root" archive HEAD | tar -C "$src" -x
fi
compose=(podman-compose -p "$project" -f "$src/deploy/compose.yaml")

teardown() {
  set +e
  if [ -z "${YORISOI_CONTAINERS_KEEP:-}" ]; then
    # The image's VOLUME gives the migrate container an anonymous volume, which `down -v` does not
    # know: collect every volume of the project's containers first.
    local volumes
    volumes=$(podman ps -a -q --filter "label=io.podman.compose.project=$project" \
      | xargs -r podman inspect --format '{{range .Mounts}}{{if .Name}}{{.Name}} {{end}}{{end}}')
    "${compose[@]}" down -v -t 10 >"$work/down.log" 2>&1
    # shellcheck disable=SC2086
    [ -n "${volumes// /}" ] && podman volume rm -f $volumes >/dev/null 2>&1
    podman network rm -f "${project}_backend" >/dev/null 2>&1
    rm -rf "$work"
  else
    say "kept: project $project, files in $work"
  fi
}
trap teardown EXIT

# Secrets: the folder is private, the files readable by the containers' users (postgres, 10001)
# through their bind mounts.
secrets=$work/secrets
mkdir -m 700 "$secrets"
for name in db_superuser_password db_owner_password db_password db_replication_password; do
  openssl rand -base64 24 | tr -d '\n' > "$secrets/$name"
done
printf '1:%s' "$(openssl rand -base64 32)" > "$secrets/encryption_keys"
openssl rand -base64 32 | tr -d '\n' > "$secrets/pseudonym_pepper"
channel_secret=$(openssl rand -hex 16)
printf '%s' "$channel_secret" > "$secrets/line_channel_secret"
openssl rand -base64 48 | tr -d '\n' > "$secrets/line_channel_access_token"
chmod 644 "$secrets"/*

# The deployment file: the example with its secrets as files and the compose database. Replies go
# nowhere (a closed loopback port inside the container): this test checks intake, not delivery.
sed -e 's|^keys_env = .*|keys_file = "/run/secrets/encryption_keys"|' \
    -e 's|^pepper_env = .*|pepper_file = "/run/secrets/pseudonym_pepper"|' \
    -e 's|^secret_env = .*|secret_file = "/run/secrets/line_channel_secret"|' \
    -e 's|^access_token_env = .*|access_token_file = "/run/secrets/line_channel_access_token"|' \
    -e 's|^url = .*|url = "postgresql://yorisoi_app@db-primary:5432/yorisoi"|' \
    -e 's|^api_base = .*|api_base = "https://127.0.0.1:9"|' \
    -e 's|^data_api_base = .*|data_api_base = "https://127.0.0.1:9"|' \
    "$root/config/examples/yamagata.toml" > "$work/yorisoi.toml"
chmod 644 "$work/yorisoi.toml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
webhook_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export YORISOI_SECRETS_DIR=$secrets YORISOI_CONFIG_FILE=$work/yorisoi.toml YORISOI_HTTP_PORT=$port
export YORISOI_WEBHOOK_PORT=$webhook_port
base=http://127.0.0.1:$port                  # HAProxy's console frontend
webhook_base=http://127.0.0.1:$webhook_port  # HAProxy's webhook frontend

# 1. Build (the layers podman already has are reused: a second run only rebuilds what changed).
# YORISOI_CONTAINERS_BUILD=0 uses the images podman has (localhost/yorisoi, -postgres, -haproxy).
# The build uses the host's network (apt and npm); behind a TLS-intercepting proxy npm needs its CA,
# given as a build secret: YORISOI_BUILD_CA_FILE, else the file node trusts here (NODE_EXTRA_CA_CERTS).
build_args=(--network host)
ca_file=${YORISOI_BUILD_CA_FILE:-${NODE_EXTRA_CA_CERTS:-}}
[ -n "$ca_file" ] && [ -s "$ca_file" ] && build_args+=("--secret id=extra_ca,src=$ca_file")
started=$(now_ms)
if [ "${YORISOI_CONTAINERS_BUILD:-1}" = 0 ]; then
  say "build skipped (YORISOI_CONTAINERS_BUILD=0)"
elif ! "${compose[@]}" --podman-build-args "${build_args[*]}" build >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  say "FAIL image build (log above)"
  exit 1
fi
build_s=$(( ($(now_ms) - started) / 1000 ))
say "images ready in ${build_s} s: $(podman image inspect --format '{{.Size}}' localhost/yorisoi:latest | awk '{printf "yorisoi %.0f MB", $1/1e6}')"

# 2. Up, and ready through HAProxy: /readyz is not served there, but HAProxy forwards only to an
# instance whose /readyz its health check saw answer 200, so /healthz through it answers 200 only then.
started=$(now_ms)
"${compose[@]}" up -d >"$work/up.log" 2>&1 || { tail -n 40 "$work/up.log" >&2; say "FAIL compose up"; exit 1; }
ready=""
for _ in $(seq 1 180); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ]; then
    ready=1
    break
  fi
  # podman-compose 1.0.3 reports a service it could not create on its output, not in its status.
  if [ -z "$(podman ps -a -q --filter "label=io.podman.compose.project=$project")" ]; then
    break
  fi
  sleep 1
done
up_ms=$(( $(now_ms) - started ))
container() { echo "${project}_$1_1"; }
if [ -z "$ready" ]; then
  tail -n 20 "$work/up.log" >&2
  for service in db-primary migrate yorisoi-0 haproxy; do
    say "--- $service"; podman logs --tail 15 "$(container "$service")" >&2 || true
  done
  say "FAIL /readyz through HAProxy did not answer 200 within 180 s"
  exit 1
fi
say "stack up and ready through HAProxy in $((up_ms / 1000)).$(( (up_ms % 1000) / 100 )) s"

primary_sql() { podman exec "$(container db-primary)" psql -X -At -d yorisoi -c "$1"; }
replica_sql() { podman exec "$(container db-replica)" psql -X -At -d yorisoi -c "$1"; }

# 3. Who runs what.
uid_of() { podman exec "$(container "$1")" awk '/^Uid:/ {print $2}' /proc/1/status; }
status_of() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
check "/metrics and /readyz are not served through HAProxy" \
  test "$(status_of "$base/metrics") $(status_of "$base/readyz") $(status_of "$webhook_base/metrics") $(status_of "$webhook_base/readyz")" = "404 404 404 404"
check "webhooks only through the webhook frontend" test "$(status_of "$base/webhook/line/yamagata")" = 404
check "yorisoi-0 runs as uid 10001" test "$(uid_of yorisoi-0)" = 10001
check "yorisoi-1 runs as uid 10001" test "$(uid_of yorisoi-1)" = 10001
check "haproxy does not run as root" test "$(uid_of haproxy)" != 0
check "migrate exited 0" test "$(podman inspect --format '{{.State.ExitCode}} {{.State.Status}}' "$(container migrate)")" = "0 exited"
say "restarts while the stack came up: migrate $(podman inspect --format '{{.RestartCount}}' "$(container migrate)"), yorisoi-0 $(podman inspect --format '{{.RestartCount}}' "$(container yorisoi-0)"), yorisoi-1 $(podman inspect --format '{{.RestartCount}}' "$(container yorisoi-1)") (podman-compose 1.0.3 does not wait for depends_on conditions)"
check "the instances log in as yorisoi_app only" \
  test "$(primary_sql "SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE datname = 'yorisoi' AND backend_type = 'client backend' AND usename <> 'postgres'")" = yorisoi_app
refused() {  # SQL as yorisoi_app (SET ROLE keeps its privileges) must fail on the privilege check
  local out
  out=$(primary_sql "SET ROLE yorisoi_app; $1" 2>&1) && return 1
  grep -q 'permission denied' <<<"$out"
}
check "yorisoi_app may not UPDATE audit_event" refused "UPDATE audit_event SET tenant_id = tenant_id"
check "yorisoi_app may not DELETE audit_event" refused "DELETE FROM audit_event"

# 4. Signed webhooks through HAProxy.
send_webhook() {  # EVENT_ID -> prints the HTTP status
  local id=$1 user body signature
  user=U$(openssl rand -hex 16)
  body=$(printf '{"destination":"U%s","events":[{"type":"message","mode":"active","timestamp":%s,"source":{"type":"user","userId":"%s"},"webhookEventId":"%s","deliveryContext":{"isRedelivery":false},"replyToken":"%s","message":{"id":"%s","type":"text","text":"containers test","quoteToken":"q%s"}}]}' \
    "$(openssl rand -hex 16)" "$(now_ms)" "$user" "$id" "$(openssl rand -hex 16)" "$RANDOM$RANDOM" "$RANDOM")
  signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$channel_secret" -binary | base64)
  curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -H "x-line-signature: $signature" --data-binary "$body" "$webhook_base/webhook/line/yamagata"
}
stored_count() {  # SQL_FUNCTION EVENT_IDS... -> rows in inbox_event with those ids
  local run=$1 list
  shift
  list=$(printf "'%s'," "$@")
  "$run" "SELECT count(*) FROM inbox_event WHERE tenant_id = 'yamagata' AND webhook_event_id IN (${list%,})"
}
wait_for_count() {  # EXPECTED SQL_FUNCTION EVENT_IDS...: true when the count is reached within 15 s
  local expected=$1
  shift
  for _ in $(seq 1 30); do
    [ "$(stored_count "$@" 2>/dev/null)" = "$expected" ] && return 0
    sleep 0.5
  done
  return 1
}

sent=0 acked=0 ids=()
send_batch() {  # COUNT PREFIX
  local i id status
  for i in $(seq 1 "$1"); do
    id=$2-$$-$i
    status=$(send_webhook "$id")
    sent=$((sent + 1))
    if [ "$status" = 200 ]; then
      acked=$((acked + 1))
      ids+=("$id")
    else
      say "webhook $id answered $status"
    fi
  done
}
send_batch 10 both
check "10 webhooks through HAProxy answered 200" test "$acked" = 10
check "each is in the primary once" wait_for_count "${#ids[@]}" primary_sql "${ids[@]}"
check "the streaming replica has them too" wait_for_count "${#ids[@]}" replica_sql "${ids[@]}"
check "the replica is a standby, streaming from the primary" \
  test "$(replica_sql 'SELECT pg_is_in_recovery()')/$(podman exec "$(container db-primary)" psql -X -At -c "SELECT state FROM pg_stat_replication WHERE application_name = 'replica1'")" = "t/streaming"

# 5. One instance stopped: HAProxy takes it out (two failed checks 1 s apart) and the other serves.
podman stop -t 10 "$(container yorisoi-0)" >/dev/null
before=$acked
send_batch 10 one
check "with yorisoi-0 stopped, 10 more webhooks answered 200" test $((acked - before)) = 10
check "every 200'd webhook is in the primary once" wait_for_count "${#ids[@]}" primary_sql "${ids[@]}"
stored=$(stored_count primary_sql "${ids[@]}")

printf 'containers: build %s s, up to ready %s ms, webhooks sent %s, acknowledged %s, stored %s, lost %s, failed checks %s\n' \
  "$build_s" "$up_ms" "$sent" "$acked" "$stored" $((acked - stored)) "$failures"
[ "$failures" = 0 ]
