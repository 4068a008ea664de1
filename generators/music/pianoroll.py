"""Draw a sketch as a piano roll: each part in its own colour, bar lines, drums in named lanes.

The picture is shown about 500 px wide in chat cards, so text is drawn at 22–26 px on the
1200 px canvas (about 10–11 px on screen).  A drums-only sketch (a /beat) gets the whole
canvas as one named lane per drum instead of an empty pitch grid.
"""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw, ImageFont

from generators.music import drums as drum_grids
from generators.music.score import Note, Score

WIDTH, HEIGHT = 1200, 420
RIGHT, BOTTOM = 12, 10
HEADER = 40  # legend and title
BAR_ROW = 26  # bar numbers
TOP = HEADER + BAR_ROW
TITLE_SIZE, LABEL_SIZE, SMALL_SIZE = 26, 22, 20
BACKGROUND = (22, 24, 31)
GRID = (48, 52, 64)
LANE = (30, 33, 42)
BAR = (98, 104, 122)
TEXT = (226, 230, 238)
COLOURS = {
    "melody": (255, 196, 72),
    "counter-melody": (255, 128, 170),
    "chords": (96, 170, 255),
    "arpeggio": (130, 220, 210),
    "pad": (150, 130, 240),
    "bass": (110, 214, 120),
    "drums": (240, 110, 90),
}
_SPARE = ((220, 220, 220), (200, 160, 120), (160, 200, 120))
#: Drum lanes shown under other parts: a few grouped, named lanes (GM note -> lane).
GROUPED_LANES = ("kick", "snare", "hats", "cymbals", "toms", "percussion")
_GROUP = {35: "kick", 36: "kick", 37: "snare", 38: "snare", 39: "snare", 40: "snare", 42: "hats", 44: "hats",
          46: "hats", 49: "cymbals", 51: "cymbals", 52: "cymbals", 53: "cymbals", 55: "cymbals", 57: "cymbals",
          59: "cymbals", 41: "toms", 43: "toms", 45: "toms", 47: "toms", 48: "toms", 50: "toms"}
#: A drums-only roll: one lane per drum, named, top to bottom as a drummer reads a chart.
DRUM_NAMES = {49: "crash", 57: "crash", 51: "ride", 53: "ride bell", 46: "open hat", 42: "closed hat",
              44: "pedal hat", 50: "high tom", 48: "high tom", 47: "mid tom", 45: "low tom", 43: "floor tom",
              41: "floor tom", 38: "snare", 40: "snare", 37: "rim", 39: "clap", 36: "kick", 35: "kick",
              70: "shaker", 56: "cowbell", 75: "claves", 54: "tambourine"}
_DRUM_ORDER = ("crash", "ride", "ride bell", "open hat", "closed hat", "pedal hat", "high tom", "mid tom", "low tom",
               "floor tom", "snare", "rim", "clap", "kick", "shaker", "tambourine", "cowbell", "claves")
_DRUM_COLOURS = {"kick": (240, 110, 90), "snare": (255, 196, 72), "rim": (255, 170, 90), "clap": (255, 150, 120),
                 "hats": (130, 220, 210), "closed hat": (130, 220, 210), "open hat": (110, 200, 240),
                 "pedal hat": (110, 180, 190), "ride": (150, 130, 240), "ride bell": (170, 150, 250),
                 "crash": (200, 160, 250), "cymbals": (150, 130, 240), "toms": (110, 214, 120)}


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def colour(role: str, index: int = 0) -> tuple[int, int, int]:
    return COLOURS.get(role, _SPARE[index % len(_SPARE)])


def drum_lane_name(pitch: int, grouped: bool) -> str:
    """The lane a drum note is drawn in: grouped ("hats") under other parts, exact ("open hat") alone."""
    if grouped:
        return _GROUP.get(pitch, "percussion")
    return DRUM_NAMES.get(pitch, f"drum {pitch}")


def drum_lanes(score: Score) -> list[str]:
    """Names of the drum lanes the roll draws, top to bottom."""
    notes = [n for p in score.parts if p.is_drum for n in p.notes]
    if not notes:
        return []
    grouped = any(not p.is_drum and p.notes for p in score.parts)
    names = {drum_lane_name(n.pitch, grouped) for n in notes}
    order = GROUPED_LANES if grouped else _DRUM_ORDER
    return sorted(names, key=lambda name: (order.index(name) if name in order else len(order), name))


def title(score: Score) -> str:
    """The heading: the key for pitched sketches, the groove's genre for a drums-only one."""
    pitched = any(not p.is_drum and p.notes for p in score.parts)
    head = score.key.name if pitched else f"{score.genre or 'drum'} beat"
    return f"{head} · {score.tempo} bpm · {score.meter} · {score.bars} bars"


def _beat_ticks(score: Score) -> int:
    if score.meter in drum_grids.DRUM_METERS:
        return drum_grids.beat_unit(score.meter)
    return score.beat_ticks


