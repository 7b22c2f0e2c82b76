#!/bin/sh
# The product's footprint (issue 13): the stripped release binary at or under 10 MB
# (10,000,000 bytes) and the demo's peak RSS (VmHWM) at or under 16 MiB.
#
# The EU region's ETSI codec took the binary to 10,883,272 bytes; most of that growth was not
# the codec but the service compiled six times, once per radio backend with and without a
# pcap capture. With the backend chosen at run time behind one type (rsu_hw::AnyRadio) it is
# 9,878,608 bytes. Mind the margin when adding codecs.
#
#   tools/size_check.sh              # builds `cargo build --release -p rsu`, then checks
#   RSU_BIN=path tools/size_check.sh # checks an existing binary instead of building
#
# Exit 0 when both hold, 1 when either does not, 2 when it cannot measure. Prints the figures.
set -eu

cd "$(dirname "$0")/.."
MAX_STRIPPED_BYTES=${MAX_STRIPPED_BYTES:-10000000}
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
