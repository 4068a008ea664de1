"""Drum grids per genre, fills at phrase ends, then humanised velocity and timing.

Grids are written as strings, one character per step ('x' hit, 'o' accent, 'g' ghost,
'.' rest), so each genre's signature is readable at a glance: house's four-on-the-floor
kick, reggaeton's dembow, the bossa clave, the swing ride's "ding, ding-a".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from generators.music.score import PPQ, Note, Part
from generators.music.theory import DRUM_CHANNEL

KICK, SIDE_STICK, SNARE, CLAP, CLOSED_HAT, PEDAL_HAT, OPEN_HAT = 36, 37, 38, 39, 42, 44, 46
LOW_TOM, MID_TOM, HIGH_TOM, CRASH, RIDE, SHAKER, CLAVES, COWBELL = 45, 47, 50, 49, 51, 70, 75, 56
BEAT_GENRES = ("rock", "hip-hop", "house", "lofi", "jazz", "bossa-nova", "breakbeat", "reggaeton", "funk", "pop")


@dataclass(frozen=True)
class Grid:
    """Steps per beat (4: sixteenths, 3: swung triplets) and one pattern string per drum; patterns may span bars."""

    steps_per_beat: int
    lanes: dict[int, str]


_G = Grid
GRIDS: dict[tuple[str, str], Grid] = {
    ("rock", "4/4"): _G(4, {KICK: "o.....x.o.x.....", SNARE: "....o.......o...", CLOSED_HAT: "x.x.x.x.x.x.x.x."}),
    ("pop", "4/4"): _G(4, {KICK: "o.......o.x.....", SNARE: "....o.......o...", CLOSED_HAT: "x.x.x.x.x.x.x.x.",
                           SHAKER: "gxgxgxgxgxgxgxgx"}),
    ("hip-hop", "4/4"): _G(4, {KICK: "o......x..x.....", SNARE: "....o.......o...", CLOSED_HAT: "x.x.x.x.x.x.x.xx"}),
    ("house", "4/4"): _G(4, {KICK: "o...o...o...o...", CLAP: "....x.......x...", OPEN_HAT: "..x...x...x...x.",
                             CLOSED_HAT: "gxg.gxg.gxg.gxg."}),
    ("lofi", "4/4"): _G(3, {KICK: "o.......x...", SNARE: "...o.....o..", CLOSED_HAT: "x.gx.gx.gx.g"}),
    ("jazz", "4/4"): _G(3, {RIDE: "o..x.xo..x.x", PEDAL_HAT: "...x.....x..", KICK: "g..g..g..g.."}),
    ("bossa-nova", "4/4"): _G(4, {SIDE_STICK: "x..x..x...x..x..",
                                  KICK: "o.....xxo.....xx", CLOSED_HAT: "xgxgxgxgxgxgxgxg"}),
    ("breakbeat", "4/4"): _G(4, {KICK: "o.x.......xx....", SNARE: "....o..g.g..o..g",
                                 CLOSED_HAT: "x.x.x.x.x.x.x.x."}),
    ("reggaeton", "4/4"): _G(4, {KICK: "o...o...o...o...", SNARE: "...x..x....x..x.", CLOSED_HAT: "x.x.x.x.x.x.x.x."}),
    ("funk", "4/4"): _G(4, {KICK: "o.x....x..x.....", SNARE: "....o..g.g..o..g", CLOSED_HAT: "xxxxxxxxxxxxxxxx"}),
    # triple meters: 3/4 in sixteenths (12 steps), 6/8 in sixteenths with two dotted-quarter beats
    ("rock", "3/4"): _G(4, {KICK: "o.......x...", SNARE: "....o...o...", CLOSED_HAT: "x.x.x.x.x.x."}),
    ("jazz", "3/4"): _G(3, {RIDE: "o..x.xx.x", PEDAL_HAT: "...x..x..", KICK: "g........"}),
    ("lofi", "3/4"): _G(3, {KICK: "o.....x..", SNARE: "...o.....", CLOSED_HAT: "x.gx.gx.g"}),
    ("bossa-nova", "3/4"): _G(4, {SIDE_STICK: "x..x..x.....", KICK: "o.....xx....", CLOSED_HAT: "xgxgxgxgxgxg"}),
    ("house", "3/4"): _G(4, {KICK: "o...o...o...", CLAP: "....x...x...", OPEN_HAT: "..x...x...x."}),
    ("reggaeton", "3/4"): _G(4, {KICK: "o...o...o...", SNARE: "...x..x....x"}),
    ("rock", "6/8"): _G(4, {KICK: "o.....x.....", SNARE: "......o.....", CLOSED_HAT: "x.x.x.x.x.x."}),
    ("jazz", "6/8"): _G(4, {RIDE: "o.x.x.o.x.x.", PEDAL_HAT: "......x.....", KICK: "g..........."}),
    ("lofi", "6/8"): _G(4, {KICK: "o.......x...", SNARE: "......o.....", CLOSED_HAT: "x.g.x.x.g.x."}),
    ("bossa-nova", "6/8"): _G(4, {SIDE_STICK: "x...x...x...", KICK: "o.....o.....", CLOSED_HAT: "xgxgxgxgxgxg"}),
    ("house", "6/8"): _G(4, {KICK: "o.....o.....", CLAP: "......x.....", OPEN_HAT: "...x.....x.."}),
    ("reggaeton", "6/8"): _G(4, {KICK: "o.....o.....", SNARE: "...x.....x.."}),
}
_VEL = {"o": 112, "x": 92, "g": 46}
_NEAREST = {"pop": "rock", "hip-hop": "rock", "breakbeat": "rock", "funk": "rock"}


def grid_for(genre: str, meter: str) -> Grid:
    if (genre, meter) in GRIDS:
        return GRIDS[(genre, meter)]
    return GRIDS.get((_NEAREST.get(genre, "rock"), meter)) or GRIDS[("rock", meter)]


def _beats(meter: str) -> int:
    return {"4/4": 4, "3/4": 3, "6/8": 3}[meter]


def _step_ticks(grid: Grid, meter: str) -> int:
    if meter == "6/8" and grid.steps_per_beat == 4:
        return PPQ // 4  # sixteenths in compound time: 12 per bar
    return PPQ // grid.steps_per_beat


def pattern(genre: str, meter: str, bars: int, *, fills: bool = True, energy: float = 0.7) -> list[Note]:
    """The grid laid out over ``bars`` with fills closing each four-bar phrase; no humanising."""
    grid = grid_for(genre, meter)
    step = _step_ticks(grid, meter)
    bar_ticks = {"4/4": 4 * PPQ, "3/4": 3 * PPQ, "6/8": 3 * PPQ}[meter]
    steps_per_bar = bar_ticks // step
    scale = 0.6 + 0.4 * energy
    notes: list[Note] = []
    for bar in range(bars):
        fill_bar = fills and bars >= 2 and (bar % 4 == 3 or bar == bars - 1)
        fill_from = steps_per_bar - steps_per_bar // _beats(meter) if fill_bar else steps_per_bar
        for drum, lane in grid.lanes.items():
            for s in range(steps_per_bar):
                ch = lane[(bar * steps_per_bar + s) % len(lane)]
                if ch == "." or (s >= fill_from and drum not in (KICK, RIDE, PEDAL_HAT)):
                    continue
                notes.append(Note(bar * bar_ticks + s * step, step, drum, int(_VEL[ch] * scale)))
        if fill_bar:
            notes.extend(_fill(bar * bar_ticks + fill_from * step, bar_ticks - fill_from * step, genre, scale))
        if bar > 0 and bar % 4 == 0 and fills:
            notes.append(Note(bar * bar_ticks, PPQ, CRASH, int(100 * scale)))
    return sorted(notes)


def _fill(start: int, length: int, genre: str, scale: float) -> list[Note]:
    """A one-beat fill: snare and toms falling in sixteenths (triplets for swing)."""
    swing = genre in ("jazz", "lofi")
    n = 3 if swing else 4
    step = length // n
    drums = (SNARE, HIGH_TOM, MID_TOM, LOW_TOM) if not swing else (SNARE, SNARE, LOW_TOM)
    return [Note(start + i * step, step, drums[i % len(drums)], int((80 + 8 * i) * scale)) for i in range(n)]


def humanise(notes: list[Note], rng: np.random.Generator, *, amount: float = 1.0) -> list[Note]:
    """Small random timing and velocity shifts (downbeat kicks stay put) so it breathes."""
    out = []
    for n in notes:
        shift = 0 if (n.pitch == KICK and n.start % PPQ == 0) else int(rng.normal(0, 6 * amount))
        vel = int(np.clip(n.vel + rng.normal(0, 6 * amount), 20, 127))
        out.append(replace(n, start=max(0, n.start + shift), vel=vel))
    return sorted(out)


def drums_part(genre: str, meter: str, bars: int, rng: np.random.Generator, *, energy: float = 0.7,
               humanised: bool = True) -> Part:
    notes = pattern(genre, meter, bars, energy=energy)
    if humanised:
        notes = humanise(notes, rng)
    return Part("drums", 0, notes, DRUM_CHANNEL, "drums")


def groove_from(onsets: list[int], bar_ticks: int, bars: int, meter: str, rng: np.random.Generator) -> list[Note]:
    """A drum groove from a melody's rhythm: kick where the source's onsets cluster, backbeat snare, hats."""
    steps = 16 if meter == "4/4" else 12
    step = bar_ticks // steps
    counts = np.zeros(steps)
    for t in onsets:
        counts[round((t % bar_ticks) / step) % steps] += 1
    kick_steps = {0}
    strongest = [int(i) for i in np.argsort(-counts, kind="stable") if counts[int(i)] > 0]
    for s in strongest:
        if len(kick_steps) >= 3:
            break
        if s % 2 == 0 and all(abs(s - k) >= 3 for k in kick_steps) and s not in (4, 12):
            kick_steps.add(s)
    backbeat = {4, 12} if meter == "4/4" else ({6} if meter == "6/8" else {4, 8})
    notes = []
    for bar in range(bars):
        base = bar * bar_ticks
        for s in range(steps):
            t = base + s * step
            if s in kick_steps:
                notes.append(Note(t, step, KICK, 100 if s == 0 else 88))
            if s in backbeat:
                notes.append(Note(t, step, SNARE, 100))
            if s % 2 == 0:
                accent = counts[s] > 0
                notes.append(Note(t, step, CLOSED_HAT, 84 if accent else 62))
        if bars >= 2 and (bar % 4 == 3 or bar == bars - 1):
            fill_len = bar_ticks // (4 if meter == "4/4" else 3)
            notes = [n for n in notes if not (n.start >= base + bar_ticks - fill_len and n.pitch == SNARE)]
            notes.extend(_fill(base + bar_ticks - fill_len, fill_len, "rock", 1.0))
    return sorted(notes)
