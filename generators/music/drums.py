"""Drum grids per genre and meter, several real variations each, fills at phrase ends, a light human feel.

Grids are written as strings, one character per step ('o' accent, 'x' hit, 'g' ghost,
'.' rest), so each genre's signature is readable at a glance: house's four-on-the-floor
kick, reggaeton's dembow, the bossa clave, the swing ride's "ding, ding-a".

Three bar shapes are written by hand for every genre: 4/4, 3/4 and 6/8 (with 2–3 variations
each; the seed picks one).  The other meters are built from halves of those, the way
drummers count them: 2/4 is the first half of a 4/4 bar, 5/4 is 3 + 2 (a 3/4 bar and a 2/4
bar), 7/8 is 2 + 2 + 3 (a 2/4 half and the backbeat half of a 6/8 bar), 12/8 is two 6/8 bars.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from generators.base import GeneratorError
from generators.music.score import PPQ, Note, Part
from generators.music.theory import DRUM_CHANNEL

KICK, SIDE_STICK, SNARE, CLAP, CLOSED_HAT, PEDAL_HAT, OPEN_HAT = 36, 37, 38, 39, 42, 44, 46
LOW_TOM, MID_TOM, HIGH_TOM, CRASH, RIDE, SHAKER, CLAVES, COWBELL = 45, 47, 50, 49, 51, 70, 75, 56
BEAT_GENRES = ("rock", "hip-hop", "house", "lofi", "jazz", "bossa-nova", "breakbeat", "reggaeton", "funk", "pop")
#: Every meter the drums can play, as (numerator, denominator).
DRUM_METERS: dict[str, tuple[int, int]] = {"4/4": (4, 4), "3/4": (3, 4), "6/8": (6, 8), "2/4": (2, 4),
                                           "5/4": (5, 4), "7/8": (7, 8), "12/8": (12, 8)}
#: How each meter is assembled from the hand-written shapes: (shape, first fraction, last fraction) per segment.
METER_SEGMENTS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "4/4": (("4/4", 0.0, 1.0),),
    "3/4": (("3/4", 0.0, 1.0),),
    "6/8": (("6/8", 0.0, 1.0),),
    "2/4": (("4/4", 0.0, 0.5),),
    "5/4": (("3/4", 0.0, 1.0), ("4/4", 0.0, 0.5)),
    "7/8": (("4/4", 0.0, 0.5), ("6/8", 0.5, 1.0)),
    "12/8": (("6/8", 0.0, 1.0), ("6/8", 0.0, 1.0)),
}
SHAPE_TICKS = {"4/4": 4 * PPQ, "3/4": 3 * PPQ, "6/8": 3 * PPQ}


@dataclass(frozen=True)
class Grid:
    """Steps per quarter note (4: sixteenths, 3: swung triplet eighths) and one pattern string per drum.

    A lane may span several bars of its shape (a two-bar clave); bars take it in turn.
    """

    steps_per_beat: int
    lanes: dict[int, str]

    @property
    def step(self) -> int:
        return PPQ // self.steps_per_beat


_G = Grid
K, S, H, OH, R, P = KICK, SNARE, CLOSED_HAT, OPEN_HAT, RIDE, PEDAL_HAT
#: (genre, shape) -> variations; the first is the genre's best-known form.
GRIDS: dict[tuple[str, str], tuple[Grid, ...]] = {
    # --- 4/4 ---------------------------------------------------------------------------------------------
    ("rock", "4/4"): (
        _G(4, {K: "o.....x.o.x.....", S: "....o.......o...", H: "x.x.x.x.x.x.x.x."}),
        _G(4, {K: "o.x.....o.....x.", S: "....o.......o...", H: "o.x.x.x.o.x.x.x."}),
        _G(4, {K: "o......xo.x.....", S: "....o.......o...", R: "x.x.x.x.x.x.x.x.", OH: "..............x."}),
    ),
    ("pop", "4/4"): (
        _G(4, {K: "o.......o.x.....", S: "....o.......o...", H: "x.x.x.x.x.x.x.x.", SHAKER: "gxgxgxgxgxgxgxgx"}),
        _G(4, {K: "o...o...o...o...", CLAP: "....o.......o...", OH: "..x...x...x...x.", SHAKER: "gxgxgxgxgxgxgxgx"}),
        _G(4, {K: "o......xx.......", S: "....o.......o...", H: "xgxgxgxgxgxgxgxg"}),
    ),
    ("hip-hop", "4/4"): (
        _G(4, {K: "o......x..x.....", S: "....o.......o...", H: "x.x.x.x.x.x.x.xx"}),
        _G(4, {K: "o.x.......x..x..", S: "....o.......o...", H: "x.x.x.x.x.x.x.x.", OH: "......x........."}),
        _G(4, {K: "o.....x.......x.", S: "........o.......", H: "x.x.x.x.xxx.x.xx"}),  # half-time (trap)
    ),
    ("house", "4/4"): (
        _G(4, {K: "o...o...o...o...", CLAP: "....x.......x...", OH: "..x...x...x...x.", H: "gxg.gxg.gxg.gxg."}),
        _G(4, {K: "o...o...o...o...", CLAP: "....x.......x...", OH: "..x...x...x...x.", SHAKER: "gxgxgxgxgxgxgxgx"}),
        _G(4, {K: "o...o...o...o...", CLAP: "....x.......x..x", OH: "..x...x...x...x.", R: "x.x.x.x.x.x.x.x."}),
    ),
    ("lofi", "4/4"): (
        _G(3, {K: "o.......x...", S: "...o.....o..", H: "x.gx.gx.gx.g"}),
        _G(3, {K: "o.......x.x.", S: "...o.....o..", H: "x.xx.xx.xx.x"}),
        _G(3, {K: "o..x....x...", SIDE_STICK: "...o.....o.g", H: "x.gx.gx.gx.g"}),
    ),
    ("jazz", "4/4"): (
        _G(3, {R: "o..x.xo..x.x", P: "...x.....x..", K: "g..g..g..g.."}),
        _G(3, {R: "o..x.xo..x.x", P: "...x.....x..", K: "g..g..g..g..", S: "........g.........g..g.."}),
        _G(3, {R: "o..x.xo..x.xo..x.xo..x.x", P: "...x.....x..", K: "g.................g.....",
               S: ".....g.........g.g......"}),
    ),
    ("bossa-nova", "4/4"): (
        _G(4, {SIDE_STICK: "x..x..x...x..x..", K: "o.....xxo.....xx", H: "xgxgxgxgxgxgxgxg"}),
        _G(4, {SIDE_STICK: "x..x..x...x.....x...x..x..x.....", K: "o.....xxo.....xx", H: "xgxgxgxgxgxgxgxg"}),
        _G(4, {SIDE_STICK: "x..x..x...x..x..", K: "o.....xxo.....xx", SHAKER: "xgxgxgxgxgxgxgxg"}),
    ),
    ("breakbeat", "4/4"): (
        _G(4, {K: "o.x.......xx....", S: "....o..g.g..o..g", H: "x.x.x.x.x.x.x.x."}),
        _G(4, {K: "o.x...x...x..x..", S: "....o..g.g.go..g", H: "x.x.x.x.x.x.x...", OH: "..............x."}),
        _G(4, {K: "o.........xx....", S: "....o..g.g..o...", H: "x.x.x.x.x.x.x.x."}),
    ),
    ("reggaeton", "4/4"): (
        _G(4, {K: "o...o...o...o...", S: "...x..x....x..x.", H: "x.x.x.x.x.x.x.x."}),
        _G(4, {K: "o...o...o...o...", S: "...x..x....x..x.", CLAP: "...x..x....x..x.", H: "x.xxx.xxx.xxx.xx"}),
        _G(4, {K: "o..xo...o..xo...", S: "...x..x....x.xx.", H: "x.x.x.x.x.x.x.x."}),
    ),
    ("funk", "4/4"): (
        _G(4, {K: "o.x....x..x.....", S: "....o..g.g..o..g", H: "xxxxxxxxxxxxxxxx"}),
        _G(4, {K: "o..x..x...x..x..", S: "....o.g.....o.g.", H: "xxxxxxxxxxxxxx.x", OH: "..............x."}),
        _G(4, {K: "o.....x.x.....x.", S: "g...o..g.g.go..g", H: "x.x.x.x.x.x.x.x."}),
    ),
    # --- 3/4: 12 sixteenths (9 triplet eighths for the swung genres) --------------------------------------
    ("rock", "3/4"): (
        _G(4, {K: "o.......x...", S: "....o...o...", H: "x.x.x.x.x.x."}),
        _G(4, {K: "o.......o...", S: "....o.......", H: "o.x.x.x.x.x."}),
    ),
    ("pop", "3/4"): (
        _G(4, {K: "o.....x.....", S: "....o...o...", SHAKER: "gxgxgxgxgxgx", H: "x...x...x..."}),
        _G(4, {K: "o...........", CLAP: "....x...x...", SHAKER: "gxgxgxgxgxgx"}),
    ),
    ("hip-hop", "3/4"): (
        _G(4, {K: "o..x......x.", S: "....o.......", H: "x.x.x.x.x.xx"}),
        _G(4, {K: "o.....x.x...", S: "........o...", H: "x.x.x.x.x.x."}),
    ),
    ("funk", "3/4"): (
        _G(4, {K: "o.x....x....", S: "....o..g.g.g", H: "xxxxxxxxxxxx"}),
        _G(4, {K: "o..x..x....x", S: "....o..g..o.", H: "xxxxxxxxxxxx"}),
    ),
    ("breakbeat", "3/4"): (
        _G(4, {K: "o.x.......x.", S: "....o..g.g..", H: "x.x.x.x.x.x."}),
        _G(4, {K: "o.x...x.....", S: "....o.....o.", H: "x.x.x.x.x.x."}),
    ),
    ("jazz", "3/4"): (
        _G(3, {R: "o..x.xx..", P: "...x..x..", K: "g........"}),
        _G(3, {R: "o..x..x.x", P: "...x..x..", K: "g........", S: ".....g..g"}),
    ),
    ("lofi", "3/4"): (
        _G(3, {K: "o.....x..", S: "...o.....", H: "x.gx.gx.g"}),
        _G(3, {K: "o....x...", SIDE_STICK: "...o..o..", H: "x.xx.xx.x"}),
    ),
    ("bossa-nova", "3/4"): (
        _G(4, {SIDE_STICK: "x..x..x.....", K: "o.....xx....", H: "xgxgxgxgxgxg"}),
        _G(4, {SIDE_STICK: "x..x...x..x.", K: "o.....x.....", SHAKER: "xgxgxgxgxgxg"}),
    ),
    ("house", "3/4"): (
        _G(4, {K: "o...o...o...", CLAP: "....x...x...", OH: "..x...x...x.", H: "gxg.gxg.gxg."}),
        _G(4, {K: "o...o...o...", CLAP: "....x.......", OH: "..x...x...x.", SHAKER: "gxgxgxgxgxgx"}),
    ),
    ("reggaeton", "3/4"): (
        _G(4, {K: "o...o...o...", S: "...x..x....x", H: "x.x.x.x.x.x."}),
        _G(4, {K: "o...o...o...", S: "...x..x..x..", H: "x.xxx.xxx.xx"}),
    ),
    # --- 6/8: 12 sixteenths in two dotted-quarter beats --------------------------------------------------
    ("rock", "6/8"): (
        _G(4, {K: "o.....x.....", S: "......o.....", H: "x.x.x.x.x.x."}),
        _G(4, {K: "o.......x...", S: "......o.....", H: "o.x.x.o.x.x."}),
    ),
    ("pop", "6/8"): (
        _G(4, {K: "o.....o.....", S: "......o.....", SHAKER: "gxgxgxgxgxgx"}),
        _G(4, {K: "o...x.......", CLAP: "......o.....", H: "x.x.x.x.x.x."}),
    ),
    ("hip-hop", "6/8"): (
        _G(4, {K: "o...x.......", S: "......o.....", H: "x.x.x.x.x.xx"}),
        _G(4, {K: "o.x.....x...", S: "......o.....", H: "x.x.x.x.x.x."}),
    ),
    ("funk", "6/8"): (
        _G(4, {K: "o.x.....x...", S: "......o..g.g", H: "xxxxxxxxxxxx"}),
        _G(4, {K: "o...x....x..", S: "..g...o.g...", H: "xxxxxxxxxxxx"}),
    ),
    ("breakbeat", "6/8"): (
        _G(4, {K: "o.x.......x.", S: "......o..g..", H: "x.x.x.x.x.x."}),
        _G(4, {K: "o.......xx..", S: "......o....g", H: "x.x.x.x.x.x."}),
    ),
    ("jazz", "6/8"): (
        _G(4, {R: "o.x.x.o.x.x.", P: "......x.....", K: "g..........."}),
        _G(4, {R: "o.xxx.o.xxx.", P: "......x.....", K: "g.....g.....", S: "....g......g"}),
    ),
    ("lofi", "6/8"): (
        _G(4, {K: "o.......x...", S: "......o.....", H: "x.g.x.x.g.x."}),
        _G(4, {K: "o...x.......", SIDE_STICK: "......o.....", H: "x.x.x.x.x.x."}),
    ),
    ("bossa-nova", "6/8"): (
        _G(4, {SIDE_STICK: "x...x...x...", K: "o.....o.....", H: "xgxgxgxgxgxg"}),
        _G(4, {SIDE_STICK: "x.x...x...x.", K: "o.....o.....", SHAKER: "xgxgxgxgxgxg"}),
    ),
    ("house", "6/8"): (
        _G(4, {K: "o.....o.....", CLAP: "......x.....", OH: "...x.....x..", H: "g.x.g.g.x.g."}),
        _G(4, {K: "o.....o.....", CLAP: "......x.....", OH: "...x.....x..", SHAKER: "gxgxgxgxgxgx"}),
    ),
    ("reggaeton", "6/8"): (
        _G(4, {K: "o.....o.....", S: "...x.....x..", H: "x.x.x.x.x.x."}),
        _G(4, {K: "o.....o.....", S: "...x..x..x..", H: "x.xx.xx.xx.x"}),
    ),
}
#: Fills over the last beat, one character per step: S snare, H/M/L toms, K kick, '.' rest.
FILLS: dict[int, tuple[str, ...]] = {
    4: ("SHML", "SSSS", "S.SL", "SSHH", "KSHL"),
    3: ("SSL", "SLL", "S.L", "SHL"),
    6: ("SSHHML", "SHSHML", "SSSSHL", "S.SHML"),
}
_FILL_DRUM = {"S": SNARE, "H": HIGH_TOM, "M": MID_TOM, "L": LOW_TOM, "K": KICK}
_VEL = {"o": 112, "x": 92, "g": 46}
#: Lanes a fill replaces in its beat (the kick, ride and pedal hat keep going under it).
_KEPT_UNDER_FILL = (KICK, RIDE, PEDAL_HAT)
_TIMEKEEPERS = (CLOSED_HAT, SHAKER, RIDE)


@dataclass(frozen=True)
class Segment:
    """One piece of a bar: where it starts, its length, the grid it reads and which slice of that grid's bar."""

    start: int
    ticks: int
    grid: Grid
    shape: str
    first_step: int
    steps: int
    occurrence: int  # which of this bar's segments of the same shape (12/8 plays two 6/8 halves in turn)
    count: int  # how many segments of this shape a bar has


