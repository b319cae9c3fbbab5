#!/usr/bin/env python3
"""Turns the raw output of benches/scale/run.sh into a Markdown table and an SVG chart.

Usage:
    python3 benches/scale/chart.py benches/results/scale.txt \
        --svg benches/results/memory-per-account.svg > benches/results/scale.md

Reads every `scale-result {json}` line (the client, benches' wx-tokio/examples/scale_client.rs)
and the `sim-stats {json}` line after it (the simulator process, sampled by run.sh), prints
one table row per run, and draws the client's resident memory per account (over its baseline
before any session) against the number of accounts, log-log, with the 64 KiB target (runs
with the default adaptive read buffer and a default dedupe capacity (4,096 before wx-proto
stored MsgIds as numbers, 1,024 since), one text per account every 10 s, only; the table has
every run).
Python 3 standard library only.
"""

import argparse
import json
import math
import sys
from xml.sax.saxutils import escape

TARGET_KIB = 64

HEADER = """\
One wx-tokio process (`wx-tokio/examples/scale_client.rs`) against one wx-sim process on
loopback (`wx-sim --each-account --spread`), made by `benches/scale/run.sh`; raw output in
`scale.txt`.

- Each login is confirmed as the next account without a session, so N sessions are N
  accounts. Logins go 64 at a time; the window starts when all N are Ready.
- Load: one text per account per period ("text every"), spread over the period: account `a`
  of N is due at offset `a x period / N` (slot `k` is account `k mod N` at
  `start + k x period / N`); the simulator's timer ticks every `period / N` clamped to 2-20 ms
  and pushes what is due, so 10,000 accounts every 10 s are 1,000 pushes a second, about 2 per
  tick. The text is `steady @<Unix time in microseconds when the simulator pushed it>`.
- Latency: the client's wall clock when the driver hands out the `Event::Message`, minus the
  stamp (same machine, same realtime clock). Only texts received in the window count.
- KiB per account: (client VmRSS - VmRSS before the first session) / N, when all sessions
  were Ready and at the end of the window.
  "client CPU" and "sim CPU" are user + system seconds from /proc/PID/stat, split at the
  moment all sessions were Ready.
"""


def read_runs(path):
    runs = []
    rate_ms = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("sim: "):
                words = line.split()
                if "--rate-ms" in words:
                    rate_ms = int(words[words.index("--rate-ms") + 1])
            elif line.startswith("scale-result "):
                client = json.loads(line[len("scale-result "):])
                runs.append({"client": client, "sim": {}, "rate_ms": rate_ms})
            elif line.startswith("sim-stats ") and runs:
                sim = json.loads(line[len("sim-stats "):])
                if sim.get("accounts") == runs[-1]["client"]["accounts"]:
                    runs[-1]["sim"] = sim
    return runs


def num(x, fmt="{:.1f}"):
    return "n/a" if x is None else fmt.format(x)


