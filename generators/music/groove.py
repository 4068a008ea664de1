"""/groove: play a sketch's (or a member's) drum part with a human feel — Magenta Studio's Groove idea.

No drum-performance data set is available offline, so each feel is a small model built from
published measurements of real drummers (sources and numbers in docs/groove.md):

* **swing** — the ride's long:short ratio falls with tempo (Friberg & Sundström 2002: up to 3.5:1
  near 120 bpm, 2:1 only at one tempo, 1:1 when fast; the short note stays about 100 ms), so the
  ratio is (beat − 100 ms) / 100 ms, clipped to 1–3.5.  Soloists keep the off-beats in step with
  the ride, so the other parts are swung by the same time warp.
* **shuffle** — the triplet shuffle (2:1, a drum machine's 66 % swing) with ghosted middle triplets.
* **straight**, **laid-back**, **pushed** — per-instrument offsets from the beat: with a metronome,
  professional drummers' snare and kick lead the hi-hat by about 10 ms at 60–120 bpm, and at
  200 bpm the hi-hat trails by about 10 ms (Fujii et al. 2011); laid-back strokes come later and
  louder (Danielsen et al. 2015), pushed ones earlier.
* Every feel: accents by metric level, a gentle phrase-long velocity arc, ghost strokes on the
  snare, and timing noise that drifts (long-range correlated, as Hennig et al. 2011 measured in
  drummers) kept under 19 ms, the asynchrony listeners still hear as "tight" (JNMR 46(4), 2017).

``amount`` 0 plays the quantised grid; 100 the full feel.  The same seed gives the same performance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar, TypedDict

import numpy as np

from generators.base import KIND_MUSIC, GeneratorError, InputFile, Result
from generators.music import drums
from generators.music.score import PPQ, Note, Part, Score

FEELS = ("straight", "swing", "laid-back", "pushed", "shuffle")
FEEL_ALIASES = {"swung": "swing", "laidback": "laid-back", "laid back": "laid-back", "behind": "laid-back",
                "lazy": "laid-back", "ahead": "pushed", "push": "pushed", "rushed": "pushed", "on": "straight",
                "tight": "straight"}
QUANTUM = PPQ // 12  # covers sixteenths and triplet eighths alike
DEFAULT_AMOUNT = 70

KICKS = frozenset({35, 36})
SNARES = frozenset({37, 38, 39, 40})
HATS = frozenset({42, 44, 46})
RIDES = frozenset({51, 53, 59})
CYMBALS = frozenset({49, 52, 55, 57})
TOMS = frozenset({41, 43, 45, 47, 48, 50})


def family(pitch: int) -> str:
    """The instrument a GM drum note belongs to, for per-instrument timing and loudness."""
    for name, members in (("kick", KICKS), ("snare", SNARES), ("hat", HATS), ("ride", RIDES),
                          ("cymbal", CYMBALS), ("tom", TOMS)):
        if pitch in members:
            return name
    return "perc"


@dataclass(frozen=True)
class FeelModel:
    """What one feel does at amount 100: timing offsets (ms) and loudness per instrument, swing, ghosts."""

    offsets_ms: Mapping[str, float]
    gains: Mapping[str, float]
    jitter_ms: float
    accent_depth: float
    ghost_rate: float
    swing: str = ""  # "", "tempo" (jazz ride ratio) or "triplet" (2:1 shuffle)


#: Straight: the Fujii et al. (2011) offsets at 60–120 bpm; see ``_straight_offsets`` for faster tempi.
FEEL_MODELS: dict[str, FeelModel] = {
    "straight": FeelModel({"kick": -10, "snare": -10, "hat": 0, "ride": 0, "tom": -6, "cymbal": -4, "perc": 0},
                          {}, 7.0, 0.22, 0.25),
    "swing": FeelModel({"kick": -4, "snare": -2, "hat": -6, "ride": 0, "tom": -2, "cymbal": 0, "perc": 0},
                       {"kick": 0.85, "snare": 0.9}, 8.0, 0.3, 0.35, swing="tempo"),
    "laid-back": FeelModel({"kick": 4, "snare": 26, "hat": 12, "ride": 12, "tom": 16, "cymbal": 6, "perc": 14},
                           {"snare": 1.1}, 8.0, 0.25, 0.4),
    "pushed": FeelModel({"kick": -8, "snare": -14, "hat": -16, "ride": -16, "tom": -12, "cymbal": -8, "perc": -14},
                        {"hat": 1.06, "ride": 1.06}, 6.0, 0.32, 0.2),
    "shuffle": FeelModel({"kick": -6, "snare": -6, "hat": 0, "ride": 0, "tom": -4, "cymbal": 0, "perc": 0},
                         {}, 7.0, 0.3, 0.6, swing="triplet"),
}
MAX_JITTER_MS = 18.0


class GrooveFacts(TypedDict):
    feel: str
    amount: int
    swing_ratio: float
    mean_offset_ms: dict[str, float]  # everything that moved a stroke, swing included
    microtiming_ms: dict[str, tuple[float, float]]  # the feel's own offsets and drift: mean and sd, swing excluded
    ghosts: int


def canonical_feel(value: object) -> str:
    text = str(value or "straight").strip().lower()
    feel = FEEL_ALIASES.get(text, text)
    if feel not in FEELS:
        raise GeneratorError(f"feel must be one of {', '.join(FEELS)}; got '{text[:20]}'")
    return feel


def parse_amount(value: object) -> int:
    if value is None or value == "":
        return DEFAULT_AMOUNT
    try:
        amount = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise GeneratorError(f"amount must be a whole number 0–100, got '{str(value)[:10]}'") from None
    if not 0 <= amount <= 100:
        raise GeneratorError(f"amount must be 0–100, got {amount}")
    return amount


def swing_ratio(feel: str, tempo: int) -> float:
    """The feel's long:short ratio of paired subdivisions at full amount (1.0 = even)."""
    kind = FEEL_MODELS[feel].swing
    if not kind:
        return 1.0
    if kind == "triplet":
        return 2.0
    beat_s = 60.0 / max(1, tempo)
    return float(np.clip((beat_s - 0.1) / 0.1, 1.0, 3.5))


