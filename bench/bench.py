#!/usr/bin/env python3
"""Helpers for bench/run.sh: timing with process-tree memory sampling, and the results table.

    bench.py measure --raw RAW --tool T --tree TREE --runs N --timeout S [--note N] -- CMD...
        Runs CMD (through `sh -c` when it is one string) N times in its own process group.
        Per run: wall seconds (monotonic clock), peak memory of the whole process tree, exit code.
        Memory: (1) the kernel's high-water mark of the largest single process (wait4's
        ru_maxrss: the figure `/usr/bin/time -v` prints as "Maximum resident set size");
        (2) a sampler reads /proc every 50 ms and sums RSS over every process of the group
        (forked workers included: checkov forks) and PSS (shared copy-on-write pages split
        among the processes that share them). Peak = max(kernel high-water mark of the largest
        process, sampled PSS sum of the group); the RSS sum (an overstatement for forked
        workers) is kept in the raw runs.
        A run over the timeout kills the group and is recorded as a timeout.
        Appends one JSON line to RAW.
    bench.py hyperfine --raw RAW --tool T --tree TREE --json HF.json [--note N]
        Imports hyperfine's --export-json result (median of its runs).
    bench.py setmem --raw RAW --tool T --tree TREE --mib X
        Sets the peak memory of an already recorded row (vouch: timed by hyperfine, memory by
        one `measure` run).
    bench.py table --raw RAW --trees TREES.json
        Prints the Markdown results table.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def group_memory(pgid: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in bytes over every process whose process group is `pgid`.

    PSS (proportional set size) splits pages shared between processes (a forked worker's
    copy-on-write pages) among them, so its sum is the tree's real footprint; the RSS sum
    counts shared pages once per process and overstates it."""
    rss = pss = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
            # Fields after the command name (which may hold spaces) start after the last ')'.
            rest = stat[stat.rfind(b")") + 2:].split()
            # rest[0]=state, rest[1]=ppid, rest[2]=pgrp, ..., rest[21]=rss (pages)
            if len(rest) <= 21 or int(rest[2]) != pgid:
                continue
            rss += int(rest[21]) * PAGE
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError):
            continue
    return rss, pss


