#!/usr/bin/env python3
"""Render the bench JSON files of scripts/performance-figures into a Markdown page.

Usage: render-figures.py RESULTS_DIR > docs/performance-figures.md
Reads RESULTS_DIR/<section>.json (or <section>-1.json, -2.json, ... for repeated single-target runs) for the harness
sections and RESULTS_DIR/jmh.json (JMH's -rf json) if present.
"""
import glob
import json
import os
import statistics
import sys

SECTIONS = [
    ("pingpong", "1:1 delivery at a fixed rate (pingpong)"),
    ("throughput", "Highest rate whose p99 stays under the bound (throughput)"),
    ("ping", "Closed-loop ping, one pair (the floor)"),
    ("pingpong-latency", "pingpong, latency profile"),
    ("connections", "Idle connections (connections)"),
    ("drain", "Backlog drain (drain)"),
    ("login-storm", "Devices logging in at once (login-storm)"),
]
FIGURES = ["deliveredPerSecond", "maxSustainedRate", "roundTripsPerSecond", "rssGrowthPerConnectionBytes",
           "idleServerCpuCores", "loginsPerSecond", "drainRatePerSecond", "serverCpuCores", "clientCpuCores",
           "lostToClosedConnections"]


def us(value):
    if value is None:
        return ""
    if value >= 10000:
        return "%.1f ms" % (value / 1000.0)
    if value >= 1000:
        return "%.2f ms" % (value / 1000.0)
    return "%.0f us" % value


def number(value):
    if isinstance(value, float):
        return "%.2f" % value if abs(value) < 100 else "{:,.0f}".format(value)
    if isinstance(value, int):
        return "{:,}".format(value)
    return str(value)


def every_run(doc):
    """Runs per target: compare files carry everyRun; a single run file carries runs."""
    runs = {}
    for run in doc.get("everyRun") or doc.get("runs", []):
        runs.setdefault(run["target"], []).append(run)
    return runs


def series_of(run):
    if "series" in run:
        return run["series"]
    return {k: v for k, v in run.items() if isinstance(v, dict) and "p50Us" in v}


def settings_line(doc):
    s = doc.get("settings", {})
    keys = ["scenario", "rate", "pairs", "payloadBytes", "durationSeconds", "warmupSeconds", "profile",
            "connections", "runs", "serverOptions"]
    parts = ["%s %s" % (k, s[k]) for k in keys if k in s and s[k] not in (None, -1, [], "")]
    h = doc.get("host", {})
    host = "%s cores, %s, %s, %s" % (h.get("cores"), h.get("cpu"), h.get("jdk"), h.get("os"))
    return "Settings: " + ", ".join(parts) + ". Host: " + host + "."


