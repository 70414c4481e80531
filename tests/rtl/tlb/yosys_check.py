#!/usr/bin/env python3
"""Runs Yosys on RTL that imports mmu_pkg in its module headers.

Yosys 0.23 (Debian bookworm) parses `mmu_pkg::Name` but not `import
mmu_pkg::*;`, so this writes copies of the given files with the import
removed and every package name qualified, then runs
`read_verilog -sv; hierarchy -top TOP; proc; opt; stat` on them.

usage: yosys_check.py TOP rtl/mmu_pkg.sv rtl/a.sv ... [-- NAME VALUE NAME VALUE ...]
(NAME VALUE pairs override top-level parameters: hierarchy -chparam)
"""
import pathlib
import re
import subprocess
import sys
import tempfile


def main() -> int:
    args = sys.argv[1:]
    overrides = []
    if "--" in args:
        overrides = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    top, files = args[0], args[1:]
    chparam = "".join(f" -chparam {overrides[i]} {overrides[i + 1]}" for i in range(0, len(overrides), 2))
    pkg = next(f for f in files if f.endswith("mmu_pkg.sv"))
    names = re.findall(r"localparam\s+(?:[\w\s\[\]:\-]*?)\b(\w+)\s*=", pathlib.Path(pkg).read_text())
    name_re = re.compile(r"(?<![\w:'])(" + "|".join(sorted(set(names), key=len, reverse=True)) + r")\b")
    with tempfile.TemporaryDirectory() as tmp:
        out = []
        for f in files:
            text = pathlib.Path(f).read_text()
            if f != pkg:
                text = re.sub(r"\bimport\s+mmu_pkg::\*\s*;", "", text)
                # qualify outside comments only
                lines = []
                for line in text.splitlines():
                    code, sep, comment = line.partition("//")
                    lines.append(name_re.sub(r"mmu_pkg::\1", code) + sep + comment)
                text = "\n".join(lines) + "\n"
            dst = pathlib.Path(tmp) / pathlib.Path(f).name
            dst.write_text(text)
            out.append(str(dst))
        script = f"read_verilog -sv {' '.join(out)}; hierarchy -top {top}{chparam}; proc; opt; stat"
        return subprocess.call(["yosys", "-p", script])


if __name__ == "__main__":
    sys.exit(main())
