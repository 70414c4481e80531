#!/usr/bin/env bash
# yosys_check.sh — synthesizes rtl/mmu_pwc.sv in each design with Yosys
# (read_verilog -sv; proc; opt) and fails on any warning or error. Yosys 0.23
# (Debian bookworm) cannot parse `module m import pkg::*;`: it reads the
# copies scripts/yosys_prep.py writes (imports dropped, package names
# qualified); the logic is unchanged.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=$(python3 "$root/scripts/yosys_prep.py" -o "$work" "$root/rtl/mmu_pkg.sv" \
        "$root/rtl/mmu_pwc_repl.sv" "$root/rtl/mmu_pwc_tc.sv" "$root/rtl/mmu_pwc_pte.sv" "$root/rtl/mmu_pwc.sv")
files=$(echo $files)
status=0
# skylake split, unified PLRU with two fill ports, rocket pte, zen2 pte, none
for params in "-set Design 1" "-set Design 2 -set Replacement 1 -set FillPorts 2" \
              "-set Design 3 -set Levels 3 -set Entries 8 -set Ways 8 -set Replacement 1" \
              "-set Design 3 -set Entries 64 -set Ways 4 -set ProbePorts 2" "-set Design 0"; do
  log="$work/yosys.log"
  if ! yosys -p "read_verilog -sv $files; chparam $params mmu_pwc; hierarchy -check -top mmu_pwc; proc; opt; stat" \
       > "$log" 2>&1 || grep -qiE '^(warning|error)' "$log"; then
    echo "yosys mmu_pwc $params:"; grep -iE 'warning|error' "$log" | sort -u
    status=1
  else
    echo "yosys mmu_pwc $params: $(awk '/design hierarchy/{f=1} f && /Number of cells/{c=$4} END{print c}' "$log") cells"
  fi
done
exit $status