def meter_ticks(meter: str) -> int:
    """Ticks in one bar of ``meter`` (refused with a clear line when the drums do not play it)."""
    if meter not in DRUM_METERS:
        raise GeneratorError(f"drums play {', '.join(DRUM_METERS)}; not {meter[:10]}")
    num, den = DRUM_METERS[meter]
    return num * PPQ * 4 // den


def beat_unit(meter: str) -> int:
    """The counted pulse: a quarter in x/4, a dotted quarter in 6/8 and 12/8, an eighth in 7/8."""
    if meter in ("6/8", "12/8"):
        return 3 * PPQ // 2
    return PPQ // 2 if meter == "7/8" else PPQ


def variants(genre: str, meter: str) -> int:
    """How many distinct variations the seed chooses among for ``genre`` in ``meter``."""
    meter_ticks(meter)
    shapes = {shape for shape, _, _ in METER_SEGMENTS[meter]}
    return max(len(_grids(genre, shape)) for shape in shapes)


def _grids(genre: str, shape: str) -> tuple[Grid, ...]:
    return GRIDS.get((genre, shape)) or GRIDS[("rock", shape)]


def grid_for(genre: str, meter: str, variant: int = 0) -> Grid:
    """The grid of the first segment of ``meter`` (what sets the beat's swing)."""
    shape = METER_SEGMENTS.get(meter, METER_SEGMENTS["4/4"])[0][0]
    options = _grids(genre, shape)
    return options[variant % len(options)]


