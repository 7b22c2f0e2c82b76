#!/usr/bin/env python3
"""Runs the README's instruction-count recipes, so they cannot rot unnoticed.

Every ```sh block of README.md that runs `valgrind --tool=callgrind` on a cost example is read
for its `cargo build ... -p PACKAGE --example NAME` line and its `for m in MODES; do` loop.
This builds each example (with the profile given here instead of --release, to share CI's
build) and runs every mode under callgrind with a small count, failing if a build or run
fails or callgrind reports no total. It prints each mode's count and the cost of one
operation, (count(mode) - count(setup)) / N, as the README computes it; with a small N those
figures are rough, the recipe's own N gives the README's.

Usage: tools/readme_costs.py [--profile PROFILE] [--count N] [README]
"""
import argparse
import json
import os
import re
import subprocess
import sys


def recipes(readme: str):
    for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
        if "valgrind --tool=callgrind" not in block:
            continue
        build = re.search(r"cargo build [^\n]*?-p (\S+) --example (\S+)", block)
        modes = re.search(r"for m in ([^;]+); do", block)
        if not build or not modes:
            raise SystemExit(f"README: a callgrind recipe without a build line or mode loop:\n{block}")
        yield build.group(1), build.group(2), modes.group(1).split()


def target_dir() -> str:
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(meta.stdout)["target_directory"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default="release")
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("readme", nargs="?", default="README.md")
    args = ap.parse_args()
    with open(args.readme, encoding="utf-8") as f:
        found = list(recipes(f.read()))
    if not found:
        print("README: no callgrind recipe found", file=sys.stderr)
        return 1
    # Every cost example (`*_cost`) must have its recipe, so none can rot unnoticed; the
    # others (the flood harness) run in CI on their own.
    have = {name for _, name, _ in found}
    examples = {
        f[:-3]
        for d in os.listdir(".")
        if os.path.isdir(os.path.join(d, "examples"))
        for f in os.listdir(os.path.join(d, "examples"))
        if f.endswith("_cost.rs")
    }
    if examples - have:
        print(f"README: no callgrind recipe for the example(s) {sorted(examples - have)}", file=sys.stderr)
        return 1
    tdir = target_dir()
    failures = 0
    for package, example, modes in found:
        subprocess.run(
            ["cargo", "build", "--locked", "--profile", args.profile, "-p", package, "--example", example],
            check=True,
        )
        profile_dir = {"dev": "debug", "test": "debug", "bench": "release"}.get(args.profile, args.profile)
        binary = os.path.join(tdir, profile_dir, "examples", example)
        counts = {}
        for mode in modes:
            run = subprocess.run(
                ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary, mode, str(args.count)],
                capture_output=True, text=True,
            )
            total = re.search(r"Collected : (\d+)", run.stderr)
            if run.returncode != 0 or not total:
                print(f"FAIL: {example} {mode} {args.count}: exit {run.returncode}\n{run.stdout}{run.stderr[-2000:]}", file=sys.stderr)
                failures += 1
                continue
            counts[mode] = int(total.group(1))
        base = counts.get("setup")
        for mode, n in counts.items():
            per = "" if base is None or mode == "setup" else f"  ~{(n - base) / args.count:,.0f} per op"
            print(f"{example:>18} {mode:<14} {n:>14,}{per}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