def draw(score: Score) -> Image.Image:
    """An RGB image of the score (deterministic for a given score)."""
    img = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    d = ImageDraw.Draw(img)
    pitched_parts = [p for p in score.parts if not p.is_drum and p.notes]
    lanes = drum_lanes(score)
    left = (max((int(d.textlength(n, font=font(SMALL_SIZE))) for n in lanes), default=0) + 16) if lanes else 52
    left = max(left, 52)
    total = max(1, score.total_ticks)
    span = WIDTH - left - RIGHT

    def x_of(tick: int) -> float:
        return left + span * tick / total

    if pitched_parts:
        lane_h = min(24, (HEIGHT - TOP - BOTTOM) // 3 // max(1, len(lanes))) if lanes else 0
        drum_top = HEIGHT - BOTTOM - lane_h * len(lanes)
        roll_bottom = drum_top - (8 if lanes else 0)
    else:
        lane_h = (HEIGHT - TOP - BOTTOM) // max(1, len(lanes)) if lanes else 0
        drum_top = TOP
        roll_bottom = TOP
    _bars(d, score, x_of, roll_bottom if pitched_parts else HEIGHT - BOTTOM)
    if pitched_parts:
        _pitched(d, score, x_of, left, roll_bottom)
    if lanes:
        _drums(d, score, lanes, x_of, left, drum_top, lane_h, grouped=bool(pitched_parts))
    _header(d, score, pitched_parts)
    return img


def _bars(d: ImageDraw.ImageDraw, score: Score, x_of, grid_bottom: int) -> None:
    bar_w = x_of(score.bar_ticks) - x_of(0)
    every = 1 if bar_w >= 34 else (2 if bar_w >= 18 else 4)
    beat = _beat_ticks(score)
    beats = max(1, score.bar_ticks // beat)
    for bar in range(score.bars + 1):
        x = x_of(bar * score.bar_ticks)
        d.line([(x, TOP), (x, HEIGHT - BOTTOM)], fill=BAR, width=2 if bar % 4 == 0 else 1)
        if bar < score.bars:
            if bar % every == 0:
                d.text((x + 4, HEADER + 1), str(bar + 1), fill=TEXT, font=font(SMALL_SIZE))
            for b in range(1, beats):
                xb = x_of(bar * score.bar_ticks + b * beat)
                d.line([(xb, TOP), (xb, grid_bottom)], fill=GRID)


def _pitched(d: ImageDraw.ImageDraw, score: Score, x_of, left: int, roll_bottom: int) -> None:
    pitched = [n for p in score.parts if not p.is_drum for n in p.notes]
    lo = min((n.pitch for n in pitched), default=48) - 2
    hi = max((n.pitch for n in pitched), default=72) + 2
    row = (roll_bottom - TOP) / max(1, hi - lo + 1)
    label_every = 12 if row * 12 >= LABEL_SIZE + 2 else 24
    for pitch in range(lo, hi + 1):  # C lines and labels
        if pitch % 12 == 0:
            y = roll_bottom - (pitch - lo + 1) * row
            d.line([(left, y + row), (WIDTH - RIGHT, y + row)], fill=GRID)
            if pitch % label_every == 0:
                d.text((4, y + row - LABEL_SIZE // 2 - 2), f"C{pitch // 12 - 1}", fill=TEXT, font=font(LABEL_SIZE))
    # accompaniment first, the melody last, so the lead line is never hidden
    for i, part in reversed(list(enumerate(score.parts))):
        if part.is_drum:
            continue
        c = colour(part.role, i)
        for n in part.sorted_notes():
            y = roll_bottom - (n.pitch - lo + 1) * row
            x0, x1 = x_of(n.start), max(x_of(n.start) + 2, x_of(n.end) - 1)
            shade = 0.55 + 0.45 * min(127, n.vel) / 127
            d.rectangle([x0, y + 1, x1, y + max(2, row - 1)], fill=tuple(int(v * shade) for v in c))


def _drums(d: ImageDraw.ImageDraw, score: Score, lanes: list[str], x_of, left: int, top: int, lane_h: int, *,
           grouped: bool) -> None:
    hit_w = max(4.0, (x_of(score.bar_ticks) - x_of(0)) / 24)
    for i, name in enumerate(lanes):
        y = top + i * lane_h
        if i % 2 == 0:
            d.rectangle([left, y, WIDTH - RIGHT, y + lane_h - 1], fill=LANE)
        size = min(SMALL_SIZE, max(12, lane_h - 2))
        d.text((6, y + (lane_h - size) // 2 - 1), name, fill=TEXT, font=font(size))
    notes: list[Note] = sorted(n for p in score.parts if p.is_drum for n in p.notes)
    for n in notes:
        name = drum_lane_name(n.pitch, grouped)
        i = lanes.index(name)
        y = top + i * lane_h
        c = _DRUM_COLOURS.get(name, colour("drums"))
        shade = 0.4 + 0.6 * min(127, n.vel) / 127
        x = x_of(n.start)
        pad = max(1, lane_h // 6)
        d.rectangle([x, y + pad, x + hit_w, y + lane_h - 1 - pad], fill=tuple(int(v * shade) for v in c))


def _header(d: ImageDraw.ImageDraw, score: Score, pitched_parts: list) -> None:
    heading = title(score)
    tw = int(d.textlength(heading, font=font(TITLE_SIZE)))
    d.text((WIDTH - RIGHT - tw, 6), heading, fill=TEXT, font=font(TITLE_SIZE))
    if not pitched_parts:
        return
    legend_x = 8
    for i, part in enumerate(score.parts):
        label = part.role
        width = 24 + int(d.textlength(label, font=font(LABEL_SIZE)))
        if legend_x + width > WIDTH - RIGHT - tw - 16:
            break
        d.rectangle([legend_x, 12, legend_x + 14, 26], fill=colour(part.role, i))
        d.text((legend_x + 19, 7), label, fill=TEXT, font=font(LABEL_SIZE))
        legend_x += width + 10
