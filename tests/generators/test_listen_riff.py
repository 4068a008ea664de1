"""/riff with a recording: transcribed first (as /listen reads it), then its action; and the catalog entries."""

from __future__ import annotations

import numpy as np
import pytest
from test_listen_support import encoded, tune_seconds, upload
from test_music_support import outputs, spec

from bot.catalog.registry import catalog
from bot.catalog.spec import OptionType
from generators.base import GeneratorError
from generators.listen._synthetic import hum
from generators.listen.listen import ListenGenerator
from generators.music.riff import RiffGenerator
from generators.music.source import score_from_midi

BPM = 100


@pytest.fixture(scope="module")
def recording() -> bytes:
    return encoded(hum(tune_seconds(BPM)), 22050, "WAV", "PCM_16")


def test_riff_continue_on_a_recording_adds_the_bars_asked_for(recording):
    heard = ListenGenerator().generate(spec(tempo=BPM, meter="4/4"), upload(recording), 1)
    result = RiffGenerator().generate(spec(action="continue", bars=2, tempo=BPM, meter="4/4"),
                                      upload(recording, "hum.wav"), 1)
    assert result.kind == "music" and result.summary.startswith("2 more bars of hum.wav")
    assert result.facts["bars"] == heard.facts["bars"] + 2
    assert any(m["name"].startswith("basic-pitch") for m in result.facts["models"])
    assert b"compositeWithTrainedAlgorithmicMedia" in outputs(result)["png"]
    melody = score_from_midi(outputs(result)["mid"], trusted=True).melody().sorted_notes()
    assert [n.pitch for n in melody[:len(tune_seconds(BPM))]] == [p for _, _, p in tune_seconds(BPM)]
    assert "recording" in result.facts["alt"]


def test_riff_harmonize_on_a_recording_adds_chords(recording):
    result = RiffGenerator().generate(spec(action="harmonize"), upload(recording, "hum.ogg", "audio/ogg"), 2)
    assert "chords" in result.facts["parts"] and result.facts["reading"] == "single line"


def test_riff_refusals_are_one_line():
    with pytest.raises(GeneratorError, match=r"^MIDI files can be up to 1 MB; this one is 1\.1 MB$"):
        RiffGenerator().generate(spec(), upload(b"MThd" + bytes(1_100_000), "big.mid", "audio/midi"), 1)
    with pytest.raises(GeneratorError, match=r"^bars must be a whole number from 1 to 16$"):
        RiffGenerator().generate(spec(action="continue", bars=40), upload(b"MThd", "a.mid", "audio/midi"), 1)
    with pytest.raises(GeneratorError, match=r"^that recording is silent$"):
        RiffGenerator().generate(spec(), upload(encoded(np.zeros(44100, np.float32), 44100)), 1)


def test_catalog_declares_listen_and_riff_takes_recordings_and_bars():
    listen = catalog().get("listen")
    assert listen is not None and listen.generator == "listen.transcribe"
    file = next(o for o in listen.options if o.type is OptionType.FILE)
    assert file.required and file.max_bytes == 10 * 1024 * 1024 and "audio/mp4" in file.mimes
    assert "8 MB on Slack" in file.description
    names = {o.name: o for o in listen.options}
    assert names["quantize"].choices == ("off", "1/8", "1/16", "triplets") and names["quantize"].default == "1/16"
    assert names["kind"].choices == ("auto", "voice", "instrument")
    assert len(listen.description) <= 100 and all(len(o.description) <= 100 for o in listen.options)
    riff = catalog().get("riff")
    riff_file = next(o for o in riff.options if o.type is OptionType.FILE)
    assert "audio/mp4" in riff_file.mimes and "audio/midi" in riff_file.mimes
    bars = next(o for o in riff.options if o.name == "bars")
    assert bars.default == 4 and bars.min == 1 and bars.max == 16
