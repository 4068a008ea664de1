"""The built-in numpy synthesiser: always available, deterministic, quick.

Wavetable voices with envelopes (see :mod:`generators.audio.timbres`), synthesised drums
(:mod:`generators.audio.drumkit`), constant-power panning and a small convolution room,
so a sketch sounds like a band in a room rather than test tones.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from generators.audio.drumkit import DRUM_LEVEL, DRUM_PAN, drum_sound
from generators.audio.sequence import SAMPLE_RATE, Sequence
from generators.audio.timbres import Voice, voice_for_program

TABLE = 2048
MAX_NOTE_S = 8.0
TAIL_S = 1.2
REVERB_SEND = 0.16
DRUM_GAIN = 1.9  # the kit sits level with the band, as in a GM sound font


@lru_cache(maxsize=2048)
def _tables(voice: Voice, pitch: int, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Band-limited bright and dark single-cycle tables for ``pitch`` (partials stop below Nyquist)."""
    f = 440.0 * 2 ** ((pitch - 69) / 12)
    phase = np.arange(TABLE) / TABLE * 2 * np.pi
    out = []
    for spectrum in (voice.bright, voice.dark):
        table = np.zeros(TABLE)
        for k, amp in enumerate(spectrum, start=1):
            if amp and k * f < 0.42 * sr:
                table += amp * np.sin(k * phase)
        peak = float(np.max(np.abs(table))) or 1.0
        out.append((table / peak).astype(np.float32))
    return out[0], out[1]


@lru_cache(maxsize=4)
def _breath(sr: int) -> np.ndarray:
    noise = np.random.default_rng(7).standard_normal(int(MAX_NOTE_S * sr) + sr)
    sos = signal.butter(2, [min(1500, 0.2 * sr), min(6000, 0.45 * sr)], btype="bandpass", fs=sr, output="sos")
    return signal.sosfilt(sos, noise).astype(np.float32)


def _oscillator(table: np.ndarray, freq: float, t: np.ndarray, vibrato: float, sr: int) -> np.ndarray:
    if vibrato:
        ramp = np.minimum(t / 0.35, 1.0)
        inst = freq * 2 ** (vibrato * ramp * np.sin(2 * np.pi * 5.2 * t) / 12)
        phase = np.cumsum(inst) / sr
    else:
        phase = freq * t
    idx = ((phase - np.floor(phase)) * TABLE).astype(np.int32) & (TABLE - 1)
    return table[idx]


def render_note(voice: Voice, pitch: int, seconds: float, sr: int = SAMPLE_RATE) -> np.ndarray:
    """One note at full velocity, including its release tail."""
    hold = max(1, int(min(seconds, MAX_NOTE_S) * sr))
    release = max(1, int(voice.release * sr))
    n = hold + release
    t = np.arange(n, dtype=np.float64) / sr
    freq = 440.0 * 2 ** ((pitch - 69) / 12)
    bright, dark = _tables(voice, pitch, sr)
    if voice.detune:
        ratio = 2 ** (voice.detune / 1200)
        b = 0.5 * (_oscillator(bright, freq * ratio, t, voice.vibrato, sr)
                   + _oscillator(bright, freq / ratio, t, voice.vibrato, sr))
        d = 0.5 * (_oscillator(dark, freq * ratio, t, voice.vibrato, sr)
                   + _oscillator(dark, freq / ratio, t, voice.vibrato, sr))
    else:
        b = _oscillator(bright, freq, t, voice.vibrato, sr)
        d = _oscillator(dark, freq, t, voice.vibrato, sr)
    if voice.brightness_decay > 0:
        w = np.exp(-t * voice.brightness_decay)
    elif voice.brightness_decay < 0:
        w = 1.0 - np.exp(t * voice.brightness_decay)
    else:
        w = np.full(n, 0.5)
    tone = d + w * (b - d)
    env = np.minimum(t / max(voice.attack, 1e-4), 1.0)
    if voice.decay:
        rate = voice.decay * (1 + voice.pitch_decay_scale * max(0.0, (pitch - 60) / 12))
        env = env * (voice.sustain + (1 - voice.sustain) * np.exp(-t * rate))
    tail = np.ones(n)
    tail[hold:] = np.linspace(1.0, 0.0, n - hold) ** 2
    env = env * tail
    if voice.tremolo:
        env = env * (1 - voice.tremolo * (0.5 + 0.5 * np.sin(2 * np.pi * 5.5 * t)))
    out = tone * env
    if voice.noise:
        out = out + voice.noise * 8 * _breath(sr)[:n] * env
    return (out * voice.gain).astype(np.float32)


