#!/usr/bin/env python3
"""cachegrind_check.py — the cachegrind cross-check (docs/validation.md).

Runs real programs twice under Valgrind, made repeatable the same way by
scripts/capture.sh: once under lackey, streamed into a native trace that
`mmulab run` simulates, and once under cachegrind with page-sized lines, so
that its I1, D1 and LL caches are true-LRU TLBs with bit-selection indexing.
For TLB geometries mirroring those caches it asserts:

  * aligned_workload (no access crosses a page, asserted first): the L1 ITLB,
    L1 DTLB and L2 TLB lookups and misses equal cachegrind's references and
    misses exactly;
  * sort (a Debian binary, whose ld.so has page-straddling instructions):
    the lookups equal cachegrind's references plus one per page-crossing
    access, and every miss count is within 2 x page_crossings of
    cachegrind's.

Exit status 0 on success, 1 on a failed check, 77 (skip) without valgrind.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

PAGE = 4096

# (name, {tlb: (entries, ways)}); cachegrind wants a power-of-two set count.
GEOMETRIES = [
    ("skylake-l1", {"l1itlb": (128, 8), "l1dtlb": (64, 4), "l2tlb": (256, 8)}),
    ("small", {"l1itlb": (32, 8), "l1dtlb": (16, 2), "l2tlb": (64, 4)}),
    ("fully-associative", {"l1itlb": (8, 8), "l1dtlb": (32, 32), "l2tlb": (128, 128)}),
]

# The cachegrind cache each TLB mirrors.
CACHE_OF = {"l1itlb": "I1", "l1dtlb": "D1", "l2tlb": "LL"}


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def run(cmd, **kwargs):
    """Runs cmd; on failure raises CheckFailed with its stderr."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    if proc.returncode != 0:
        raise CheckFailed("command failed (status %d): %s\n%s" %
                          (proc.returncode, " ".join(cmd), proc.stderr.strip()))
    return proc


def capture_trace(args, trace, program, stdin=None, stdout=None):
    cmd = [args.capture, "--mmulab", args.mmulab, "-o", trace]
    if stdin:
        cmd += ["--stdin", stdin]
    if stdout:
        cmd += ["--stdout", stdout]
    run(cmd + program)


def cachegrind_counts(args, out_file, geometry, program, stdin=None):
    """Runs program under cachegrind with page-sized lines; returns the
    references and misses per cache from the summary line."""
    cmd = [args.capture, "--cachegrind", out_file]
    for tlb, cache in CACHE_OF.items():
        entries, ways = geometry[tlb]
        cmd += ["--valgrind-opt", "--%s=%d,%d,%d" % (cache, entries * PAGE, ways, PAGE)]
    if stdin:
        cmd += ["--stdin", stdin]
    run(cmd + program)
    events = summary = None
    with open(out_file) as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("summary:"):
                summary = [int(v) for v in line.split()[1:]]
    check(events and summary and len(events) == len(summary),
          "%s: no events/summary lines" % out_file)
    s = dict(zip(events, summary))
    for key in ("Ir", "I1mr", "ILmr", "Dr", "D1mr", "DLmr", "Dw", "D1mw", "DLmw"):
        check(key in s, "%s: no %s count (was --cache-sim=yes given?)" % (out_file, key))
    return {
        "I1": {"refs": s["Ir"], "misses": s["I1mr"]},
        "D1": {"refs": s["Dr"] + s["Dw"], "misses": s["D1mr"] + s["D1mw"]},
        "LL": {"refs": s["I1mr"] + s["D1mr"] + s["D1mw"],
               "misses": s["ILmr"] + s["DLmr"] + s["DLmw"]},
    }


def mmulab_counts(args, trace, geometry):
    """Simulates trace with TLBs mirroring geometry; returns lookups and
    misses per TLB and the run's page crossings."""
    sets = ["core.issue=blocking"]
    for tlb, (entries, ways) in geometry.items():
        sets += ["%s.entries=%d" % (tlb, entries), "%s.ways=%d" % (tlb, ways),
                 "%s.page_sizes=[\"4K\"]" % tlb, "%s.arrays=null" % tlb,
                 "%s.replacement=lru" % tlb]
    sets += ["l2tlb.inclusion=non-inclusive", "l2tlb.serves=[\"ifetch\",\"load\",\"store\"]"]
    cmd = [args.mmulab, "run", "--preset", "skylake", "--json", "--no-progress"]
    for s in sets:
        cmd += ["--set", s]
    report = json.loads(run(cmd + [trace]).stdout)
    config = report["config"]
    counts = {}
    for tlb in report["tlbs"]:
        name = tlb["name"]
        check(name in geometry, "unexpected TLB %s in the report" % name)
        entries, ways = geometry[name]
        cfg = config[name]
        check(cfg["entries"] == entries and cfg["ways"] == ways and
              cfg["page_sizes"] == ["4K"] and not cfg.get("arrays") and
              cfg["replacement"] == "lru",
              "%s: the effective config is not %d entries x %d ways, 4K only, LRU: %s" %
              (name, entries, ways, json.dumps(cfg)))
        counts[CACHE_OF[name]] = {"refs": tlb["total"]["accesses"],
                                  "misses": tlb["total"]["misses"]}
    check(config["core"]["issue"] == "blocking", "core.issue is not blocking")
    check(sorted(counts) == ["D1", "I1", "LL"], "the report lacks a TLB: %s" % sorted(counts))
    return counts, report["run"]["page_crossings"]