def _straight_offsets(tempo: int) -> dict[str, float]:
    """Fujii et al. 2011: snare and kick ~10 ms ahead of the hat at 60–120 bpm; at 200 bpm the hat ~10 ms late."""
    t = float(np.clip((tempo - 120) / 80, 0.0, 1.0))
    base = dict(FEEL_MODELS["straight"].offsets_ms)
    base["kick"] = base["snare"] = -10 + 9 * t
    base["hat"] = base["ride"] = 10 * t
    return base


def _swing_unit(meter: str) -> int:
    """Subdivisions are paired within a quarter in x/4 meters and within an eighth in x/8 meters."""
    return PPQ // 2 if meter.endswith("/8") else PPQ


def _already_triplet(notes: Sequence[Note], unit: int) -> bool:
    """True when the part's off-beats sit on triplets (a lofi or jazz grid) rather than on the half."""
    positions = [round((n.start % unit) / QUANTUM) * QUANTUM for n in notes]
    halves = sum(1 for p in positions if p == unit // 2)
    thirds = sum(1 for p in positions if p in (unit // 3, 2 * unit // 3))
    return thirds > halves


def warp(tick: int, unit: int, source: int, target: int) -> int:
    """Move the off-beat point of each ``unit`` from ``source`` to ``target``, stretching linearly around it."""
    base, pos = divmod(tick, unit)
    if pos <= source:
        new = pos * target / source
    else:
        new = target + (pos - source) * (unit - target) / (unit - source)
    return base * unit + round(new)


def _metric_weight(tick: int, bar_ticks: int, beat: int, unit: int) -> float:
    """1.0 on the bar's downbeat, then counted beats, off-beats, and the finest subdivisions."""
    pos = tick % bar_ticks
    if pos == 0:
        return 1.0
    if pos % beat == 0:
        return 0.9
    if pos % (unit // 2) == 0 or pos % unit == 0:
        return 0.78
    return 0.66


def _drift(rng: np.random.Generator, n: int, sd: float) -> np.ndarray:
    """Timing noise that wanders (an AR(1) walk plus a little white noise), standard deviation ``sd``."""
    if n == 0 or sd <= 0:
        return np.zeros(n)
    phi = 0.85
    walk = np.zeros(n)
    shocks = rng.normal(0, sd * math.sqrt(1 - phi * phi), n)
    walk[0] = rng.normal(0, sd)
    for i in range(1, n):
        walk[i] = phi * walk[i - 1] + shocks[i]
    out = 0.8 * walk + rng.normal(0, 0.6 * sd, n)
    return np.clip(out, -MAX_JITTER_MS, MAX_JITTER_MS)


def _ghosts(notes: list[Note], bars: int, bar_ticks: int, meter: str, feel: str, rate: float,
            rng: np.random.Generator) -> list[Note]:
    """Quiet snare strokes just before backbeats (the middle triplet in a shuffle) where nothing else hits."""
    snares = [n for n in notes if n.pitch in SNARES]
    if not snares or rate <= 0:
        return []
    pitch = max({n.pitch for n in snares}, key=lambda p: sum(1 for n in snares if n.pitch == p))
    occupied = {n.start for n in notes if n.pitch in SNARES or n.pitch in KICKS}
    triplet = feel in ("shuffle", "swing")
    backs = sorted({(n.start % bar_ticks) for n in snares if n.vel >= 70})
    out = []
    for bar in range(bars):
        for back in backs:
            if rng.random() >= rate:
                continue
            before = PPQ // 3 if triplet else PPQ // 4
            t = bar * bar_ticks + back - before
            if t < 0 or t in occupied:
                continue
            out.append(Note(t, QUANTUM * 2, pitch, int(rng.integers(26, 40))))
            occupied.add(t)
    return out


def quantise(notes: Sequence[Note]) -> list[Note]:
    """Snap to the 1/12-beat grid (sixteenths and triplets), one stroke per drum per instant."""
    best: dict[tuple[int, int], Note] = {}
    for n in notes:
        start = round(n.start / QUANTUM) * QUANTUM
        key = (start, n.pitch)
        if key not in best or n.vel > best[key].vel:
            best[key] = replace(n, start=start)
    return sorted(best.values())


def perform(score: Score, feel: str, amount: int, rng: np.random.Generator) -> tuple[Score, GrooveFacts]:
    """The score with its drum part played in ``feel`` (and, for swing and shuffle, the band swung with it)."""
    drum_parts = [p for p in score.parts if p.is_drum and p.notes]
    if not drum_parts:
        raise GeneratorError("that sketch has no drum part to groove; add one with /layer part:drums or /drumify")
    model = FEEL_MODELS[feel]
    scale = amount / 100
    known = score.meter in drums.DRUM_METERS
    bar_ticks = drums.meter_ticks(score.meter) if known else score.bar_ticks
    unit = _swing_unit(score.meter)
    beat = drums.beat_unit(score.meter) if known else PPQ
    grid = quantise([n for p in drum_parts for n in p.notes])
    source = 2 * unit // 3 if _already_triplet(grid, unit) else unit // 2
    target = source
    if model.swing:  # the off-beat point moves from where it is toward the feel's ratio
        full = swing_ratio(feel, score.tempo)
        target = round(source + (unit * full / (1 + full) - source) * scale)
    ghosts = _ghosts(grid, score.bars, bar_ticks, score.meter, feel, model.ghost_rate * scale, rng)
    offsets = _straight_offsets(score.tempo) if feel == "straight" else dict(model.offsets_ms)
    ticks_per_ms = score.tempo * PPQ / 60_000
    by_family: dict[str, list[Note]] = {}
    for n in sorted(grid + ghosts):
        by_family.setdefault(family(n.pitch), []).append(n)
    performed: list[Note] = []
    moved: dict[str, list[float]] = {}
    micro: dict[str, list[float]] = {}
    phrase = 4 * bar_ticks
    for fam in sorted(by_family):
        notes = by_family[fam]
        noise = _drift(rng, len(notes), min(MAX_JITTER_MS, model.jitter_ms) * scale)
        gain = model.gains.get(fam, 1.0)
        for n, jitter in zip(notes, noise, strict=True):
            start = warp(n.start, unit, source, target) if target != source else n.start
            anchor = fam == "kick" and n.start % bar_ticks == 0
            shift_ms = offsets.get(fam, 0.0) * scale + (0.4 if anchor else 1.0) * float(jitter)
            new_start = max(0, start + round(shift_ms * ticks_per_ms))
            weight = _metric_weight(n.start, bar_ticks, beat, unit)
            accent = 1 - model.accent_depth * scale * (1 - weight)
            arc = 1 + 0.05 * scale * math.sin(math.pi * (n.start % phrase) / phrase)
            wobble = rng.normal(0, 4 * scale)
            vel = n.vel * (1 + (gain - 1) * scale) * accent * arc + wobble
            performed.append(replace(n, start=new_start, vel=int(np.clip(round(vel), 1, 127))))
            moved.setdefault(fam, []).append((new_start - n.start) / ticks_per_ms)
            micro.setdefault(fam, []).append(shift_ms)
    parts = []
    for p in score.parts:
        if p.is_drum:
            continue
        if target != source and feel in ("swing", "shuffle"):
            p = replace(p, notes=_warp_notes(p.notes, unit, unit // 2, target))
        parts.append(p)
    first_drums = drum_parts[0]
    parts.append(Part(first_drums.role, first_drums.program, sorted(performed), first_drums.channel,
                      first_drums.instrument or "drums"))
    total = score.bars * bar_ticks
    parts = [replace(p, notes=[n for n in p.notes if n.start < total]) for p in parts]
    swing_fraction = target / unit if model.swing else score.swing
    new = replace(score, parts=parts, swing=round(swing_fraction, 3))
    facts: GrooveFacts = {
        "feel": feel, "amount": amount, "swing_ratio": round(target / max(1, unit - target), 2),
        "mean_offset_ms": {fam: round(float(np.mean(v)), 1) for fam, v in sorted(moved.items())},
        "microtiming_ms": {fam: (round(float(np.mean(v)), 1), round(float(np.std(v)), 1))
                           for fam, v in sorted(micro.items())},
        "ghosts": len(ghosts),
    }
    return new, facts


def _warp_notes(notes: Sequence[Note], unit: int, source: int, target: int) -> list[Note]:
    """Swing a pitched part: only notes on (or ending on) the off-beat point move; lengths follow."""
    out = []
    for n in notes:
        start = warp(n.start, unit, source, target) if n.start % unit == source else n.start
        end = warp(n.end, unit, source, target) if n.end % unit == source else n.end
        out.append(replace(n, start=start, dur=max(1, end - start)))
    return sorted(out)


def estimate_swing(notes: Sequence[Note], meter: str) -> float:
    """Where the off-beat of each subdivision pair sits, as a fraction of the pair: 0.5 straight, 0.667 triplet.

    For built-on commands that read a grooved file back and should keep its swing; 0.5 when too few off-beats.
    """
    unit = _swing_unit(meter)
    positions = [(n.start % unit) / unit for n in notes]
    straight = sum(1 for p in positions if 0.45 <= p <= 0.55)
    swung = [p for p in positions if 0.58 <= p <= 0.82]
    # a straight sixteenth grid has as many "a"s (0.75) as off-beats; a swung one has no off-beat left at 0.5
    if len(swung) < 4 or straight >= 0.5 * len(swung):
        return 0.5
    return round(float(np.median(swung)), 3)


def swing_to(notes: Sequence[Note], meter: str, fraction: float) -> list[Note]:
    """Straight notes swung so each pair's off-beat sits at ``fraction`` of the pair (what ``estimate_swing`` read)."""
    unit = _swing_unit(meter)
    target = round(unit * min(0.8, max(0.5, fraction)))
    if target == unit // 2:
        return list(notes)
    return _warp_notes(notes, unit, unit // 2, target)


def describe(score: Score, facts: GrooveFacts) -> str:
    """One sentence for alt text: feel, amount, tempo, meter and what moved."""
    drummed = sorted({family(n.pitch) for p in score.parts if p.is_drum for n in p.notes} - {"perc"})
    swing = f", swung {facts['swing_ratio']}:1" if facts["swing_ratio"] > 1.05 else ""
    return (f"a {facts['feel']} drum performance at {score.tempo} bpm in {score.meter}, amount {facts['amount']}, "
            f"for {', '.join(drummed)}{swing}, with {facts['ghosts']} ghost notes")


def with_drums(score: Score, rng: np.random.Generator) -> tuple[Score, str]:
    """The score, given its genre's drum grid when it has none (so the Groove button works on any sketch).

    Returns the score and the genre of the drums added ("" when it already had drums).
    """
    if any(p.is_drum and p.notes for p in score.parts):
        return score, ""
    if score.meter not in drums.DRUM_METERS:
        raise GeneratorError("that sketch has no drum part to groove; add one with /layer part:drums or /drumify")
    genre = score.genre if score.genre in drums.BEAT_GENRES else "pop"
    part = drums.drums_part(genre, score.meter, score.bars, rng, humanised=False)
    return score.with_part(part), genre


class GrooveMusic:
    name: ClassVar[str] = "music.groove"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "groove"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_MUSIC})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        # imported here: the catalog imports this module for FEELS, and must stay light for `jamroom --help`
        from generators.music.build import parent_score
        from generators.music.package import package

        feel = canonical_feel(spec.get("feel"))
        amount = parse_amount(spec.get("amount"))
        rng = np.random.default_rng(seed)
        score, added = with_drums(parent_score(inputs), rng)
        score, facts = perform(score, feel, amount, rng)
        note = f" (drums added: {added})" if added else ""
        result = package(score, spec, generator=self.name, version=self.version, seed=seed, stem="groove",
                         summary=f"{feel} groove at {amount}{note}", inputs=inputs)
        extra = dict(result.facts)
        extra.update(facts)
        extra["alt"] = describe(score, facts)
        summary = result.summary
        if not any(not p.is_drum and p.notes for p in score.parts):  # a beat has no key to name
            extra["key"] = "—"
            summary = f"{feel} groove at {amount} · {score.tempo} bpm · {score.meter} · {score.bars} bars · drums"
        return Result(result.kind, result.outputs, extra, summary)


GENERATORS = [GrooveMusic]
