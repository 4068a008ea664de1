"""Draw a sketch as a piano roll: each part in its own colour, bar lines, drums in a lane below."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from generators.music.score import Score

WIDTH, HEIGHT = 1200, 420
LEFT, TOP, RIGHT, BOTTOM = 44, 30, 12, 14
DRUM_LANE = 70
BACKGROUND = (22, 24, 31)
GRID = (48, 52, 64)
BAR = (98, 104, 122)
TEXT = (210, 214, 224)
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


def colour(role: str, index: int = 0) -> tuple[int, int, int]:
    return COLOURS.get(role, _SPARE[index % len(_SPARE)])


def draw(score: Score) -> Image.Image:
    """An RGB image of the score (deterministic for a given score)."""
    img = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    pitched = [n for p in score.parts if not p.is_drum for n in p.notes]
    drums = [p for p in score.parts if p.is_drum and p.notes]
    lane = DRUM_LANE if drums else 0
    roll_bottom = HEIGHT - BOTTOM - lane - (6 if lane else 0)
    total = max(1, score.total_ticks)
    x_of = lambda tick: LEFT + (WIDTH - LEFT - RIGHT) * tick / total  # noqa: E731
    lo = min((n.pitch for n in pitched), default=48) - 2
    hi = max((n.pitch for n in pitched), default=72) + 2
    row = (roll_bottom - TOP) / max(1, hi - lo + 1)
    for pitch in range(lo, hi + 1):  # C lines and labels
        if pitch % 12 == 0:
            y = roll_bottom - (pitch - lo + 1) * row
            d.line([(LEFT, y + row), (WIDTH - RIGHT, y + row)], fill=GRID)
            d.text((4, y), f"C{pitch // 12 - 1}", fill=TEXT, font=font)
    beats = score.bar_ticks // score.beat_ticks
    for bar in range(score.bars + 1):
        x = x_of(bar * score.bar_ticks)
        d.line([(x, TOP), (x, HEIGHT - BOTTOM)], fill=BAR, width=1)
        if bar < score.bars:
            d.text((x + 3, TOP - 12), str(bar + 1), fill=TEXT, font=font)
            for b in range(1, beats):
                xb = x_of(bar * score.bar_ticks + b * score.beat_ticks)
                d.line([(xb, TOP), (xb, roll_bottom)], fill=GRID)
    legend_x = LEFT + 40
    for i, part in enumerate(score.parts):
        c = colour(part.role, i)
        label = part.role
        d.rectangle([legend_x, 8, legend_x + 9, 17], fill=c)
        d.text((legend_x + 13, 6), label, fill=TEXT, font=font)
        legend_x += 22 + int(d.textlength(label, font=font))
    # accompaniment first, the melody last, so the lead line is never hidden
    for i, part in reversed(list(enumerate(score.parts))):
        c = colour(part.role, i)
        if not part.is_drum:
            for n in part.sorted_notes():
                y = roll_bottom - (n.pitch - lo + 1) * row
                x0, x1 = x_of(n.start), max(x_of(n.start) + 2, x_of(n.end) - 1)
                shade = 0.55 + 0.45 * min(127, n.vel) / 127
                d.rectangle([x0, y + 1, x1, y + max(2, row - 1)], fill=tuple(int(v * shade) for v in c))
    if drums:
        keys = sorted({n.pitch for p in drums for n in p.notes})
        top = HEIGHT - BOTTOM - lane
        h = lane / max(1, len(keys))
        c = colour("drums")
        for p in drums:
            for n in p.notes:
                y = top + keys.index(n.pitch) * h
                x = x_of(n.start)
                shade = 0.45 + 0.55 * min(127, n.vel) / 127
                d.rectangle([x, y + 1, x + 3, y + max(2, h - 1)], fill=tuple(int(v * shade) for v in c))
    title = f"{score.key.name} · {score.tempo} bpm · {score.meter} · {score.bars} bars"
    d.text((WIDTH - RIGHT - int(d.textlength(title, font=font)), 6), title, fill=TEXT, font=font)
    return img
