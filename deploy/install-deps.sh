#!/usr/bin/env bash
# Installs the Debian 12 packages yorisoi needs, only those missing (apt-get runs only when something is).
#   install-deps.sh run    what ./deploy/run-local.sh needs: compilers, libraries, PostgreSQL, Node (simulator)
#                          and npm (the console's pinned packages are copied in at build time)
#   install-deps.sh test   that, plus what ./tests/run.sh needs: clang/libFuzzer, wrk, nginx, pgbench,
#                          Chromium and Japanese fonts (console browser tests), HAProxy (reliability tests:
#                          two instances behind deploy/haproxy/haproxy.cfg)
# Boost comes as the 1.81 packages only; the 1.74 -dev packages conflict with them (DESIGN.md §9).
set -euo pipefail
profile=${1:-run}

run_packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates curl openssl procps
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev
  libpqxx-dev libspdlog-dev libtomlplusplus-dev prometheus-cpp-dev libargon2-dev liboath-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15 nodejs npm
)
test_packages=(
  clang-14 libclang-rt-14-dev wrk nginx-light chromium fonts-noto-cjk haproxy
)

case "$profile" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${run_packages[@]}" "${test_packages[@]}") ;;
  *) echo "install-deps.sh: unknown profile '$profile' (run|test)" >&2; exit 2 ;;
esac

# Node and npm may come from elsewhere (e.g. a nodejs build that bundles npm): a working command is enough.
provided_by_command() {
  case "$1" in
    nodejs) command -v node >/dev/null ;;
    npm) command -v npm >/dev/null ;;
    *) return 1 ;;
  esac
}

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && ! provided_by_command "$p"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: these Debian packages are missing and you are not root: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# The postgresql package would start a system-wide cluster; we run private ones instead.
if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" = 0 ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
