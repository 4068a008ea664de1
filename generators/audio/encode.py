"""Encode mastered audio: OGG Vorbis previews with Vorbis comments, WAV and MP3 exports.

libsndfile (through soundfile) writes the standard string fields as Vorbis comments
(TITLE, ARTIST, COPYRIGHT, COMMENT, SOFTWARE, ...), which mutagen and players read back,
so no extra dependency is needed for provenance in the preview.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np
import soundfile as sf

from generators.audio.sequence import SAMPLE_RATE

CHUNK = 16_384  # frames per write
#: soundfile's writable string fields (each becomes one Vorbis comment / INFO chunk / ID3 frame).
FIELDS = ("title", "copyright", "software", "artist", "comment", "date", "album", "license", "tracknumber", "genre")


def _write(audio: np.ndarray, fmt: str, subtype: str, tags: Mapping[str, str], sr: int, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    data = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)
    channels = 1 if data.ndim == 1 else data.shape[1]
    with sf.SoundFile(buffer, "w", sr, channels, format=fmt, subtype=subtype, **kwargs) as f:
        for name in FIELDS:
            value = tags.get(name)
            if value:
                setattr(f, name, str(value)[:2000])
        # Small writes: one huge write to OGG Vorbis is 2× slower and segfaults libsndfile 1.2 past ~40 s.
        for start in range(0, len(data), CHUNK):
            f.write(data[start : start + CHUNK])
    return buffer.getvalue()


def ogg_vorbis(audio: np.ndarray, tags: Mapping[str, str], sr: int = SAMPLE_RATE, quality: float = 0.6) -> bytes:
    """OGG Vorbis bytes; ``quality`` is libsndfile's compression level (0 best .. 1 smallest).

    Tags libsndfile cannot write (e.g. ``digitalsourcetype``) are added as Vorbis comments
    afterwards with mutagen.
    """
    data = _write(audio, "OGG", "VORBIS", tags, sr, compression_level=quality)
    extra = {k.upper(): str(v) for k, v in tags.items() if k not in FIELDS and v}
    return _add_vorbis_comments(data, extra) if extra else data


def _add_vorbis_comments(data: bytes, comments: Mapping[str, str]) -> bytes:
    from mutagen.oggvorbis import OggVorbis

    buffer = io.BytesIO(data)
    ogg = OggVorbis(buffer)
    for key, value in comments.items():
        ogg[key] = value
    buffer.seek(0)
    ogg.save(buffer)
    return buffer.getvalue()


def wav(audio: np.ndarray, tags: Mapping[str, str], sr: int = SAMPLE_RATE) -> bytes:
    """16-bit PCM WAV with an INFO chunk."""
    return _write(audio, "WAV", "PCM_16", tags, sr)


def mp3(audio: np.ndarray, tags: Mapping[str, str], sr: int = SAMPLE_RATE) -> bytes:
    """MP3 (libsndfile's LAME encoder) with ID3 tags."""
    return _write(audio, "MP3", "MPEG_LAYER_III", tags, sr)


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """Float32 samples and rate of any format libsndfile reads (OGG, WAV, FLAC, MP3)."""
    audio, sr = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    return audio, sr
