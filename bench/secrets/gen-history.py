#!/usr/bin/env python3
"""A many-commit git history for the secret-scanner benchmark (issue 4).

Commits the small synthetic tree (bench/run.sh) once, then COMMITS successive edits of it:
each commit rewrites EDITS files (a changed line near the top, a line appended), so every
commit adds EDITS new blobs and new trees along their paths, like a busy monorepo. Every
50th commit adds a fake credential to one file and a later commit removes it again, so the
history holds secrets both gone from and still present at HEAD.

Written as one `git fast-import` stream (seconds, not the minutes of thousands of
`git commit`s), then repacked as `git gc` would (deltas against earlier versions).

    bench/secrets/gen-history.py SRC_TREE DEST_REPO [--commits N] [--edits K]
"""
import argparse
import os
import random
import subprocess
import sys


def fake_key(rng):
    # AKIA + 16 of [A-Z2-7]: the shape of an AWS access key id, generated, never real.
    return "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dest")
    ap.add_argument("--commits", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=60)
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    files = {}
    for root, dirs, names in os.walk(args.src):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            full = os.path.join(root, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            rel = os.path.relpath(full, args.src).replace(os.sep, "/")
            with open(full, "rb") as f:
                files[rel] = f.read()
    paths = sorted(files)
    if not paths:
        sys.exit(f"{args.src}: no files")

    os.makedirs(args.dest, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", args.dest], check=True)
    proc = subprocess.Popen(
        ["git", "-C", args.dest, "fast-import", "--quiet", "--depth=50"],
        stdin=subprocess.PIPE,
    )
    out = proc.stdin

    def data(payload):
        out.write(b"data %d\n" % len(payload))
        out.write(payload)
        out.write(b"\n")

    when = 1_700_000_000
    planted = {}  # path -> commit number that planted a key
    for n in range(args.commits + 1):
        when += 3600
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.invalid> %d +0000\n" % when)
        data(b"initial import" if n == 0 else b"edit %d" % n)
        if n == 0:
            out.write(b"deleteall\n")
            changed = paths
        else:
            changed = rng.sample(paths, min(args.edits, len(paths)))
            for path in changed:
                body = files[path]
                line = b"// revision %d of %s\n" % (n, path.encode())
                first = body.find(b"\n") + 1
                files[path] = body[:first] + line + body[first:] + b"// touched in %d\n" % n
            if n % 50 == 0:
                path = changed[0]
                files[path] += b'aws_access_key_id = "%s"\n' % fake_key(rng).encode()
                planted[path] = n
            for path, at in list(planted.items()):
                if n - at == 20 and (at // 50) % 2 == 0:
                    # Half the planted keys are removed again 20 commits later.
                    lines = files[path].split(b"\n")
                    files[path] = b"\n".join(l for l in lines if b"aws_access_key_id" not in l)
                    changed = list(changed) + [path]
                    del planted[path]
        for path in sorted(set(changed)):
            out.write(b"M 100644 inline %s\n" % path.encode())
            data(files[path])
        out.write(b"\n")
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", args.dest, "reset", "-q", "--hard", "main"], check=True)
    subprocess.run(["git", "-C", args.dest, "repack", "-adq", "--depth=50", "--window=10"], check=True)


if __name__ == "__main__":
    main()
