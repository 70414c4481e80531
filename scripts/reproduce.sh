#!/usr/bin/env bash
# reproduce.sh — regenerates the study in results/ from scratch: every CSV
# and every figure that docs/results.md shows, on the bundled real traces
# (traces/data/*.mmt). Installs what is missing (scripts/deps.sh), builds
# mmulab, the lockstep harness and the area flow, then runs:
#   results/specs/*.json      grid sweeps (mmulab sweep SPEC): presets,
#                             walk-cache designs, 4 KiB vs huge pages
#   tlb-size/                 one-pass TLB-size curves, 4 KiB and 2 MiB pages
#   agreement/                RTL vs model in lockstep, every RTL shape, on
#                             every bundled trace and on seeded random runs
#   area/                     Yosys cells and flip-flops of the L2 TLB sizes,
#                             joined with their miss rates
#   figures/                  scripts/plot.sh over all of the above
#   summary.md                the tables docs/results.md discusses
# Usage: scripts/reproduce.sh [--resume]
#   --resume  keep the points and files a previous (interrupted) run finished
# Environment: MMULAB_BUILD_DIR (default build/), MMULAB_COSIM_RECORDS
# (records per trace in the cross-check, default 2000000), MMULAB_JOBS.
# About 30 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
resume=0
for arg in "$@"; do
  case "$arg" in
    --resume) resume=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "reproduce.sh: unknown argument $arg; see --help" >&2; exit 2 ;;
  esac
done

# shellcheck source=scripts/deps.sh
source scripts/deps.sh
mmulab_install_deps

build="${MMULAB_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target mmulab mmulab-cosim >/dev/null
mm="$build/mmulab"
jobs=()
if [ -n "${MMULAB_JOBS:-}" ]; then jobs=(--jobs "$MMULAB_JOBS"); fi
records="${MMULAB_COSIM_RECORDS:-2000000}"
out=results
traces=(traces/data/*.mmt)

step() { echo "== $*" >&2; }

# writes stdin to $1 through a temporary file, so a killed run leaves no half file
atomic() { local tmp="$1.tmp.$$"; cat > "$tmp" && mv -f "$tmp" "$1"; }

if [ "$resume" = 0 ]; then
  rm -rf "$out/presets" "$out/walk-caches" "$out/pages" "$out/tlb-size" "$out/agreement" \
         "$out/area" "$out/figures" "$out/summary.md"
fi

for spec in results/specs/*.json; do
  step "sweep $spec"
  "$mm" sweep --no-progress "${jobs[@]}" "$spec"
done

step "one-pass TLB-size curves"
mkdir -p "$out/tlb-size"
for t in "${traces[@]}"; do
  name=$(basename "$t" .mmt)
  for ps in 4K 2M; do
    f="$out/tlb-size/$name-$ps.csv"
    if [ "$resume" = 1 ] && [ -s "$f" ]; then continue; fi
    "$mm" sweep --one-pass --kind fa --page-size "$ps" --csv --out "$f" "$t"
  done
done

step "RTL vs model in lockstep ($records records per trace, 10 random runs per shape)"
mkdir -p "$out/agreement"
while read -r shape shape_args; do
  case "$shape" in ''|'#'*) continue ;; esac
  read -r -a args <<< "$shape_args"
  f="$out/agreement/$shape-traces.csv"
  # a *_incl build differs from its base only by the inclusion paths, which
  # the bundled traces never use (they do not fill an L2 TLB); its random
  # runs, and the base's seeds that draw a policy, exercise it
  if [ "${shape%_incl}" != "$shape" ]; then
    :
  elif ! { [ "$resume" = 1 ] && [ -s "$f" ]; }; then
    "$mm" cosim "${args[@]}" --max-records "$records" --csv "$f" "${traces[@]}"
  fi
  for seed in 1 2 3 4 5 6 7 8 9 10; do
    f="$out/agreement/$shape-random-$seed.csv"
    if [ "$resume" = 1 ] && [ -s "$f" ]; then continue; fi
    "$mm" cosim "${args[@]}" --random "$seed" --random-config --requests 100000 --csv "$f" >/dev/null
  done
done < rtl/generated/shapes.txt
# one table: the first file's header, then every file's rows
first=1
for f in "$out"/agreement/*-traces.csv "$out"/agreement/*-random-*.csv; do
  if [ "$first" = 1 ]; then head -n 1 "$f"; first=0; fi
  tail -n +2 "$f"
done | atomic "$out/agreement/agreement.csv"

if command -v yosys >/dev/null && "$mm" area --help >/dev/null 2>&1; then
  step "area of the L2 TLB sizes (Yosys)"
  mkdir -p "$out/area"
  bash scripts/area_study.sh "$mm" "$out/area"
else
  echo "reproduce.sh: no mmulab area or yosys; the area study is skipped" >&2
fi

step "figures"
plot() { local dir="$1"; shift; scripts/plot.sh "$@" --out "$out/figures/$dir" >/dev/null; }
plot presets "$out/presets/results.csv"
plot walk-caches "$out/walk-caches/results.csv"
plot pages "$out/pages/results.csv"
plot tlb-size "$out"/tlb-size/*.csv
plot agreement "$out/agreement/agreement.csv"
if [ -s "$out/area/area.csv" ]; then
  plot area "$out/area/area.csv" "$out/area/results.csv"
fi
python3 scripts/summarize.py "$out" "$out/summary.md"
step "done: $out/summary.md, $out/figures"
find "$out/figures" -name '*.png' | sort
