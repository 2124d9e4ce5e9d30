#!/usr/bin/env bash
# The report benchmark: builds a synthetic history in a scratch PostgreSQL cluster with a bulk
# loader (tests/bench/report-load.sql: generate_series inside the server, triggers off), then times the
# main report for one tenant-year and for every tenant's year, and prints the figures.
#
# Environment: BUILD_DIR (default build/, relative to the repository), BENCH_TENANTS (20),
# BENCH_CONSULTATIONS (1000000), BENCH_MESSAGES (message rows per consultation, 10), BENCH_YEAR (2023).
# With the defaults the load takes several minutes and about 3 GB of disk under /tmp; the cluster is
# stopped and removed at the end. Not a ctest test. Exits non-zero if a tool is missing or a step fails.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-build}
[[ $build = /* ]] || build=$repo/$build
tenants=${BENCH_TENANTS:-20}
consultations=${BENCH_CONSULTATIONS:-1000000}
messages=${BENCH_MESSAGES:-10}
year=${BENCH_YEAR:-2023}

say() { echo "report-bench: $*" >&2; }
die() { say "$*"; exit 1; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[[ -n $pg_bin && -x $pg_bin/psql ]] || die "psql not found (Debian: apt-get install postgresql-15)"
timer=$build/tests/bench/report_bench
[[ -x $timer ]] || die "$timer not found: build it first (ninja -C ${BUILD_DIR:-build} report_bench)"

work=$(mktemp -d /tmp/yorisoi-report-bench.XXXXXX)
chmod 755 "$work"  # the cluster runs as 'postgres' when we are root
cleanup() {
  "$repo/tests/support/pg-cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

admin=$("$repo/tests/support/pg-cluster.sh" start "$work/pg" | tail -n 1)
url=${admin/\/postgres\?/\/report_bench?}
"$pg_bin/psql" -X -q -d "$admin" -c "CREATE DATABASE report_bench" >/dev/null

"$timer" --url "$url" --migrate
say "loading $consultations consultations, $((consultations * messages)) messages, $tenants tenants, 3 years"
start=$(date +%s)
"$pg_bin/psql" -X -q -d "$url" -v tenants="$tenants" -v consultations="$consultations" -v messages="$messages" \
  -f "$repo/tests/bench/report-load.sql" >/dev/null
"$pg_bin/psql" -X -q -d "$url" -c "VACUUM ANALYZE" >/dev/null
loaded=$(( $(date +%s) - start ))
sizes=$("$pg_bin/psql" -X -A -t -d "$url" -c "SELECT (SELECT count(*) FROM consultation) || ' consultations, ' ||
  (SELECT count(*) FROM message) || ' message rows, ' || (SELECT count(*) FROM consultation_category) ||
  ' category rows, ' || (SELECT count(*) FROM referral) || ' referrals; database ' ||
  pg_size_pretty(pg_database_size(current_database()))")
echo "history: $sizes (loaded in ${loaded} s)"
"$timer" --url "$url" --tenants "$tenants" --year "$year"
