#!/usr/bin/env bash
# Console fan-out benchmark: N console WebSocket sessions open while residents write; prints the
# delay from each webhook's 200 to the event on every console (p50/p99) at N = 100 and 1,000 and the
# server's memory. Starts its own PostgreSQL cluster, fake LINE platform and yorisoi (tests/support/harness).
#
# Environment: BUILD_DIR (default build/), BENCH_SOCKETS (default 100,1000), BENCH_WEBHOOKS (default 200),
# BENCH_SESSIONS (login sessions the sockets share, default 20).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-build}
[[ $build = /* ]] || build=$repo/$build
[[ -x $build/gateway/yorisoi ]] || { echo "console-ws-bench: build yorisoi first ($build/gateway/yorisoi)" >&2; exit 1; }
(cd "$repo/tests/bench/console-ws" && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)

pgdir=$(mktemp -d /tmp/yorisoi-bench-pg.XXXXXX)
trap '"$repo/tests/support/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
YORISOI_TEST_PG_URL=$("$repo/tests/support/pg-cluster.sh" start "$pgdir")
export YORISOI_TEST_PG_URL YORISOI_BIN=$build/gateway/yorisoi
# ulimit: 1,000 sockets on each side of loopback.
ulimit -n 8192 2>/dev/null || true
node "$repo/tests/bench/console-ws/bench.mjs" --sockets "${BENCH_SOCKETS:-100,1000}" \
  --webhooks "${BENCH_WEBHOOKS:-200}" --sessions "${BENCH_SESSIONS:-20}"
