#!/usr/bin/env python3
"""Runs Yosys on RTL that imports mmu_pkg in its module headers.

Yosys 0.23 (Debian bookworm) parses `mmu_pkg::Name` but not `import
mmu_pkg::*;`, so this reads the copies scripts/yosys_prep.py writes
(imports dropped, package names qualified), then runs
`read_verilog -sv; hierarchy -top TOP; proc; opt; stat` on them.

usage: yosys_check.py TOP rtl/mmu_pkg.sv rtl/a.sv ... [-- NAME VALUE NAME VALUE ...]
(NAME VALUE pairs override top-level parameters: hierarchy -chparam)
"""
import pathlib
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "scripts"))
import yosys_prep  # noqa: E402  (found through the path above)


def main() -> int:
    args = sys.argv[1:]
    overrides = []
    if "--" in args:
        overrides = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    top, files = args[0], args[1:]
    chparam = "".join(f" -chparam {overrides[i]} {overrides[i + 1]}" for i in range(0, len(overrides), 2))
    with tempfile.TemporaryDirectory() as tmp:
        try:
            out = yosys_prep.prepare(files, tmp)
        except yosys_prep.PrepError as e:
            print(f"yosys_prep: {e}", file=sys.stderr)
            return 1
        script = f"read_verilog -sv {' '.join(out)}; hierarchy -top {top}{chparam}; proc; opt; stat"
        return subprocess.call(["yosys", "-p", script])


if __name__ == "__main__":
    sys.exit(main())
