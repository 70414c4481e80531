#!/usr/bin/env python3
"""check_area.py — end-to-end checks of `mmulab area` (docs/cli.md).

usage:
  check_area.py run MMULAB OUT.json ARGS...   `mmulab area --json -o OUT.json ARGS`
  check_area.py report MMULAB DIR             check the reports `run` left in DIR
  check_area.py storage MMULAB                storage mode: growth, determinism, CSV, -o
  check_area.py errors MMULAB                 bad input: one-line messages, non-zero exit

The rocket shape (--preset rocket-sv39 --set walker.merge_slots=4, the
config of rtl/generated/rocket) is synthesized in memories mode with l1dtlb
at its 32 entries and at 16, and in gates mode at 32; `report` checks the
three against each other and against storage mode. Exit status 1 on the
first failed check, with its reason.
"""
import csv
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROCKET = ["--preset", "rocket-sv39", "--set", "walker.merge_slots=4"]
L1D_16 = ["--set", "l1dtlb.entries=16", "--set", "l1dtlb.ways=16"]  # fully associative, as at 32
BLOCKS = ["tlb.l1itlb", "tlb.l1dtlb", "walker", "walk_cache", "perm_check", "flush_decode",
          "ctx_table", "top"]
COLUMNS = ["cells", "flip_flops", "memory_bits"]


