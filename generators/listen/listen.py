"""/listen: a member's recording becomes MIDI, a piano roll, an audio preview and its key/tempo/meter.

The result is an ordinary music sketch (kind ``music``), so Continue, Harmonize, +Bass and every
other built-on command work on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from generators.base import InputFile, Result
from generators.listen._pipeline import MODEL, Hearing, credited_spec, hear, recording_input
from generators.music.package import package
from generators.music.theory import note_name


def describe(hearing: Hearing) -> str:
    """One sentence a screen reader reads: key, tempo, meter, what was heard and the melody's shape."""
    score = hearing.score
    melody = score.melody()
    pitches = [n.pitch for n in melody.sorted_notes()] if melody else []
    shape = ""
    if len(pitches) >= 3:
        top = max(range(len(pitches)), key=lambda i: pitches[i])
        low, high = note_name(min(pitches) % 12, "major"), note_name(max(pitches) % 12, "major")
        if top in (0, len(pitches) - 1):
            shape = f"; it {'falls' if top == 0 else 'rises'} between {low} and {high}"
        else:
            shape = f"; it climbs to {high} about {round(100 * top / len(pitches))} % of the way through and settles"
    reading = "a sung or hummed line" if score.melody() and score.melody().instrument == "choir" else (
        "chords and a melody" if hearing.facts["reading"] == "chords" else "a played line")
    return (f"a transcription of a member's recording, {reading}, in {score.key.name} at {score.tempo} bpm "
            f"in {score.meter}, {len(pitches)} melody notes over {score.bars} bars, previewed on "
            f"{score.melody().instrument if score.melody() else 'piano'}{shape}")


class ListenGenerator:
    name: ClassVar[str] = "listen.transcribe"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "listen"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        upload = recording_input(inputs)
        hearing = hear(upload.data, spec)
        spec = credited_spec(spec)
        source = upload.name.rsplit("/", 1)[-1][:60] or "your recording"
        result = package(hearing.score, spec, generator=self.name, version=self.version, seed=seed, stem="listen",
                         summary=f"heard {source}", has_upload=False)
        facts = {**result.facts, **hearing.facts, "models": [MODEL], "alt": describe(hearing)}
        guessed = [w for w, g in (("tempo", hearing.facts["tempo_guessed"]), ("meter", hearing.facts["meter_guessed"]))
                   if g]
        summary = result.summary + (f" · {' and '.join(guessed)} estimated" if guessed else "")
        if hearing.facts["cropped"]:
            summary += " · first 32 bars"
        return Result(result.kind, result.outputs, facts, summary)


GENERATORS = [ListenGenerator]
