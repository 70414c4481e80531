#!/usr/bin/env bash
# yosys_check.sh — reads the page walker into Yosys (read_verilog -sv;
# hierarchy; proc; opt; stat) and fails on any warning or error. Yosys 0.23
# (Debian bookworm) cannot parse `import mmu_pkg::*;`: it reads the copies
# scripts/yosys_prep.py writes (imports dropped, package names qualified).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=$(python3 "$root/scripts/yosys_prep.py" -o "$work" \
        "$root/rtl/mmu_pkg.sv" "$root/rtl/mmu_walk_pte_check.sv" "$root/rtl/mmu_walker.sv")
log="$work/yosys.log"
if ! yosys -p "read_verilog -sv $(echo $files); hierarchy -check -top mmu_walker; proc; opt; stat" \
     > "$log" 2>&1 || grep -qiE 'warning|error' "$log"; then
  echo "yosys mmu_walker:"
  grep -iE 'warning|error' "$log" | sort -u
  exit 1
fi
echo "yosys mmu_walker: $(awk '/design hierarchy/{f=1} f && /Number of cells/{c=$4} END{print c}' "$log") cells"
