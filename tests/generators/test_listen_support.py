"""Shared helpers for the /listen tests (no tests here): recordings in every format, made on the spot."""

from __future__ import annotations

import io

import av
import numpy as np
import soundfile as sf

from generators.base import InputFile


def tone(seconds: float = 2.0, rate: int = 44100, freq: float = 440.0, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return mono if channels == 1 else np.tile(mono[:, None], (1, channels))


def encoded(audio: np.ndarray, rate: int, fmt: str = "WAV", subtype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, audio, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def with_av(audio: np.ndarray, rate: int = 44100, container: str = "mp4", codec: str = "aac",
            video: bool = False) -> bytes:
    """Encode mono ``audio`` with FFmpeg through PyAV (what phones and browsers record)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        if video:
            picture = out.add_stream("mpeg4", rate=10)
            picture.width, picture.height, picture.pix_fmt = 64, 64, "yuv420p"
            for _ in range(10):
                frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
                for packet in picture.encode(frame):
                    out.mux(packet)
            for packet in picture.encode():
                out.mux(packet)
        data = audio.astype(np.float32)[None, :]
        for i in range(0, data.shape[1], 1024):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, i:i + 1024]), format="fltp",
                                               layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def dominant_hz(samples: np.ndarray, rate: int = 22050) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def upload(data: bytes, name: str = "take.wav", mime: str = "audio/wav") -> list[InputFile]:
    return [InputFile(name, mime, data, origin="upload", slot="file")]


#: "Frère Jacques", first two phrases: (beats from the start, beats long, MIDI pitch).
TUNE = [(0, 1, 60), (1, 1, 62), (2, 1, 64), (3, 1, 60), (4, 1, 60), (5, 1, 62), (6, 1, 64), (7, 1, 60),
        (8, 1, 64), (9, 1, 65), (10, 2, 67), (12, 1, 64), (13, 1, 65), (14, 2, 67)]


def tune_seconds(bpm: float) -> list[tuple[float, float, int]]:
    beat = 60.0 / bpm
    return [(b * beat, d * beat, p) for b, d, p in TUNE]
