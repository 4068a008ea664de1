"""A strict, bounded Standard MIDI File reader for members' uploads (and our own files).

Written by hand rather than trusting a general library with hostile input: every way
a file can be wrong (empty, truncated, too big, SMPTE timing, running status without a
status byte, zero tempo, absurd lengths) becomes one :class:`GeneratorError` line a
member can act on, and nothing can loop or allocate without bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generators.base import GeneratorError

MAX_BYTES = 1024 * 1024
MAX_TRACKS = 256
MAX_EVENTS = 300_000
MAX_NOTES = 40_000
_DATA_LEN = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}


@dataclass(frozen=True)
class RawNote:
    start: int
    end: int
    pitch: int
    velocity: int
    channel: int
    program: int


@dataclass
class RawTrack:
    name: str = ""
    notes: list[RawNote] = field(default_factory=list)
    end: int = 0


@dataclass
class RawMidi:
    format: int
    ppq: int
    tracks: list[RawTrack]
    tempos: list[tuple[int, int]]  # (tick, microseconds per quarter)
    time_signatures: list[tuple[int, int, int]]  # (tick, numerator, denominator)
    key_signatures: list[tuple[int, int, int]]  # (tick, sharps/flats, minor)
    texts: list[str]

    @property
    def end(self) -> int:
        return max((t.end for t in self.tracks), default=0)


def _fail(message: str) -> GeneratorError:
    return GeneratorError(message)


class _Reader:
    def __init__(self, data: bytes, start: int, end: int, track: int) -> None:
        self.data = data
        self.pos = start
        self.end = end
        self.track = track

    def byte(self) -> int:
        if self.pos >= self.end:
            raise _fail(f"the MIDI file is truncated (track {self.track} ends in the middle of an event)")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.end:
            raise _fail(f"the MIDI file is truncated (track {self.track} has an event longer than the track)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def vlq(self) -> int:
        value = 0
        for _ in range(4):
            b = self.byte()
            value = (value << 7) | (b & 0x7F)
            if not b & 0x80:
                return value
        raise _fail(f"the MIDI file is malformed (track {self.track} has a variable-length number over 4 bytes)")


def read_midi(data: bytes) -> RawMidi:
    """Parse ``data`` or raise :class:`GeneratorError` with one clear line."""
    if not data:
        raise _fail("the MIDI file is empty")
    if len(data) > MAX_BYTES:
        raise _fail(f"the MIDI file is {len(data) / 1024 / 1024:.1f} MB; the limit is 1 MB")
    if data[:4] != b"MThd":
        if data[:4] == b"RIFF" and data[8:12] == b"RMID":
            raise _fail("this is an RMID (RIFF-wrapped) file; export it as a plain .mid (Standard MIDI File)")
        raise _fail("that is not a MIDI file (it does not start with 'MThd')")
    if len(data) < 14:
        raise _fail("the MIDI file is truncated (the header is incomplete)")
    header_len = int.from_bytes(data[4:8], "big")
    if header_len < 6 or 8 + header_len > len(data):
        raise _fail("the MIDI file is malformed (bad header length)")
    fmt = int.from_bytes(data[8:10], "big")
    ntracks = int.from_bytes(data[10:12], "big")
    division = int.from_bytes(data[12:14], "big")
    if fmt not in (0, 1):
        raise _fail(f"MIDI type {fmt} files aren't supported; save it as type 0 or type 1")
    if division & 0x8000:
        raise _fail("this MIDI file uses SMPTE time code; save it with ticks per beat (the usual setting)")
    if division == 0:
        raise _fail("the MIDI file is malformed (zero ticks per beat)")
    if ntracks == 0:
        raise _fail("the MIDI file has no tracks")
    if ntracks > MAX_TRACKS:
        raise _fail(f"the MIDI file has {ntracks} tracks; the limit is {MAX_TRACKS}")
    raw = RawMidi(fmt, division, [], [], [], [], [])
    pos = 8 + header_len
    budget = [MAX_EVENTS, MAX_NOTES]
    while len(raw.tracks) < ntracks:
        if pos + 8 > len(data):
            found = len(raw.tracks)
            raise _fail(f"the MIDI file is truncated (the header promises {ntracks} tracks, found {found})")
        chunk_type = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "big")
        body = pos + 8
        if body + length > len(data):
            raise _fail(f"the MIDI file is truncated (track {len(raw.tracks) + 1} is cut short)")
        if chunk_type == b"MTrk":
            raw.tracks.append(_track(data, body, body + length, len(raw.tracks) + 1, raw, budget))
        elif not chunk_type.isalnum():
            raise _fail("the MIDI file is malformed (a chunk has an unreadable type)")
        pos = body + length
    if fmt == 0 and len(raw.tracks) != 1:
        raise _fail("the MIDI file is malformed (type 0 must have exactly one track)")
    if not any(t.notes for t in raw.tracks):
        raise _fail("the MIDI file has no notes")
    return raw


def _track(data: bytes, start: int, end: int, number: int, raw: RawMidi, budget: list[int]) -> RawTrack:
    r = _Reader(data, start, end, number)
    track = RawTrack()
    now = 0
    status = 0
    programs = [0] * 16
    sounding: dict[tuple[int, int], list[tuple[int, int]]] = {}
    while r.pos < end:
        budget[0] -= 1
        if budget[0] < 0:
            raise _fail(f"the MIDI file has too many events (over {MAX_EVENTS:,})")
        now += r.vlq()
        if now > 2**31:
            raise _fail("the MIDI file is malformed (events lie absurdly far in the future)")
        first = r.byte()
        if first & 0x80:
            if first < 0xF0:
                status = first
                data1 = r.byte()
            elif first == 0xFF:
                if _meta(r, now, raw, track):
                    break
                continue
            elif first in (0xF0, 0xF7):
                r.take(r.vlq())
                status = 0  # sysex cancels running status
                continue
            else:
                raise _fail(f"the MIDI file is malformed (track {number} has a stray status byte 0x{first:02X})")
        else:
            if not status:
                raise _fail(f"the MIDI file is malformed (track {number} uses running status with no status byte)")
            data1 = first
        kind, channel = status & 0xF0, status & 0x0F
        data2 = r.byte() if _DATA_LEN[kind] == 2 else 0
        if data1 > 127 or data2 > 127:
            raise _fail(f"the MIDI file is malformed (track {number} has a data byte over 127)")
        if kind == 0xC0:
            programs[channel] = data1
        elif kind == 0x90 and data2 > 0:
            sounding.setdefault((channel, data1), []).append((now, data2))
        elif kind in (0x80, 0x90):
            stack = sounding.get((channel, data1))
            if stack:
                on, vel = stack.pop(0)
                _add(track, RawNote(on, max(now, on + 1), data1, vel, channel, programs[channel]), budget)
    for (channel, pitch), stack in sorted(sounding.items()):
        for on, vel in stack:
            _add(track, RawNote(on, max(now, on + 1), pitch, vel, channel, programs[channel]), budget)
    track.end = now
    return track


def _add(track: RawTrack, note: RawNote, budget: list[int]) -> None:
    budget[1] -= 1
    if budget[1] < 0:
        raise _fail(f"the MIDI file has too many notes (over {MAX_NOTES:,})")
    track.notes.append(note)


def _meta(r: _Reader, now: int, raw: RawMidi, track: RawTrack) -> bool:
    """Read one meta event; True at end of track."""
    kind = r.byte()
    body = r.take(r.vlq())
    if kind == 0x2F:
        return True
    if kind == 0x51:
        if len(body) != 3:
            raise _fail("the MIDI file is malformed (a tempo event is not 3 bytes)")
        tempo = int.from_bytes(body, "big")
        if tempo == 0:
            raise _fail("the MIDI file sets a tempo of zero; fix the tempo in your music software")
        raw.tempos.append((now, tempo))
    elif kind == 0x58 and len(body) >= 2:
        if body[1] > 6:
            raise _fail("the MIDI file is malformed (time signature denominator out of range)")
        if body[0] == 0:
            raise _fail("the MIDI file is malformed (a time signature with zero beats)")
        raw.time_signatures.append((now, body[0], 2 ** body[1]))
    elif kind == 0x59 and len(body) >= 2:
        sf = body[0] - 256 if body[0] > 127 else body[0]
        raw.key_signatures.append((now, sf, body[1]))
    elif kind == 0x03 and not track.name:
        track.name = _text(body)[:200]
    elif kind == 0x01 and len(raw.texts) < 64:
        raw.texts.append(_text(body)[:500])
    return False


def _text(body: bytes) -> str:
    """Meta text: UTF-8 when it decodes as such (our files), else Latin-1 (the old convention)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("latin-1")
