#!/usr/bin/env bash
# run.sh — the main job from a fresh machine: installs missing Debian
# packages, builds mmulab (Release, build/) and runs the model with the
# skylake preset on a bundled real trace (an sqlite3 query captured with
# scripts/capture.sh, traces/data/README.md), printing the report. Extra
# arguments go to `mmulab run` (e.g. --preset zen2, --json). Then it runs the
# RTL MMU (the skylake preset as the RTL builds it: its two walkers, 8 merge
# slots) and the model in lockstep on the first 5 M records of the same
# trace (MMULAB_COSIM_RECORDS=0: all of it) and prints the agreement line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/deps.sh
source "$root/scripts/deps.sh"
mmulab_install_deps

build="${MMULAB_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target mmulab >/dev/null
"$build/mmulab" run --preset skylake "$@" "$root/traces/data/sqlite3.mmt"
# and the RTL against the model, in lockstep on the same trace (docs/rtl.md):
# the agreement line counts the translations compared and the mismatches
echo
exec "$build/mmulab" cosim --preset skylake --set walker.merge_slots=8 \
  --max-records "${MMULAB_COSIM_RECORDS:-5000000}" "$root/traces/data/sqlite3.mmt"
