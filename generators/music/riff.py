"""/riff: a member's own MIDI file as the source for vary, continue, harmonize or drumify."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from generators.base import GeneratorError, InputFile, Result
from generators.music import develop
from generators.music.package import package
from generators.music.source import midi_input, score_from_midi

ACTIONS = ("vary", "continue", "harmonize", "drumify")


class RiffGenerator:
    name: ClassVar[str] = "music.riff"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "riff"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        action = str(spec.get("action") or "vary").lower()
        if action not in ACTIONS:
            raise GeneratorError(f"action must be one of {', '.join(ACTIONS)}; got '{action[:20]}'")
        upload = midi_input(inputs, "file" if any(f.slot == "file" for f in inputs) else None)
        score = score_from_midi(upload.data, trusted=False)
        rng = np.random.default_rng(seed)
        if action == "vary":
            score = develop.vary_score(score, "subtle", rng)
            what = "a variation of"
        elif action == "continue":
            score, added = develop.continue_score(score, 4, rng)
            what = f"{added} more bars of"
        elif action == "harmonize":
            score, _ = develop.harmonize_score(score, rng)
            what = "chords for"
        else:
            score = develop.drumify_score(score, rng)
            what = "drums for"
        source = upload.name.rsplit("/", 1)[-1][:60] or "your MIDI"
        return package(score, spec, generator=self.name, version=self.version, seed=seed, stem=f"riff-{action}",
                       summary=f"{what} {source}", has_upload=True)


GENERATORS = [RiffGenerator]
