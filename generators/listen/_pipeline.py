"""A member's recording to a Score: decode, check, run the network, make notes, place them in time.

Shared by /listen and by /riff when its file is a recording, so both read recordings the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from generators.base import GeneratorError, InputFile
from generators.listen import _decode, _model, _notes, _timing
from generators.listen._formats import AUDIO_SUFFIXES, MIDI_MIMES
from generators.music.score import METERS, Score
from generators.provenance import COMPOSITE_TRAINED, ModelCredit, with_models

KINDS = ("auto", "voice", "instrument")
QUANTIZE = tuple(_timing.QUANTIZE_GRIDS)
SILENT_PEAK = 10 ** (-50 / 20)  # below −50 dBFS everywhere: silence
NOISE_FLATNESS = 0.3
#: Above this share of frames with two or more notes (not octaves), ``kind:auto`` reads chords.
CHORD_SHARE = 0.25

MODEL: ModelCredit = {
    "name": "basic-pitch (Spotify, ICASSP 2022)",
    "version": _model.MODEL_VERSION,
    "learned_from": "learned from recordings of instruments and singing with aligned notes "
                    "(GuitarSet, iKala, MAESTRO, MedleyDB-Pitch, Slakh), not from members' uploads",
    "licence": "Apache-2.0",
}


class HeardFacts(TypedDict):
    """What the recording was and how it was read, for the message and the ledger."""

    source_seconds: float
    source_format: str
    source_rate: int
    source_channels: int
    reading: str  # "single line" or "chords"
    notes_heard: int
    tempo_guessed: bool
    meter_guessed: bool
    quantize: str
    trimmed_s: float
    cropped: bool
    path: str


@dataclass(frozen=True)
class Hearing:
    score: Score
    facts: HeardFacts


def is_recording(f: InputFile) -> bool:
    """An upload that looks like audio by its MIME type or name (the bytes are checked when decoding)."""
    name = f.name.lower()
    if name.endswith((".mid", ".midi")) or f.mime in MIDI_MIMES:
        return False
    if f.mime.startswith("audio/") or name.endswith(AUDIO_SUFFIXES):
        return True
    return f.data[:4] != b"MThd" and len(f.data) >= 4


def recording_input(inputs: Sequence[InputFile]) -> InputFile:
    for f in inputs:
        if f.slot == "file" or f.origin == "upload":
            return f
    raise GeneratorError("/listen needs a recording: attach a WAV, FLAC, OGG, MP3 or M4A file")


def _flatness(samples: np.ndarray) -> float:
    """Median spectral flatness of the louder frames: near 1 for noise, near 0 for notes."""
    n = 2048
    frames = [samples[i:i + n] for i in range(0, max(len(samples) - n, 1), n)]
    frames = [f for f in frames if len(f) == n]
    if not frames:
        return 0.0
    stack = np.stack(frames) * np.hanning(n)
    power = np.abs(np.fft.rfft(stack, axis=1)) ** 2 + 1e-12
    loud = power.sum(axis=1)
    keep = loud >= np.percentile(loud, 50)
    flat = np.exp(np.mean(np.log(power[keep]), axis=1)) / np.mean(power[keep], axis=1)
    return float(np.median(flat))


def _option(spec: Mapping[str, Any], name: str, allowed: Sequence[str], default: str) -> str:
    value = str(spec.get(name) or default).lower()
    if value not in allowed:
        raise GeneratorError(f"{name} must be one of {', '.join(allowed)}; got '{value[:20]}'")
    return value


def read_notes(samples: np.ndarray, kind: str) -> tuple[list[_notes.Heard], bool]:
    """Notes in seconds from mono 22,050 Hz samples, and whether they were read as chords.

    ``voice`` is always one line; ``instrument`` and ``auto`` read chords when the network hears
    several notes at once in more than CHORD_SHARE of the sounding frames.
    """
    post = _model.run(samples)
    chords = kind != "voice" and _notes.polyphony(post) > CHORD_SHARE
    if chords:
        return _notes.chord_notes(post), True
    return _notes.line_notes(post, _notes.loudness_db(samples, post.times)), False


def hear(data: bytes, spec: Mapping[str, Any]) -> Hearing:
    """Transcribe a recording under the spec's options (quantize, kind, tempo, meter)."""
    quantize = _option(spec, "quantize", QUANTIZE, "1/16")
    kind = _option(spec, "kind", KINDS, "auto")
    meter = spec.get("meter") or None
    if meter is not None and meter not in METERS:
        raise GeneratorError(f"meter must be one of {', '.join(METERS)}; got '{str(meter)[:10]}'")
    tempo = spec.get("tempo") or None
    if tempo is not None and not 40 <= int(tempo) <= 240:
        raise GeneratorError("tempo must be 40–240")
    decoded = _decode.decode(data)
    samples = decoded.samples
    if decoded.seconds < _decode.MIN_SECONDS:
        raise GeneratorError(f"that recording is too short to hear notes in ({decoded.seconds:.1f} s); "
                             "send at least a second")
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak < SILENT_PEAK:
        raise GeneratorError("that recording is silent")
    samples = samples * (0.5 / peak)  # quiet phone recordings read like loud ones
    if _flatness(samples) > NOISE_FLATNESS:
        raise GeneratorError("that recording sounds like noise: I could hear no notes in it")
    heard, chords = read_notes(samples, kind)
    if not heard:
        raise GeneratorError("I could hear no notes in that recording; hum or play a little louder and closer")
    timing = _timing.estimate_timing(heard, int(tempo) if tempo else None, meter)
    voice = kind == "voice" or (kind == "auto" and not chords)
    program, instrument = (52, "choir") if voice and not chords else (0, "piano")
    score, cropped = _timing.to_score(heard, timing, quantize, program, instrument, single_line=not chords)
    facts: HeardFacts = {
        "source_seconds": round(decoded.seconds, 2),
        "source_format": decoded.format,
        "source_rate": decoded.source_rate,
        "source_channels": decoded.channels,
        "reading": "chords" if chords else "single line",
        "notes_heard": len(heard),
        "tempo_guessed": timing.tempo_guessed,
        "meter_guessed": timing.meter_guessed,
        "quantize": quantize,
        "trimmed_s": round(heard[0].start, 2),
        "cropped": cropped,
        "path": f"{MODEL['name']} {MODEL['version']} (ONNX) → Jamroom note decoding",
    }
    return Hearing(score, facts)


def credited_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with the model credited; always composite: the member's performance is in the result."""
    out = with_models(spec, [MODEL])
    block = dict(out["_provenance"])
    block["source_type"] = COMPOSITE_TRAINED
    out["_provenance"] = block
    return out
