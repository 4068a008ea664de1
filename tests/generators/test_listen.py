"""/listen: a hummed tune becomes the right notes, packaged like any music sketch, credited and repeatable."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap

import mido
import numpy as np
import pytest
import soundfile as sf
from test_listen_support import TUNE, encoded, tune_seconds, upload, with_av
from test_music_support import as_inputs, outputs, spec

from generators import registry
from generators.base import KIND_MUSIC, GeneratorError
from generators.listen._synthetic import hum
from generators.listen.listen import ListenGenerator
from generators.music.score import PPQ
from generators.music.source import score_from_midi
from generators.provenance import COMPOSITE_TRAINED

BPM = 96


def _hummed(lead_in: float = 0.0, count_in: bool = False) -> bytes:
    audio = hum(tune_seconds(BPM), lead_in=lead_in)
    if count_in:  # four taps a beat apart in the silence before the first note
        rng = np.random.default_rng(5)
        for i in range(4):
            at = int((lead_in - (4 - i) * 60 / BPM) * 22050)
            audio[at:at + 400] += (rng.standard_normal(400) * np.exp(-np.arange(400) / 60)).astype(np.float32) * 0.4
    return encoded(audio, 22050, "WAV", "PCM_16")


@pytest.fixture(scope="module")
def heard():
    return ListenGenerator().generate(spec(), upload(_hummed(lead_in=1.0)), 3)


def _melody(result) -> list:
    return score_from_midi(outputs(result)["mid"], trusted=True).melody().sorted_notes()


def test_a_hummed_tune_becomes_the_right_notes(heard):
    notes = _melody(heard)
    assert [n.pitch for n in notes] == [p for _, _, p in tune_seconds(BPM)]
    assert abs(heard.facts["tempo"] - BPM) <= 2
    assert heard.facts["key"] == "C major" and heard.facts["reading"] == "single line"
    # on the beat: starts one beat apart (two where the tune holds a half note), from the first note
    starts = [n.start - notes[0].start for n in notes]
    assert starts == [b * PPQ for b, _, _ in TUNE]


def test_silence_before_the_first_note_is_trimmed(heard):
    assert heard.facts["trimmed_s"] == pytest.approx(1.0, abs=0.05)
    assert _melody(heard)[0].start < 4 * PPQ  # at most a bar of pickup, never the second of silence


def test_a_count_in_of_taps_is_not_heard_as_notes():
    result = ListenGenerator().generate(spec(tempo=BPM, meter="4/4"), upload(_hummed(lead_in=3.0, count_in=True)), 3)
    assert [n.pitch for n in _melody(result)] == [p for _, _, p in tune_seconds(BPM)]
    first = _melody(result)[0].start
    assert first % PPQ == 0 and first < 4 * PPQ  # on a beat of the first bar (a pickup at most), 3 s trimmed


def test_result_is_a_music_sketch_with_files_facts_and_credits(heard):
    assert heard.kind == KIND_MUSIC
    assert [o.name for o in heard.outputs] == ["listen.mid", "listen.ogg", "listen.png"]
    assert heard.outputs[0].primary
    assert heard.facts["models"][0]["name"].startswith("basic-pitch") and heard.facts["models"][0]["licence"]
    alt = heard.facts["alt"]
    assert "C major" in alt and f"{heard.facts['tempo']} bpm" in alt and "hummed" in alt
    audio, rate = sf.read(io.BytesIO(outputs(heard)["ogg"]))
    assert rate == 44100 and len(audio) > rate * 5
    mid = mido.MidiFile(file=io.BytesIO(outputs(heard)["mid"]))
    blob = next(bytes(m.data) for t in mid.tracks for m in t if m.type == "sequencer_specific")
    machine = json.loads(blob)
    assert machine["source_type"] == COMPOSITE_TRAINED
    assert "basic-pitch" in machine["disclosure"] and machine["credits"] == ["ann · prompted"]


def test_same_recording_same_seed_same_bytes(heard):
    again = ListenGenerator().generate(spec(), upload(_hummed(lead_in=1.0)), 3)
    assert outputs(again)["mid"] == outputs(heard)["mid"] and outputs(again)["png"] == outputs(heard)["png"]
    # libsndfile picks a random Ogg stream serial number, so compare the sound, not the container bytes
    first, _ = sf.read(io.BytesIO(outputs(heard)["ogg"]))
    second, _ = sf.read(io.BytesIO(outputs(again)["ogg"]))
    assert np.array_equal(first, second)
    assert again.facts == heard.facts


def test_options_quantize_tempo_meter_and_kind():
    data = _hummed()
    eighths = ListenGenerator().generate(spec(quantize="1/8", tempo=100, meter="3/4", kind="voice"), upload(data), 1)
    score = score_from_midi(outputs(eighths)["mid"], trusted=True)
    assert eighths.facts["tempo"] == 100 and eighths.facts["meter"] == "3/4" and score.meter == "3/4"
    assert not eighths.facts["tempo_guessed"] and not eighths.facts["meter_guessed"]
    assert all(n.start % (PPQ // 2) == 0 for n in score.melody().notes)
    triplets = ListenGenerator().generate(spec(quantize="triplets"), upload(data), 1)
    assert all(n.start % (PPQ // 3) == 0 for n in score_from_midi(outputs(triplets)["mid"], trusted=True)
               .melody().notes)
    loose = ListenGenerator().generate(spec(quantize="off"), upload(data), 1)
    assert any(n.start % (PPQ // 4) for n in score_from_midi(outputs(loose)["mid"], trusted=True).melody().notes)
    with pytest.raises(GeneratorError, match="quantize must be one of"):
        ListenGenerator().generate(spec(quantize="1/5"), upload(data), 1)


def test_a_phone_m4a_hum_reads_the_same_notes():
    audio = hum(tune_seconds(BPM))
    result = ListenGenerator().generate(spec(), upload(with_av(audio, 22050), "memo.m4a", "audio/mp4"), 2)
    assert [n.pitch for n in _melody(result)] == [p for _, _, p in tune_seconds(BPM)]


def test_piano_chords_are_read_as_chords_under_a_melody():
    from generators.audio import backends
    from generators.music.package import to_sequence
    from generators.music.score import Note, Part, Score
    from generators.music.theory import Key

    beat = PPQ
    melody = [Note(i * beat, beat, p, 90) for i, p in enumerate([72, 74, 76, 77, 79, 77, 76, 72])]
    chords = [Note(i * 4 * beat, 4 * beat, p, 70) for i, root in enumerate([48, 53])
              for p in (root, root + 4, root + 7)]
    score = Score(Key(0, "major", "C"), 100, "4/4", 2, [Part("melody", 0, melody, 0, "piano"),
                                                       Part("chords", 0, chords, 1, "piano")])
    audio, _ = backends.render(to_sequence(score), "builtin", None, 44100)
    result = ListenGenerator().generate(spec(kind="instrument"), upload(encoded(audio.mean(axis=1), 44100)), 1)
    assert result.facts["reading"] == "chords" and result.facts["parts"] == ["melody", "chords"]
    heard = score_from_midi(outputs(result)["mid"], trusted=True)
    assert [n.pitch for n in heard.part("melody").sorted_notes()] == [72, 74, 76, 77, 79, 77, 76, 72]


def test_continue_then_harmonize_build_on_a_hum(heard):
    """The issue's 'done when': hum, press Continue, then Harmonize."""
    cont = registry.for_command("continue", KIND_MUSIC)
    longer = cont.generate(spec(bars=4), as_inputs(heard, generator="listen.transcribe"), 2)
    assert longer.facts["bars"] == heard.facts["bars"] + 4
    harmonize = registry.for_command("harmonize", KIND_MUSIC)
    chorded = harmonize.generate(spec(), as_inputs(longer, generator="music.build"), 3)
    assert "chords" in chorded.facts["parts"]
    first = [n.pitch for n in _melody(heard)]
    assert [n.pitch for n in _melody(chorded)][:len(first)] == first


def test_generator_process_never_imports_tensorflow_or_basic_pitch(tmp_path):
    path = tmp_path / "hum.wav"
    path.write_bytes(_hummed())
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from generators.base import InputFile
        from generators.listen.listen import ListenGenerator
        data = Path({str(path)!r}).read_bytes()
        r = ListenGenerator().generate({{"_synth": "builtin"}}, [InputFile("h.wav", "audio/wav", data, "upload",
                                        slot="file")], 1)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "basic_pitch", "keras"))
        print(len(r.outputs), loaded)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240, check=True)
    assert done.stdout.strip() == "3 []"


def test_the_shipped_model_is_basic_pitch_0_4_0():
    import hashlib

    from generators.listen import _model

    assert hashlib.sha256(_model.MODEL_PATH.read_bytes()).hexdigest() == _model.MODEL_SHA256
    assert "Apache License" in (_model.MODEL_PATH.parent / "LICENSE-basic-pitch").read_text()
    assert "Spotify AB" in (_model.MODEL_PATH.parent / "NOTICE-basic-pitch").read_text()
