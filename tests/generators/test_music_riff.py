"""/riff: members' own MIDI files. Good files of type 0 and 1 work; every broken one gets one clear line."""

from __future__ import annotations

import io
import struct

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_music_support import outputs, spec

from generators.base import GeneratorError, InputFile
from generators.music.midi_read import read_midi
from generators.music.riff import RiffGenerator
from generators.music.source import score_from_midi


def _chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack(">I", len(body)) + body


def _header(fmt: int = 0, tracks: int = 1, division: int = 96) -> bytes:
    return _chunk(b"MThd", struct.pack(">HHH", fmt, tracks, division))


# C major scale, quarter notes at 96 ppq, written with running status (note-offs as note-on velocity 0)
_SCALE = b"".join(
    (b"\x00\x90" if i == 0 else b"\x00") + bytes([p, 80]) + b"\x60" + bytes([p, 0])
    for i, p in enumerate((60, 62, 64, 65, 67, 69, 71, 72))
)
GOOD_TYPE0 = _header() + _chunk(b"MTrk", b"\x00\xff\x51\x03\x07\xa1\x20" + _SCALE + b"\x00\xff\x2f\x00")


def _type1() -> bytes:
    mid = mido.MidiFile(type=1, ticks_per_beat=220)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=600000), mido.MetaMessage("time_signature",
                                numerator=3, denominator=4)])
    mid.tracks.append(conductor)
    for channel, base in ((0, 72), (1, 48), (9, 36)):
        track = mido.MidiTrack([mido.Message("program_change", channel=channel, program=40 if channel == 0 else 33)])
        for i in range(12):
            pitch = base + (i % 5) * (2 if channel != 9 else 0)
            track.append(mido.Message("note_on", channel=channel, note=pitch, velocity=90, time=0))
            track.append(mido.Message("note_off", channel=channel, note=pitch, velocity=0, time=220))
        mid.tracks.append(track)
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()


def test_type0_with_running_status_reads():
    score = score_from_midi(GOOD_TYPE0)
    melody = score.melody()
    assert [n.pitch for n in melody.notes] == [60, 62, 64, 65, 67, 69, 71, 72]
    assert score.tempo == 120 and score.meter == "4/4" and score.bars == 2
    assert score.key.name in ("C major", "A minor")


def test_type1_roles_tempo_and_meter():
    score = score_from_midi(_type1())
    assert score.tempo == 100 and score.meter == "3/4"
    assert set(score.roles()) == {"melody", "bass", "drums"}
    assert score.part("drums").channel == 9


BROKEN = {
    "empty": (b"", "empty"),
    "not midi": (b"RIFF....WAVEfmt ", "not a MIDI file"),
    "truncated header": (b"MThd\x00\x00\x00\x06\x00", "truncated"),
    "no tracks": (_header(tracks=0), "no tracks"),
    "type 2": (_header(fmt=2), "type 2"),
    "smpte": (_header(division=0xE728) + _chunk(b"MTrk", b"\x00\xff\x2f\x00"), "SMPTE"),
    "zero ppq": (_header(division=0) + _chunk(b"MTrk", b"\x00\xff\x2f\x00"), "zero ticks"),
    "truncated track": (GOOD_TYPE0[:-9], "truncated"),
    "missing track": (_header(tracks=2) + GOOD_TYPE0[14:], "promises 2 tracks"),
    "running status first": (_header() + _chunk(b"MTrk", b"\x00\x3c\x40\x60\x3c\x00"), "running status"),
    "running status after sysex": (
        _header() + _chunk(b"MTrk", b"\x00\x90\x3c\x40\x00\xf0\x01\xf7\x60\x3c\x00"), "running status"),
    "zero tempo": (_header() + _chunk(b"MTrk", b"\x00\xff\x51\x03\x00\x00\x00" + _SCALE), "tempo of zero"),
    "bad tempo length": (_header() + _chunk(b"MTrk", b"\x00\xff\x51\x02\x00\x01" + _SCALE), "tempo event"),
    "stray status": (_header() + _chunk(b"MTrk", b"\x00\xf4\x00"), "stray status"),
    "long varlen": (_header() + _chunk(b"MTrk", b"\xff\xff\xff\xff\x90\x3c\x40"), "variable-length"),
    "no notes": (_header() + _chunk(b"MTrk", b"\x00\xff\x51\x03\x07\xa1\x20\x00\xff\x2f\x00"), "no notes"),
    "huge": (GOOD_TYPE0 + b"\0" * (1024 * 1024), "limit is 1 MB"),
    "rmid": (b"RIFF\x00\x00\x00\x00RMIDdata", "RMID"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_get_one_clear_line(name):
    data, words = BROKEN[name]
    with pytest.raises(GeneratorError) as caught:
        score_from_midi(data)
    message = str(caught.value)
    assert words in message and "\n" not in message and len(message) < 160


def test_too_many_events_is_refused_not_slow():
    body = b"\x00\x90\x3c\x40" + b"\x00\x3c\x00\x00\x3c\x40" * 170_000  # running status: 3 bytes an event
    data = _header() + _chunk(b"MTrk", body)
    assert len(data) < 1024 * 1024 + 100
    with pytest.raises(GeneratorError, match="too many"):
        read_midi(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data):
    try:
        score_from_midi(data)
    except GeneratorError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_good_files_never_crash(data):
    base = bytearray(data.draw(st.sampled_from([GOOD_TYPE0, _type1()])))
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(base) - 1))
        base[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(base)))
    try:
        score_from_midi(bytes(base[:cut]) if data.draw(st.booleans()) else bytes(base))
    except GeneratorError:
        pass


@pytest.mark.parametrize("action", ["vary", "continue", "harmonize", "drumify"])
def test_riff_actions_make_music_from_an_upload(action):
    upload = [InputFile("my riff.mid", "audio/midi", _type1(), "upload", "", {}, "file")]
    result = RiffGenerator().generate(spec(action=action), upload, 3)
    assert result.kind == "music" and "my riff.mid" in result.summary
    assert outputs(result)["mid"].startswith(b"MThd")
    png = outputs(result)["png"]
    # a member's upload is part of it (with the trained music model for vary, continue and harmonize)
    assert (b"compositeSynthetic" if action == "drumify" else b"compositeWithTrainedAlgorithmicMedia") in png


def test_riff_with_a_broken_upload_says_so():
    upload = [InputFile("song.mid", "audio/midi", b"MThd\x00", "upload", "", {}, "file")]
    with pytest.raises(GeneratorError, match="truncated"):
        RiffGenerator().generate(spec(action="vary"), upload, 3)
