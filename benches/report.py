#!/usr/bin/env python3
"""Turns the output of `cargo bench -p wx-benches` into Markdown tables and an SVG chart.

Usage:
    python3 benches/report.py benches/results/cargo-bench.txt \
        --svg benches/results/parse-ratios.svg > benches/results/tables.md

It reads the divan tables (bench `parse` and `session`: median time, throughput, allocations
per iteration) and the gungraun summaries (bench `instructions`: instruction counts), prints
the tables with each baseline's ratio to wx-proto, and draws the parse ratios (wall-time
median and instruction count, log scale). Python 3 standard library only.
"""

import argparse
import math
import re
import sys
from xml.sax.saxutils import escape

UNITS = {"ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
NAME = re.compile(r"^([│ ]*)[├╰]─ (\S+)\s*(.*)$")


def parse_time(text):
    m = re.match(r"^\s*([\d.]+)\s*(ns|µs|us|ms|s)\s*$", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_divan(lines):
    """{path: {"median_ns", "throughput", "alloc_count", "alloc_bytes"}} of every divan leaf."""
    out = {}
    cols = None
    stack = []
    current = None
    label = None
    seen = 0
    for line in lines:
        line = line.rstrip("\n")
        if "fastest" in line and "median" in line and "│" in line:
            cols = [i for i, c in enumerate(line) if c == "│"]
            stack = [line[: line.index("fastest")].strip()]
            current = None
            continue
        if cols is None or len(line) < cols[0]:
            if line.strip() == "" or not line.startswith(("│", "├", "╰", " ")):
                cols = None if not line.startswith(("│", "├", "╰", " ")) else cols
            continue
        cell0 = line[: cols[0]]
        median = line[cols[1] + 1 : cols[2]].strip() if len(cols) > 2 else ""
        m = NAME.match(cell0)
        if m:
            depth = len(m.group(1)) // 3 + 1
            stack = stack[:depth] + [m.group(2)]
            current = None
            t = parse_time(median)
            if t is not None:
                current = "/".join(stack)
                out[current] = {"median_ns": t}
                label = None
                seen = 0
            continue
        if current is None:
            continue
        text = cell0.replace("│", " ").strip()
        if text.endswith(":"):
            label = text[:-1]
            seen = 0
            continue
        if label is None:
            if "/s" in median:
                out[current]["throughput"] = median
            continue
        seen += 1
        key = {"alloc": "alloc", "max alloc": "max_alloc", "dealloc": "dealloc", "grow": "grow"}.get(label)
        if key:
            out[current][f"{key}_{'count' if seen == 1 else 'bytes'}"] = median
    return out


def parse_gungraun(lines):
    """{"group::function id": instructions} of every gungraun benchmark."""
    out = {}
    name = None
    for line in lines:
        m = re.match(r"^instructions::(\S+)::(\S+) (\S+?):", line)
        if m:
            name = f"{m.group(2)} {m.group(3)}"
            continue
        m = re.match(r"^\s+Instructions:\s+(\d+)", line)
        if m and name:
            out[name] = int(m.group(1))
            name = None
    return out


def fmt_ns(ns):
    for unit, f in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= f:
            return f"{ns / f:.3g} {unit}"
    return f"{ns:.3g} ns"


BODIES = ["synccheck", "jslogin", "login_200", "login_201", "login_408"]
JSON_ROWS = [
    ("webwxsync, 100 messages, parse + decode", "sync100_wx_typed_decode", "sync100_value_decode",
     "json_wx_typed sync100", "json_value sync100"),
    ("webwxsync, 100 messages, parse only", "sync100_wx_typed", "sync100_value",
     "sync_parse_only_wx_typed sync100", "sync_parse_only_value sync100"),
    ("webwxinit, 200 contacts", "init200_wx_typed", "init200_value",
     "json_wx_typed init200", "json_value init200"),
    ("webwxgetcontact, 5,000 contacts", "contacts5000_wx_typed", "contacts5000_value",
     "json_wx_typed contacts5000", "json_value contacts5000"),
]


def ratio(a, b):
    return a / b if a and b else None


def r(x):
    return f"{x:.1f}x" if x is not None else "n/a"


def tables(divan, instr):
    rows = []  # (label, wall ratio, instruction ratio) for the chart
    md = []
    md.append("### synccheck, jslogin and login-poll bodies (median wall time, allocations per parse, instructions)\n")
    md.append("| body | parser | median | throughput | allocs | instructions | time ratio to wx | instruction ratio to wx |")
    md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for body in BODIES:
        base = divan.get(f"parse/js_assign/wx_nom/{body}", {})
        base_i = instr.get(f"js_assign_wx_nom {body}")
        for parser, gname in (
            ("wx_nom", "js_assign_wx_nom"),
            ("regex", "js_assign_regex"),
            ("quickjs", "js_assign_quickjs"),
            ("quickjs_fresh", "js_assign_quickjs_fresh"),
        ):
            d = divan.get(f"parse/js_assign/{parser}/{body}", {})
            i = instr.get(f"{gname} {body}")
            tr = ratio(d.get("median_ns"), base.get("median_ns"))
            ir = ratio(i, base_i)
            md.append(
                f"| {body} | {parser} | {fmt_ns(d['median_ns']) if 'median_ns' in d else 'n/a'} | "
                f"{d.get('throughput', 'n/a')} | {d.get('alloc_count', '0')} | {i if i else 'n/a'} | "
                f"{r(tr) if parser != 'wx_nom' else '1x'} | {r(ir) if parser != 'wx_nom' else '1x'} |"
            )
            if parser != "wx_nom":
                rows.append((f"{body}: {parser} / wx", tr, ir))
    md.append("")
    md.append("### JSON bodies: typed parse vs serde_json::Value + extraction of the same fields\n")
    md.append("| body | wx median | Value median | wx throughput | wx allocs | Value allocs | wx instructions | Value instructions | time ratio | instruction ratio |")
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, wx, val, wxi, vali in JSON_ROWS:
        a = divan.get(f"parse/json/{wx}", {})
        b = divan.get(f"parse/json/{val}", {})
        ia, ib = instr.get(wxi), instr.get(vali)
        tr = ratio(b.get("median_ns"), a.get("median_ns"))
        ir = ratio(ib, ia)
        md.append(
            f"| {label} | {fmt_ns(a['median_ns']) if 'median_ns' in a else 'n/a'} | "
            f"{fmt_ns(b['median_ns']) if 'median_ns' in b else 'n/a'} | {a.get('throughput', 'n/a')} | "
            f"{a.get('alloc_count', 'n/a')} | {b.get('alloc_count', 'n/a')} | {ia or 'n/a'} | {ib or 'n/a'} | "
            f"{r(tr)} | {r(ir)} |"
        )
        rows.append((f"{label}: Value / wx", tr, ir))
    md.append("")
    sess = {k: v for k, v in divan.items() if k.startswith("session/")}
    if sess:
        md.append("### Session loop in memory (client + simulator together)\n")
        md.append("| loop | median per iteration | messages/s (median) | allocs per iteration |")
        md.append("| --- | ---: | ---: | ---: |")
        for k, v in sess.items():
            md.append(f"| {k.split('/', 1)[1]} | {fmt_ns(v['median_ns'])} | {v.get('throughput', 'n/a')} | {v.get('alloc_count', 'n/a')} |")
        md.append("")
    return "\n".join(md), rows


def svg(rows, path):
    rows = [x for x in rows if x[1] or x[2]]
    width, left, right, bar, gap = 900, 330, 40, 9, 10
    top = 50
    height = top + len(rows) * (2 * bar + gap) + 50
    top_value = max([v for _, a, b in rows for v in (a, b) if v] + [10.0])
    lo, hi = 0.5, 10 ** math.ceil(math.log10(top_value))
    plot = width - left - right

    def x(v):
        return left + plot * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">How many times slower the baseline is than wx-proto (log scale; higher is better for wx)</text>',
        f'<rect x="{left}" y="28" width="10" height="10" fill="#4477aa"/><text x="{left + 14}" y="37">median wall time (noisy, shared machine)</text>',
        f'<rect x="{left + 260}" y="28" width="10" height="10" fill="#ee8866"/><text x="{left + 274}" y="37">instruction count (gungraun, deterministic)</text>',
    ]
    for tick in [t for t in (0.5, 1, 2, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000) if t <= hi]:
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{top - 5}" x2="{tx:.1f}" y2="{height - 40}" stroke="{"#000" if tick == 1 else "#ddd"}" stroke-width="1"/>')
        out.append(f'<text x="{tx:.1f}" y="{height - 25}" text-anchor="middle">{tick:g}x</text>')
    y = top
    for label, tr, ir in rows:
        out.append(f'<text x="{left - 6}" y="{y + bar + 4}" text-anchor="end">{escape(label)}</text>')
        for v, colour, dy in ((tr, "#4477aa", 0), (ir, "#ee8866", bar)):
            if v:
                x0, x1 = x(1), x(max(lo, min(hi, v)))
                out.append(f'<rect x="{min(x0, x1):.1f}" y="{y + dy}" width="{abs(x1 - x0):.1f}" height="{bar - 1}" fill="{colour}"/>')
                out.append(f'<text x="{max(x0, x1) + 3:.1f}" y="{y + dy + bar - 1}" font-size="9">{v:.1f}x</text>')
        y += 2 * bar + gap
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench_output")
    ap.add_argument("--svg")
    args = ap.parse_args()
    with open(args.bench_output, encoding="utf-8") as f:
        lines = f.readlines()
    divan = parse_divan(lines)
    instr = parse_gungraun(lines)
    if not divan and not instr:
        sys.exit("no divan or gungraun results found")
    md, rows = tables(divan, instr)
    print(md)
    if args.svg:
        svg(rows, args.svg)


if __name__ == "__main__":
    main()
