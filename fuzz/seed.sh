#!/usr/bin/env bash
# Writes the seed corpora from the shared vectors (read at run time, never copied into the
# repository): fuzz/corpus/uper_frame/ gets the bytes of every J2735 `.hex` vector that is
# a MessageFrame (first byte 00; the 03 81 ... ones are 1609.2 SPDUs), and
# fuzz/corpus/jer_frame/ gets every `.jer.json`. Also writes fuzz/corpus/jer_frame.dict, a
# libFuzzer dictionary of the JSON member names and enumerated values seen in those files.
#
# Usage: fuzz/seed.sh [VECTORS_DIR]   (default: $RSU_VECTORS, else ../shared/vectors)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vectors=${1:-${RSU_VECTORS:-$here/../../shared/vectors}}
src="$vectors/j2735"
if [[ ! -d $src ]]; then
    echo "error: $src not found (pass the vectors folder, or set RSU_VECTORS)" >&2
    exit 1
fi

uper="$here/corpus/uper_frame"
jer="$here/corpus/jer_frame"
mkdir -p "$uper" "$jer"

n_uper=0
for f in "$src"/*.hex; do
    hex=$(tr -d '[:space:]' <"$f" | tr '[:upper:]' '[:lower:]')
    [[ $hex == 00* ]] || continue
    xxd -r -p <<<"$hex" >"$uper/$(basename "$f" .hex)"
    n_uper=$((n_uper + 1))
done

n_jer=0
for f in "$src"/*.jer.json; do
    cp "$f" "$jer/$(basename "$f")"
    n_jer=$((n_jer + 1))
done

# Dictionary: the JSON member names of the vectors ("messageId", "state-time-speed") and
# their enumerated values ("stop-And-Remain": identifiers that are not hex strings), once
# each, and JSON's own literals. Names of the standard, not the vectors' data.
dict="$here/corpus/jer_frame.dict"
{
    cat "$src"/*.jer.json | grep -oE '"[A-Za-z][A-Za-z0-9-]*"[[:space:]]*:' | grep -oE '"[^"]*"'
    cat "$src"/*.jer.json | grep -oE ':[[:space:]]*"[a-z][A-Za-z0-9-]*"' | grep -oE '"[^"]*"' |
        grep -vE '^"[0-9a-f]*"$'
    printf '%s\n' true false null '{"messageId":' '"value":'
} | sort -u | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' >"$dict"

echo "seeded $n_uper UPER frames into $uper, $n_jer JER files into $jer"
echo "dictionary: $(wc -l <"$dict") entries in $dict"
