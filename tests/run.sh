#!/usr/bin/env bash
# Builds yorisoi and runs the test tiers against a private PostgreSQL cluster started here.
#   ./tests/run.sh             what CI runs, three phases: plain (unit, pg, e2e tiers + the fuzzers for
#                              FUZZ_SECONDS each), then the unit and gateway tiers under AddressSanitizer+UBSan,
#                              then the gateway tier under ThreadSanitizer; each sanitizer build compiles only
#                              the executables its tiers run
#   ./tests/run.sh --plain     the plain phase alone (the quick loop)
#   ./tests/run.sh --sanitize  the unit, pg and e2e tiers under ASan+UBSan
#   ./tests/run.sh --tsan      the unit, pg and e2e tiers under TSan
# Build folders build/, build-asan/, build-tsan/ (YORISOI_BUILD_DIR, YORISOI_ASAN_BUILD_DIR and
# YORISOI_TSAN_BUILD_DIR move them). Environment: FUZZ_SECONDS (default 30; 0 skips the fuzzers),
# CTEST_ARGS (extra ctest arguments), JOBS (parallel build jobs; default: cores).
# The last lines are one summary per phase, then their sum in ctest's format (a phase that could not
# build, or a fuzzer finding, counts as one failed test). Exits non-zero if anything failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=ci
for arg in "$@"; do
  case "$arg" in
    --plain) mode=plain ;;
    --sanitize) mode=asan ;;
    --tsan) mode=tsan ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "tests/run.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

plain_build=${YORISOI_BUILD_DIR:-build}
asan_build=${YORISOI_ASAN_BUILD_DIR:-build-asan}
tsan_build=${YORISOI_TSAN_BUILD_DIR:-build-tsan}
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-30}
run_started=$(date +%s)

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

pgdir=$(mktemp -d /tmp/yorisoi-test-pg.XXXXXX)
# shellcheck disable=SC2317  # called by the trap
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

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}

# One line per phase for the closing summary, and the counts they add up to.
phase_lines=()
sum_total=0
sum_failed=0
any_failure=0

# The C++ executables behind the tests that match a label expression, named as their CMake targets, read
# from a build where every test has been discovered (tests of Node scripts, label node, are left out:
# a sanitizer build changes nothing for them).
label_targets() {  # build_dir label_regex
  ctest --test-dir "$1" -N -L "$2" -LE node --show-only=json-v1 | node -e '
    const path = require("node:path");
    const build = path.resolve(process.argv[1]);
    const tests = JSON.parse(require("node:fs").readFileSync(0, "utf8")).tests;
    const targets = new Set();
    for (const test of tests) {
      const exe = (test.command || [])[0];
      if (!exe) continue;
      const name = path.basename(exe);
      // gtest_discover_tests registers <target>_NOT_BUILT until the executable exists.
      if (name.endsWith("_NOT_BUILT")) targets.add(name.slice(0, -"_NOT_BUILT".length));
      else if (exe.startsWith(build + path.sep)) targets.add(name);
    }
    console.log([...targets].sort().join(" "));' "$1"
}

