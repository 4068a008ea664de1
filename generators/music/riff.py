"""/riff: a member's own MIDI file or recording as the source for vary, continue, harmonize or drumify.

A recording is transcribed first, exactly as /listen reads it (``generators.listen``), and the result
credits the transcription model; a MIDI file is parsed defensively.  MIDI files keep their 1 MB
limit even though the upload option accepts 10 MB for recordings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from generators.base import GeneratorError, InputFile, Result
from generators.music import develop
from generators.music.package import package
from generators.music.source import score_from_midi

ACTIONS = ("vary", "continue", "harmonize", "drumify")
MIDI_LIMIT = 1024 * 1024
DEFAULT_BARS = 4


def _upload(inputs: Sequence[InputFile]) -> InputFile:
    slot = [f for f in inputs if f.slot == "file"] or [f for f in inputs if f.origin == "upload"] or list(inputs)
    if not slot:
        raise GeneratorError("/riff needs a file: attach a .mid file or a recording")
    return slot[0]


def _bars(spec: Mapping[str, Any]) -> int:
    raw = spec.get("bars")
    try:
        bars = DEFAULT_BARS if raw is None else int(raw)
    except (TypeError, ValueError):
        raise GeneratorError("bars must be a whole number from 1 to 16") from None
    if not 1 <= bars <= 16:
        raise GeneratorError("bars must be a whole number from 1 to 16")
    return bars


class RiffGenerator:
    name: ClassVar[str] = "music.riff"
    version: ClassVar[str] = "2"
    command: ClassVar[str] = "riff"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        action = str(spec.get("action") or "vary").lower()
        if action not in ACTIONS:
            raise GeneratorError(f"action must be one of {', '.join(ACTIONS)}; got '{action[:20]}'")
        bars = _bars(spec)
        upload = _upload(inputs)
        extra: dict[str, Any] = {}
        from generators.listen._pipeline import MODEL, credited_spec, hear, is_recording

        if is_recording(upload):
            hearing = hear(upload.data, spec)
            score = hearing.score
            spec = credited_spec(spec)
            extra = {**hearing.facts, "models": [MODEL]}
            heard_from = "your recording"
        else:
            if len(upload.data) > MIDI_LIMIT:
                raise GeneratorError(f"MIDI files can be up to 1 MB; this one is {len(upload.data) / 1e6:.1f} MB")
            score = score_from_midi(upload.data, trusted=False)
            heard_from = "your MIDI"
        rng = np.random.default_rng(seed)
        if action == "vary":
            score = develop.vary_score(score, "subtle", rng)
            what = "a variation of"
        elif action == "continue":
            score, added = develop.continue_score(score, bars, rng)
            what = f"{added} more bars of"
        elif action == "harmonize":
            score, _ = develop.harmonize_score(score, rng)
            what = "chords for"
        else:
            score = develop.drumify_score(score, rng)
            what = "drums for"
        source = upload.name.rsplit("/", 1)[-1][:60] or heard_from
        result = package(score, spec, generator=self.name, version=self.version, seed=seed, stem=f"riff-{action}",
                         summary=f"{what} {source}", has_upload=not extra)
        if not extra:
            return result
        melody = score.melody()
        alt = (f"{what} a member's recording, transcribed, in {score.key.name} at {score.tempo} bpm in "
               f"{score.meter}, {score.bars} bars: {', '.join(score.roles())}"
               f"{'; melody on ' + melody.instrument if melody and melody.instrument else ''}")
        return Result(result.kind, result.outputs, {**result.facts, **extra, "alt": alt}, result.summary)


GENERATORS = [RiffGenerator]
