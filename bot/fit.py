"""Fitting a result's files to the platform it goes to, once, in the core, before C2PA signing.

A platform that re-encodes an oversized file after we signed it breaks the signed manifest, and
each adapter shrinking files its own way made three policies.  So the worker asks the outbound
for its file limit (Discord: the interaction's ``attachment_size_limit``; Slack: our upload cap;
the studio: none) and fits the generator's outputs before signing and storing them.

PNGs are downscaled keeping every text chunk (the XMP packet with the IPTC source type, credits
and recipe); other audio is re-encoded as OGG Vorbis carrying the same tags as Vorbis comments;
what still cannot fit is left whole, and the adapter links it instead of attaching it.  Pure
functions of the bytes: same input, same output.
"""

from __future__ import annotations

import io
import math

import numpy as np
import soundfile as sf
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from generators.base import Output

#: soundfile's string fields (RIFF INFO in WAV, ID3 in MP3, Vorbis comments in OGG).
AUDIO_TAGS = ("title", "copyright", "software", "artist", "comment", "date", "album", "license", "tracknumber",
              "genre")
CHUNK = 16_384


def downscale_png(data: bytes, limit: int) -> bytes | None:
    """A smaller PNG that keeps every text chunk (XMP provenance, credits); None if it cannot fit."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            info = PngInfo()
            for key, value in getattr(img, "text", {}).items():
                info.add_itxt(key, value)
            current = img
            for _ in range(6):
                ratio = math.sqrt(limit / max(len(data), 1)) * 0.9
                w, h = max(1, int(current.width * ratio)), max(1, int(current.height * ratio))
                current = current.resize((w, h), Image.Resampling.LANCZOS)
                buf = io.BytesIO()
                current.save(buf, "PNG", pnginfo=info, optimize=False)
                data = buf.getvalue()
                if len(data) <= limit:
                    return data
    except (OSError, ValueError):
        return None
    return None


def reencode_audio(data: bytes, limit: int) -> bytes | None:
    """OGG Vorbis with the source's tags, at falling quality until it fits; None if it cannot."""
    try:
        with sf.SoundFile(io.BytesIO(data)) as src:
            tags = {name: _own(getattr(src, name)) for name in AUDIO_TAGS if getattr(src, name, "")}
            audio = src.read(dtype="float32", always_2d=True)
            rate = src.samplerate
    except (RuntimeError, sf.LibsndfileError, TypeError, ValueError):
        return None
    audio = np.clip(audio, -1.0, 1.0)
    for level in (0.5, 0.8, 1.0):
        buffer = io.BytesIO()
        with sf.SoundFile(buffer, "w", rate, audio.shape[1], format="OGG", subtype="VORBIS",
                          compression_level=level) as out:
            for name, value in tags.items():
                setattr(out, name, value)
            for start in range(0, len(audio), CHUNK):  # small writes: libsndfile's Vorbis encoder prefers them
                out.write(audio[start:start + CHUNK])
        if len(buffer.getvalue()) <= limit:
            return buffer.getvalue()
    return None


def _own(value: str) -> str:
    """libsndfile appends " (libsndfile-1.2.2)" to SOFTWARE when reading; keep the original text."""
    head, sep, tail = value.rpartition(" (libsndfile-")
    return head if sep and tail.endswith(")") else value


def fit_outputs(outputs: tuple[Output, ...] | list[Output], limit: int | None) -> tuple[list[Output], list[str]]:
    """Each output at most ``limit`` bytes where it can be made so; one note per file changed or too large."""
    if not limit:
        return list(outputs), []
    fitted: list[Output] = []
    notes: list[str] = []
    for out in outputs:
        if len(out.data) <= limit:
            fitted.append(out)
            continue
        if out.mime == "image/png":
            smaller = downscale_png(out.data, limit)
            if smaller is not None:
                fitted.append(Output(out.name, out.mime, smaller, out.primary))
                notes.append(f"{out.name} was downscaled to fit this platform's {_size(limit)} limit")
                continue
        elif out.mime.startswith("audio/") and out.mime != "audio/ogg" and out.mime != "audio/midi":
            ogg = reencode_audio(out.data, limit)
            if ogg is not None:
                name = out.name.rsplit(".", 1)[0] + ".ogg"
                fitted.append(Output(name, "audio/ogg", ogg, out.primary))
                notes.append(f"{out.name} was re-encoded as {name} to fit this platform's {_size(limit)} limit")
                continue
        fitted.append(out)
        notes.append(f"{out.name} ({out.data and len(out.data) / 2**20:.1f} MiB) is over this platform's "
                     f"{_size(limit)} limit")
    return fitted, notes


def _size(limit: int) -> str:
    return f"{limit / 2**20:.0f} MiB" if limit >= 2**20 else f"{limit / 1024:.0f} KiB"