@lru_cache(maxsize=4)
def _room(sr: int) -> np.ndarray:
    """A stereo impulse response: sparse early reflections and a darkening exponential tail."""
    rng = np.random.default_rng(11)
    n = int(1.3 * sr)
    t = np.arange(n) / sr
    ir = np.zeros((n, 2))
    for ch in range(2):
        tail = rng.standard_normal(n) * np.exp(-t * 5.0) * np.minimum(t / 0.02, 1.0)
        sos = signal.butter(1, min(5000, 0.45 * sr), btype="lowpass", fs=sr, output="sos")
        ir[:, ch] = signal.sosfilt(sos, tail)
        for delay, gain in ((0.011, 0.5), (0.019, 0.35), (0.027, 0.3), (0.041, 0.2)):
            ir[int((delay + 0.003 * ch) * sr), ch] += gain
    ir /= np.sqrt(np.sum(ir**2, axis=0, keepdims=True))
    return ir.astype(np.float32)


def _pan_gains(pan: float) -> tuple[float, float]:
    angle = (max(-1.0, min(1.0, pan)) + 1) * np.pi / 4
    return float(np.cos(angle)), float(np.sin(angle))


def render(seq: Sequence, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Stereo float32 (frames, 2) of the whole sequence plus a short tail; not yet loudness-normalised."""
    frames = int((seq.duration + TAIL_S) * sr)
    dry = np.zeros((frames, 2), dtype=np.float32)
    send = np.zeros((frames, 2), dtype=np.float32)
    for track in seq.tracks:
        if track.is_drum:
            _drums(track, dry, send, sr)
            continue
        voice = voice_for_program(track.program)
        mono = np.zeros(frames, dtype=np.float32)
        cache: dict[tuple[int, int], np.ndarray] = {}
        for note in track.notes:
            start = int(note.start * sr)
            if start >= frames:
                continue
            key = (note.pitch, int(note.duration * 200))
            if key not in cache:
                cache[key] = render_note(voice, note.pitch, key[1] / 200, sr)
            wave = cache[key]
            end = min(frames, start + len(wave))
            mono[start:end] += wave[: end - start] * ((note.velocity / 127) ** 1.6)
        left, right = _pan_gains(track.pan)
        mono *= track.gain
        dry[:, 0] += mono * left
        dry[:, 1] += mono * right
        send[:, 0] += mono * left * REVERB_SEND
        send[:, 1] += mono * right * REVERB_SEND
    if send.any():
        _reverb(send.sum(axis=1), dry, sr)
    return dry


def _reverb(send: np.ndarray, out: np.ndarray, sr: int) -> None:
    """Add the room to ``out``; convolved at half rate (the room is dark anyway), then interpolated back."""
    half = send[: len(send) // 2 * 2].reshape(-1, 2).mean(axis=1)
    room = _room(sr // 2)
    n = len(half)
    for ch in range(2):
        wet = signal.oaconvolve(half, room[:, ch])[:n].astype(np.float32)
        full = np.empty(2 * n, dtype=np.float32)
        full[0::2] = wet
        full[1::2] = 0.5 * (wet + np.concatenate([wet[1:], wet[-1:]]))
        out[: 2 * n, ch] += full


def _drums(track, dry: np.ndarray, send: np.ndarray, sr: int) -> None:
    frames = len(dry)
    for note in track.notes:
        start = int(note.start * sr)
        if start >= frames:
            continue
        wave = drum_sound(note.pitch, sr)
        end = min(frames, start + len(wave))
        amp = DRUM_GAIN * ((note.velocity / 127) ** 1.4) * DRUM_LEVEL.get(note.pitch, 0.5) * track.gain
        left, right = _pan_gains(DRUM_PAN.get(note.pitch, 0.0))
        chunk = wave[: end - start] * amp
        dry[start:end, 0] += chunk * left
        dry[start:end, 1] += chunk * right
        send[start:end, 0] += chunk * left * 0.05
        send[start:end, 1] += chunk * right * 0.05
