#!/usr/bin/env bash
# yosys_check.sh — reads the page walker into Yosys (read_verilog -sv;
# hierarchy; proc; opt; stat) and fails on any warning or error. Yosys 0.23
# (Debian bookworm) cannot parse `import mmu_pkg::*;`, so it reads copies of
# the walker's files with the import dropped and every mmu_pkg name spelt
# mmu_pkg::Name; nothing else changes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$root/rtl" "$work" mmu_walk_pte_check.sv mmu_walker.sv <<'PY'
import pathlib, re, sys
rtl, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
names = set(re.findall(r"localparam\s+[^=;]*?\b(\w+)\s*=", (rtl / "mmu_pkg.sv").read_text()))
# a name not already qualified, not part of a longer name, not a based literal
qualify = re.compile(r"(?<![\w'])(?<!::)(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b")
for name in sys.argv[3:]:
    text = (rtl / name).read_text().replace(" import mmu_pkg::*;", "")
    (out / name).write_text(qualify.sub(r"mmu_pkg::\1", text))
PY
log="$work/yosys.log"
if ! yosys -p "read_verilog -sv $root/rtl/mmu_pkg.sv $work/mmu_walk_pte_check.sv $work/mmu_walker.sv;
               hierarchy -check -top mmu_walker; proc; opt; stat" > "$log" 2>&1 ||
   grep -qiE 'warning|error' "$log"; then
  echo "yosys mmu_walker:"
  grep -iE 'warning|error' "$log" | sort -u
  exit 1
fi
echo "yosys mmu_walker: $(awk '/design hierarchy/{f=1} f && /Number of cells/{c=$4} END{print c}' "$log") cells"
