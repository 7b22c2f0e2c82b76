#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time from seeds made from the shared vectors, two
# at a time (one per core), and fails on the first finding. CI's fuzz section; by hand:
#
#   tools/fuzz_ci.sh SECONDS_PER_TARGET VECTORS_DIR RSU_BINARY
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Builds without a sanitizer (`-s none`): the
# targets check panics and round trips in safe Rust, and an ASan build of rasn takes minutes
# longer than the run itself. The seeds and grown corpora stay in fuzz/corpus (git-ignored).
set -euo pipefail

seconds=${1:?seconds per target}
vectors=${2:?vectors folder}
rsu=$(realpath "${3:?rsu binary (for the rx_frame and pcap_file seeds)}")
vectors=$(realpath "$vectors")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz" && pwd)
cd "$here"

export RUSTC_BOOTSTRAP=1
./seed.sh "$vectors" "$rsu"

mapfile -t targets < <(cargo fuzz list)
echo "targets: ${targets[*]}"
# 16 codegen units: a build minutes shorter for runs only somewhat slower. FUZZ_TARGET_DIR (CI:
# a folder kept between runs) keeps the instrumented build out of the clone.
build_opts=(-s none --release --codegen-units 16)
[[ -n ${FUZZ_TARGET_DIR:-} ]] && build_opts+=(--target-dir "$FUZZ_TARGET_DIR")
cargo fuzz build "${build_opts[@]}"

logs=$(mktemp -d)
run_one() {
    local t=$1
    local dict=()
    [[ -f corpus/$t.dict ]] && dict=("-dict=corpus/$t.dict")
    mkdir -p "corpus/$t"
    cargo fuzz run "${build_opts[@]}" "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        "${dict[@]}" >"$logs/$t.log" 2>&1
}

failed=()
pids=()
names=()
wait_one() {
    local i=$1
    if ! wait "${pids[$i]}"; then
        failed+=("${names[$i]}")
    fi
}
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    names+=("$t")
    # Two at a time: one libFuzzer process keeps one core busy.
    if ((${#pids[@]} % 2 == 0)); then
        wait_one $((${#pids[@]} - 2))
        wait_one $((${#pids[@]} - 1))
    fi
done
if ((${#pids[@]} % 2 == 1)); then
    wait_one $((${#pids[@]} - 1))
fi

printf '\n%-14s %12s %10s %8s %8s\n' target executions exec/s cov corpus
for t in "${targets[@]}"; do
    log=$logs/$t.log
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
    rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo '?')
    corpus=$(find "corpus/$t" -type f | wc -l)
    printf '%-14s %12s %10s %8s %8s\n' "$t" "$execs" "$rate" "$cov" "$corpus"
done
if ((${#failed[@]} > 0)); then
    for t in "${failed[@]}"; do
        echo "---- $t: finding or failure; the end of its log:" >&2
        tail -n 40 "$logs/$t.log" >&2
    done
    echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no finding"
