"""Learned style transfer, run at the networks' own scale in overlapping tiles.

Two networks do the work (``_transfer_models``):

* Magenta's arbitrary stylization: a *predictor* turns any picture into a 100-number style vector,
  and a *transformer* (fixed at 384²) paints a content picture in the style a vector describes.
  Strength lives in that vector space: 0 is the picture's own style vector, 1 the target's, so a
  half-strength result is a picture painted halfway between, never a faded double exposure.
* A 26-style network (conditional instance norm); we use it to paint small *swatches* of the member's
  picture in each painting style, whose style vectors then drive the transformer like any other style.

A 1024² picture is painted as 3×3 overlapping 384² tiles feathered together, so brush marks keep
the network's own scale and the result is as sharp as the input; nothing is upscaled.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image

from generators.image._transfer_models import (
    ARBITRARY_CREDIT,
    MULTISTYLE,
    MULTISTYLE_CREDIT,
    PREDICT,
    TRANSFORM,
    session,
)

F32 = np.float32
TILE = 384  # the transformer's fixed input size
OVERLAP = 64  # pixels two neighbouring tiles share, blended with a linear ramp
STYLE_SIDE = 256  # the predictor's fixed input size
SWATCH_SIDE = 256  # painting-style swatches are made at this size
PAINTINGS = 26

StyleVector = np.ndarray  # shape (1, 1, 1, 100), float32


def to_float(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb, dtype=F32) / F32(255.0)


def to_bytes(values: np.ndarray) -> np.ndarray:
    return (np.clip(values, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def _square(rgb: np.ndarray, side: int) -> np.ndarray:
    """The picture's centred square, resized to ``side``² (how the predictor was trained to look)."""
    h, w = rgb.shape[:2]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    crop = Image.fromarray(rgb[top:top + s, left:left + s])
    return np.asarray(crop.resize((side, side), Image.Resampling.LANCZOS))


def style_vector(rgb: np.ndarray) -> StyleVector:
    """The 100-number style of a picture (uint8 RGB of any size)."""
    x = to_float(_square(rgb, STYLE_SIDE))[None]
    predictor = session(PREDICT)
    return predictor.run(None, {predictor.get_inputs()[0].name: x})[0].astype(F32)


def mix(own: StyleVector, target: StyleVector, strength: float) -> StyleVector:
    """A style ``strength`` of the way from ``own`` to ``target`` (0 = own, 1 = target)."""
    s = F32(min(1.0, max(0.0, strength)))
    return (own * (F32(1.0) - s) + target * s).astype(F32)


def _starts(length: int) -> list[int]:
    """Tile origins along one axis: evenly spread, neighbours sharing at least OVERLAP pixels."""
    if length <= TILE:
        return [0]
    count = math.ceil((length - OVERLAP) / (TILE - OVERLAP))
    return [round(i * (length - TILE) / (count - 1)) for i in range(count)]


def _ramp(size: int, at_start: bool, at_end: bool) -> np.ndarray:
    """A tile's blending weight along one axis: rising over the overlap on inner edges only."""
    w = np.ones(size, dtype=F32)
    ramp = (np.arange(OVERLAP, dtype=F32) + 0.5) / OVERLAP
    if not at_start:
        w[:OVERLAP] = ramp
    if not at_end:
        w[-OVERLAP:] = np.minimum(w[-OVERLAP:], ramp[::-1])
    return w


def _pad_to_tile(x: np.ndarray) -> np.ndarray:
    h, w = x.shape[:2]
    ph, pw = max(0, TILE - h), max(0, TILE - w)
    if not (ph or pw):
        return x
    return np.pad(x, ((0, ph), (0, pw), (0, 0)), mode="symmetric")


