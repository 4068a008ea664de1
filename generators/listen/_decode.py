"""Members' recordings to mono 22,050 Hz samples, refusing bad files with one line each.

Which decoder: the bytes are sniffed first (never the file name).  WAV, FLAC, OGG (Vorbis and
Opus), MP3 and AIFF go through **soundfile** (libsndfile, already a dependency): it reports the
length from the header before decoding anything and reads in blocks.  MP4/M4A/3GP (AAC or ALAC,
what phones record), raw ADTS AAC and WebM/Matroska (what browsers record) go through **PyAV**,
whose wheels ship their own FFmpeg, so no system package is needed.  Anything else is refused.

Memory stays bounded: decoding is in blocks, each block is mixed down to mono at once, and reading
stops one block after the 60 s limit whatever the header claimed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

from generators.base import GeneratorError
from generators.listen import _formats
from generators.listen._model import SAMPLE_RATE

MAX_SECONDS = float(_formats.MAX_SECONDS)
MIN_SECONDS = 0.5
BLOCK_FRAMES = 32768
SOUNDFILE_FORMATS = ("wav", "flac", "ogg", "mp3", "aiff")
AV_FORMATS = ("mp4", "aac", "webm")
#: Non-audio files members send by mistake, by their first bytes.
NOT_AUDIO = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF"), (b"PK\x03\x04", "a zip archive"), (b"MThd", "a MIDI file (use /riff file:<your.mid>)"),
    (b"RIFF", "a RIFF file that is not WAV audio (AVI video?)"), (b"\x7fELF", "a program"),
    (b"\x00\x00\x01\xba", "an MPEG video"), (b"\x00\x00\x01\xb3", "an MPEG video"),
)


@dataclass(frozen=True)
class Decoded:
    """Mono float32 samples at 22,050 Hz and what the file was."""

    samples: np.ndarray
    seconds: float
    source_rate: int
    channels: int
    format: str


def duration_words(seconds: float) -> str:
    """"14 min", "2 h 5 min", "75 s": how a member reads a length."""
    if seconds >= 3600:
        return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"
    if seconds >= 90:
        return f"{round(seconds / 60)} min"
    return f"{seconds:.0f} s"


def too_long(seconds: float) -> GeneratorError:
    return GeneratorError(f"recordings can be up to {MAX_SECONDS:.0f} s; this one is {duration_words(seconds)}")


def sniff(data: bytes) -> str:
    """The container by its first bytes: one of SOUNDFILE_FORMATS / AV_FORMATS, or a refusal."""
    head = data[:64]
    if len(data) < 64:
        raise GeneratorError("that file is too small to be a recording")
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[4:8] == b"ftyp":
        return "mp4"  # audio or video: the stream check decides
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:3] == b"ID3":
        return "mp3"
    if head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "aac"  # ADTS: sync 0xFFF, layer 00
    if head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mp3"  # MPEG audio frame sync
    for magic, what in NOT_AUDIO:
        if head.startswith(magic):
            raise GeneratorError(f"that file is {what}, not a recording: send WAV, FLAC, OGG, MP3 or M4A")
    raise GeneratorError("that file is not a recording I can read: send WAV, FLAC, OGG/Opus, MP3 or AAC/M4A")


def _blocks_soundfile(data: bytes):
    import soundfile as sf

    try:
        handle = sf.SoundFile(io.BytesIO(data))
    except Exception as exc:  # libsndfile's messages vary; the member needs one line
        raise GeneratorError("that recording is damaged or cut short: I could not read its audio") from exc
    with handle:
        rate, channels = int(handle.samplerate), int(handle.channels)
        if rate <= 0 or channels <= 0:
            raise GeneratorError("that recording's header is damaged: it gives no sample rate")
        claimed = handle.frames / rate if 0 < handle.frames < 2**62 else 0.0
        if claimed > MAX_SECONDS + 0.5:
            raise too_long(claimed)
        yield rate, channels
        try:
            for block in handle.blocks(BLOCK_FRAMES, dtype="float32", always_2d=True):
                yield np.nan_to_num(block, nan=0.0, posinf=0.0, neginf=0.0).mean(axis=1)
        except GeneratorError:
            raise
        except Exception as exc:
            raise GeneratorError("that recording is damaged or cut short partway through") from exc


def _blocks_av(data: bytes):
    import av

    try:
        container = av.open(io.BytesIO(data), mode="r", metadata_errors="ignore")
    except Exception as exc:
        raise GeneratorError("that recording is damaged or cut short: I could not read its audio") from exc
    with container:
        videos = [s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)]
        if videos:
            raise GeneratorError("that is a video; send just the sound (WAV, FLAC, OGG, MP3 or M4A)")
        if not container.streams.audio:
            raise GeneratorError("that file has no sound in it")
        stream = container.streams.audio[0]
        rate = int(stream.codec_context.sample_rate or stream.rate or 0)
        channels = int(stream.codec_context.channels or 0) or 1
        if rate <= 0:
            raise GeneratorError("that recording's header is damaged: it gives no sample rate")
        claimed = float(container.duration) / 1e6 if container.duration and container.duration > 0 else 0.0
        if claimed > MAX_SECONDS + 0.5:
            raise too_long(claimed)
        yield rate, channels
        try:
            for frame in container.decode(stream):
                block = frame.to_ndarray()
                if block.dtype.kind in "iu":
                    block = block.astype(np.float32) / float(np.iinfo(block.dtype).max)
                block = np.nan_to_num(block.astype(np.float32, copy=False), nan=0.0, posinf=0.0, neginf=0.0)
                if frame.format.is_planar:
                    yield block.reshape(block.shape[0], -1).mean(axis=0)
                else:
                    n = max(len(frame.layout.channels), 1)
                    yield block.reshape(-1, n).mean(axis=1)
        except GeneratorError:
            raise
        except Exception as exc:
            raise GeneratorError("that recording is damaged or cut short partway through") from exc


def decode(data: bytes) -> Decoded:
    """Mono 22,050 Hz float32 samples of a member's recording, or a GeneratorError with one line."""
    fmt = sniff(data)
    blocks = _blocks_soundfile(data) if fmt in SOUNDFILE_FORMATS else _blocks_av(data)
    rate, channels = next(blocks)
    if rate > 400_000 or rate < 4000:
        raise GeneratorError(f"that recording's sample rate ({rate} Hz) is not one I can read")
    limit = int((MAX_SECONDS + 0.5) * rate)
    pieces: list[np.ndarray] = []
    total = 0
    for block in blocks:
        pieces.append(np.nan_to_num(block, nan=0.0, posinf=0.0, neginf=0.0))
        total += len(block)
        if total > limit:
            blocks.close()
            raise GeneratorError(f"recordings can be up to {MAX_SECONDS:.0f} s; this one is longer")
    if total == 0:
        raise GeneratorError("that recording has no audio in it")
    mono = np.concatenate(pieces).astype(np.float64)
    if rate != SAMPLE_RATE:
        # a ratio of small integers keeps the filter short; 1/1000 off is under 2 cents
        ratio = Fraction(SAMPLE_RATE, rate).limit_denominator(1000)
        mono = resample_poly(mono, ratio.numerator, ratio.denominator)
    samples = np.clip(mono, -1.0, 1.0).astype(np.float32)
    return Decoded(samples, total / rate, rate, channels, fmt)

