#!/usr/bin/env python3
"""Checks that the frames of one stream (a WSMP PSID, or a BTP port) in a capture sit on the
broadcast's slot grid.

Reads `tshark -T fields -e frame.time_epoch -e wsmp.psid` (or `-e btpb.dstport`) lines on
standard input and, for
the PSID given, finds the grid (the frames' typical phase within the period) and checks that
every frame lies in a slot of its own (at most a few milliseconds before the slot's start, or
later within it; no more than a tenth of them over a quarter period late), and that at least
`min_count` frames are there. A scheduler
that bursts, sends a slot twice or drifts off its grid fails; a slot missed or a frame sent
late because the machine was busy (the first frames under emulation, while code is being
translated) does not: the service counts missed slots itself, as schedule overruns.

Usage: tshark ... | tools/air_slots.py PSID PERIOD_MS MIN_COUNT
"""
import statistics
import sys

EARLY_MS = 5.0  # capture timestamps jitter a little either way


def main() -> int:
    psid, period, min_count = sys.argv[1].lower(), float(sys.argv[2]) / 1000, int(sys.argv[3])
    times = sorted(
        float(p[0])
        for p in (line.split() for line in sys.stdin)
        if len(p) >= 2 and p[1].lower() == psid
    )
    if len(times) < min_count:
        print(f"FAIL: {len(times)} frames of PSID {psid}: fewer than {min_count}", file=sys.stderr)
        return 1

    def centred(x: float) -> float:
        """x folded into (-period/2, period/2]."""
        x = (x + period / 2) % period - period / 2
        return x if x > -period / 2 else x + period

    # The grid's phase: the median frame's phase, corrected by the median offset from it (a
    # circular median, so a few late frames do not move it).
    ref = times[len(times) // 2]
    anchor = ref + statistics.median(centred(t - ref) for t in times)
    # Each frame belongs to the slot it follows: it may be late (a busy machine, the first
    # frames under emulation), by less than a period, but not early.
    slots = [int((t - anchor) / period + EARLY_MS / 1000 / period + 1e9) - 10**9 for t in times]
    late = [t - anchor - k * period for t, k in zip(times, slots)]
    bad = [f"frames {i - 1} and {i} in one slot" for i in range(1, len(slots)) if slots[i] <= slots[i - 1]]
    # A few frames may be late; most must be near their slot's start, or the grid drifts.
    very_late = [l for l in late if l > period / 4]
    if len(very_late) > max(1, len(times) // 10):
        bad.append(f"{len(very_late)} frames more than {period * 250:g} ms late")
    missed = slots[-1] - slots[0] + 1 - len(slots)
    summary = (
        f"{len(times)} frames of PSID {psid} on the {period * 1000:g} ms grid, "
        f"latest {max(late) * 1000:+.1f} ms, earliest {min(late) * 1000:+.1f} ms from their slots, "
        f"{missed} slot(s) missed"
    )
    if bad:
        print(f"FAIL: {summary}: {bad[:5]}", file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