class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def area(mmulab, args, env=None):
    """(exit status, stdout, stderr) of `mmulab area ARGS`."""
    p = subprocess.run([mmulab, "area"] + args, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def area_ok(mmulab, args):
    rc, out, err = area(mmulab, args)
    check(rc == 0, f"mmulab area {' '.join(args)}: exit {rc}: {err.strip()}")
    return out


def by_block(report, label):
    rows = report["blocks"]
    names = [r["block"] for r in rows]
    check(names == BLOCKS, f"{label}: blocks {names}, expected {BLOCKS} in that order")
    for col in COLUMNS:
        values = [r[col] for r in rows]
        if report["mode"] == "storage" and col == "cells":
            check(all(v is None for v in values) and report["total"]["cells"] is None,
                  f"{label}: storage mode reports cells {values}")
            continue
        check(all(isinstance(v, int) and v >= 0 for v in values), f"{label}: {col} {values}")
        check(report["total"][col] == sum(values),
              f"{label}: total {col} {report['total'][col]} != sum of blocks {sum(values)}")
    return {r["block"]: r for r in rows}


def close(a, b):
    """Cell counts of one block synthesized in two runs: within 1 % (or 5).
    ABC maps each run from scratch, and the top's glue moved by 0.8 % when
    only an L1 TLB's size changed."""
    return abs(a - b) <= max(a // 100, 5)


def storage_bits(row):
    return row["flip_flops"] + row["memory_bits"]


def cmd_run(mmulab, out, args):
    pathlib.Path(out).unlink(missing_ok=True)  # no stale report for `report` to read
    area_ok(mmulab, ["--json", "-o", out] + args)
    json.loads(pathlib.Path(out).read_text())
    return 0


def load(d, name, mode):
    rep = json.loads((pathlib.Path(d) / name).read_text())
    check(rep["mode"] == mode and rep["preset"] == "rocket-sv39", f"{name}: header {rep}")
    check(rep["yosys"].startswith("Yosys "), f"{name}: yosys version {rep['yosys']!r}")
    return rep, by_block(rep, name)


def cmd_report(mmulab, d):
    mem32, m = load(d, "memories_l1d32.json", "memories")
    _, m16 = load(d, "memories_l1d16.json", "memories")
    gates, g = load(d, "gates_l1d32.json", "gates")
    storage = json.loads(area_ok(mmulab, ["--mode", "storage", "--json"] + ROCKET))
    st = by_block(storage, "storage")
    for name in BLOCKS:
        stateful = name not in ("perm_check", "flush_decode")
        for mode, row in (("memories", m[name]), ("gates", g[name])):
            check(row["cells"] > 0, f"{mode}: block {name} has no cells")
            check((row["flip_flops"] > 0) == stateful,
                  f"{mode}: block {name} has {row['flip_flops']} flip-flops")
        # the arrays memories mode keeps are the ones the RTL declares, less
        # bits nothing reads; a TLB reads every bit of its entries
        exact = name.startswith("tlb.")
        check(m[name]["memory_bits"] == st[name]["memory_bits"] if exact else
              m[name]["memory_bits"] <= st[name]["memory_bits"],
              f"block {name}: memories mode keeps {m[name]['memory_bits']} memory bits, "
              f"storage mode counts {st[name]['memory_bits']}")
        # gates mode maps those arrays to flip-flops (FSM re-encoding may add a few)
        check(g[name]["memory_bits"] == 0,
              f"gates: block {name} kept {g[name]['memory_bits']} memory bits")
        for other, rows in (("memories", m), ("storage", st)):
            check(g[name]["flip_flops"] <= storage_bits(rows[name]) + 8,
                  f"block {name}: gates {g[name]['flip_flops']} flip-flops > "
                  f"{other}' {storage_bits(rows[name])} + 8")
    check(gates["total"]["flip_flops"] <= storage_bits(storage["total"]), "gates total above storage total")
    check(g["tlb.l1dtlb"]["cells"] > m["tlb.l1dtlb"]["cells"], "gates: a TLB's arrays added no cells")
    # rocket's two L1 TLBs have one geometry: the same bits, and cells equal
    # but for ABC's choices in two separately mapped copies
    for mode, rows in (("memories", m), ("gates", g)):
        i, dt = rows["tlb.l1itlb"], rows["tlb.l1dtlb"]
        check(i["flip_flops"] == dt["flip_flops"] and i["memory_bits"] == dt["memory_bits"] and
              close(i["cells"], dt["cells"]), f"{mode}: equal TLBs differ: {i} {dt}")
    # l1dtlb 36 -> 20 entries (32 + 4 superpage entries, then 16 + 4): the
    # arrays shrink by whole entries, the valid and replacement bits too
    big, small = m["tlb.l1dtlb"], m16["tlb.l1dtlb"]
    check(big["memory_bits"] % 36 == 0 and small["memory_bits"] * 36 == big["memory_bits"] * 20,
          f"memories: l1dtlb memory bits {small['memory_bits']} at 20 entries, {big['memory_bits']} at 36")
    check(big["flip_flops"] >= small["flip_flops"] + 16, f"memories: l1dtlb flip-flops {small} -> {big}")
    check(big["cells"] > small["cells"], f"memories: l1dtlb cells {small} -> {big}")
    # the other blocks keep their bits exactly; their cells move a little
    # (ABC's choices follow the order Yosys numbers the whole design's nets
    # in), never by much
    for name in BLOCKS:
        if name != "tlb.l1dtlb":
            a, b = m[name], m16[name]
            check(a["flip_flops"] == b["flip_flops"] and a["memory_bits"] == b["memory_bits"] and
                  close(a["cells"], b["cells"]), f"memories: l1dtlb size changed block {name}: {a} / {b}")
    print(f"rocket: memories {mem32['total']['cells']} cells, {mem32['total']['flip_flops']} flip-flops, "
          f"{mem32['total']['memory_bits']} memory bits; gates {gates['total']['cells']} cells, "
          f"{gates['total']['flip_flops']} flip-flops; l1dtlb 20 -> 36 entries: memory bits "
          f"{small['memory_bits']} -> {big['memory_bits']}, flip-flops {small['flip_flops']} -> {big['flip_flops']}")
    return 0


def cmd_storage(mmulab):
    args = ["--mode", "storage"] + ROCKET
    out32 = area_ok(mmulab, args + ["--json"])
    again = area_ok(mmulab, args + ["--json"])
    check(out32 == again, "storage: two runs of one config differ")
    big = by_block(json.loads(out32), "storage 32")
    small = by_block(json.loads(area_ok(mmulab, args + ["--json"] + L1D_16)), "storage 16")
    check(storage_bits(big["tlb.l1dtlb"]) > storage_bits(small["tlb.l1dtlb"]),
          "storage: l1dtlb 16 -> 32 entries did not grow")
    check(big["tlb.l1itlb"] == small["tlb.l1itlb"], "storage: l1dtlb size changed l1itlb")
    # CSV: the config's columns, then one row per block and the total
    text = area_ok(mmulab, args + ["--csv"] + L1D_16)
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    want = ["preset", "config", "walker.merge_slots", "l1dtlb.entries", "l1dtlb.ways", "mode", "block",
            "instance", "cells", "flip_flops", "memory_bits"]
    check(header == want, f"csv header {header}")
    check([r["block"] for r in rows] == BLOCKS + ["total"], f"csv blocks {[r['block'] for r in rows]}")
    check(all(r["l1dtlb.entries"] == "16" and r["preset"] == "rocket-sv39" for r in rows), "csv config columns")
    for r in rows[:-1]:
        check(r["cells"] == "" and int(r["flip_flops"]) == small[r["block"]]["flip_flops"] and
              int(r["memory_bits"]) == small[r["block"]]["memory_bits"], f"csv and json differ on {r['block']}")
    # -o: the same bytes, no temporary left behind
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "area.json"
        area_ok(mmulab, args + ["--json", "-o", str(out)])
        check(out.read_text() == out32, "-o wrote other bytes than stdout")
        check(sorted(os.listdir(tmp)) == ["area.json"], f"-o left {os.listdir(tmp)}")
    print(f"storage rocket: l1dtlb 16 -> 32 entries: {storage_bits(small['tlb.l1dtlb'])} -> "
          f"{storage_bits(big['tlb.l1dtlb'])} bits")
    return 0


def expect_error(mmulab, args, needle, env=None):
    rc, out, err = area(mmulab, args, env)
    lines = err.strip().splitlines()
    check(rc != 0, f"mmulab area {' '.join(args)}: exit 0")
    check(out == "", f"mmulab area {' '.join(args)}: printed a report on error")
    check(len(lines) == 1 and lines[0].startswith("mmulab area: ") and needle in lines[0],
          f"mmulab area {' '.join(args)}: expected one line with {needle!r}, got {err!r}")
    print(f"ok: {lines[0]}")


def cmd_errors(mmulab):
    expect_error(mmulab, ROCKET + ["--set", "l1dtlb.entriez=16"], "l1dtlb.entriez")
    expect_error(mmulab, ["--preset", "skylake", "--set", "walker.count=9"], "walker.count")
    expect_error(mmulab, ROCKET + ["--mode", "fast"], "--mode fast")
    expect_error(mmulab, ROCKET + ["--json", "--csv"], "exclude")
    no_yosys = dict(os.environ, PATH="/nonexistent")
    expect_error(mmulab, ROCKET, "mmulab area: yosys not found; scripts/deps.sh installs it", no_yosys)
    expect_error(mmulab, ROCKET, "MMULAB_RTL_DIR", dict(os.environ, MMULAB_RTL_DIR="/nonexistent"))
    # Yosys failing: its first error line
    src = pathlib.Path(os.environ.get("MMULAB_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
    with tempfile.TemporaryDirectory() as tmp:
        rtl = pathlib.Path(tmp) / "rtl"
        shutil.copytree(src / "rtl", rtl)
        walker = rtl / "mmu_walker.sv"
        walker.write_text(walker.read_text().replace("endmodule", "endmodule oops"))
        expect_error(mmulab, ROCKET + ["--mode", "storage"], "ERROR",
                     dict(os.environ, MMULAB_RTL_DIR=str(rtl)))
        # what the rewriter refuses: a return before a function's end
        top = rtl / "mmu_top.sv"
        walker.write_text((src / "rtl" / "mmu_walker.sv").read_text())
        top.write_text(top.read_text().replace("return JobW'((32'(idx) + k) % MaxJobs);",
                                               "return '0;\n    return idx;"))
        expect_error(mmulab, ROCKET + ["--mode", "storage"], "`return` before the end of function wq_index",
                     dict(os.environ, MMULAB_RTL_DIR=str(rtl)))
    return 0


def main(argv):
    try:
        if len(argv) >= 3 and argv[0] == "run":
            return cmd_run(argv[1], argv[2], argv[3:])
        if len(argv) == 3 and argv[0] == "report":
            return cmd_report(argv[1], argv[2])
        if len(argv) == 2 and argv[0] == "storage":
            return cmd_storage(argv[1])
        if len(argv) == 2 and argv[0] == "errors":
            return cmd_errors(argv[1])
    except CheckFailed as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
