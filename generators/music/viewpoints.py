"""How a melody is seen by the learned model: the symbol streams (viewpoints) that are counted.

Times are in twelfths of a quarter note ("units"), as in the corpus cache. Three viewpoints
predict the next pitch (IDyOM's cpint, cpintfref and an interval linked with metric
strength); one predicts the rhythm (inter-onset interval given the position in the bar).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

UNIT = 12
INTERVAL_LIMIT = 24
INTERVALS = 2 * INTERVAL_LIMIT + 1
DEGREES = 12
#: Inter-onset intervals the rhythm model speaks, in units (a sixteenth is 3, an eighth-triplet 4).
IOIS = (1, 2, 3, 4, 6, 8, 9, 12, 15, 16, 18, 21, 24, 30, 36, 42, 48, 60, 72, 96)
#: Meters with their own rhythm statistics; others are built from these (5/4 = 3/4 + 2/4 …).
METER_IDS = {"4/4": 0, "3/4": 1, "2/4": 2, "6/8": 3, "9/8": 4, "12/8": 5, "3/2": 6, "2/2": 7, "6/4": 8, "3/8": 9}
MODE_IDS = {"major": 0, "minor": 1}


def bar_units(meter: str) -> int:
    num, den = (int(x) for x in meter.split("/"))
    return num * 4 * UNIT // den


def interval_symbol(a: int, b: int) -> int:
    return int(np.clip(b - a, -INTERVAL_LIMIT, INTERVAL_LIMIT)) + INTERVAL_LIMIT


def degree_symbol(pitch: int, tonic: int) -> int:
    return (int(pitch) - tonic) % 12


def ioi_symbol(units: int) -> int:
    """Index of the nearest known inter-onset interval."""
    return int(np.argmin([abs(units - d) for d in IOIS]))


def strength(position: int, meter: str) -> int:
    """Metric strength of a position in the bar: 2 downbeat, 1 on a counted beat, 0 off the beat."""
    if position == 0:
        return 2
    beat = UNIT * 3 // 2 if meter.endswith("/8") and int(meter.split("/")[0]) % 3 == 0 else UNIT
    if meter in ("2/2", "3/2"):
        beat = 2 * UNIT
    return 1 if position % beat == 0 else 0


def interval_stream(pitches: Sequence[int]) -> list[int]:
    return [interval_symbol(a, b) for a, b in itertools.pairwise(pitches)]


def degree_stream(pitches: Sequence[int], tonic: int) -> list[int]:
    return [degree_symbol(p, tonic) for p in pitches]


def positions(onsets: Sequence[int], phase: int, meter: str) -> list[int]:
    bar = bar_units(meter)
    return [(int(o) + phase) % bar for o in onsets]


def ioi_stream(onsets: Sequence[int], durs: Sequence[int]) -> list[int]:
    """Inter-onset intervals as symbols; the last note's own length closes the stream."""
    gaps = [int(b) - int(a) for a, b in itertools.pairwise(onsets)] + [int(durs[-1])]
    return [ioi_symbol(g) for g in gaps]


def rhythm_tag(meter_id: int, position: int) -> int:
    return meter_id * 128 + min(position, 127)
