#!/usr/bin/env python3
"""Checks that the frames of one WSMP PSID in a capture sit on the broadcast's slot grid.

Reads `tshark -T fields -e frame.time_epoch -e wsmp.psid` lines on standard input and, for
the PSID given, checks that every gap between consecutive frames is a whole number of periods
(within a tolerance) and that at least `min_count` frames are there. A scheduler that bursts,
sends a slot twice or drifts off its grid fails; a slot missed because the machine was busy
does not (the service counts those itself, as schedule overruns).

Usage: tshark ... | tools/air_slots.py PSID PERIOD_MS MIN_COUNT
"""
import sys


def main() -> int:
    psid, period_ms, min_count = sys.argv[1].lower(), float(sys.argv[2]), int(sys.argv[3])
    times = []
    for line in sys.stdin:
        parts = line.split()
        if len(parts) >= 2 and parts[1].lower() == psid:
            times.append(float(parts[0]))
    times.sort()
    gaps = [(b - a) * 1000 for a, b in zip(times, times[1:])]
    tolerance = period_ms * 0.25
    off_grid = [g for g in gaps if abs(g - period_ms * max(1, round(g / period_ms))) > tolerance or g < period_ms - tolerance]
    missed = sum(max(0, round(g / period_ms) - 1) for g in gaps)
    summary = (f"{len(times)} frames of PSID {psid}, gaps min {min(gaps, default=0):.1f} ms "
               f"max {max(gaps, default=0):.1f} ms, {missed} slot(s) missed")
    if len(times) < min_count:
        print(f"FAIL: {summary}: fewer than {min_count}", file=sys.stderr)
        return 1
    if off_grid:
        print(f"FAIL: {summary}: gaps off the {period_ms:g} ms grid: {off_grid[:5]}", file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