def run_once(cmd: list[str], timeout: float, interval: float = 0.05) -> dict:
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True)
    peak = [0, 0]  # RSS sum, PSS sum
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                rss, pss = group_memory(proc.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            except Exception:
                pass
            done.wait(interval)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    timed_out = False
    status = rusage = None
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            pid, status, rusage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    wall = time.monotonic() - start
    done.set()
    t.join()
    # Reap any leftover members of the group (a forked worker that outlived its parent).
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = rusage.ru_maxrss * 1024  # KiB on Linux
    return {
        "wall": round(wall, 3),
        "exit": proc.returncode,
        "timeout": timed_out,
        "maxrss_mib": round(maxrss / 1048576, 1),
        "tree_rss_mib": round(peak[0] / 1048576, 1),
        "tree_pss_mib": round(peak[1] / 1048576, 1),
        "peak_mib": round(max(maxrss, peak[1]) / 1048576, 1),
        "cpu": round(rusage.ru_utime + rusage.ru_stime, 3),
    }


def append(raw: str, row: dict) -> None:
    with open(raw, "a") as f:
        f.write(json.dumps(row) + "\n")


def cmd_measure(a) -> int:
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if len(cmd) == 1:
        cmd = ["sh", "-c", cmd[0]]
    load = loadavg()
    runs = []
    for i in range(a.runs):
        r = run_once(cmd, a.timeout)
        runs.append(r)
        print(f"    {a.tool} [{a.tree}] run {i + 1}/{a.runs}: {r['wall']:.2f}s, exit {r['exit']}, "
              f"peak {r['peak_mib']:.0f} MiB{' TIMEOUT' if r['timeout'] else ''}", file=sys.stderr)
        if r["timeout"]:
            break
        if a.max_total and sum(x["wall"] for x in runs) > a.max_total and i + 1 < a.runs:
            print(f"    {a.tool}: stopping after {i + 1} run(s) (over {a.max_total:.0f}s in total)", file=sys.stderr)
            break
    ok = [r for r in runs if not r["timeout"]]
    row = {
        "tool": a.tool, "tree": a.tree, "note": a.note, "load": load, "method": "sampler",
        "runs": runs, "n": len(ok),
        "median": round(statistics.median(r["wall"] for r in ok), 3) if ok else None,
        "cpu": round(statistics.median(r["cpu"] for r in ok), 3) if ok else None,
        "peak_mib": max((r["peak_mib"] for r in runs), default=None),
        "timeout": any(r["timeout"] for r in runs), "timeout_s": a.timeout,
    }
    append(a.raw, row)
    # Machine-readable last line for run.sh.
    print(json.dumps({"median": row["median"], "timeout": row["timeout"], "peak_mib": row["peak_mib"]}))
    return 0


def cmd_hyperfine(a) -> int:
    with open(a.json) as f:
        res = json.load(f)["results"][0]
    times = res["times"]
    append(a.raw, {
        "tool": a.tool, "tree": a.tree, "note": a.note, "load": a.load or loadavg(), "method": "hyperfine",
        "runs": [{"wall": round(t, 3)} for t in times], "n": len(times),
        "median": round(res["median"], 3),
        "cpu": round(res.get("user", 0) + res.get("system", 0), 3), "stddev": round(res.get("stddev") or 0, 3),
        "peak_mib": None, "timeout": False,
    })
    return 0


def read_raw(raw: str) -> list[dict]:
    if not os.path.exists(raw):
        return []
    with open(raw) as f:
        return [json.loads(line) for line in f if line.strip()]


def cmd_setmem(a) -> int:
    rows = read_raw(a.raw)
    for r in reversed(rows):
        if r["tool"] == a.tool and r["tree"] == a.tree:
            r["peak_mib"] = a.mib
            break
    with open(a.raw, "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    return 0


def fmt(x, digits=2):
    return "—" if x is None else f"{x:.{digits}f}"


def cmd_table(a) -> int:
    rows = read_raw(a.raw)
    with open(a.trees) as f:
        trees = json.load(f)  # {name: {"files": n, "mib": x, "git": bool}}
    last: dict[tuple[str, str], dict] = {}
    for r in rows:  # a later row for the same (tool, tree) replaces an earlier one
        last[(r["tool"], r["tree"])] = r
    base = {t: r["median"] for (tool, t), r in last.items() if tool == "read-once"}
    vouch = {t: r["median"] for (tool, t), r in last.items() if tool == "vouch"}
    vcpu = {t: r.get("cpu") for (tool, t), r in last.items() if tool == "vouch"}
    bcpu = {t: r.get("cpu") for (tool, t), r in last.items() if tool == "read-once"}
    peers = [r for (tool, _), r in last.items() if tool not in ("read-once", "vouch", "vouch (git)")]
    out = []
    out.append("| tool | tree | median wall s | runs | × read-once (wall) | × vouch (wall) | CPU s (user+sys) | × vouch (CPU) | peak MiB | load at start (1/5/15 min) |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    order = {"read-once": 0, "vouch": 1, "vouch (git)": 2}
    for (tool, tree), r in sorted(last.items(), key=lambda kv: (order.get(kv[0][0], 3), kv[0][0], kv[0][1])):
        med = r["median"]
        b = base.get(tree if tool != "vouch (git)" else trees[tree].get("plain", tree))
        v = vouch.get(trees.get(tree, {}).get("plain", tree) if tool == "vouch (git)" else tree)
        ratio_base = med / b if med and b else None
        ratio_vouch = med / v if med and v and tool not in ("vouch",) else None
        t = f"{fmt(med)}" if not r.get("timeout") or med else f"> {r.get('timeout_s', 0):.0f} (timeout)"
        cpu = r.get("cpu")
        vc = vcpu.get(trees.get(tree, {}).get("plain", tree) if tool == "vouch (git)" else tree)
        ratio_cpu = cpu / vc if cpu and vc and tool != "vouch" else None
        out.append(f"| {tool} | {tree} | {t} | {r['n']} | {fmt(ratio_base, 2)} | "
                   f"{'1.00' if tool == 'vouch' else fmt(ratio_vouch, 1)} | {fmt(cpu)} | "
                   f"{'1.00' if tool == 'vouch' else fmt(ratio_cpu, 1)} | {fmt(r['peak_mib'], 0)} | {r['load']} |")
    out.append("")
    out.append("Trees: " + "; ".join(f"`{n}` = {d['files']:,} files, {d['mib']:.0f} MiB{' (git repo)' if d.get('git') else ''}"
                                       for n, d in trees.items()) + ".")
    out.append("")
    # Targets.
    big = a.big
    lines = []
    vb, bb = vouch.get(big), base.get(big)
    if vb and bb:
        ok = vb <= 2 * bb
        lines.append(f"- vouch ≤ 2× read-once on `{big}`: {vb / bb:.2f}× wall — {'met' if ok else 'NOT met'}"
                     + (f" (CPU time: {vcpu[big] / bcpu[big]:.2f}×)" if vcpu.get(big) and bcpu.get(big) else ""))
    # Issue 2 compares each peer on the big tree; a peer is compared on a smaller tree only
    # when it did not run on the big one (too slow there). Small-tree ratios stay in the table.
    ran_big = {p["tool"] for p in peers if p["tree"] == big and (p["median"] or p.get("timeout"))}
    best = None
    for p in peers:
        if p["tool"] in ran_big and p["tree"] != big:
            continue
        if p["median"] and vouch.get(p["tree"]):
            speed = p["median"] / vouch[p["tree"]]
            if best is None or speed < best[0]:
                best = (speed, p["tool"], p["tree"])
        elif p.get("timeout") and vouch.get(p["tree"]):
            speed = p.get("timeout_s", 0) / vouch[p["tree"]]
            if best is None or speed < best[0]:
                best = (speed, p["tool"] + " (timed out: lower bound)", p["tree"])
    if best:
        lines.append(f"- vouch ≥ 10× faster than the fastest peer: fastest peer is {best[1]} on `{best[2]}`, "
                     f"{best[0]:.1f}× slower than vouch on the same tree — {'met' if best[0] >= 10 else 'NOT met'}")
    vm = last.get(("vouch", big), {}).get("peak_mib")
    if vm is not None:
        lines.append(f"- vouch peak memory < 256 MiB on `{big}`: {vm:.0f} MiB — {'met' if vm < 256 else 'NOT met'}")
    out.append("Targets (issue 2):")
    out.extend(lines)
    print("\n".join(out))
    return 0


def cmd_outputs(a) -> int:
    """One line per tool output: what each tool reported (proof that it did the work)."""
    for name in sorted(os.listdir(a.out)):
        path = os.path.join(a.out, name)
        if not name.endswith(".json") or not any(name.startswith(p) for p in ("trivy-", "checkov-", "vouch-")):
            continue
        try:
            with open(path) as f:
                d = json.load(f)
        except (OSError, ValueError) as e:
            print(f"- {name}: unreadable ({e})")
            continue
        if name.startswith("trivy-"):
            res = d.get("Results") or []
            mis = sum(len(r.get("Misconfigurations") or []) for r in res)
            sec = sum(len(r.get("Secrets") or []) for r in res)
            print(f"- {name}: {len(res)} targets, {mis} misconfigurations, {sec} secrets")
        elif name.startswith("checkov-"):
            d = d if isinstance(d, list) else [d]
            parts = [f"{x.get('check_type')} {x.get('summary', {}).get('failed', 0)} failed/"
                     f"{x.get('summary', {}).get('passed', 0)} passed" for x in d if isinstance(x, dict)]
            print(f"- {name}: " + ", ".join(parts))
        else:
            res = d.get("results") or []
            fails = sum(1 for r in res if r.get("outcome") == "fail")
            finds = sum(len(r.get("findings") or []) for r in res)
            print(f"- {name}: {len(res)} controls evaluated, {fails} failed, {finds} findings, "
                  f"{len(d.get('input_errors') or [])} input errors")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="sub", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--raw", required=True)
    m.add_argument("--tool", required=True)
    m.add_argument("--tree", required=True)
    m.add_argument("--runs", type=int, default=3)
    m.add_argument("--timeout", type=float, default=600)
    m.add_argument("--max-total", type=float, default=0, help="stop repeating once runs add up to this many seconds")
    m.add_argument("--note", default="")
    m.add_argument("cmd", nargs=argparse.REMAINDER)
    h = sub.add_parser("hyperfine")
    h.add_argument("--raw", required=True)
    h.add_argument("--tool", required=True)
    h.add_argument("--tree", required=True)
    h.add_argument("--json", required=True)
    h.add_argument("--note", default="")
    h.add_argument("--load", default="")
    s = sub.add_parser("setmem")
    s.add_argument("--raw", required=True)
    s.add_argument("--tool", required=True)
    s.add_argument("--tree", required=True)
    s.add_argument("--mib", type=float, required=True)
    t = sub.add_parser("table")
    t.add_argument("--raw", required=True)
    t.add_argument("--trees", required=True)
    t.add_argument("--big", required=True)
    o = sub.add_parser("outputs")
    o.add_argument("--out", required=True)
    a = ap.parse_args()
    return {"outputs": cmd_outputs, "measure": cmd_measure, "hyperfine": cmd_hyperfine, "setmem": cmd_setmem, "table": cmd_table}[a.sub](a)


if __name__ == "__main__":
    sys.exit(main())
