"""A PNG of an artifact's lineage: the first work at the top, each build on it one row lower.

Drawn with Pillow only (no graphviz on a chat server); the same lineage gives the
same bytes, so a re-asked ``/credits`` attaches an identical picture.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence

from PIL import Image, ImageDraw, ImageFont

from bot.credits import levels, step_text
from bot.models import Artifact

BOX_W, BOX_H = 300, 58
GAP_X, GAP_Y, MARGIN = 24, 46, 20
INK = (34, 34, 40)
PAPER = (250, 248, 244)
FILL = (226, 236, 250)
GONE = (238, 226, 226)
EDGE = (96, 110, 140)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the bitmap font
        return ImageFont.load_default()


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
         width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def picture(lineage: Sequence[Artifact], removed: Collection[str] = ()) -> bytes:
    """PNG bytes of the lineage tree (``lineage`` as :meth:`Ledger.lineage` returns it: nearest first)."""
    rows = list(reversed(levels(lineage)))  # oldest at the top
    if not rows:
        raise ValueError("an empty lineage has no picture")
    widest = max(len(r) for r in rows)
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = MARGIN * 2 + len(rows) * BOX_H + (len(rows) - 1) * GAP_Y
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    big, small = _font(15), _font(12)
    centre: dict[str, tuple[int, int, int, int]] = {}
    for y_index, row in enumerate(rows):
        row_w = len(row) * BOX_W + (len(row) - 1) * GAP_X
        x0 = (width - row_w) // 2
        y = MARGIN + y_index * (BOX_H + GAP_Y)
        for x_index, a in enumerate(row):
            x = x0 + x_index * (BOX_W + GAP_X)
            centre[a.id] = (x, y, x + BOX_W, y + BOX_H)
    for a in lineage:  # edges first, boxes over them
        if a.id not in centre:
            continue
        cx0, cy0, cx1, _ = centre[a.id]
        for parent in a.parents:
            if parent in centre:
                px0, _, px1, py1 = centre[parent]
                start, end = ((px0 + px1) // 2, py1), ((cx0 + cx1) // 2, cy0)
                draw.line([start, end], fill=EDGE, width=2)
                draw.polygon([end, (end[0] - 5, end[1] - 9), (end[0] + 5, end[1] - 9)], fill=EDGE)
    for a in lineage:
        if a.id not in centre:
            continue
        x0, y0, x1, y1 = centre[a.id]
        draw.rounded_rectangle((x0, y0, x1, y1), radius=8, fill=GONE if a.id in removed else FILL,
                               outline=EDGE, width=2)
        draw.text((x0 + 10, y0 + 8), _fit(draw, step_text(a, removed), big, BOX_W - 20), fill=INK, font=big)
        detail = f"{a.id} · {a.generator.split('.')[-1]} v{a.version} · seed {a.seed}"
        draw.text((x0 + 10, y0 + 32), _fit(draw, detail, small, BOX_W - 20), fill=INK, font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