def paint(rgb: np.ndarray, vector: StyleVector) -> np.ndarray:
    """``rgb`` (uint8, any size ≥ 16²) painted in the style ``vector`` describes, same size, uint8."""
    h, w = rgb.shape[:2]
    content = _pad_to_tile(to_float(rgb))
    ph, pw = content.shape[:2]
    transformer = session(TRANSFORM)
    names = [i.name for i in transformer.get_inputs()]
    total = np.zeros((ph, pw, 3), dtype=F32)
    weight = np.zeros((ph, pw, 1), dtype=F32)
    rows, cols = _starts(ph), _starts(pw)
    for r, top in enumerate(rows):
        wy = _ramp(TILE, r == 0, r == len(rows) - 1)
        for c, left in enumerate(cols):
            wx = _ramp(TILE, c == 0, c == len(cols) - 1)
            tile = np.ascontiguousarray(content[top:top + TILE, left:left + TILE])[None]
            out = transformer.run(None, {names[0]: tile, names[1]: vector})[0][0]
            blend = (wy[:, None] * wx[None, :])[..., None]
            total[top:top + TILE, left:left + TILE] += out * blend
            weight[top:top + TILE, left:left + TILE] += blend
    return to_bytes(total[:h, :w] / weight[:h, :w])


def swatch(rgb: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """The picture, small, painted by the 26-style network with these style weights (uint8)."""
    small = _square(rgb, SWATCH_SIDE)
    x = np.ascontiguousarray(to_float(small).transpose(2, 0, 1)[None])
    w = np.asarray(weights, dtype=F32)
    out = session(MULTISTYLE).run(None, {"image": x, "style_weights": w / w.sum()})[0][0]
    return to_bytes(out.transpose(1, 2, 0))


def painting_vector(rgb: np.ndarray, index: int) -> StyleVector:
    """The style vector of painting style ``index`` (0–25) as it comes out on this picture."""
    weights = np.zeros(PAINTINGS, dtype=F32)
    weights[index] = 1.0
    return style_vector(swatch(rgb, weights))


KEEP_CHROMA = 0.75  # share of the original's colour (YCbCr chroma) a painterly finish keeps


def keep_colours(painted: np.ndarray, original: np.ndarray, keep: float = KEEP_CHROMA) -> np.ndarray:
    """The painted picture's brushwork in the original's light and colours (a red fox at night stays so).

    Luminance: the painted one, shifted and scaled to the original's mean and spread.  Chroma: mostly
    the original's.
    """
    ycc_painted = np.asarray(Image.fromarray(painted).convert("YCbCr"), dtype=F32)
    ycc_original = np.asarray(Image.fromarray(original).convert("YCbCr"), dtype=F32)
    mixed = ycc_painted.copy()
    y_p, y_o = ycc_painted[..., 0], ycc_original[..., 0]
    mixed[..., 0] = np.clip((y_p - y_p.mean()) * (y_o.std() / max(float(y_p.std()), 1.0)) + y_o.mean(), 0, 255)
    mixed[..., 1:] = keep * ycc_original[..., 1:] + (1 - keep) * ycc_painted[..., 1:]
    return np.asarray(Image.fromarray((mixed + 0.5).astype(np.uint8), "YCbCr").convert("RGB"))


def painterly(image: Image.Image | np.ndarray, strength: float, seed: int) -> Image.Image | np.ndarray:
    """The "painterly" finish for /sketch: the picture repainted in a brushy painting style.

    The style is one of ``_transfer_styles.PAINTERLY``, chosen by ``seed``; ``strength`` (0–1) moves
    the picture's own style vector toward it.  The brushwork and light come from the network, the hues
    mostly from the sketch (its colour words belong to its subjects), see :func:`keep_colours`.
    Returns the same type it was given, same size.
    Callers name the models with ``with_models(spec, PAINTERLY_CREDITS)`` and ``facts["models"]``.
    """
    from generators.image._dice import Dice
    from generators.image._transfer_styles import BY_NAME, PAINTERLY

    given_image = isinstance(image, Image.Image)
    rgb = np.asarray(image.convert("RGB") if given_image else image, dtype=np.uint8)
    painting = BY_NAME[Dice(seed).child("painterly").choice(PAINTERLY)]
    vector = mix(style_vector(rgb), painting_vector(rgb, painting.index), strength)
    out = keep_colours(paint(rgb, vector), rgb)
    return Image.fromarray(out, "RGB") if given_image else out


def painterly_style(seed: int) -> str:
    """Which painting style :func:`painterly` uses for ``seed`` (for summaries and alt text)."""
    from generators.image._dice import Dice
    from generators.image._transfer_styles import PAINTERLY

    return Dice(seed).child("painterly").choice(PAINTERLY)


PAINTERLY_CREDITS = [MULTISTYLE_CREDIT, ARBITRARY_CREDIT]
