#!/usr/bin/env python3
"""Runs a command and prints its wall seconds, CPU seconds and memory, with the resident
memory split into what the process allocated (anonymous: heap, stacks) and file pages it
mapped (pack files gix maps whole count here once touched):

    wall_s user_s sys_s peak_rss_kib peak_anon_kib peak_file_kib exit_code

peak_rss_kib is the kernel's own high-water mark (getrusage); the anonymous and file-backed
peaks are sampled from /proc/PID/status every INTERVAL seconds, so a spike shorter than that
can be missed. The command's stdout and stderr go to /dev/null unless --out/--err name files.

    bench/secrets/peak.py [--interval S] [--out FILE] [--err FILE] -- CMD ARGS...
"""
import argparse
import os
import subprocess
import time


def status_kib(pid):
    """RssAnon and RssFile of a live process, in KiB (None once it has exited)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return None
    try:
        return (int(fields["RssAnon"].split()[0]), int(fields["RssFile"].split()[0]))
    except (KeyError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interval", type=float, default=0.02)
    ap.add_argument("--out", default=os.devnull)
    ap.add_argument("--err", default=os.devnull)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command given")
    with open(args.out, "wb") as out, open(args.err, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        anon = file_ = 0
        while True:
            sample = status_kib(proc.pid)
            if sample:
                anon, file_ = max(anon, sample[0]), max(file_, sample[1])
            # wait4 with WNOHANG: reap and read the child's own rusage when it has ended.
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(args.interval)
        wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    print(f"{wall:.2f} {usage.ru_utime:.2f} {usage.ru_stime:.2f} {usage.ru_maxrss} {anon} {file_} {code}")


if __name__ == "__main__":
    main()
