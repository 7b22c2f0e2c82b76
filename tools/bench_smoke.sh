#!/usr/bin/env bash
# Runs every criterion benchmark once (criterion's test mode: each benchmark function is run
# a single time, no measurement) and every cost example in every mode with a tiny count, so a
# benchmark or example that no longer starts fails CI instead of the README's instructions.
# Dev profile on purpose: it checks that they run, not how fast; the figures come from
# `cargo bench` and callgrind on a quiet machine.
#
# Usage: tools/bench_smoke.sh   (extra arguments go to cargo). spat_encode_cost reads the
# shared vectors from $RSU_VECTORS (default ../shared/vectors), as the tests do.
# Prints one line per step with its duration.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
    local name=$1
    shift
    local start=$SECONDS
    "$@"
    echo "bench_smoke: ${name}: $((SECONDS - start)) s"
}

# Every [[bench]] target of the workspace, each in test mode (`cargo test` passes no `--bench`
# argument, so criterion runs each benchmark once and prints "Success").
step "benches (criterion test mode)" cargo test --workspace --bench '*' "$@"

# Every example, every mode, count 2. A new example or mode must be added here; the loop
# below fails on an example that is not listed.
declare -A MODES=(
    [rsu-codecs:spat_encode_cost]="2|2 --rasn|2 --service|2 --service --rasn"
    [rsu-hw:frame_cost]="setup 2|wsmp_prefix 2|wsmp_fresh 2|gn_template 2|gn_fresh 2|demux_wsmp 2|demux_gn 2"
    [rsu-security:op_cost]="setup 2|sign_spdu 2|sign_raw 2|verify_spdu 2|verify_raw 2"
    [rsu-hil:hot_path_cost]="setup 2|hot_path 2|ring_sign 2|build 2|encode 2|sign 2"
)
listed=$(printf '%s\n' "${!MODES[@]}" | sed 's/.*://' | sort)
present=$(find . -path ./target -prune -o -path ./fuzz -prune -o -path '*/examples/*.rs' -print \
    | sed 's|.*/||; s|\.rs$||' | sort)
if [ "$listed" != "$present" ]; then
    echo "bench_smoke: examples on disk and listed here differ:" >&2
    diff <(echo "$listed") <(echo "$present") >&2 || true
    exit 1
fi
# Built once for the whole workspace and run from target/, so no per-package feature set
# rebuilds the dependencies (`cargo run -p` would).
step "examples (build)" cargo build --workspace --examples "$@"
dir=${CARGO_TARGET_DIR:-target}/debug/examples
for key in "${!MODES[@]}"; do
    ex=${key#*:}
    IFS='|' read -ra runs <<<"${MODES[$key]}"
    for args in "${runs[@]}"; do
        # shellcheck disable=SC2086 # the mode and count are separate arguments
        step "example ${ex} ${args}" "$dir/$ex" $args
    done
done
