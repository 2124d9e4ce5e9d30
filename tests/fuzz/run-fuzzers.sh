#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for SECONDS (default 30) on its
# seed corpus (tests/fuzz/seeds/<name>, plus the webhook payloads). Exits non-zero on any finding;
# the crashing input is kept in build-fuzz/findings/. Prints executions per fuzzer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-30}
build=build-fuzz
cxx=$(command -v clang++-14 || command -v clang++ || true)
[ -n "$cxx" ] || { echo "run-fuzzers: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }

CXX=$cxx cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYORISOI_FUZZ=ON >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target webhook_fuzz config_fuzz normalize_fuzz api_body_fuzz spool_fuzz \
  stored_event_fuzz

mkdir -p "$build/findings"
status=0
for name in webhook config normalize api_body spool stored_event; do
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  seeds=("tests/fuzz/seeds/$name")
  [ "$name" = webhook ] && seeds=(tests/unit/gateway/payloads)
  log="$build/findings/$name.log"
  if "$build/tests/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$build/findings/$name-" -print_final_stats=1 "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: ${name}_fuzz ran ${runs:-?} inputs in ${seconds} s, no finding"
  else
    status=1
    echo "fuzz: ${name}_fuzz FOUND A PROBLEM (log: $log)" >&2
    tail -n 40 "$log" >&2
  fi
done
exit $status
