#!/usr/bin/env python3
"""plot.py — paper figures (PDF with embedded TrueType fonts, and PNG) from
the CSVs of `mmulab sweep SPEC` (results.csv) and `mmulab sweep --one-pass
--csv`; docs/sweeps-grid.md. Run it through scripts/plot.sh, which makes the
venv with the pinned matplotlib.

Figures, each OUT/NAME.pdf and OUT/NAME.png, sized for one column of a
two-column paper (3.3 in wide), in the Okabe-Ito colour-blind-safe palette:
  onepass_miss_rate, onepass_mpki  miss rate and MPKI vs TLB entries (log x)
  walk_latency                     walk latency p50/p90/p99 per configuration
  walk_cache_hit_rate              walk-cache hit rate per level per design
  translation_cycles               translation cycles per request, stacked:
                                   queueing for a walker, walking, the rest
A figure is skipped (with a note) when the inputs lack its columns.
"""
import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

# Okabe & Ito (2008), "Color Universal Design": black first for single series.
OKABE_ITO = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
             "#D55E00", "#CC79A7"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
WIDTH_IN = 3.3
HEIGHT_IN = 2.2

STYLE = {
    "pdf.fonttype": 42,          # TrueType, embedded: what paper sites require
    "ps.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 7,
    "axes.titlesize": 7,
    "axes.labelsize": 7,
    "xtick.labelsize": 6,
    "ytick.labelsize": 6,
    "legend.fontsize": 6,
    "legend.frameon": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.4,
    "axes.linewidth": 0.6,
    "lines.linewidth": 1.0,
    "lines.markersize": 3,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.02,
}

ONE_PASS_FIRST = ["trace", "stream", "kind"]
ID_COLUMNS = ["preset", "config", "trace"]


class InputError(Exception):
    """A CSV that cannot be plotted; the message names the file."""


def read_csv(path):
    """(header, rows as dicts) of a CSV with at least one data row."""
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: {getattr(e, 'strerror', None) or e}") from e
    if not rows:
        raise InputError(f"{path}: no data rows")
    if any(None in r or None in r.values() for r in rows):
        raise InputError(f"{path}: rows with more or fewer fields than the header")
    return header, rows


def number(row, column):
    """The column's value as a float; None when absent or empty."""
    text = row.get(column)
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def trace_label(path):
    return os.path.splitext(os.path.basename(path))[0]


def save(fig, out_dir, name, written):
    for ext in ("pdf", "png"):
        path = os.path.join(out_dir, f"{name}.{ext}")
        fig.savefig(path)
        written.append(path)
    plt.close(fig)


def new_figure(height=HEIGHT_IN):
    return plt.subplots(figsize=(WIDTH_IN, height))


def log2_axis(ax, entries):
    ax.set_xscale("log", base=2)
    ticks = sorted(set(entries))
    # every other power of two keeps a 3.3-inch axis readable
    powers = [e for e in ticks if e >= 1 and (int(e) & (int(e) - 1)) == 0]
    shown = powers[::2] if len(powers) > 8 else powers
    if shown:
        ax.set_xticks(shown)
        ax.set_xticklabels([f"{int(e) // 1024}K" if e >= 1024 else str(int(e)) for e in shown])
    ax.minorticks_off()


# ---- one-pass CSV: miss rate / MPKI vs entries ------------------------------

def one_pass_series(rows):
    """{(label, ways or None): [(entries, miss_rate, mpki)]} of the streams
    that saw references; set-associative rows become one series per ways."""
    traces = sorted({r["trace"] for r in rows})
    several = len(traces) > 1
    series = {}
    for r in rows:
        if not number(r, "references"):
            continue
        label = r["stream"]
        if several:
            label = f"{trace_label(r['trace'])} {label}"
        ways = int(r["ways"]) if r["kind"] == "sa" else None
        series.setdefault((label, ways), []).append(
            (number(r, "entries"), number(r, "miss_rate"), number(r, "mpki")))
    return series