def assert_page_zero_untouched(args, trace):
    """cachegrind's tags start as 0, so page 0 would hit cold there."""
    # din lines are "label hex-address size"; awk streams the millions of them.
    convert = subprocess.Popen([args.mmulab, "trace", "convert", "--to", "din", trace, "-"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    scan = subprocess.run(["awk", 'NF < 3 { print "malformed line " NR; exit 2 } '
                           '{ a = $2; sub(/^0+/, "", a); '
                           '  if (length(a) <= 3) { print "access " NR " at 0x" $2; exit 1 } }'],
                          stdin=convert.stdout, stdout=subprocess.PIPE, text=True)
    convert.stdout.close()
    convert_err = convert.stderr.read().decode()
    convert.wait()
    check(scan.returncode != 1,
          "%s: %s touches virtual page 0, which cachegrind counts as a cold hit"
          % (trace, scan.stdout.strip()))
    check(scan.returncode == 0, "%s: din output: %s" % (trace, scan.stdout.strip()))
    check(convert.returncode == 0,
          "%s: mmulab trace convert --to din failed: %s" % (trace, convert_err.strip()))


def compare(label, mm, cg, crossings, exact):
    rows = []
    for cache in ("I1", "D1", "LL"):
        m, c = mm[cache], cg[cache]
        rows.append("  %-2s  lookups %9d (cachegrind refs %9d)  misses %8d (cachegrind %8d)" %
                    (cache, m["refs"], c["refs"], m["misses"], c["misses"]))
    print("%s: page crossings %d\n%s" % (label, crossings, "\n".join(rows)))
    l1_extra = (mm["I1"]["refs"] - cg["I1"]["refs"]) + (mm["D1"]["refs"] - cg["D1"]["refs"])
    if exact:
        for cache in ("I1", "D1", "LL"):
            check(mm[cache]["refs"] == cg[cache]["refs"],
                  "%s: %s lookups %d != cachegrind %d" %
                  (label, cache, mm[cache]["refs"], cg[cache]["refs"]))
            check(mm[cache]["misses"] == cg[cache]["misses"],
                  "%s: %s misses %d != cachegrind %d" %
                  (label, cache, mm[cache]["misses"], cg[cache]["misses"]))
    else:
        # Each crossing access is one cachegrind reference and two lookups.
        check(l1_extra == crossings,
              "%s: L1 lookups exceed cachegrind's references by %d, not by the %d crossings" %
              (label, l1_extra, crossings))
        for cache in ("I1", "D1", "LL"):
            diff = abs(mm[cache]["misses"] - cg[cache]["misses"])
            check(diff <= 2 * crossings,
                  "%s: %s misses differ by %d > 2 x %d page crossings" %
                  (label, cache, diff, crossings))


def check_aligned_workload(args, scratch):
    trace = os.path.join(scratch, "aligned.mmt")
    captured_out = os.path.join(scratch, "aligned.out")
    capture_trace(args, trace, [args.workload], stdout=captured_out)
    native_out = run([args.workload]).stdout
    with open(captured_out) as f:
        under_valgrind = f.read()
    # pi(2^18) = 23000: the sieve covers the numbers below 2 * 2^17.
    check("primes 23000\n" in native_out, "aligned_workload computed %r" % native_out)
    check(under_valgrind == native_out,
          "aligned_workload printed %r under lackey but %r natively" % (under_valgrind, native_out))
    assert_page_zero_untouched(args, trace)
    for name, geometry in GEOMETRIES:
        mm, crossings = mmulab_counts(args, trace, geometry)
        check(crossings == 0, "aligned_workload [%s]: %d page-crossing accesses; the exact "
              "comparison needs none" % (name, crossings))
        cg = cachegrind_counts(args, os.path.join(scratch, "aligned-%s.cg" % name), geometry,
                               [args.workload])
        compare("aligned_workload [%s]" % name, mm, cg, crossings, exact=True)
        # A comparison of cold misses alone would prove little.
        for cache in ("I1", "D1", "LL"):
            check(cg[cache]["misses"] >= 100,
                  "aligned_workload [%s]: only %d %s misses; the workload no longer exercises "
                  "replacement" % (name, cg[cache]["misses"], cache))


def check_sort(args, scratch):
    numbers = os.path.join(scratch, "numbers.txt")
    with open(numbers, "w") as f:
        x = 1
        for _ in range(1500):
            x = (x * 69069 + 1) % 2**32
            f.write("%d\n" % x)
    trace = os.path.join(scratch, "sort.mmt")
    # -S fixes the buffer: without it sort sizes it from the memory free at
    # the moment, so the lackey run and the cachegrind run could take
    # different paths through malloc on a busy machine
    program = ["sort", "-n", "--parallel=1", "-S", "1M"]
    capture_trace(args, trace, program, stdin=numbers)
    assert_page_zero_untouched(args, trace)
    name, geometry = GEOMETRIES[0]
    mm, crossings = mmulab_counts(args, trace, geometry)
    check(crossings > 0, "sort: no page crossings; this case is meant to have some")
    cg = cachegrind_counts(args, os.path.join(scratch, "sort.cg"), geometry, program,
                           stdin=numbers)
    compare("sort -n [%s]" % name, mm, cg, crossings, exact=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mmulab", required=True)
    parser.add_argument("--capture", required=True, help="scripts/capture.sh")
    parser.add_argument("--workload", required=True, help="the aligned_workload binary")
    parser.add_argument("--scratch", required=True, help="directory for traces and outputs")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        print("valgrind is not installed: skipping the cachegrind cross-check")
        return 77
    shutil.rmtree(args.scratch, ignore_errors=True)
    os.makedirs(args.scratch)
    try:
        check_aligned_workload(args, args.scratch)
        check_sort(args, args.scratch)
    except CheckFailed as e:
        print("FAILED: %s" % e)
        return 1
    print("cachegrind cross-check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
