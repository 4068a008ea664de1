"""/export: the preview as WAV or MP3, or a zip of one MIDI file per part (stems) for members' own software."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import mido

from generators.audio.encode import decode, mp3, wav
from generators.base import KIND_MUSIC, GeneratorError, InputFile, Output, Result
from generators.music.build import parent_score
from generators.music.midi_write import write_midi
from generators.music.package import title_of
from generators.music.source import MIDI_MIMES
from generators.provenance import provenance_lines

KIND_EXPORT = "music-export"
FORMATS = ("wav", "mp3", "stems")
WAV_LIMIT = 24_000_000  # under the 25 MB output cap
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same sketch zips to the same bytes


def _preview(inputs: Sequence[InputFile]) -> InputFile:
    for f in inputs:
        if f.mime in ("audio/ogg", "audio/vorbis") or f.name.lower().endswith(".ogg"):
            return f
    raise GeneratorError("that sketch has no audio preview to export; try as:stems")


class ExportMusic:
    name: ClassVar[str] = "music.export"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "export"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_MUSIC})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        fmt = str(spec.get("as") or "wav").lower()
        if fmt not in FORMATS:
            raise GeneratorError(f"as must be one of {', '.join(FORMATS)}; got '{fmt[:10]}'")
        title = title_of(spec, "Jamroom sketch", inputs)
        lines = provenance_lines(spec, self.name, self.version, seed)
        lines += [m for m in parent_model_lines(inputs) if m not in lines]
        block = spec.get("_provenance") or {}
        tags = {"title": title, "artist": "; ".join(block.get("credits") or []) or "Jamroom",
                "copyright": ". ".join(x.rstrip(".") for x in lines[:2]) + ".", "comment": " | ".join(lines),
                "software": f"Jamroom {self.name} v{self.version}"}
        stem = _safe(title)
        if fmt in ("wav", "mp3"):
            audio, sr = decode(_preview(inputs).data)
            wav_bytes = audio.size * 2
            if fmt == "wav" and wav_bytes > WAV_LIMIT:
                raise GeneratorError(f"as WAV this {len(audio) / sr:.0f} s preview would be {wav_bytes / 1e6:.0f} MB, "
                                     f"over the {WAV_LIMIT / 1e6:.0f} MB limit; try as:mp3")
            data = wav(audio, tags, sr) if fmt == "wav" else mp3(audio, tags, sr)
            mime = "audio/wav" if fmt == "wav" else "audio/mpeg"
            out = Output(f"{stem}.{fmt}", mime, data, primary=True)
            return Result(KIND_EXPORT, (out,), {"format": fmt, "seconds": round(len(audio) / sr, 1)},
                          f"{title} · {fmt.upper()} · {len(audio) / sr:.1f} s")
        score = parent_score(inputs)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for i, part in enumerate(score.parts, start=1):
                single = score.copy()
                single.parts = [p for p in single.parts if p.role == part.role and p.channel == part.channel]
                info = zipfile.ZipInfo(f"{i:02d}-{part.role}.mid", date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, write_midi(single, title=f"{title} - {part.role}", provenance=lines))
            info = zipfile.ZipInfo("00-full.mid", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, write_midi(score, title=title, provenance=lines))
        out = Output(f"{stem}-stems.zip", "application/zip", buffer.getvalue(), primary=True)
        roles = score.roles()
        return Result(KIND_EXPORT, (out,), {"format": "stems", "parts": roles},
                      f"{title} · stems: {', '.join(roles)}")


def parent_model_lines(inputs: Sequence[InputFile]) -> list[str]:
    """The "Model: … learned from …" lines of the sketch being exported, so every export credits the model."""
    for f in inputs:
        if f.mime in MIDI_MIMES or f.name.lower().endswith((".mid", ".midi")):
            try:
                mid = mido.MidiFile(file=io.BytesIO(f.data))
            except (OSError, ValueError, EOFError, KeyError, IndexError):
                return []
            return [m.text for m in mid.tracks[0] if m.type == "text" and m.text.startswith("Model: ")][:4] \
                if mid.tracks else []
    return []


def _safe(title: str) -> str:
    """A file name from the title: letters, digits and dashes only."""
    cleaned = "".join(c if c.isalnum() else "-" for c in title.lower())[:40].strip("-")
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned or "sketch"


GENERATORS = [ExportMusic]