def plot_one_pass(rows, out_dir, written, notes):
    series = one_pass_series(rows)
    if not series:
        notes.append("one-pass: no stream with references; no one-pass figures")
        return
    sa = any(ways is not None for _, ways in series)
    if sa:
        # ways 1, 2, 4, ... only: a line per ways value stays legible
        series = {k: v for k, v in series.items() if (k[1] & (k[1] - 1)) == 0}
    has_mpki = any(p[2] for points in series.values() for p in points)
    for metric, index, ylabel in (("miss_rate", 1, "miss rate (%)"),
                                  ("mpki", 2, "misses per kilo-instruction")):
        if metric == "mpki" and not has_mpki:
            notes.append("one-pass: the trace has no instruction counts; no MPKI figure")
            continue
        fig, ax = new_figure()
        all_entries = []
        for i, ((label, ways), points) in enumerate(sorted(series.items(),
                                                           key=lambda kv: (kv[0][0], kv[0][1] or 0))):
            points.sort()
            xs = [p[0] for p in points]
            ys = [p[index] * (100.0 if index == 1 else 1.0) for p in points]
            all_entries += xs
            name = f"{label}, {ways}-way" if ways is not None else label
            ax.plot(xs, ys, marker=MARKERS[i % len(MARKERS)] if len(xs) <= 16 else None,
                    color=OKABE_ITO[i % len(OKABE_ITO)], label=name)
        log2_axis(ax, all_entries)
        ax.set_xlabel("TLB entries" + (" (sets x ways)" if sa else ", fully associative LRU"))
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.legend(ncol=2 if len(series) > 4 else 1)
        save(fig, out_dir, f"onepass_{metric}", written)


# ---- grid results.csv ---------------------------------------------------------

def config_columns(rows):
    """The identifying columns (preset, config, grid keys): everything
    before "trace"; only those that vary name a configuration."""
    header = list(rows[0].keys())
    ids = header[:header.index("trace")] if "trace" in header else ["preset"]
    varying = [c for c in ids if len({r[c] for r in rows}) > 1]
    return varying or ids[:1]


def configurations(rows):
    """[(label, [rows])] in first-appearance order (the sweep's own order)."""
    columns = config_columns(rows)
    groups = {}
    for r in rows:
        label = "/".join(r[c] for c in columns)
        groups.setdefault(label, []).append(r)
    return list(groups.items()), columns


