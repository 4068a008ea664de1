"""Checking a member's picture before anything decodes it in full.

Every way a file can be wrong (too big, too many pixels, not a picture, a GIF, animated,
truncated, corrupt) ends as one :class:`GeneratorError` line a member can act on; no other
exception escapes.  Sizes are checked from the header, before the pixels are decoded: the decoded
size (width × height × bands × bytes per sample) is known from the header, JPEGs decode straight
to a smaller scale (``draft``), and other formats are reduced a strip at a time right after the one
unavoidable full-size decode, so no conversion ever copies the picture at full size.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image

from generators.base import GeneratorError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 16
WORK_LONG = 1024  # pictures are reduced to this long side before restyling
FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def sniff(data: bytes) -> str | None:
    """The format named by the file's first bytes (not its name or declared type)."""
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            return name
    return None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def load_upload(data: bytes) -> Image.Image:
    """The upload as an RGB picture at most WORK_LONG px on its long side, or a GeneratorError."""
    if not data:
        raise GeneratorError("That file is empty; upload a PNG, JPEG or WebP picture.")
    if len(data) > MAX_BYTES:
        raise GeneratorError(f"That file is {_mb(len(data))}; the limit is 10 MB.")
    kind = sniff(data)
    if kind == "GIF":
        raise GeneratorError("GIF files aren't supported; upload a PNG, JPEG or WebP picture.")
    if kind not in FORMATS:
        raise GeneratorError("That file isn't a PNG, JPEG or WebP picture.")
    try:
        return _decode(data, kind)
    except GeneratorError:
        raise
    except Image.DecompressionBombError:
        raise GeneratorError("That picture has far too many pixels; the limit is 40 megapixels.") from None
    except MemoryError:
        raise GeneratorError("That picture is too large to open; the limit is 40 megapixels.") from None
    except Exception:
        raise GeneratorError(
            f"That {FORMATS[kind]} file is damaged or cut off (truncated); upload it again."
        ) from None


#: Bytes per pixel of each Pillow mode once decoded (what ``load()`` will allocate).
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "LA": 2, "PA": 2, "La": 2, "RGB": 3, "YCbCr": 3, "LAB": 3, "HSV": 3,
               "RGBA": 4, "RGBa": 4, "RGBX": 4, "CMYK": 4, "I": 4, "F": 4, "I;16": 2, "I;16B": 2, "I;16L": 2,
               "I;16N": 2}
#: The most one decode may allocate: a 40-megapixel RGB picture fits, a 36-megapixel RGBA one does not.
#: Everything after the decode works on a copy reduced to at most twice WORK_LONG, so a generator
#: process (768 MB, with the style networks loaded) keeps room to spare.
MAX_DECODED_BYTES = 128 * 1024 * 1024
_STRIP_ROWS = 256  # rows converted at a time when reducing a large decode

_ORIENT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}


def decoded_bytes(width: int, height: int, mode: str) -> int:
    """What decoding a ``width`` × ``height`` picture in ``mode`` costs: width × height × bands × bytes."""
    return width * height * _MODE_BYTES.get(mode, 4)


def _check_header(im: Image.Image, kind: str) -> None:
    width, height = im.size
    if width * height > MAX_PIXELS:
        raise GeneratorError(
            f"That picture is {width:,}×{height:,} ({width * height / 1e6:.0f} megapixels); "
            "the limit is 40 megapixels."
        )
    if min(width, height) < MIN_SIDE:
        raise GeneratorError(f"That picture is only {width}×{height}; send one at least {MIN_SIDE} px each way.")
    if getattr(im, "is_animated", False) or getattr(im, "n_frames", 1) > 1:
        raise GeneratorError(f"Animated {FORMATS[kind]} files aren't supported; upload a still picture.")
    if decoded_bytes(width, height, im.mode) > MAX_DECODED_BYTES:
        raise GeneratorError(
            f"That picture would take {_mb(decoded_bytes(width, height, im.mode))} to open (limit 128 MB); "
            "send it smaller or without transparency."
        )


def _flat_rgb(picture: Image.Image) -> Image.Image:
    """A small picture of any mode as RGB: transparency over white, 16-bit grey scaled to 8 bits."""
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        picture = flat
    if picture.mode.startswith("I;16") or picture.mode == "I":
        wide = np.asarray(picture, dtype=np.int64) >> 8
        picture = Image.fromarray(np.clip(wide, 0, 255).astype(np.uint8), "L")
    return picture.convert("RGB")


def _reduced_rgb(im: Image.Image, factor: int) -> Image.Image:
    """The loaded picture as RGB, box-reduced by ``factor`` a strip at a time (no full-size copies)."""
    if factor <= 1:
        return _flat_rgb(im)
    width, height = im.size
    out = Image.new("RGB", (width // factor, height // factor))
    step = _STRIP_ROWS * factor
    for top in range(0, out.height * factor, step):
        bottom = min(top + step, out.height * factor)
        strip = _flat_rgb(im.crop((0, top, out.width * factor, bottom)))
        out.paste(strip.reduce(factor), (0, top // factor))
    return out


def _decode(data: bytes, kind: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        im = Image.open(io.BytesIO(data), formats=[kind])
    with im:
        _check_header(im, kind)
        if kind == "JPEG":
            im.draft("RGB", (WORK_LONG, WORK_LONG))  # the decoder itself scales by 1/2, 1/4 or 1/8
        orientation = im.getexif().get(0x0112, 1)
        im.load()
        rgb = _reduced_rgb(im, max(1, max(im.size) // WORK_LONG))
    if orientation in _ORIENT:
        rgb = rgb.transpose(_ORIENT[orientation])
    scale = WORK_LONG / max(rgb.size)
    if scale < 1:
        rgb = rgb.resize((max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))),
                         Image.Resampling.LANCZOS)
    return rgb
