#!/usr/bin/env bash
# One benchmark run on this machine, everything on loopback, printing one table:
#   a. yorisoi's LINE webhook with durable commits (closed loop at 1, 16, 256 connections, then a fixed
#      rate at half of its best) + its memory + a check that every 200'd event is in inbox_event;
#   b. nginx answering a static `return 200` to the same requests (the machine's HTTP ceiling);
#   c. PostgreSQL's own ceiling for the same rows with pgbench (50-row INSERT and 1-row INSERT per
#      transaction, synchronous_commit on);
# then the ratios and the issue's goals, met or not.
#
# Environment: BUILD_DIR (default build/, relative to the repository), BENCH_SECONDS (measured seconds per
# run, default 10), BENCH_WARMUP (default 1), BENCH_OUT (also write the table there),
# BENCH_SKIP_YORISOI=1 (only b and c, e.g. before the server exists),
# BENCH_SOAK_MINUTES=M (the soak instead of b and c: after the closed-loop runs, M minutes at half of the
# best rate in 30 s slices, printing p50/p99, events/s and yorisoi's memory per slice, then the durability
# check over everything sent; BENCH_SOAK_RATE=R fixes the rate instead).
# Takes about 3 minutes with the defaults. Exits non-zero if a tool is missing or a step fails.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-build}
[[ $build = /* ]] || build=$repo/$build
seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP:-1}
skip_yorisoi=${BENCH_SKIP_YORISOI:-0}
soak_minutes=${BENCH_SOAK_MINUTES:-0}
[[ $soak_minutes =~ ^[0-9]+$ ]] || { echo "webhook-bench: BENCH_SOAK_MINUTES must be whole minutes" >&2; exit 1; }
connection_counts=(1 16 256)

die() { echo "webhook-bench: $*" >&2; exit 1; }
say() { echo "webhook-bench: $*" >&2; }

# ── Tools ────────────────────────────────────────────────────────────────────────────────────────────
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
missing=()
[[ -n $pg_bin && -x $pg_bin/pgbench && -x $pg_bin/postgres ]] || missing+=("pgbench and the server (Debian: apt-get install postgresql-15; pgbench ships in the server package)")
[[ -n $pg_bin && -x $pg_bin/psql ]] || missing+=("psql (Debian: apt-get install postgresql-client-15)")
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=("nginx (Debian: apt-get install nginx)")
command -v wrk >/dev/null || missing+=("wrk (Debian: apt-get install wrk)")
command -v curl >/dev/null || missing+=("curl (Debian: apt-get install curl)")
if ((${#missing[@]} > 0)); then
  printf 'webhook-bench: missing: %s\n' "${missing[@]}" >&2
  exit 1
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
psql=$pg_bin/psql
pgbench=$pg_bin/pgbench

load=$build/tests/bench/webhook_load
[[ -x $load ]] || die "$load not found: build first (cmake -S . -B ${BUILD_DIR:-build} -G Ninja && ninja -C ${BUILD_DIR:-build} webhook_load yorisoi)"
yorisoi=""
if [[ $skip_yorisoi != 1 ]]; then
  yorisoi=$(find "$build" -type f -name yorisoi -perm -u+x 2>/dev/null | head -n 1)
  [[ -n $yorisoi ]] || die "no yorisoi executable under $build: build it first (ninja -C ${BUILD_DIR:-build} yorisoi), or set BENCH_SKIP_YORISOI=1"
fi

# ── Scratch space and clean-up ──────────────────────────────────────────────────────────────────────
work=$(mktemp -d /tmp/yorisoi-bench.XXXXXX)
chmod 755 "$work"  # the cluster runs as 'postgres' when we are root
pg_dir=$work/pg
yorisoi_pid=""
nginx_pid=""
cleanup() {
  local rc=$?
  if [[ -n $yorisoi_pid ]]; then kill -TERM "$yorisoi_pid" 2>/dev/null && wait "$yorisoi_pid" 2>/dev/null || true; fi
  if [[ -n $nginx_pid ]]; then kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true; fi
  "$repo/tests/support/pg-cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(shuf -i 20000-60999 -n 1)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  die "no free port found"
}

# Field of the one-line JSON summary that webhook_load --json prints (numbers and nested latency keys).
json_num() { grep -o "\"$2\":[0-9.]*" <<<"$1" | head -n 1 | cut -d: -f2; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else printf "%.0f", v }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else printf "%.2f", v / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
max_of() { printf '%s\n' "$@" | grep -v '^$' | sort -g | tail -n 1; }

run_load() {  # run_load PORT LABEL [webhook_load options...] → JSON line on stdout
  local port=$1 label=$2
  shift 2
  say "$label"
  "$load" --target "127.0.0.1:$port" --secret "$YAMAGATA_LINE_CHANNEL_SECRET" --duration "$seconds" \
    --warmup "$warmup" --json "$@"
}

export YAMAGATA_LINE_CHANNEL_SECRET=${YAMAGATA_LINE_CHANNEL_SECRET:-$(head -c 24 /dev/urandom | base64)}
export YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN=${YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN:-bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}

# ── PostgreSQL ───────────────────────────────────────────────────────────────────────────────────────
say "starting a private PostgreSQL cluster"
admin_url=$("$repo/tests/support/pg-cluster.sh" start "$pg_dir")
db_url() { sed "s#/postgres?#/$1?#" <<<"$admin_url"; }
sql() { "$psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
sql "$admin_url" -c "CREATE DATABASE yorisoi" -c "CREATE DATABASE bench_scratch"

declare -A y_eps y_p50 y_p99 n_rps n_p50 n_p99 pg50 pg1
fixed_rate="" fixed_p99="" fixed_eps="" fixed_conns=""
rss_before="" hwm_before="" rss_after="" hwm_after=""
acked_total=0 stored_total="" missing_acked="" y_bad=0

# ── a. yorisoi ──────────────────────────────────────────────────────────────────────────────────────
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
if [[ $skip_yorisoi != 1 ]]; then
  export YORISOI_DATABASE_URL
  YORISOI_DATABASE_URL=$(db_url yorisoi)
  export YORISOI_LISTEN=127.0.0.1:$(free_port)
  export YORISOI_ENCRYPTION_KEYS="1:$(head -c 32 /dev/urandom | base64)"
  export YORISOI_PSEUDONYM_PEPPER=$(head -c 32 /dev/urandom | base64)
  export YORISOI_SPOOL_DIR=$work/spool  # the webhook spool (used only if PostgreSQL stalls)
  say "starting yorisoi on $YORISOI_LISTEN"
  "$yorisoi" serve --config "$repo/config/examples/yamagata.toml" --port-file "$work/yorisoi.port" \
    >"$work/yorisoi.log" 2>&1 &
  yorisoi_pid=$!
  y_port=${YORISOI_LISTEN##*:}
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$y_port/readyz" 2>/dev/null; then break; fi
    kill -0 "$yorisoi_pid" 2>/dev/null || { tail -n 30 "$work/yorisoi.log" >&2; die "yorisoi exited during start-up"; }
    sleep 0.1
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$y_port/readyz" || { tail -n 30 "$work/yorisoi.log" >&2; die "yorisoi not ready after 60 s"; }
  rss_before=$(status_kb "$yorisoi_pid" VmRSS)
  hwm_before=$(status_kb "$yorisoi_pid" VmHWM)

  for c in "${connection_counts[@]}"; do
    sql "$(db_url yorisoi)" -c "CHECKPOINT"
    out=$(run_load "$y_port" "yorisoi, closed loop, $c connection(s)" --connections "$c" \
      --id-prefix "bench-c$c-" --acked-file "$work/acked-c$c.txt")
    y_eps[$c]=$(json_num "$out" events_per_s)
    y_p50[$c]=$(json_num "$out" p50)
    y_p99[$c]=$(json_num "$out" p99)
    y_bad=$((y_bad + $(json_num "$out" status_4xx) + $(json_num "$out" status_5xx) + $(json_num "$out" errors)))
    echo "$out" >>"$work/raw.jsonl"
  done
  best_eps=$(max_of "${y_eps[@]}")
  best_conns=1
  for c in "${connection_counts[@]}"; do [[ ${y_eps[$c]} == "$best_eps" ]] && best_conns=$c; done
  fixed_rate=$(awk -v r="$best_eps" 'BEGIN { printf "%.0f", r / 2 }')
  fixed_conns=$((best_conns < 16 ? 16 : best_conns))
  if ((soak_minutes > 0)); then
    soak_rate=${BENCH_SOAK_RATE:-$fixed_rate}
    soak_rss_start=$(status_kb "$yorisoi_pid" VmRSS)
    printf '%-8s %12s %10s %10s %10s %10s\n' "minute" "events/s" "p50 ms" "p99 ms" "non-200" "RSS MiB" >"$work/soak.txt"
    for ((slice = 1; slice <= soak_minutes * 2; slice++)); do
      out=$("$load" --target "127.0.0.1:$y_port" --secret "$YAMAGATA_LINE_CHANNEL_SECRET" --duration 30 --json \
        --connections "$fixed_conns" --rate "$soak_rate" --id-prefix "soak-$slice-" --acked-file "$work/acked-soak-$slice.txt")
      bad=$(($(json_num "$out" status_4xx) + $(json_num "$out" status_5xx) + $(json_num "$out" errors)))
      y_bad=$((y_bad + bad))
      printf '%-8s %12s %10s %10s %10s %10s\n' "$(awk -v s="$slice" 'BEGIN { printf "%.1f", s / 2 }')" \
        "$(fmt "$(json_num "$out" events_per_s)")" "$(fmt_ms "$(json_num "$out" p50)")" \
        "$(fmt_ms "$(json_num "$out" p99)")" "$bad" "$(($(status_kb "$yorisoi_pid" VmRSS) / 1024))" | tee -a "$work/soak.txt" >&2
      echo "$out" >>"$work/raw.jsonl"
    done
  elif awk -v r="$fixed_rate" 'BEGIN { exit !(r >= 1) }'; then
    sql "$(db_url yorisoi)" -c "CHECKPOINT"
    out=$(run_load "$y_port" "yorisoi, fixed rate $fixed_rate/s over $fixed_conns connections" \
      --connections "$fixed_conns" --rate "$fixed_rate" --id-prefix "bench-fixed-" --acked-file "$work/acked-fixed.txt")
    fixed_p99=$(json_num "$out" p99)
    fixed_eps=$(json_num "$out" events_per_s)
    y_bad=$((y_bad + $(json_num "$out" status_4xx) + $(json_num "$out" status_5xx) + $(json_num "$out" errors)))
    echo "$out" >>"$work/raw.jsonl"
  fi
  rss_after=$(status_kb "$yorisoi_pid" VmRSS)
  hwm_after=$(status_kb "$yorisoi_pid" VmHWM)

  # Every event answered 200 must be a row; compare counts and look for any acked id without a row.
  cat "$work"/acked-*.txt >"$work/acked-all.txt"
  acked_total=$(wc -l <"$work/acked-all.txt")
  stored_total=$(sql "$(db_url yorisoi)" -c "SELECT count(*) FROM inbox_event")
  missing_acked=$(sql "$(db_url yorisoi)" \
    -c "CREATE TEMP TABLE acked (webhook_event_id text)" \
    -c "\\copy acked FROM '$work/acked-all.txt'" \
    -c "SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM inbox_event e WHERE e.webhook_event_id = a.webhook_event_id)")

  kill -TERM "$yorisoi_pid"
  wait "$yorisoi_pid" || say "yorisoi exited with status $? after SIGTERM"
  yorisoi_pid=""
  if ((soak_minutes > 0)); then
    {
      echo "yorisoi webhook soak — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
      echo "$soak_minutes min at $soak_rate events/s (half of the best closed-loop rate $(fmt "$best_eps")/s unless BENCH_SOAK_RATE) over $fixed_conns connections, 30 s slices"
      cat "$work/soak.txt"
      echo "yorisoi memory: VmRSS $((soak_rss_start / 1024)) MiB at the soak's start → $((rss_after / 1024)) MiB at its end (VmHWM $((hwm_after / 1024)) MiB)"
      echo "durability: $acked_total events answered 200, $stored_total rows in inbox_event, $missing_acked acked ids missing; non-200 answers or errors: $y_bad"
    } >"$work/table.txt"
    cat "$work/table.txt"
    if [[ -n ${BENCH_OUT:-} ]]; then cp "$work/table.txt" "$BENCH_OUT"; fi
    exit 0
  fi
fi

# ── b. nginx static 200 ─────────────────────────────────────────────────────────────────────────────
n_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$n_port;
    location / { return 200; }
  }
}
EOF
say "starting nginx on 127.0.0.1:$n_port"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" &
nginx_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$n_port/" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx/logs/error.log" >&2; die "nginx did not start"; }
  sleep 0.1
done
for c in "${connection_counts[@]}"; do
  out=$(run_load "$n_port" "nginx, closed loop, $c connection(s)" --connections "$c" --id-prefix "nginx-c$c-")
  n_rps[$c]=$(json_num "$out" ok_requests_per_s)
  n_p50[$c]=$(json_num "$out" p50)
  n_p99[$c]=$(json_num "$out" p99)
  echo "$out" >>"$work/raw.jsonl"
done
# Cross-check that the generator is not what limits nginx: wrk (GET, no body) at 16 connections.
say "wrk against nginx, 16 connections (generator cross-check)"
wrk_rps=$(wrk -t 1 -c 16 -d "${seconds}s" "http://127.0.0.1:$n_port/" 2>/dev/null | awk '/^Requests\/sec:/ { print $2 }')
kill -QUIT "$nginx_pid"
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=""

# ── c. pgbench, same rows ───────────────────────────────────────────────────────────────────────────
# A copy of inbox_event's shape (kept here, not read from the migrations, so this runs on its own).
scratch=$(db_url bench_scratch)
sql "$scratch" <<'SQL'
ALTER DATABASE bench_scratch SET synchronous_commit = on;
CREATE TABLE inbox_event (
  tenant_id        text        NOT NULL,
  event_id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  seq              bigint      GENERATED ALWAYS AS IDENTITY,
  webhook_event_id text        NOT NULL,
  channel_key      text        NOT NULL,
  event_type       text        NOT NULL,
  mode             text        NOT NULL CHECK (mode IN ('active', 'standby')),
  occurred_at      timestamptz NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now(),
  redelivery       boolean     NOT NULL DEFAULT false,
  pseudonym        bytea,
  payload          bytea       NOT NULL,
  key_id           integer     NOT NULL,
  processed_at     timestamptz,
  process_error    text,
  PRIMARY KEY (tenant_id, event_id),
  UNIQUE (tenant_id, webhook_event_id)
);
CREATE INDEX inbox_event_unprocessed ON inbox_event (seq) WHERE processed_at IS NULL;
SQL

hex_bytes() { head -c "$1" /dev/urandom | od -An -tx1 -v | tr -d ' \n'; }
write_pgbench_script() {  # write_pgbench_script ROWS FILE
  local rows=$1 file=$2 k sep
  {
    echo '\set id random(1, 1000000000000000)'
    echo 'INSERT INTO inbox_event (tenant_id, webhook_event_id, channel_key, event_type, mode, occurred_at, redelivery, pseudonym, payload, key_id) VALUES'
    for ((k = 1; k <= rows; k++)); do
      sep=","; ((k == rows)) && sep=""
      printf "('yamagata', 'pgb-' || :client_id::text || '-' || :id::text || '-%d', 'yamagata', 'message', 'active', now(), false, '\\\\x%s'::bytea, '\\\\x%s'::bytea, 1)%s\n" \
        "$k" "$(hex_bytes 32)" "$(hex_bytes 300)" "$sep"
    done
    echo 'ON CONFLICT (tenant_id, webhook_event_id) DO NOTHING;'
  } >"$file"
}
write_pgbench_script 50 "$work/insert50.sql"
write_pgbench_script 1 "$work/insert1.sql"

run_pgbench() {  # run_pgbench ROWS CLIENTS → rows/s
  local rows=$1 clients=$2 threads tps
  threads=$((clients < 2 ? clients : 2))
  sql "$scratch" -c "TRUNCATE inbox_event" -c "CHECKPOINT"
  say "pgbench, $rows row(s) per transaction, $clients client(s)"
  tps=$("$pgbench" -n -M prepared -c "$clients" -j "$threads" -T "$seconds" -f "$work/insert$rows.sql" "$scratch" 2>"$work/pgbench.err" \
    | awk '/^tps = / { print $3 }') || { cat "$work/pgbench.err" >&2; die "pgbench failed"; }
  [[ -n $tps ]] || { cat "$work/pgbench.err" >&2; die "pgbench printed no tps"; }
  awk -v t="$tps" -v r="$rows" 'BEGIN { printf "%.1f", t * r }'
}
for c in "${connection_counts[@]}"; do
  pg50[$c]=$(run_pgbench 50 "$c")
  pg1[$c]=$(run_pgbench 1 "$c")
done

"$repo/tests/support/pg-cluster.sh" stop "$pg_dir" >/dev/null

# ── The table ───────────────────────────────────────────────────────────────────────────────────────
met() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "NOT met"; fi; }
{
  echo "yorisoi webhook benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "each run: ${warmup} s warmup + ${seconds} s measured; client, servers and PostgreSQL (fsync on, synchronous_commit on) on one machine"
  echo
  printf '%-34s %12s %12s %12s\n' "" "1 conn" "16 conns" "256 conns"
  row() {  # row LABEL ARRAY-NAME FORMATTER
    local -n values=$2
    printf '%-34s' "$1"
    for c in "${connection_counts[@]}"; do printf ' %12s' "$($3 "${values[$c]:-}")"; done
    echo
  }
  if [[ $skip_yorisoi != 1 ]]; then
    row "yorisoi events/s (200, durable)" y_eps fmt
    row "yorisoi p50 ms" y_p50 fmt_ms
    row "yorisoi p99 ms" y_p99 fmt_ms
  fi
  row "nginx return 200, requests/s" n_rps fmt
  row "nginx p50 ms" n_p50 fmt_ms
  row "nginx p99 ms" n_p99 fmt_ms
  row "pgbench 50-row INSERT, rows/s" pg50 fmt
  row "pgbench 1-row INSERT, rows/s" pg1 fmt
  if [[ $skip_yorisoi != 1 ]]; then
    declare -A r_nginx r_pg
    for c in "${connection_counts[@]}"; do
      r_nginx[$c]=$(ratio "${y_eps[$c]}" "${n_rps[$c]}")
      r_pg[$c]=$(ratio "${y_eps[$c]}" "${pg50[$c]}")
    done
    row "ratio yorisoi / nginx" r_nginx echo
    row "ratio yorisoi / pgbench 50-row" r_pg echo
  fi
  echo
  echo "wrk GET against the same nginx, 16 conns: $(fmt "$wrk_rps") requests/s (generator cross-check)"
  if [[ $skip_yorisoi != 1 ]]; then
    best_n=$(max_of "${n_rps[@]}")
    best_pg=$(max_of "${pg50[@]}")
    echo "yorisoi fixed rate $fixed_rate/s (half of its best, $fixed_conns conns): achieved $(fmt "$fixed_eps") events/s, p99 $(fmt_ms "$fixed_p99") ms"
    echo "yorisoi memory: VmRSS $((rss_before / 1024)) MiB → $((rss_after / 1024)) MiB, VmHWM $((hwm_before / 1024)) MiB → $((hwm_after / 1024)) MiB"
    echo "durability: $acked_total events answered 200, $stored_total rows in inbox_event, $missing_acked acked ids missing; non-200 answers or errors: $y_bad"
    echo
    echo "goals (best over connection counts):"
    echo "  yorisoi ≥ 0.5 × nginx:            $(ratio "$best_eps" "$best_n")  $(met "$best_eps >= 0.5 * $best_n")"
    echo "  yorisoi ≥ 0.5 × pgbench 50-row:   $(ratio "$best_eps" "$best_pg")  $(met "$best_eps >= 0.5 * $best_pg")"
    echo "  p99 < 20 ms at half of max rate:  $(fmt_ms "$fixed_p99") ms  $(met "${fixed_p99:-999999999} < 20000")"
    echo "  every 200'd event stored:         $(met "${missing_acked:-1} == 0 && ${stored_total:-0} == $acked_total")"
  fi
} >"$work/table.txt"
cat "$work/table.txt"
if [[ -n ${BENCH_OUT:-} ]]; then
  cp "$work/table.txt" "$BENCH_OUT"
  cp "$work/raw.jsonl" "${BENCH_OUT}.jsonl"
fi