def config_axis(ax, labels, columns):
    ax.set_xticks(range(len(labels)))
    rotate = len(labels) > 4 or max(len(s) for s in labels) > 8
    ax.set_xticklabels(labels, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    ax.set_xlabel(" / ".join(columns))
    ax.grid(axis="x", visible=False)


def plot_walk_latency(rows, out_dir, written, notes):
    cols = ["walks.latency.p50", "walks.latency.p90", "walks.latency.p99"]
    if any(c not in rows[0] for c in cols):
        notes.append("results.csv: no walks.latency columns; no walk_latency figure")
        return
    groups, columns = configurations(rows)
    n_traces = len({r["trace"] for r in rows})
    fig, ax = new_figure()
    width = 0.8 / len(cols)
    for k, c in enumerate(cols):
        means = []
        for _, members in groups:
            values = [number(r, c) for r in members if number(r, c) is not None]
            # geometric mean over traces: latencies span orders of magnitude
            positive = [v for v in values if v > 0]
            means.append(math.exp(sum(map(math.log, positive)) / len(positive)) if positive else 0)
        xs = [i + (k - (len(cols) - 1) / 2) * width for i in range(len(groups))]
        ax.bar(xs, means, width, color=OKABE_ITO[k + 1], label=c.rsplit(".", 1)[1],
               edgecolor="black", linewidth=0.3)
    config_axis(ax, [g[0] for g in groups], columns)
    ax.set_yscale("log")
    ylabel = "walk latency (cycles)"
    if n_traces > 1:
        ylabel += f"\ngeomean of {n_traces} traces"
    ax.set_ylabel(ylabel)
    ax.legend(ncol=3, loc="upper left", bbox_to_anchor=(0, 1.15))
    save(fig, out_dir, "walk_latency", written)


def walk_cache_levels(rows):
    levels = set()
    for column in rows[0]:
        parts = column.split(".")
        if len(parts) == 4 and parts[:2] == ["walk_cache", "levels"] and parts[3] == "lookups":
            levels.add(parts[2])
    return sorted(levels, key=lambda s: int(s[1:]))


def plot_walk_cache(rows, out_dir, written, notes):
    levels = walk_cache_levels(rows)
    if "walk_cache.design" not in rows[0] or not levels:
        notes.append("results.csv: no walk_cache columns; no walk_cache_hit_rate figure")
        return
    designs = []
    for r in rows:
        if r["walk_cache.design"] not in designs and r["walk_cache.design"] != "none":
            designs.append(r["walk_cache.design"])
    if not designs:
        notes.append("results.csv: no walk cache in any point; no walk_cache_hit_rate figure")
        return
    fig, ax = new_figure()
    width = 0.8 / len(levels)
    for k, level in enumerate(levels):
        rates = []
        for d in designs:
            # pooled over every point of the design: total hits / total lookups
            members = [r for r in rows if r["walk_cache.design"] == d]
            lookups = sum(number(r, f"walk_cache.levels.{level}.lookups") or 0 for r in members)
            hits = sum(number(r, f"walk_cache.levels.{level}.hits") or 0 for r in members)
            rates.append(100.0 * hits / lookups if lookups else 0.0)
        xs = [i + (k - (len(levels) - 1) / 2) * width for i in range(len(designs))]
        ax.bar(xs, rates, width, color=OKABE_ITO[(k + 1) % len(OKABE_ITO)],
               label=f"level {level[1:]}", edgecolor="black", linewidth=0.3)
    ax.set_xticks(range(len(designs)))
    ax.set_xticklabels(designs)
    ax.set_xlabel("walk-cache design")
    ax.grid(axis="x", visible=False)
    ax.set_ylabel("hit rate (%), all points pooled")
    ax.set_ylim(0, 100)
    ax.legend(ncol=len(levels), loc="upper left", bbox_to_anchor=(0, 1.15))
    save(fig, out_dir, "walk_cache_hit_rate", written)


def plot_translation_cycles(rows, out_dir, written, notes):
    need = ["cycles.translation_total", "walks.walk_cycles", "walks.queue_cycles",
            "requests.total"]
    if any(c not in rows[0] for c in need):
        notes.append("results.csv: no cycle columns; no translation_cycles figure")
        return
    groups, columns = configurations(rows)
    parts = {"waiting for a walker": [], "walking": [], "TLB lookups and the rest": []}
    for _, members in groups:
        requests = sum(number(r, "requests.total") or 0 for r in members) or 1
        total = sum(number(r, "cycles.translation_total") or 0 for r in members)
        queue = sum(number(r, "walks.queue_cycles") or 0 for r in members)
        walk = sum(number(r, "walks.walk_cycles") or 0 for r in members)
        parts["waiting for a walker"].append(queue / requests)
        parts["walking"].append(walk / requests)
        parts["TLB lookups and the rest"].append(max(total - queue - walk, 0) / requests)
    fig, ax = new_figure()
    bottom = [0.0] * len(groups)
    for k, (name, values) in enumerate(parts.items()):
        ax.bar(range(len(groups)), values, 0.6, bottom=bottom, label=name,
               color=OKABE_ITO[[5, 1, 2][k]], edgecolor="black", linewidth=0.3)
        bottom = [b + v for b, v in zip(bottom, values)]
    config_axis(ax, [g[0] for g in groups], columns)
    n_traces = len({r["trace"] for r in rows})
    ax.set_ylabel("translation cycles / request" +
                  (f"\n{n_traces} traces pooled" if n_traces > 1 else ""))
    ax.legend(ncol=2, loc="upper left", bbox_to_anchor=(0, 1.2))
    save(fig, out_dir, "translation_cycles", written)


def main(argv):
    parser = argparse.ArgumentParser(
        description="Paper figures from mmulab sweep CSVs (docs/sweeps-grid.md).")
    parser.add_argument("csv", nargs="+",
                        help="results.csv of `mmulab sweep SPEC` and/or CSVs of "
                             "`mmulab sweep --one-pass --csv` (told apart by their header)")
    parser.add_argument("--out", default="figures",
                        help="directory of the PDF and PNG files (default: figures)")
    args = parser.parse_args(argv)
    plt.rcParams.update(STYLE)
    try:
        grid_rows, one_pass_rows = [], []
        for path in args.csv:
            header, rows = read_csv(path)
            if header[:3] == ONE_PASS_FIRST:
                one_pass_rows += rows
            elif header[0] == "preset" and "trace" in header:
                if grid_rows and list(grid_rows[0].keys()) != header:
                    raise InputError(f"{path}: its columns differ from the first results.csv")
                grid_rows += rows
            else:
                raise InputError(f"{path}: neither a results.csv of `mmulab sweep SPEC` nor a "
                                 f"one-pass CSV (header starts {','.join(header[:3])})")
        os.makedirs(args.out, exist_ok=True)
        written, notes = [], []
        if one_pass_rows:
            plot_one_pass(one_pass_rows, args.out, written, notes)
        if grid_rows:
            plot_walk_latency(grid_rows, args.out, written, notes)
            plot_walk_cache(grid_rows, args.out, written, notes)
            plot_translation_cycles(grid_rows, args.out, written, notes)
    except InputError as e:
        print(f"plot.py: {e}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"plot.py: {note}", file=sys.stderr)
    for path in written:
        print(path)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