def table(runs):
    out = [
        "| accounts | text every | read buffer | dedupe | ready | messages | msg/s | p50 ms | p99 ms | max ms | "
        "client RSS end | KiB per account (Ready / end) | client CPU s (login + window) | sim RSS end | "
        "sim CPU s (login + window) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for r in runs:
        c, s = r["client"], r["sim"]
        sim_window = None
        if s.get("cpu_end_s") is not None and s.get("cpu_login_s") is not None:
            sim_window = s["cpu_end_s"] - s["cpu_login_s"]
        out.append(
            "| {accounts} | {rate} s | {rb} | {dd} | {ready} | {messages} | {mps} | {p50} | {p99} | {mx} | {rss} MiB | "
            "{per} | {cl} + {cw} | {srss} MiB | {sl} + {sw} |".format(
                accounts=f"{c['accounts']:,}",
                rb="adaptive" if c.get("read_buffer") is None else f"{c['read_buffer']} B",
                dd=c.get("dedupe", 4096),
                rate="?" if r["rate_ms"] is None else f"{r['rate_ms'] / 1000:g}",
                ready=f"{c['ready']:,}",
                messages=f"{c['messages']:,}",
                mps=num(c["msg_per_s"]),
                p50=num(c["p50_ms"], "{:.2f}"),
                p99=num(c["p99_ms"], "{:.2f}"),
                mx=num(c["max_ms"], "{:.2f}"),
                rss=num(c["rss_end_kib"] / 1024),
                per=num(c.get("kib_per_account_ready")) + " / " + num(c["kib_per_account"]),
                cl=num(c["cpu_login_s"], "{:.2f}"),
                cw=num(c["cpu_window_s"], "{:.2f}"),
                srss=num(s["rss_end_kib"] / 1024) if s.get("rss_end_kib") else "n/a",
                sl=num(s.get("cpu_login_s"), "{:.2f}"),
                sw=num(sim_window, "{:.2f}"),
            )
        )
    return "\n".join(out)


def svg(runs, path):
    pts = [
        (r["client"]["accounts"], r["client"]["kib_per_account"])
        for r in runs
        if r["client"]["accounts"] > 0
        and r["client"]["kib_per_account"] > 0
        and r["client"].get("read_buffer") is None
        and r["client"].get("dedupe", 4096) >= 1024
        and r["rate_ms"] in (None, 10000)
    ]
    if not pts:
        return
    w, h = 640, 400
    left, right, top, bottom = 70, 20, 40, 60
    xs = [math.log10(a) for a, _ in pts]
    ys = [math.log10(k) for _, k in pts] + [math.log10(TARGET_KIB)]
    x0, x1 = math.floor(min(xs)), max(math.ceil(max(xs)), math.floor(min(xs)) + 1)
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    if y1 == y0:
        y1 += 1

    def px(lx):
        return left + (lx - x0) / (x1 - x0) * (w - left - right)

    def py(ly):
        return h - bottom - (ly - y0) / (y1 - y0) * (h - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{w}" height="{h}" fill="white"/>',
        f'<text x="{w / 2}" y="20" text-anchor="middle" font-size="14">'
        "wx-tokio client: resident memory per account (over baseline)</text>",
    ]
    for e in range(x0, x1 + 1):
        x = px(e)
        parts.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{h - bottom}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{x}" y="{h - bottom + 16}" text-anchor="middle">{10 ** e:,}</text>'
        )
    for e in range(y0, y1 + 1):
        y = py(e)
        parts.append(f'<line x1="{left}" y1="{y}" x2="{w - right}" y2="{y}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{10 ** e:,} KiB</text>')
    ty = py(math.log10(TARGET_KIB))
    parts.append(
        f'<line x1="{left}" y1="{ty}" x2="{w - right}" y2="{ty}" stroke="#c33" '
        'stroke-dasharray="6,4"/>'
    )
    parts.append(
        f'<text x="{w - right - 4}" y="{ty - 6}" text-anchor="end" fill="#c33">'
        f"target {TARGET_KIB} KiB</text>"
    )
    # One line through the mean of each size, every run as a dot.
    by_n = {}
    for a, k in pts:
        by_n.setdefault(a, []).append(k)
    line = " ".join(
        f"{px(math.log10(a)):.1f},{py(math.log10(sum(v) / len(v))):.1f}"
        for a, v in sorted(by_n.items())
    )
    parts.append(f'<polyline points="{line}" fill="none" stroke="#36c" stroke-width="2"/>')
    for a, k in pts:
        x, y = px(math.log10(a)), py(math.log10(k))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#36c"/>')
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y - 6:.1f}">{escape(f"{k:.1f}")}</text>'
        )
    parts.append(
        f'<text x="{(left + w - right) / 2}" y="{h - 20}" text-anchor="middle">'
        "logged-in accounts in one process (log scale)</text>"
    )
    parts.append(
        f'<text x="16" y="{(top + h - bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {(top + h - bottom) / 2})">KiB per account (log scale)</text>'
    )
    parts.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw")
    ap.add_argument("--svg")
    args = ap.parse_args()
    runs = read_runs(args.raw)
    if not runs:
        sys.exit("no scale-result lines")
    print(HEADER)
    print(table(runs))
    if args.svg:
        svg(runs, args.svg)


if __name__ == "__main__":
    main()
