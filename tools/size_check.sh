#!/bin/sh
# The product's footprint: the stripped release binary at or under 10.25 MB (10,250,000
# bytes) and the demo's peak RSS (VmHWM) at or under 16 MiB.
#
# Issue 13 asks for 10 MB (10,000,000 bytes), which this bound does NOT meet yet, and the
# issue stays open for it. The binary was 9,746,824 bytes (US only); the EU region's ETSI codec
# took it to 10,883,272, of which a million bytes were the service compiled six times, once
# per radio backend with and without a pcap capture (one type now, rsu_hw::AnyRadio:
# 9,878,608). The TMC's DENMs and IVIMs on GeoNetworking add 36 KB (9,915,088), the typed IVIM
# (ISO TS 19321 v2, UPER and JER both ways) 1.39 MB (11,309,952). The service no longer
# compiles the codec's cold code a second time at its own opt-level 3: the codec's entry
# points (MessageFrame, EtsiMessage, the ETSI PDUs) are not inlined into it under fat LTO, and
# it reads and writes MapData through the codec crate's functions instead of instantiating
# rasn's generic encoders and decoders for MapData itself: 10,207,008.
#
# Measured towards the last 207 KB: linker identical-code folding saves 80 KB, the rsu crate
# at opt-level 2 50 KB; panic = "abort" 1.05 MB but would turn a panic in any input task into
# a stop of the broadcast, which unwinding spares (rejected). The rsu crate at opt-level "s"
# is far under 10 MB with the same US hot path, but the EU one at 1.159 x ring (2,000
# operations), over issue 14's 1.15. What remains large at opt-level 3 is cold code compiled
# in the rsu crate: the TOML configuration's serde code (188 KB of deserializers), the command
# line's clap code (112 KB), the checks; moving it into a crate of its own built for size is
# the fix. The bound is set just above today's figure so that growth stays watched.
#
#   tools/size_check.sh              # builds `cargo build --release -p rsu`, then checks
#   RSU_BIN=path tools/size_check.sh # checks an existing binary instead of building
#
# Exit 0 when both hold, 1 when either does not, 2 when it cannot measure. Prints the figures.
set -eu

cd "$(dirname "$0")/.."
MAX_STRIPPED_BYTES=${MAX_STRIPPED_BYTES:-10250000}
MAX_HWM_KB=${MAX_HWM_KB:-16384}
DEMO_SECONDS=${DEMO_SECONDS:-3}

if [ -z "${RSU_BIN:-}" ]; then
    cargo build --release -p rsu >&2
    RSU_BIN=${CARGO_TARGET_DIR:-target}/release/rsu
fi
[ -x "$RSU_BIN" ] || { echo "size_check: no binary at $RSU_BIN" >&2; exit 2; }

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Stripped size: a stripped copy, so the built binary keeps its line tables for backtraces.
cp "$RSU_BIN" "$work/rsu"
strip "$work/rsu"
stripped=$(stat -c %s "$work/rsu")
unstripped=$(stat -c %s "$RSU_BIN")

# The demo's peak RSS: run it (status line on, as a user sees it) and read VmHWM just before
# the end of its --duration; the process's own counter, so sampling cannot miss the peak.
"$RSU_BIN" run --duration "$DEMO_SECONDS" --pki "$work/pki" >"$work/out" 2>"$work/err" &
pid=$!
hwm=
end=$(( $(date +%s) + DEMO_SECONDS + 10 ))
while kill -0 "$pid" 2>/dev/null; do
    now_hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$now_hwm" ] && hwm=$now_hwm
    [ "$(date +%s)" -gt "$end" ] && { echo "size_check: demo did not stop" >&2; break; }
    sleep 0.2
done
status=0
wait "$pid" || status=$?
pid=
if [ "$status" -ne 0 ] || [ -z "$hwm" ]; then
    echo "size_check: the demo failed (exit $status):" >&2
    cat "$work/err" >&2
    exit 2
fi

ok=0
printf 'binary:   %s bytes stripped (%s bytes as built), bound %s\n' "$stripped" "$unstripped" "$MAX_STRIPPED_BYTES"
[ "$stripped" -le "$MAX_STRIPPED_BYTES" ] || { echo "FAIL: stripped binary over the bound"; ok=1; }
printf 'demo RSS: VmHWM %s kB over %s s, bound %s kB\n' "$hwm" "$DEMO_SECONDS" "$MAX_HWM_KB"
[ "$hwm" -le "$MAX_HWM_KB" ] || { echo "FAIL: demo RSS over the bound"; ok=1; }
exit $ok
