"""Turn a finished :class:`Score` into a music Result: the .mid, an OGG preview and a piano-roll PNG.

Every file carries the same provenance: MIDI meta events, Vorbis comments and PNG XMP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generators.audio import backends
from generators.audio.encode import ogg_vorbis
from generators.audio.loudness import master
from generators.audio.sequence import SAMPLE_RATE, NoteEvent, Track
from generators.audio.sequence import Sequence as Tracks
from generators.base import KIND_MUSIC, InputFile, Output, Result
from generators.music import pianoroll
from generators.music.describe import alt_text
from generators.music.midi_write import score_facts, write_midi
from generators.music.score import Score
from generators.provenance import (
    ALGORITHMIC,
    ModelCredit,
    png_provenance,
    provenance_lines,
    source_type_for,
    with_models,
)

PAN = {"melody": 0.15, "counter-melody": 0.4, "chords": -0.3, "arpeggio": -0.45, "pad": 0.0, "bass": 0.0}
GAIN = {"melody": 1.0, "counter-melody": 0.6, "chords": 0.5, "arpeggio": 0.45, "pad": 0.4, "bass": 0.85,
        "drums": 0.9}


def to_sequence(score: Score) -> Tracks:
    """Seconds-based tracks for the audio backends."""
    spt = score.seconds_per_tick
    tracks = []
    for i, part in enumerate(score.parts):
        notes = tuple(NoteEvent(n.start * spt, n.dur * spt, n.pitch, n.vel) for n in part.sorted_notes())
        tracks.append(Track(part.program, notes, part.is_drum, part.channel, PAN.get(part.role, 0.2 * (i % 3 - 1)),
                            GAIN.get(part.role, 0.6), part.role))
    return Tracks(tuple(tracks), score.duration_s)


def title_of(spec: Mapping[str, Any], fallback: str, inputs: Sequence[InputFile] = ()) -> str:
    """The member's words; for built-on work without its own prompt, the parent sketch's words."""
    if spec.get("prompt"):
        return str(spec["prompt"])
    for f in inputs:
        if f.origin == "parent" and f.spec.get("prompt"):
            return str(f.spec["prompt"])
    block = spec.get("_provenance") or {}
    return str(block.get("title") or fallback)


def render_preview(score: Score, spec: Mapping[str, Any], tags: Mapping[str, str]) -> tuple[bytes, str]:
    """Mastered OGG bytes of ``score`` and the backend that rendered it."""
    audio, backend = backends.render(to_sequence(score), spec.get("_synth"), spec.get("_soundfont"), SAMPLE_RATE)
    return ogg_vorbis(master(audio, SAMPLE_RATE), tags, SAMPLE_RATE), backend


def credited(spec: Mapping[str, Any], score: Score) -> tuple[Mapping[str, Any], list[ModelCredit]]:
    """``spec`` with every model that wrote the score (and any already credited) in its provenance."""
    block = spec.get("_provenance") or {}
    models: list[ModelCredit] = [ModelCredit(**m) for m in block.get("models") or []]  # type: ignore[typeddict-item]
    for m in score.models:
        if all(m["name"] != n["name"] for n in models):
            models.append(ModelCredit(**m))  # type: ignore[typeddict-item]
    return (with_models(spec, models) if models else spec), models


def package(score: Score, spec: Mapping[str, Any], *, generator: str, version: str, seed: int, stem: str,
            summary: str, has_upload: bool = False, inputs: Sequence[InputFile] = (), alt: str = "") -> Result:
    spec, models = credited(spec, score)
    title = title_of(spec, f"Jamroom {stem}", inputs)
    lines = provenance_lines(spec, generator, version, seed)
    block = spec.get("_provenance") or {}
    if has_upload:
        source_type = source_type_for(True, trained=bool(models))
    else:
        source_type = str(block.get("source_type") or ALGORITHMIC)
    machine = {"generator": generator, "version": version, "seed": seed, "title": title,
               "credits": list(block.get("credits") or []), "source_type": source_type,
               "disclosure": str(block.get("disclosure") or lines[1])}
    midi = write_midi(score, title=title, provenance=lines, machine=machine)
    credits = "; ".join(block.get("credits") or []) or "Jamroom"
    facts_text = ", ".join(score_facts(score))
    tags = {
        "title": title,
        "artist": credits,
        "copyright": ". ".join(x.rstrip(".") for x in lines[:2]) + ".",
        "comment": " | ".join([*lines, facts_text]),
        "software": f"Jamroom {generator} v{version} seed {seed}",
        "genre": score.genre,
        "digitalsourcetype": source_type,
    }
    ogg, backend = render_preview(score, spec, tags)
    png = png_provenance(pianoroll.draw(score), spec=spec, generator=generator, version=version, seed=seed,
                         has_member_upload=has_upload,
                         extra={"key": score.key.name, "tempo": score.tempo, "meter": score.meter, "bars": score.bars})
    roles = score.roles()
    facts = {"key": score.key.name, "tempo": score.tempo, "meter": score.meter, "bars": score.bars,
             "parts": roles, "genre": score.genre, "synth": backend,
             "alt": alt or alt_text(score, str(spec.get("prompt") or ""))}
    if models:
        facts["models"] = models
    line = f"{summary} · {score.key.name} · {score.tempo} bpm · {score.meter} · {score.bars} bars · {', '.join(roles)}"
    return Result(
        KIND_MUSIC,
        (Output(f"{stem}.mid", "audio/midi", midi, primary=True),
         Output(f"{stem}.ogg", "audio/ogg", ogg),
         Output(f"{stem}.png", "image/png", png)),
        facts,
        line,
    )
