#!/usr/bin/env bash
# test.sh — the whole test suite from a fresh machine: installs missing
# Debian packages, configures a Release build in build/, builds with -j2
# and runs every test with ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/deps.sh
source "$root/scripts/deps.sh"
mmulab_install_deps

build="${MMULAB_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j2
cd "$build"
ctest --output-on-failure -j2
