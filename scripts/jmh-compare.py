#!/usr/bin/env python3
"""Compare two JMH JSON results (-rf json): a baseline and a new run, benchmark by benchmark (name and params).

Usage: jmh-compare.py BASELINE RESULT [--mode all|alloc-only] [--time-tolerance 0.30] [--alloc-slack-bytes 1]

A score regresses when it is worse than the baseline by more than the time tolerance (for time per operation:
higher; for throughput: lower). Allocation regresses when gc.alloc.rate.norm exceeds the baseline by more than
30% plus the slack bytes (a benchmark that allocates by design, such as a key bundle fetch's entry copy, varies by
a quarter from run to run; one that allocates nothing stays held to about a byte) plus what JMH's own threads allocate during one operation (about 6 KB/s, counted at
10 KB/s: a few hundredths of a byte for a fast operation, tens of bytes for one that takes milliseconds). A benchmark in the baseline and
missing from the result fails too, so a renamed benchmark cannot slip out of the check. Exit status 1 on any
regression.
"""
import argparse
import json
import sys

ALLOC = "gc.alloc.rate.norm"
JMH_BACKGROUND_BYTES_PER_SECOND = 10_000
SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0}


def seconds_per_op(score, unit):
    """Seconds one operation takes, from a score in ns/op, us/op, ... or ops/s, ops/ms, ..."""
    if unit.startswith("ops/"):
        return SECONDS[unit.split("/", 1)[1]] / score if score else 0.0
    return score * SECONDS[unit.split("/", 1)[0]]


def key(entry):
    params = entry.get("params") or {}
    suffix = ",".join("%s=%s" % (name, params[name]) for name in sorted(params))
    return entry["benchmark"].rsplit(".", 2)[-2] + "." + entry["benchmark"].rsplit(".", 1)[-1] + \
        ("[" + suffix + "]" if suffix else "")


def load(path):
    with open(path) as f:
        return {key(entry): entry for entry in json.load(f)}


def alloc(entry):
    secondary = entry.get("secondaryMetrics") or {}
    metric = secondary.get(ALLOC)
    return None if metric is None else metric["score"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("baseline")
    parser.add_argument("result")
    parser.add_argument("--mode", default="all", choices=["all", "alloc-only"])
    parser.add_argument("--time-tolerance", type=float, default=0.30)
    parser.add_argument("--alloc-slack-bytes", type=float, default=1.0)
    args = parser.parse_args()

    baseline = load(args.baseline)
    result = load(args.result)
    failures = []
    print("%-62s %18s %18s %7s %10s %10s" % ("benchmark", "baseline", "now", "ratio", "B/op base", "B/op now"))
    for name in sorted(baseline):
        base = baseline[name]
        now = result.get(name)
        if now is None:
            failures.append("%s: missing from the result" % name)
            continue
        unit = base["primaryMetric"]["scoreUnit"]
        base_score = base["primaryMetric"]["score"]
        now_score = now["primaryMetric"]["score"]
        ratio = now_score / base_score if base_score else float("inf")
        throughput = unit.endswith("/s") or unit.startswith("ops/")
        base_alloc = alloc(base)
        now_alloc = alloc(now)
        print("%-62s %11.3f %-6s %11.3f %-6s %6.2fx %10s %10s" % (
            name, base_score, unit, now_score, unit, ratio,
            "-" if base_alloc is None else "%.3f" % base_alloc, "-" if now_alloc is None else "%.3f" % now_alloc))
        if args.mode == "all":
            worse = ratio < 1 - args.time_tolerance if throughput else ratio > 1 + args.time_tolerance
            if worse:
                failures.append("%s: %.3f %s against %.3f %s (%.2fx; tolerance %.0f%%)" % (
                    name, now_score, unit, base_score, unit, ratio, args.time_tolerance * 100))
        if base_alloc is not None:
            if now_alloc is None:
                failures.append("%s: no %s in the result (run with -prof gc)" % (name, ALLOC))
            elif now_alloc > base_alloc * 1.3 + args.alloc_slack_bytes + \
                    JMH_BACKGROUND_BYTES_PER_SECOND * seconds_per_op(now_score, unit):
                failures.append("%s: allocates %.3f B/op against %.3f B/op" % (name, now_alloc, base_alloc))
    for name in sorted(set(result) - set(baseline)):
        print("%-62s %s" % (name, "new: not in the baseline (run scripts/jmh-check --update to add it)"))

    if failures:
        print("\njmh-check: %d regression(s):" % len(failures))
        for failure in failures:
            print("  " + failure)
        return 1
    print("\njmh-check: no regression (%d benchmarks, %s)" % (
        len(baseline), "allocation only" if args.mode == "alloc-only" else
        "time within %.0f%%, allocation" % (args.time_tolerance * 100)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
