"""Decoding members' recordings: every format we promise reads; every bad file gets one clear line."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_listen_support import dominant_hz, encoded, tone, upload, with_av

from generators.base import GeneratorError
from generators.listen._decode import MAX_SECONDS, decode
from generators.listen.listen import ListenGenerator


@pytest.mark.parametrize(("fmt", "subtype", "rate", "name"), [
    ("WAV", "PCM_16", 44100, "wav"), ("WAV", "FLOAT", 48000, "wav"), ("FLAC", None, 44100, "flac"),
    ("OGG", "VORBIS", 44100, "ogg"), ("OGG", "OPUS", 48000, "ogg"), ("MP3", None, 44100, "mp3"),
    ("AIFF", "PCM_16", 22050, "aiff"),
])
def test_soundfile_formats_decode_to_mono_22k_at_the_right_pitch(fmt, subtype, rate, name):
    decoded = decode(encoded(tone(2.0, rate), rate, fmt, subtype))
    assert decoded.format == name and decoded.source_rate == rate
    assert abs(decoded.seconds - 2.0) < 0.1
    assert abs(len(decoded.samples) / 22050 - decoded.seconds) < 0.01
    assert abs(dominant_hz(decoded.samples) - 440) < 3


@pytest.mark.parametrize(("container", "codec", "name"), [("mp4", "aac", "mp4"), ("adts", "aac", "aac"),
                                                          ("ipod", "aac", "mp4")])
def test_phone_formats_decode_through_pyav(container, codec, name):
    decoded = decode(with_av(tone(2.0), container=container, codec=codec))
    assert decoded.format == name
    assert abs(decoded.seconds - 2.0) < 0.1
    assert abs(dominant_hz(decoded.samples) - 440) < 3


def test_eight_channels_are_mixed_down_and_192k_is_resampled():
    decoded = decode(encoded(tone(1.5, 192000, channels=8), 192000, "WAV", "PCM_24"))
    assert decoded.channels == 8 and decoded.source_rate == 192000
    assert decoded.samples.ndim == 1 and abs(len(decoded.samples) - 1.5 * 22050) < 5
    assert abs(dominant_hz(decoded.samples) - 440) < 3


def _refusal(data: bytes, name: str = "take.wav", mime: str = "audio/wav") -> str:
    with pytest.raises(GeneratorError) as caught:
        ListenGenerator().generate({"_synth": "builtin"}, upload(data, name, mime), 1)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 140
    return message


def test_fourteen_minutes_are_refused_from_the_header_without_decoding():
    long = encoded(np.zeros(8000 * 60 * 14, np.int16), 8000, "FLAC")
    assert _refusal(long, "memo.flac") == f"recordings can be up to {MAX_SECONDS:.0f} s; this one is 14 min"


def test_a_header_claiming_hours_is_refused_by_its_claim():
    data = bytearray(encoded(tone(1.0), 44100, "FLAC"))
    # STREAMINFO's total-samples field: the low 36 bits of the 8 bytes at offset 18
    packed = int.from_bytes(data[18:26], "big")
    packed = (packed & ~((1 << 36) - 1)) | (44100 * 3 * 3600)
    data[18:26] = packed.to_bytes(8, "big")
    assert _refusal(bytes(data), "liar.flac") == "recordings can be up to 60 s; this one is 3 h 0 min"


def test_a_wav_header_lying_about_its_length_reads_only_what_is_there():
    data = bytearray(encoded(tone(1.0), 44100, "WAV", "PCM_16"))
    at = data.find(b"data")
    data[at + 4:at + 8] = struct.pack("<I", 0xFFFFFF00)
    assert abs(decode(bytes(data)).seconds - 1.0) < 0.01


def test_silence_noise_video_renamed_and_damaged_files_each_get_their_line():
    assert _refusal(encoded(np.zeros(44100 * 3, np.float32), 44100)) == "that recording is silent"
    noise = np.random.default_rng(0).standard_normal(44100 * 3).astype(np.float32) * 0.2
    assert _refusal(encoded(noise, 44100)) == "that recording sounds like noise: I could hear no notes in it"
    assert _refusal(with_av(tone(2.0), video=True), "clip.mp4", "audio/mp4").startswith("that is a video")
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    assert _refusal(png, "take.wav").startswith("that file is a PNG image, not a recording")
    assert _refusal(b"MThd" + bytes(100), "take.wav").startswith("that file is a MIDI file (use /riff")
    assert _refusal(b"just some text pretending to be audio " * 4).startswith("that file is not a recording")
    m4a = with_av(tone(2.0))
    assert _refusal(m4a[:len(m4a) // 3], "cut.m4a", "audio/mp4").startswith("that recording is damaged")
    assert _refusal(encoded(tone(0.2), 44100)).startswith("that recording is too short to hear notes in (0.2 s)")
    assert _refusal(b"RIFF" + bytes(60)).startswith("that file is a RIFF file that is not WAV audio")


_VALID = [encoded(tone(0.6), 22050, "WAV", "PCM_16"), encoded(tone(0.6), 22050, "FLAC"),
          encoded(tone(0.6), 22050, "OGG", "VORBIS"), encoded(tone(0.6, 48000), 48000, "OGG", "OPUS"),
          encoded(tone(0.6), 44100, "MP3"), with_av(tone(0.6), 22050), with_av(tone(0.6), 22050, container="adts")]


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(_VALID), cuts=st.lists(st.tuples(st.integers(0, 4000), st.binary(max_size=8)),
                                                   max_size=6),
       keep=st.integers(16, 40000))
def test_fuzzed_files_decode_or_fail_with_one_line(base, cuts, keep):
    data = bytearray(base[:keep])
    for at, junk in cuts:
        if at < len(data):
            data[at:at + len(junk)] = junk
    try:
        decoded = decode(bytes(data))
    except GeneratorError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    assert decoded.samples.dtype == np.float32 and decoded.samples.ndim == 1
    assert len(decoded.samples) <= (MAX_SECONDS + 1) * 22050
    assert np.isfinite(decoded.samples).all()


@settings(deadline=None, max_examples=60)
@given(head=st.sampled_from([b"", b"RIFF", b"fLaC", b"OggS", b"ID3", b"\xff\xfb", b"\xff\xf1", b"\x1a\x45\xdf\xa3",
                             b"\x00\x00\x00\x18ftypM4A "]),
       blob=st.binary(min_size=0, max_size=3000))
def test_random_bytes_behind_any_magic_decode_or_fail_with_one_line(head, blob):
    try:
        decoded = decode(head + blob)
    except GeneratorError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    assert len(decoded.samples) <= (MAX_SECONDS + 1) * 22050 and np.isfinite(decoded.samples).all()
