#!/usr/bin/env bash
# area_study.sh MMULAB OUT — the cost side of the study (scripts/reproduce.sh
# runs it): the skylake MMU as the RTL builds it (two walkers, 8 merge slots)
# with L2 TLBs of 384 to 3072 entries (12-way), each
#   * synthesized by `mmulab area --mode storage` (register and array bits
#     per block as the RTL declares them; full gate-level synthesis of a
#     3072-entry TLB takes hours in Yosys 0.23), one CSV per size, joined
#     into OUT/area.csv;
#   * simulated on every bundled trace by a grid sweep (OUT/results.csv).
# scripts/plot.py joins the two on the L2 TLB size: miss rate against bits.
set -euo pipefail
mm="$1"
out="$2"
mkdir -p "$out"
sizes=(384 768 1536 3072)
base=(--preset skylake --set walker.merge_slots=8)

parts=()
for n in "${sizes[@]}"; do
  f="$out/area-$n.csv"
  if [ ! -s "$f" ]; then
    "$mm" area "${base[@]}" --set "l2tlb.entries=$n" --mode storage --csv -o "$f"
  fi
  parts+=("$f")
done
# one table: the first file's header, then every file's rows
tmp="$out/area.csv.tmp.$$"
{ head -n 1 "${parts[0]}"; for f in "${parts[@]}"; do tail -n +2 "$f"; done; } > "$tmp"
mv -f "$tmp" "$out/area.csv"

list=$(IFS=,; echo "${sizes[*]}")
cat > "$out/spec.json" <<EOF
{
  "name": "area",
  "presets": ["skylake"],
  "grid": {"walker.merge_slots": 8, "l2tlb.entries": [$list]},
  "traces": ["traces/data/*.mmt"],
  "out": "$out/sweep"
}
EOF
"$mm" sweep --no-progress "$out/spec.json"
cp "$out/sweep/results.csv" "$out/results.csv"
