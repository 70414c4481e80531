#!/usr/bin/env bash
# run.sh — the main job from a fresh machine: installs missing Debian
# packages, builds mmulab (Release, build/) and runs the model with the
# skylake preset on a bundled real trace (an sqlite3 query captured with
# scripts/capture.sh, traces/data/README.md), printing the report. Extra
# arguments go to `mmulab run` (e.g. --preset zen2, --json).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/deps.sh
source "$root/scripts/deps.sh"
mmulab_install_deps

build="${MMULAB_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target mmulab >/dev/null
exec "$build/mmulab" run --preset skylake "$@" "$root/traces/data/sqlite3.mmt"
