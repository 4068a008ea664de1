"""Checking a member's picture before anything decodes it in full.

Every way a file can be wrong (too big, too many pixels, not a picture, a GIF, animated,
truncated, corrupt) ends as one :class:`GeneratorError` line a member can act on; no other
exception escapes.  Sizes are checked from the header, before the pixels are decoded.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

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


def _decode(data: bytes, kind: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        im = Image.open(io.BytesIO(data), formats=[kind])
    with im:
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
        if kind == "JPEG":
            im.draft("RGB", (WORK_LONG, WORK_LONG))
        im.load()
        picture = ImageOps.exif_transpose(im)
        if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
            rgba = picture.convert("RGBA")
            flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            flat.alpha_composite(rgba)
            picture = flat
        if picture.mode.startswith("I;16") or picture.mode == "I":
            wide = np.asarray(picture, dtype=np.int64) >> 8
            picture = Image.fromarray(np.clip(wide, 0, 255).astype(np.uint8), "L")
        rgb = picture.convert("RGB")
    scale = WORK_LONG / max(rgb.size)
    if scale < 1:
        rgb = rgb.resize((max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))),
                         Image.Resampling.LANCZOS, reducing_gap=2.0)
    return rgb