def segments(genre: str, meter: str, variant: int = 0) -> list[Segment]:
    """The bar of ``meter`` as hand-written grid slices laid end to end."""
    out, start = [], 0
    meter_ticks(meter)  # refuses a meter the drums do not play, in words
    spec = METER_SEGMENTS[meter]
    for i, (shape, lo, hi) in enumerate(spec):
        options = _grids(genre, shape)
        grid = options[variant % len(options)]
        bar_steps = SHAPE_TICKS[shape] // grid.step
        first, last = round(bar_steps * lo), round(bar_steps * hi)
        same = [j for j, (s, _, _) in enumerate(spec) if s == shape]
        seg = Segment(start, (last - first) * grid.step, grid, shape, first, last - first, same.index(i), len(same))
        out.append(seg)
        start += seg.ticks
    return out


def _lane_char(lane: str, bar: int, seg: Segment, s: int) -> str:
    shape_steps = SHAPE_TICKS[seg.shape] // seg.grid.step
    shape_bar = bar * seg.count + seg.occurrence
    return lane[(shape_bar * shape_steps + seg.first_step + s) % len(lane)]


def _velocity(ch: str, drum: int, s: int, steps_per_beat: int, scale: float) -> int:
    vel = _VEL[ch]
    if drum in _TIMEKEEPERS and ch == "x" and s % max(1, steps_per_beat // 2) != 0:
        vel = int(vel * 0.8)  # the in-between strokes of a time-keeping pattern are lighter
    return int(vel * scale)


def pattern(genre: str, meter: str, bars: int, *, fills: bool = True, energy: float = 0.7,
            rng: np.random.Generator | None = None) -> list[Note]:
    """The grid laid out over ``bars``, fills closing each four-bar phrase; no humanising.

    With ``rng`` the variation, the fills and a few ornaments are chosen by it; without, the
    genre's best-known form with the first fill.
    """
    variant = int(rng.integers(variants(genre, meter))) if rng is not None else 0
    fill_pick = int(rng.integers(1 << 16)) if rng is not None else 0
    ornament = int(rng.integers(3)) if rng is not None else 0
    segs = segments(genre, meter, variant)
    bar_ticks = meter_ticks(meter)
    scale = 0.6 + 0.4 * energy
    notes: list[Note] = []
    for bar in range(bars):
        fill_bar = fills and bars >= 2 and (bar % 4 == 3 or bar == bars - 1)
        for seg in segs:
            spb = seg.grid.steps_per_beat
            fill_from = seg.steps
            if fill_bar and seg is segs[-1]:
                fill_from = seg.steps - _fill_steps(seg)
            for drum, lane in seg.grid.lanes.items():
                for s in range(seg.steps):
                    ch = _lane_char(lane, bar, seg, s)
                    if ch == "." or (s >= fill_from and drum not in _KEPT_UNDER_FILL):
                        continue
                    t = bar * bar_ticks + seg.start + s * seg.grid.step
                    notes.append(Note(t, seg.grid.step, drum, _velocity(ch, drum, s, spb, scale)))
            if fill_from < seg.steps:
                start = bar * bar_ticks + seg.start + fill_from * seg.grid.step
                notes.extend(_fill(start, seg.steps - fill_from, seg.grid.step, fill_pick + bar // 4, scale))
        if fills and bar > 0 and bar % 4 == 0:
            notes.append(Note(bar * bar_ticks, PPQ, CRASH, int(100 * scale)))
        notes.extend(_ornament(ornament, bar, bars, segs, bar_ticks, scale, fill_bar))
    return sorted(_dedupe(notes))


def _fill_steps(seg: Segment) -> int:
    """A fill takes the last counted beat: four sixteenths, three triplets or a dotted quarter's six."""
    if seg.shape == "6/8":
        return min(6, seg.steps)
    return min(seg.grid.steps_per_beat, seg.steps)


def _fill(start: int, steps: int, step: int, pick: int, scale: float) -> list[Note]:
    options = FILLS.get(steps) or FILLS[4]
    text = options[pick % len(options)][:steps]
    return [Note(start + i * step, step, _FILL_DRUM[c], int((80 + 28 * i / max(1, len(text) - 1)) * scale))
            for i, c in enumerate(text) if c != "."]


def _ornament(kind: int, bar: int, bars: int, segs: list[Segment], bar_ticks: int, scale: float,
              fill_bar: bool) -> list[Note]:
    """Small seed-chosen touches players add: an open hat closing every second bar, or a kick pickup."""
    if fill_bar or kind == 0:
        return []
    last = segs[-1]
    step = last.grid.step
    end = (bar + 1) * bar_ticks
    if kind == 1 and bar % 2 == 1:
        return [Note(end - 2 * step, step, OPEN_HAT, int(84 * scale))]
    if kind == 2 and bar % 4 == 2 and bar + 1 < bars:
        return [Note(end - step, step, KICK, int(78 * scale))]
    return []


def _dedupe(notes: list[Note]) -> list[Note]:
    """One stroke per drum per instant (an ornament landing on a written hit keeps the louder)."""
    best: dict[tuple[int, int], Note] = {}
    for n in notes:
        key = (n.start, n.pitch)
        if key not in best or n.vel > best[key].vel:
            best[key] = n
    return list(best.values())


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
    notes = pattern(genre, meter, bars, energy=energy, rng=rng)
    if humanised:
        notes = humanise(notes, rng)
    return Part("drums", 0, notes, DRUM_CHANNEL, "drums")


def backbeats(meter: str) -> set[int]:
    """Sixteenth steps of the backbeat snare in a bar of ``meter``."""
    return {
        "4/4": {4, 12}, "3/4": {4, 8}, "6/8": {6}, "2/4": {4}, "5/4": {4, 8, 16}, "7/8": {4, 8}, "12/8": {6, 18},
    }.get(meter, {4, 12})


def groove_from(onsets: list[int], bar_ticks: int, bars: int, meter: str, rng: np.random.Generator) -> list[Note]:
    """A drum groove from a melody's rhythm: kick where the source's onsets cluster, backbeat snare, hats."""
    step = PPQ // 4
    steps = max(1, bar_ticks // step)
    counts = np.zeros(steps)
    for t in onsets:
        counts[round((t % bar_ticks) / step) % steps] += 1
    backbeat = backbeats(meter)
    kick_steps = {0}
    strongest = [int(i) for i in np.argsort(-counts, kind="stable") if counts[int(i)] > 0]
    for s in strongest:
        if len(kick_steps) >= max(3, steps // 5):
            break
        if s % 2 == 0 and all(abs(s - k) >= 3 for k in kick_steps) and s not in backbeat:
            kick_steps.add(s)
    fill_len = beat_unit(meter)
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
            notes = [n for n in notes if not (n.start >= base + bar_ticks - fill_len and n.pitch == SNARE)]
            n_steps = fill_len // step
            notes.extend(_fill(base + bar_ticks - fill_len, n_steps, step, bar // 4, 1.0))
    return sorted(notes)