def render_section(name, title, doc, out):
    out.append("## " + title)
    out.append("")
    out.append(settings_line(doc))
    out.append("")
    runs = every_run(doc)
    names = []
    for target_runs in runs.values():
        for run in target_runs:
            for series in series_of(run):
                if series not in names:
                    names.append(series)
    if names:
        out.append("Latency, median of the runs (each run's value in brackets):")
        out.append("")
        out.append("| target | series | runs | p50 | p99 | p99.9 | max |")
        out.append("|---|---|---|---|---|---|---|")
        for target, target_runs in runs.items():
            for series in names:
                values = [series_of(r).get(series) for r in target_runs if series_of(r).get(series)]
                values = [v for v in values if v.get("count", 0) > 0]
                if not values:
                    continue
                cells = []
                for key in ("p50Us", "p99Us", "p999Us", "maxUs"):
                    each = [v[key] for v in values]
                    cell = "**%s**" % us(statistics.median(each))
                    if len(each) > 1:
                        cell += " (" + ", ".join(us(x) for x in each) + ")"
                    cells.append(cell)
                out.append("| %s | %s | %d | %s |" % (target, series, len(values), " | ".join(cells)))
        out.append("")
    figure_rows = []
    for target, target_runs in runs.items():
        for figure in FIGURES:
            each = [r.get("figures", {}).get(figure) for r in target_runs]
            each = [x for x in each if isinstance(x, (int, float))]
            if each:
                cell = "**%s**" % number(statistics.median(each))
                if len(each) > 1:
                    cell += " (" + ", ".join(number(x) for x in each) + ")"
                figure_rows.append("| %s | %s | %s |" % (target, figure, cell))
    if figure_rows:
        out.append("| target | figure | median (runs) |")
        out.append("|---|---|---|")
        out.extend(figure_rows)
        out.append("")
    settings = doc.get("settings", {})
    rate = settings.get("rate")
    seconds = (settings.get("durationSeconds") or 0) + (settings.get("warmupSeconds") or 0)
    if name.startswith("pingpong") and rate and seconds:
        for target, target_runs in runs.items():
            for index, run in enumerate(target_runs):
                figures = run.get("figures", {})
                delivered = figures.get("deliveredPerSecond")
                if isinstance(delivered, (int, float)) and delivered < 0.95 * rate:
                    out.append("- %s run %d did not keep %s msg/s: %s sent in %d s (about %s/s), %s delivered per "
                               "second measured." % (target, index + 1, number(rate), number(figures.get("sent", 0)),
                                                     seconds, number(figures.get("sent", 0) // seconds),
                                                     number(delivered)))
        out.append("")
    ratios = {peer: ratio for peer, ratio in (doc.get("ratiosOursOverTheirs") or {}).items() if ratio}
    if ratios:
        out.append("Ratios switchboard / peer of the median runs, same invocation (below 1 is better for latency "
                   "and memory, above 1 for rates):")
        out.append("")
        out.append("| peer | ratios |")
        out.append("|---|---|")
        for peer, ratio in ratios.items():
            out.append("| %s | %s |" % (peer, ", ".join("%s %s" % (k, v) for k, v in ratio.items())))
        out.append("")
    failures = doc.get("failures") or []
    if failures:
        out.append("Failed runs: " + "; ".join(failures))
        out.append("")


def render_jmh(doc, out):
    out.append("## JMH micro-benchmarks")
    out.append("")
    out.append("`./switchboard jmh` with `-prof gc`; score is JMH's mean over iterations and forks, error its 99.9% "
               "interval; B/op is `gc.alloc.rate.norm`.")
    out.append("")
    out.append("| benchmark | params | mode | score | error | unit | B/op |")
    out.append("|---|---|---|---|---|---|---|")
    for b in doc:
        name = b["benchmark"].replace("dev.switchboard.bench.jmh.", "")
        params = ", ".join("%s=%s" % kv for kv in (b.get("params") or {}).items())
        primary = b["primaryMetric"]
        alloc = (b.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm", {}).get("score")
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            name, params, b["mode"], number(primary["score"]), number(primary["scoreError"]),
            primary["scoreUnit"], "" if alloc is None else "%.3f" % alloc))
    out.append("")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    out = ["# Performance figures", "",
           "Generated by `scripts/performance-figures` from the JSON files in `%s`; do not edit by hand, "
           "re-run the script. How each scenario measures is in [performance.md](performance.md)." %
           os.path.basename(os.path.normpath(folder)), ""]
    found = False
    for name, title in SECTIONS:
        path = os.path.join(folder, name + ".json")
        if os.path.exists(path):
            with open(path) as f:
                render_section(name, title, json.load(f), out)
            found = True
        else:
            # Single-target runs repeated by the script: NAME-1.json, NAME-2.json, ... rendered as one section.
            parts = sorted(glob.glob(os.path.join(folder, name + "-[0-9]*.json")))
            if parts:
                docs = []
                for part in parts:
                    with open(part) as f:
                        docs.append(json.load(f))
                merged = dict(docs[0])
                merged["settings"] = dict(docs[0].get("settings", {}), runs=len(docs))
                merged["everyRun"] = [run for doc in docs for run in doc.get("runs", [])]
                render_section(name, title, merged, out)
                found = True
    jmh = os.path.join(folder, "jmh.json")
    if os.path.exists(jmh):
        with open(jmh) as f:
            render_jmh(json.load(f), out)
        found = True
    if not found:
        sys.exit("no results in " + folder)
    print("\n".join(out))


if __name__ == "__main__":
    main()
