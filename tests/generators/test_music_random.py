"""100 random /melody and /beat specs: no crash, valid files, audible and well-levelled audio."""

from __future__ import annotations

import io
import random

import mido
import numpy as np
import pyloudnorm
from test_music_support import spec

from generators.audio import builtin
from generators.audio.loudness import master
from generators.music import pianoroll
from generators.music.beat import beat_score
from generators.music.midi_write import write_midi
from generators.music.mood import GENRES
from generators.music.package import to_sequence
from generators.music.sketch import compose
from generators.music.theory import INSTRUMENTS, MODES

WORDS = ["wistful", "rainy", "lofi", "happy", "dark", "dreamy", "fast", "slow", "jazz", "house", "epic", "🌧️",
         "bouncy", "deep", "sparkly", "swing", "straight", "calm", "angry", "bossa", "reggaeton", "ambient"]
SR = 16_000
TONICS = ["C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B"]


def _random_spec(rng: random.Random) -> dict:
    values: dict = {"bars": rng.randint(1, 32)}
    if rng.random() < 0.7:
        values["prompt"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6)))
    if rng.random() < 0.6:
        values["key"] = f"{rng.choice(TONICS)} {rng.choice(list(MODES))}"
    if rng.random() < 0.5:
        values["tempo"] = rng.randint(40, 240)
    if rng.random() < 0.5:
        values["meter"] = rng.choice(["4/4", "3/4", "6/8"])
    if rng.random() < 0.5:
        values["instrument"] = rng.choice(list(INSTRUMENTS))
    if rng.random() < 0.5:
        values["genre"] = rng.choice(GENRES)
    return values


def test_100_random_specs_make_valid_files_and_audible_audio():
    rng = random.Random(2024)
    meter = pyloudnorm.Meter(SR)
    for i in range(100):
        values = _random_spec(rng)
        seed = rng.randint(0, 2**31 - 1)
        score = compose(spec(**values), seed) if i % 4 else beat_score(spec(**{k: v for k, v in values.items()
                                                                               if k in ("tempo", "meter", "bars")}),
                                                                       seed)
        data = write_midi(score, title=values.get("prompt") or "t", provenance=["x", "y"])
        mid = mido.MidiFile(file=io.BytesIO(data))
        assert sum(1 for t in mid.tracks for m in t if m.type == "note_on") > 0, values
        pianoroll.draw(score)
        for part in score.parts:
            assert all(0 <= n.pitch <= 127 and 1 <= n.vel <= 127 and n.dur > 0 for n in part.notes), values
        # every one is rendered: at 16 kHz to keep the test fast (the renderer and mastering are
        # rate-agnostic; the 44.1 kHz preview itself is checked in test_music_files)
        audio = master(builtin.render(to_sequence(score), SR), SR)
        assert np.sqrt(np.mean(audio**2)) > 1e-3, values
        loud = meter.integrated_loudness(audio.astype(np.float64))
        assert -17.0 <= loud <= -15.0, (values, loud)
