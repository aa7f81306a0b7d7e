#!/usr/bin/env python3
"""Reads the outputs of one bench/load/run.sh run and prints Markdown tables.

Closed model: requests per second at the same connection count (median of the rounds), each
tool's ratio to vouch, and requests per CPU second (user + system time of the tool), which is
the fairer comparison on a shared machine. vouch runs first and last in every round; the two
rows show how much the machine drifted during a round.

Fixed rate: achieved rate, p50 and p99 (median of the rounds), and how far vouch's figure is
from each peer's, measured the same way: oha with --latency-correction counts from the
intended send time like vouch's latency; oha without it (`oha-sent`) and k6 count from the
actual send like vouch's service time.
"""
import argparse
import json
import re
import statistics
import sys


def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def read_vouch(text, mode):
    doc = json.loads(text)
    out = {"rps": doc["throughput_rps"], "p50": doc["latency_ms"]["p50"], "p99": doc["latency_ms"]["p99"]}
    if mode == "open" and doc.get("service_time_ms"):
        out["svc_p50"] = doc["service_time_ms"]["p50"]
        out["svc_p99"] = doc["service_time_ms"]["p99"]
        out["late"] = doc["requests"]["late"]
    return out


def read_wrk(text, _mode):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = {m.group(1): ms(m.group(2), m.group(3))
           for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
    return {"rps": rps, "p50": pct.get("50"), "p99": pct.get("99")}


def read_oha(text, _mode):
    doc = json.loads(text)
    pct = doc.get("latencyPercentiles", {})
    return {"rps": doc["summary"]["requestsPerSec"],
            "p50": pct.get("p50", 0) * 1000, "p99": pct.get("p99", 0) * 1000}


def read_k6(text, _mode):
    m = json.loads(text)["metrics"]
    d = m["http_req_duration"]
    return {"rps": m["http_reqs"]["rate"], "p50": d["med"], "p99": d["p(99)"]}


READERS = {"vouch": read_vouch, "wrk": read_wrk, "oha": read_oha, "oha-sent": read_oha,
           "k6": read_k6}


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=3):
    return "—" if v is None else f"{v:.{digits}f}"


def gap(ours, theirs):
    """vouch's figure relative to a peer's, in percent (+ = vouch higher)."""
    if ours is None or not theirs:
        return "—"
    return f"{100.0 * (ours - theirs) / theirs:+.1f} %"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--connections", type=int)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--rate", type=int)
    ap.add_argument("--seconds", type=int)
    args = ap.parse_args()
    runs = {}
    loads = []
    with open(args.raw) as f:
        for line in f:
            r = json.loads(line)
            loads.append(r["uptime"])
            try:
                with open(r["file"]) as g:
                    got = READERS[r["tool"]](g.read(), r["mode"])
            except (OSError, ValueError, KeyError, AttributeError) as e:
                print(f"warning: {r['tool']} {r['mode']} round {r['round']}: {e}", file=sys.stderr)
                continue
            try:
                user, system = (float(x) for x in r.get("cpu", "").split())
                got["cpu"] = user + system
                got["per_cpu"] = got["rps"] * args.seconds / got["cpu"] if got["cpu"] else None
            except ValueError:
                pass
            label = r["tool"] if r.get("pos", "first") == "first" else f"{r['tool']} (again, last)"
            runs.setdefault((label, r["mode"]), []).append(got)

    def stat(label, mode, key):
        return med([x.get(key) for x in runs.get((label, mode), [])])

    labels = [t for t in READERS if any(k[0] == t for k in runs)]
    labels += [k for k in sorted({k[0] for k in runs}) if k not in labels]
    print(f"Closed model, {args.connections} connections, {args.threads} generator threads, "
          f"{args.seconds}s per run, median of the rounds:\n")
    print("| tool | req/s | vs vouch | CPU s | req per CPU s | vs vouch | p50 ms | p99 ms | rounds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = stat("vouch", "closed", "rps")
    base_cpu = stat("vouch", "closed", "per_cpu")
    for t in labels:
        rps = stat(t, "closed", "rps")
        if rps is None:
            continue
        per_cpu = stat(t, "closed", "per_cpu")
        ratio = f"{rps / base:.2f}" if base else "—"
        cpu_ratio = f"{per_cpu / base_cpu:.2f}" if base_cpu and per_cpu else "—"
        print(f"| {t} | {rps:,.0f} | {ratio} | {fmt(stat(t, 'closed', 'cpu'), 1)} | "
              f"{fmt(per_cpu, 0)} | {cpu_ratio} | {fmt(stat(t, 'closed', 'p50'))} | "
              f"{fmt(stat(t, 'closed', 'p99'))} | {len(runs[(t, 'closed')])} |")

    print(f"\nFixed rate {args.rate}/s, {args.connections} connections, median of the rounds. "
          "vouch and oha (--latency-correction) measure from the intended send time; oha-sent "
          "(oha without it), k6 and vouch's service time from the actual send:\n")
    print("| tool | achieved req/s | p50 ms | p99 ms | vouch p50 vs it | vouch p99 vs it | rounds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for t in labels:
        rps = stat(t, "open", "rps")
        if rps is None:
            continue
        p50, p99 = stat(t, "open", "p50"), stat(t, "open", "p99")
        # Compare like with like: intended-time figures with oha, send-time ones with k6.
        key = {"oha": ("p50", "p99"), "oha-sent": ("svc_p50", "svc_p99"),
               "k6": ("svc_p50", "svc_p99")}.get(t)
        ours = (stat("vouch", "open", key[0]), stat("vouch", "open", key[1])) if key else (None, None)
        print(f"| {t} | {rps:,.0f} | {fmt(p50)} | {fmt(p99)} | {gap(ours[0], p50)} | "
              f"{gap(ours[1], p99)} | {len(runs[(t, 'open')])} |")
        if t.startswith("vouch") and stat(t, "open", "svc_p50") is not None:
            print(f"| {t} (service time) | | {fmt(stat(t, 'open', 'svc_p50'))} | "
                  f"{fmt(stat(t, 'open', 'svc_p99'))} | | | |")
    if loads:
        print(f"\nLoad average during the runs (1/5/15 min): first {loads[0]}, last {loads[-1]}.")


if __name__ == "__main__":
    main()
