#!/usr/bin/env bash
# test.sh — the whole test suite from a fresh machine: installs missing
# Debian packages, configures a Release build in build/, builds with -j2
# and runs every test with ctest (the hours-long cross-check regression only
# with MMULAB_LONG=1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/deps.sh
source "$root/scripts/deps.sh"
mmulab_install_deps

build="${MMULAB_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j2
cd "$build"
# the long cross-check regression (ctest label cosim_long, hours) runs only
# when asked: MMULAB_LONG=1 scripts/test.sh
if [ "${MMULAB_LONG:-0}" = 1 ]; then
  ctest --output-on-failure -j2
else
  ctest --output-on-failure -j2 -LE cosim_long
fi