# Runs one phase: configure, build (everything, or only the named targets), ctest on the labels.
# Appends its summary to phase_lines and its counts to the sums; never exits the script.
run_phase() {  # name build_dir label_regex exclude_regex cmake_flags targets
  local name=$1 dir=$2 labels=$3 exclude=$4 flags=$5 targets=$6
  local started build_s test_s log line status=0 fuzz_line=''
  local -a target_args=() exclude_args=()
  started=$(date +%s)
  if [ -n "$targets" ]; then
    read -ra target_args <<<"$targets"
    target_args=(--target "${target_args[@]}")
  fi
  [ -n "$exclude" ] && exclude_args=(-LE "$exclude")
  echo "tests/run.sh: phase $name: building ${targets:-everything} in $dir"
  # shellcheck disable=SC2086
  if ! cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $flags >/dev/null \
      || ! cmake --build "$dir" -j "$jobs" "${target_args[@]}"; then
    phase_lines+=("tests/run.sh: phase $name: BUILD FAILED after $(( $(date +%s) - started )) s")
    sum_failed=$((sum_failed + 1)); sum_total=$((sum_total + 1)); any_failure=1
    return 0
  fi
  build_s=$(( $(date +%s) - started ))
  echo "tests/run.sh: phase $name: build took $build_s s"

  if [ "$name" = plain ] && [ "$fuzz_seconds" != 0 ] && [ -x tests/fuzz/run-fuzzers.sh ]; then
    local fuzz_started
    fuzz_started=$(date +%s)
    if ./tests/fuzz/run-fuzzers.sh "$fuzz_seconds"; then
      fuzz_line="no finding"
    else
      echo "tests/run.sh: a fuzzer found a problem (see above)" >&2
      fuzz_line="A FUZZER FOUND A PROBLEM"
      sum_failed=$((sum_failed + 1)); sum_total=$((sum_total + 1)); any_failure=1
    fi
    fuzz_line="tests/run.sh: phase $name, fuzzers: $fuzz_line; $fuzz_seconds s each, $(( $(date +%s) - fuzz_started )) s with their build"
  fi

  started=$(date +%s)
  log="$pgdir/ctest-$name.log"
  # shellcheck disable=SC2086
  ctest --test-dir "$dir" -L "$labels" "${exclude_args[@]}" --no-tests=error --output-on-failure \
    --timeout 600 -j 2 ${CTEST_ARGS:-} | tee "$log" || status=${PIPESTATUS[0]}
  test_s=$(( $(date +%s) - started ))
  echo "tests/run.sh: phase $name: tests took $test_s s"
  [ "$status" = 0 ] || any_failure=1
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [ -z "$line" ]; then
    line="no ctest summary (ctest exit status $status)"
    sum_failed=$((sum_failed + 1)); sum_total=$((sum_total + 1)); any_failure=1
  else
    sum_failed=$((sum_failed + $(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")))
    sum_total=$((sum_total + $(sed -E 's/.* out of ([0-9]+)$/\1/' <<<"$line")))
  fi
  phase_lines+=("tests/run.sh: phase $name (-L '$labels'${exclude:+ -LE $exclude}): $line; build $build_s s, tests $test_s s")
  [ -z "$fuzz_line" ] || phase_lines+=("$fuzz_line")
}

# A sanitizer phase of the CI run whose targets could not be read counts as failed rather than
# silently building everything or nothing.
no_targets() {  # name
  phase_lines+=("tests/run.sh: phase $1: no test targets found in $plain_build (did its build fail?)")
  sum_failed=$((sum_failed + 1)); sum_total=$((sum_total + 1)); any_failure=1
}

case "$mode" in
  ci|plain)
    run_phase plain "$plain_build" 'unit|pg|e2e' '' '' ''
    # The reliability table (figures the reliability tests recorded, fuzzer executions); informational only.
    if command -v node >/dev/null; then
      node tests/reliability/summary.mjs --log "$plain_build/reliability.jsonl" --fuzz-dir build-fuzz/findings \
        --since "$run_started" || true
    fi
    ;;
  asan) run_phase asan "$asan_build" 'unit|pg|e2e' node '-DYORISOI_SANITIZE=address' '' ;;
  tsan) run_phase tsan "$tsan_build" 'unit|pg|e2e' node '-DYORISOI_SANITIZE=thread' '' ;;
esac

if [ "$mode" = ci ]; then
  # CI's time budget (30 minutes on 2 cores) holds two more builds only if they compile what they run:
  # the unit and gateway tiers under ASan+UBSan, the gateway tier (its spool and server threads, and the
  # e2e tests whose server is then a TSan build) under TSan. The plain build knows every test's target.
  asan_targets=$(label_targets "$plain_build" 'unit|gateway' || true)
  tsan_targets=$(label_targets "$plain_build" 'gateway' || true)
  if [ -n "$asan_targets" ]; then
    run_phase asan "$asan_build" 'unit|gateway' node '-DYORISOI_SANITIZE=address' "$asan_targets"
  else
    no_targets asan
  fi
  if [ -n "$tsan_targets" ]; then
    run_phase tsan "$tsan_build" 'gateway' node '-DYORISOI_SANITIZE=thread' "$tsan_targets"
  else
    no_targets tsan
  fi
fi

# The summaries close the output, so whoever reads the last lines sees them; the last is their sum in
# ctest's own format (ctest rounds, and never shows 100% while a test failed).
echo
echo "tests/run.sh: $mode run took $(( $(date +%s) - run_started )) s"
printf '%s\n' "${phase_lines[@]}"
percent=100
if [ "$sum_total" -gt 0 ]; then
  percent=$(( ((sum_total - sum_failed) * 200 + sum_total) / (2 * sum_total) ))
  [ "$sum_failed" -gt 0 ] && [ "$percent" -gt 99 ] && percent=99
fi
echo "$percent% tests passed, $sum_failed tests failed out of $sum_total"
exit "$any_failure"
