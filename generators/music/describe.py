"""One sentence that says what a sketch sounds like: the alt text / description every music result carries.

"a wistful D-minor lofi tune at 76 bpm in 4/4 for electric piano over piano chords, electric bass
and drums; rises to its peak in bar 3 and falls to a close on the tonic" — built from the score
itself, so built-on results describe what they really are.
"""

from __future__ import annotations

from generators.music.score import Score, monophonic

PROGRAM_NAMES = {0: "piano", 4: "electric piano", 6: "harpsichord", 11: "vibraphone", 12: "marimba", 16: "organ",
                 24: "nylon guitar", 25: "guitar", 27: "electric guitar", 29: "overdriven guitar", 32: "acoustic bass",
                 33: "electric bass", 38: "synth bass", 40: "violin", 42: "cello", 46: "harp", 48: "strings",
                 52: "choir", 56: "trumpet", 65: "saxophone", 71: "clarinet", 73: "flute", 80: "synth lead",
                 81: "saw synth", 89: "warm pad"}
_MOOD_WORDS = ("wistful", "sad", "happy", "bright", "dark", "dreamy", "calm", "energetic", "epic", "groovy",
               "rainy", "sunny", "smoky", "gentle", "moody", "playful", "melancholy", "joyful", "mysterious")


def _instrument(part) -> str:
    if part.is_drum:
        return "drums"
    return PROGRAM_NAMES.get(part.program, part.instrument or f"program {part.program}")


def _shape(score: Score) -> str:
    melody = score.melody()
    if melody is None or not melody.notes:
        return ""
    line = monophonic(melody.notes)
    peak = max(line, key=lambda n: (n.pitch, -n.start))
    low, high = min(n.pitch for n in line), max(n.pitch for n in line)
    bar = peak.start // score.bar_ticks + 1
    last = line[-1]
    ending = "a close on the tonic" if last.pitch % 12 == score.key.tonic else "an open ending"
    opening = "rises" if bar > 1 else "starts at its peak"
    return f"{opening} to its peak in bar {bar} and falls to {ending}, spanning {high - low} semitones"


def alt_text(score: Score, prompt: str = "", *, extra: str = "") -> str:
    words = [w for w in prompt.lower().split() if w.strip(",.") in _MOOD_WORDS][:2]
    mood = " ".join(w.strip(",.") for w in words)
    key = score.key.name.replace(" ", "-")
    genre = f" {score.genre}" if score.genre else ""
    lead = score.melody()
    others = [p for p in score.parts if p is not lead]
    lead_text = f" for {_instrument(lead)}" if lead is not None else ""
    accompaniment = ", ".join(f"{_instrument(p)} {p.role}" if p.role in ("chords", "pad", "arpeggio")
                              else _instrument(p) for p in others)
    over = f" over {accompaniment}" if accompaniment else ""
    shape = _shape(score)
    text = (f"a {mood + ' ' if mood else ''}{key}{genre} tune at {score.tempo} bpm in {score.meter}, "
            f"{score.bars} bars,{lead_text}{over}")
    if shape:
        text += f"; {shape}"
    if extra:
        text += f"; {extra}"
    return text
