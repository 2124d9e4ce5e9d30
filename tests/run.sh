#!/usr/bin/env bash
# Builds yorisoi and runs every test tier against a private PostgreSQL cluster started here.
#   ./tests/run.sh               plain build: unit, pg, e2e tiers (+ fuzzers for FUZZ_SECONDS each, clang)
#   ./tests/run.sh --sanitize    the same suite in an AddressSanitizer+UBSan build (build-asan/)
#   ./tests/run.sh --tsan        the same suite under ThreadSanitizer (build-tsan/)
# Environment: FUZZ_SECONDS (default 30; 0 skips the fuzzers), CTEST_ARGS (extra ctest arguments),
#              JOBS (parallel build jobs; default: cores).
# Exits non-zero on any failure; the last lines are ctest's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=plain
for arg in "$@"; do
  case "$arg" in
    --sanitize) mode=asan ;;
    --tsan) mode=tsan ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "tests/run.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

./deploy/install-deps.sh test

# npm packages the tests use, pinned by their lockfiles.
for dir in tests/holidays gateway/console tests/support/harness tests/api tests/browser; do
  [ -f "$dir/package-lock.json" ] || continue
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    # A registry outage must not hide the other tests: the check that needs the package is then skipped.
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) \
      || echo "tests/run.sh: WARNING: npm ci failed in $dir; the tests that need it will be skipped" >&2
  fi
done

jobs=${JOBS:-$(nproc)}
case "$mode" in
  plain) build=build; cmake_flags=() ;;
  asan) build=build-asan; cmake_flags=(-DYORISOI_SANITIZE=address) ;;
  tsan) build=build-tsan; cmake_flags=(-DYORISOI_SANITIZE=thread) ;;
esac

started=$(date +%s)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cmake_flags[@]}" >/dev/null
cmake --build "$build" -j "$jobs"
echo "tests/run.sh: build ($mode) took $(( $(date +%s) - started )) s"

pgdir=$(mktemp -d /tmp/yorisoi-test-pg.XXXXXX)
cleanup() {
  "$root/tests/support/pg-cluster.sh" stop "$pgdir" || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
for attempt in 1 2 3; do
  if YORISOI_TEST_PG_URL=$("$root/tests/support/pg-cluster.sh" start "$pgdir"); then break; fi
  [ "$attempt" = 3 ] && { echo "tests/run.sh: could not start PostgreSQL" >&2; exit 1; }
done
export YORISOI_TEST_PG_URL

fuzz_status=0
if [ "$mode" = plain ] && [ "${FUZZ_SECONDS:-30}" != 0 ] && [ -x tests/fuzz/run-fuzzers.sh ]; then
  ./tests/fuzz/run-fuzzers.sh "${FUZZ_SECONDS:-30}" || fuzz_status=$?
fi

labels='unit|pg|e2e'
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
ctest_status=0
# shellcheck disable=SC2086
ctest --test-dir "$build" -L "$labels" --output-on-failure --timeout 600 -j 2 ${CTEST_ARGS:-} \
  | tee "$pgdir/ctest.log" || ctest_status=${PIPESTATUS[0]}
echo "tests/run.sh: $mode run took $(( $(date +%s) - started )) s"
# The reliability table (figures the reliability tests recorded, fuzzer executions); informational only.
if command -v node >/dev/null; then
  node tests/reliability/summary.mjs --log "$build/reliability.jsonl" --fuzz-dir build-fuzz/findings \
    --since "$started" || true
fi
# ctest's summary closes the output, so whoever reads the last lines sees it.
grep -E '^[0-9]+% tests passed' "$pgdir/ctest.log" || true
if [ "$fuzz_status" != 0 ]; then
  echo "tests/run.sh: a fuzzer found a problem (see above)" >&2
  exit "$fuzz_status"
fi
exit "$ctest_status"
