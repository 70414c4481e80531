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
  walk_latency_cdf                 walk-latency CDF, a panel per trace, a line
                                   per configuration (from points/ID.json)
  translation_cycles               translation cycles per request, stacked:
                                   L1 TLB, L2 TLB, page walk, fault handler,
                                   waiting for the port or a merged walk
  agreement                        RTL vs model: every statistic of every
                                   `mmulab cosim --csv` run on the diagonal
  area                             miss rate against MMU storage bits, from
                                   `mmulab area --csv` joined with results.csv
A figure is skipped (with a note) when the inputs lack its columns.
"""
import argparse
import csv
import json
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
        # no creation date: the same CSVs give byte-identical figures
        fig.savefig(path, metadata={"CreationDate": None} if ext == "pdf" else None)
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
    """{trace: {(label, ways or None): [(entries, miss_rate, mpki)]}} of the
    streams that saw references; the label is the stream, with the page
    size when the rows hold several; set-associative rows become one series
    per ways."""
    page_sizes = {r.get("page_size") for r in rows}
    by_trace = {}
    for r in rows:
        if not number(r, "references"):
            continue
        label = r["stream"]
        if len(page_sizes) > 1:
            size = int(number(r, "page_size") or 0)
            label += f", {size >> 20} MiB pages" if size >= 1 << 20 else f", {size >> 10} KiB pages"
        ways = int(r["ways"]) if r["kind"] == "sa" else None
        by_trace.setdefault(r["trace"], {}).setdefault((label, ways), []).append(
            (number(r, "entries"), number(r, "miss_rate"), number(r, "mpki")))
    return by_trace


def plot_one_pass(rows, out_dir, written, notes):
    by_trace = one_pass_series(rows)
    if not by_trace:
        notes.append("one-pass: no stream with references; no one-pass figures")
        return
    traces = sorted(by_trace)[:6]
    if len(by_trace) > len(traces):
        notes.append(f"one-pass: the first {len(traces)} of {len(by_trace)} traces drawn")
    sa = any(ways is not None for series in by_trace.values() for _, ways in series)
    if sa:
        # ways 1, 2, 4, ... only: a line per ways value stays legible
        by_trace = {t: {k: v for k, v in series.items() if (k[1] & (k[1] - 1)) == 0}
                    for t, series in by_trace.items()}
    has_mpki = any(p[2] for series in by_trace.values() for points in series.values()
                   for p in points)
    labels = sorted({k for t in traces for k in by_trace[t]}, key=lambda k: (k[0], k[1] or 0))
    cols = 2 if len(traces) > 1 else 1
    nrows = (len(traces) + cols - 1) // cols
    for metric, index, ylabel in (("miss_rate", 1, "miss rate (%)"),
                                  ("mpki", 2, "misses per kilo-instruction")):
        if metric == "mpki" and not has_mpki:
            notes.append("one-pass: the trace has no instruction counts; no MPKI figure")
            continue
        height = HEIGHT_IN if nrows == 1 and cols == 1 else 1.45 * nrows + 0.55
        fig, axes = plt.subplots(nrows, cols, figsize=(WIDTH_IN, height), squeeze=False)
        for i, trace in enumerate(traces):
            ax = axes[i // cols][i % cols]
            all_entries = []
            for k, key in enumerate(labels):
                points = sorted(by_trace[trace].get(key, []))
                if not points:
                    continue
                label, ways = key
                xs = [p[0] for p in points]
                ys = [p[index] * (100.0 if index == 1 else 1.0) for p in points]
                all_entries += xs
                name = f"{label}, {ways}-way" if ways is not None else label
                ax.plot(xs, ys, marker=MARKERS[k % len(MARKERS)] if len(xs) <= 16 else None,
                        color=OKABE_ITO[k % len(OKABE_ITO)], label=name if i == 0 else None)
            log2_axis(ax, all_entries)
            ax.set_ylim(bottom=0)
            if len(traces) > 1:
                ax.set_title(trace_label(trace), pad=2)
            if i % cols == 0:
                ax.set_ylabel(ylabel)
            if i // cols == nrows - 1:
                ax.set_xlabel("TLB entries" + (" (sets x ways)" if sa else ", FA LRU"))
        for j in range(len(traces), nrows * cols):
            axes[j // cols][j % cols].set_visible(False)
        if len(traces) > 1:
            legend_rows = (len(labels) + 1) // 2
            fig.tight_layout(pad=0.3, rect=(0, 0, 1, 1 - 0.17 * legend_rows / fig.get_figheight()))
            fig.legend(loc="upper center", ncol=2, bbox_to_anchor=(0.5, 1.0))
        else:
            axes[0][0].legend(ncol=2 if len(labels) > 4 else 1)
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


def tlb_columns(rows):
    """{level: [TLB name]} of the TLBs whose level and lookup latency the
    CSV carries (columns NAME.level and NAME.latency)."""
    header = rows[0].keys()
    levels = {}
    for column in header:
        if column.endswith(".latency") and column.count(".") == 1:
            name = column[:-len(".latency")]
            if f"{name}.level" in header and f"{name}.total.accesses" in header:
                level = int(number(rows[0], f"{name}.level") or 0)
                levels.setdefault(level, []).append(name)
    return levels


def plot_translation_cycles(rows, out_dir, written, notes):
    """Cycles per request, stacked by where they went: lookups in the L1
    TLBs, in the L2 (and deeper) TLBs, the page walk (waiting for a walker
    and walking), the OS fault handler, and the rest (waiting for the
    request port or for another request's walk). The parts are exact sums
    from the report: accesses x lookup latency per TLB, the walks' cycles,
    the handler's cycles; the rest is what remains of the total."""
    need = ["cycles.translation_total", "walks.walk_cycles", "walks.queue_cycles",
            "requests.total", "faults.handler_cycles"]
    levels = tlb_columns(rows)
    if any(c not in rows[0] for c in need) or 1 not in levels:
        notes.append("results.csv: no cycle or TLB latency columns; no translation_cycles figure")
        return
    groups, columns = configurations(rows)
    names = ["L1 TLB", "L2 TLB", "page walk", "fault handler", "port and merged waits"]
    parts = {n: [] for n in names}
    clamped = 0
    for _, members in groups:
        requests = sum(number(r, "requests.total") or 0 for r in members) or 1
        total = sum(number(r, "cycles.translation_total") or 0 for r in members)
        l1 = l2 = 0.0
        for r in members:
            for level, tlbs in levels.items():
                for t in tlbs:
                    c = (number(r, f"{t}.total.accesses") or 0) * (number(r, f"{t}.latency") or 0)
                    if level == 1:
                        l1 += c
                    else:
                        l2 += c
        walk = sum((number(r, "walks.walk_cycles") or 0) + (number(r, "walks.queue_cycles") or 0)
                   for r in members)
        fault = sum(number(r, "faults.handler_cycles") or 0 for r in members)
        rest = total - l1 - l2 - walk - fault
        if rest < 0:
            clamped += 1
            rest = 0.0
        for n, v in zip(names, (l1, l2, walk, fault, rest)):
            parts[n].append(v / requests)
    if clamped:
        notes.append(f"translation_cycles: {clamped} configuration(s) whose parts exceed the total "
                     "(walks overlapping); their remainder is drawn as 0")
    fig, ax = new_figure()
    bottom = [0.0] * len(groups)
    for k, name in enumerate(names):
        values = parts[name]
        if not any(values):
            continue
        ax.bar(range(len(groups)), values, 0.6, bottom=bottom, label=name,
               color=OKABE_ITO[[5, 2, 1, 6, 7][k]], edgecolor="black", linewidth=0.3)
        bottom = [b + v for b, v in zip(bottom, values)]
    config_axis(ax, [g[0] for g in groups], columns)
    n_traces = len({r["trace"] for r in rows})
    ax.set_ylabel("translation cycles / request" +
                  (f"\n{n_traces} traces pooled" if n_traces > 1 else ""))
    ax.legend(ncol=2, loc="upper left", bbox_to_anchor=(0, 1.28))
    save(fig, out_dir, "translation_cycles", written)


# ---- walk-latency CDF from the points' JSON reports --------------------------

def read_report(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: {getattr(e, 'strerror', None) or e}") from e


def plot_walk_latency_cdf(rows, csv_dirs, out_dir, written, notes):
    """One panel per trace, one line per configuration: the fraction of
    walks that finished within x cycles, from the 101 whole-percent
    percentiles each point's report carries."""
    if "point" not in rows[0]:
        notes.append("results.csv: no point column; no walk_latency_cdf figure")
        return
    groups, columns = configurations(rows)
    traces = []
    for r in rows:
        if r["trace"] not in traces:
            traces.append(r["trace"])
    curves = {}
    for label, members in groups:
        for r in members:
            report = None
            for d in csv_dirs:
                path = os.path.join(d, "points", r["point"] + ".json")
                if os.path.exists(path):
                    report = read_report(path)
                    break
            if report is None:
                notes.append(f"walk_latency_cdf: no report points/{r['point']}.json; figure skipped")
                return
            cdf = report.get("walks", {}).get("latency", {}).get("percentiles")
            if not cdf or not report["walks"].get("count"):
                continue
            curves[(label, r["trace"])] = cdf
    if not curves:
        notes.append("walk_latency_cdf: no walks in any point; no figure")
        return
    shown = traces[:6]
    if len(traces) > len(shown):
        notes.append(f"walk_latency_cdf: the first {len(shown)} of {len(traces)} traces drawn")
    cols = 2 if len(shown) > 1 else 1
    nrows = (len(shown) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(WIDTH_IN, 1.45 * nrows + 0.5),
                             sharey=True, squeeze=False)
    fractions = [q / 100.0 for q in range(101)]
    for i, trace in enumerate(shown):
        ax = axes[i // cols][i % cols]
        for k, (label, _) in enumerate(groups):
            cdf = curves.get((label, trace))
            if cdf is None:
                continue
            # a step CDF: p_q is the latency at or below which q% of walks finished
            ax.step([max(v, 1) for v in cdf], fractions, where="post",
                    color=OKABE_ITO[k % len(OKABE_ITO)], label=label if i == 0 else None)
        ax.set_xscale("log")
        ax.set_title(trace_label(trace), pad=2)
        ax.set_ylim(0, 1.02)
        if i % cols == 0:
            ax.set_ylabel("fraction of walks")
        if i // cols == nrows - 1:
            ax.set_xlabel("walk latency (cycles)")
    for j in range(len(shown), nrows * cols):
        axes[j // cols][j % cols].set_visible(False)
    legend_rows = 1 + (len(groups) + 2) // 3
    fig.tight_layout(pad=0.3, rect=(0, 0, 1, 1 - 0.17 * legend_rows / fig.get_figheight()))
    fig.legend(loc="upper center", ncol=min(len(groups), 3), bbox_to_anchor=(0.5, 1.0),
               title=" / ".join(columns), title_fontsize=6)
    save(fig, out_dir, "walk_latency_cdf", written)


# ---- RTL-vs-model agreement (mmulab cosim --csv) -----------------------------

AGREEMENT_FIRST = ["shape", "config", "trace"]
AGREEMENT_STATS = ["requests", "walks", "walks_merged", "pte_reads", "pte_writes", "faults",
                   "translation_cycles", "last_completion_cycle"]


def plot_agreement(rows, out_dir, written, notes):
    """Every statistic of every cross-check run, the model's value against
    the value recomputed from the RTL's responses: agreement puts every
    point on the diagonal. The title carries the per-translation verdict."""
    fig, ax = new_figure(height=WIDTH_IN * 0.85)
    lo, hi = math.inf, 0.0
    for k, stat in enumerate(AGREEMENT_STATS):
        xs, ys = [], []
        for r in rows:
            m, t = number(r, f"model.{stat}"), number(r, f"rtl.{stat}")
            if m is None or t is None or m <= 0 or t <= 0:
                continue
            xs.append(m)
            ys.append(t)
        if not xs:
            continue
        lo, hi = min(lo, *xs, *ys), max(hi, *xs, *ys)
        ax.scatter(xs, ys, s=9, marker=MARKERS[k % len(MARKERS)], facecolors="none",
                   edgecolors=OKABE_ITO[(k + 1) % len(OKABE_ITO)], linewidths=0.6,
                   label=stat.replace("_", " "))
    if hi == 0:
        notes.append("agreement: no statistics; no agreement figure")
        plt.close(fig)
        return
    ax.plot([lo / 2, hi * 2], [lo / 2, hi * 2], color="#999999", linewidth=0.5, zorder=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("C model")
    ax.set_ylabel("RTL (Verilator), recomputed from its responses")
    compared = sum(number(r, "compared") or 0 for r in rows)
    mismatches = sum(number(r, "mismatches") or 0 for r in rows)
    shapes = sorted({r["shape"] for r in rows})
    ax.set_title(f"{len(rows)} runs ({', '.join(shapes)}): {compared:,.0f} translations\n"
                 f"and completion cycles compared, {mismatches:.0f} mismatches", fontsize=6)
    ax.legend(ncol=1, loc="upper left")
    save(fig, out_dir, "agreement", written)


# ---- miss rate against hardware cost (mmulab area --csv + results.csv) -------

def plot_area(area_rows, grid_rows, out_dir, written, notes):
    """One point per configuration: the storage bits `mmulab area` counts
    for the whole MMU (flip-flop bits + memory bits) against the miss rate
    of the TLB whose geometry the configurations vary, one line per trace.
    The two CSVs join on the preset and the keys they share."""
    header = list(area_rows[0].keys())
    set_keys = header[header.index("config") + 1:header.index("mode")]
    grid_keys = config_columns(grid_rows)
    keys = [k for k in set_keys if k in grid_rows[0]]
    varying = [k for k in keys if len({r[k] for r in grid_rows}) > 1]
    tlb = varying[0].split(".")[0] if varying else None
    if not keys or tlb is None or f"{tlb}.total.misses" not in grid_rows[0]:
        notes.append("area: the area CSV and results.csv share no varying TLB key "
                     f"(area keys {set_keys}, sweep keys {grid_keys}); no area figure")
        return
    bits = {}
    for r in area_rows:
        if r["block"] == "total":
            bits[(r["preset"], *(r[k] for k in keys))] = (
                (number(r, "flip_flops") or 0) + (number(r, "memory_bits") or 0))
    traces = []
    for r in grid_rows:
        if r["trace"] not in traces:
            traces.append(r["trace"])
    fig, ax = new_figure()
    drawn = 0
    for i, t in enumerate(traces):
        points = []
        for r in grid_rows:
            key = (r["preset"], *(r[k] for k in keys))
            accesses = number(r, f"{tlb}.total.accesses")
            if r["trace"] != t or key not in bits or not accesses:
                continue
            points.append((bits[key], 100.0 * (number(r, f"{tlb}.total.misses") or 0) / accesses,
                           r[varying[0]]))
        if not points:
            continue
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker=MARKERS[i % len(MARKERS)],
                color=OKABE_ITO[i % len(OKABE_ITO)], label=trace_label(t))
        if i == 0:
            for x, y, label in points:
                ax.annotate(label, (x, y), textcoords="offset points", xytext=(2, 3), fontsize=5)
        drawn += 1
    if not drawn:
        notes.append("area: no configuration of results.csv has an area figure; no area figure")
        plt.close(fig)
        return
    ax.set_xscale("log", base=2)
    ax.set_xlabel(f"MMU storage bits (labels: {varying[0]})")
    ax.set_ylabel(f"{tlb} miss rate (%)")
    ax.set_ylim(bottom=0)
    ax.legend(ncol=2)
    save(fig, out_dir, "area", written)


def main(argv):
    parser = argparse.ArgumentParser(
        description="Paper figures from mmulab sweep CSVs (docs/sweeps-grid.md).")
    parser.add_argument("csv", nargs="+",
                        help="results.csv of `mmulab sweep SPEC`, CSVs of "
                             "`mmulab sweep --one-pass --csv`, CSVs of `mmulab cosim --csv` "
                             "(told apart by their header)")
    parser.add_argument("--out", default="figures",
                        help="directory of the PDF and PNG files (default: figures)")
    args = parser.parse_args(argv)
    plt.rcParams.update(STYLE)
    try:
        grid_rows, one_pass_rows, agreement_rows, area_rows, grid_dirs = [], [], [], [], []
        for path in args.csv:
            header, rows = read_csv(path)
            if header[:3] == ONE_PASS_FIRST:
                one_pass_rows += rows
            elif header[:3] == AGREEMENT_FIRST:
                agreement_rows += rows
            elif "block" in header and "flip_flops" in header:
                area_rows += rows
            elif header[0] == "preset" and "trace" in header:
                if grid_rows and list(grid_rows[0].keys()) != header:
                    raise InputError(f"{path}: its columns differ from the first results.csv")
                grid_rows += rows
                grid_dirs.append(os.path.dirname(os.path.abspath(path)))
            else:
                raise InputError(f"{path}: not a results.csv of `mmulab sweep SPEC`, a one-pass "
                                 f"CSV or a `mmulab cosim --csv` table "
                                 f"(header starts {','.join(header[:3])})")
        os.makedirs(args.out, exist_ok=True)
        written, notes = [], []
        if one_pass_rows:
            plot_one_pass(one_pass_rows, args.out, written, notes)
        if grid_rows:
            plot_walk_latency(grid_rows, args.out, written, notes)
            plot_walk_cache(grid_rows, args.out, written, notes)
            plot_translation_cycles(grid_rows, args.out, written, notes)
            plot_walk_latency_cdf(grid_rows, grid_dirs, args.out, written, notes)
        if agreement_rows:
            plot_agreement(agreement_rows, args.out, written, notes)
        if area_rows and grid_rows:
            plot_area(area_rows, grid_rows, args.out, written, notes)
        elif area_rows:
            notes.append("area: an area CSV needs the sweep's results.csv beside it; no area figure")
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
