#!/usr/bin/env bash
# cosim.sh — speed of the RTL/model cross-check (target: >= 1 M requests/s in
# lockstep, and the RTL's own cycles/s), on the first RECORDS records of each
# bundled trace, for each RTL build; the baseline, measured in the same run,
# is the model alone fed exactly as the harness feeds it (--model-only).
# The builds are those of rtl/generated/shapes.txt; skylake_incl is skylake
# with the inclusion victim paths built: the cost of their false loop in
# Verilator (docs/rtl.md, "Inclusion").
# usage: bench/cosim.sh [BUILD_DIR] [RECORDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
records="${2:-1000000}"
cosim="$build/mmulab-cosim"
if [ ! -x "$cosim" ]; then
  echo "bench/cosim.sh: $cosim not built (configure with -DMMULAB_RTL=ON)" >&2
  exit 1
fi
builds=()
while read -r name args; do
  case "$name" in ''|'#'*) continue ;; esac
  builds+=("$name|$args")
done < "$root/rtl/generated/shapes.txt"
printf '%-13s %-12s %10s %13s %13s %13s %8s\n' build trace requests "lockstep/s" "RTL cycles/s" \
  "model/s" "slowdown"
for b in "${builds[@]}"; do
  name="${b%%|*}"
  read -r -a args <<< "${b#*|}"
  for trace in "$root"/traces/data/*.mmt; do
    lock=$("$cosim" "${args[@]}" --max-records "$records" "$trace" | grep '^cosim ')
    alone=$("$cosim" "${args[@]}" --model-only --max-records "$records" "$trace")
    python3 - "$name" "$(basename "$trace" .mmt)" "$lock" "$alone" <<'PY'
import re, sys
name, trace, lock, alone = sys.argv[1:]
n = int(re.search(r"(\d+) translations compared", lock).group(1))
rps = float(re.search(r"([\d.]+) M requests/s", lock).group(1))
cps = float(re.search(r"([\d.]+) M cycles/s", lock).group(1))
mps = float(re.search(r"([\d.]+) M requests/s", alone).group(1))
print(f"{name:<13} {trace:<12} {n:>10} {rps:>11.2f} M {cps:>11.2f} M {mps:>11.2f} M "
      f"{(mps / rps if rps else 0):>7.1f}x")
PY
  done
done
