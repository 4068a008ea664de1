"""ITU-R BS.1770-4 loudness and true peak, and the preview's mastering step.

K-weighting is the standard's two biquads (a high shelf for the head, a high-pass for
the low end), recomputed for any sample rate from their analogue prototypes; loudness
is gated at −70 LUFS absolute and −10 LU relative over 400 ms blocks with 75 % overlap.
True peak is read on a 4× oversampled signal.  The mastering step sets −16 LUFS, holds
the true peak under the ceiling with a look-ahead limiter, and fades the ends.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage, signal

TARGET_LUFS = -16.0
CEILING_DBTP = -1.5  # margin under the −1 dBTP promise for the lossy codec's overshoot


def k_weighting(sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Second-order sections of the BS.1770 pre-filter (shelf) and RLB high-pass at ``sr``."""
    # High shelf: +4 dB above ~1.7 kHz (derived from the standard's 48 kHz coefficients).
    gain_db, f0, q = 3.999843853973347, 1681.974450955533, 0.7071752369554196
    k = math.tan(math.pi * f0 / sr)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
             1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    # RLB high-pass at ~38 Hz.
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sr)
    a0 = 1 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    sos = np.array([shelf, highpass])
    return sos, sos


def integrated_loudness(audio: np.ndarray, sr: int) -> float:
    """Integrated loudness in LUFS of (frames,) or (frames, channels) audio; -inf for silence."""
    x = np.asarray(audio, dtype=np.float32)
    channels = (x,) if x.ndim == 1 else tuple(x[:, c] for c in range(x.shape[1]))
    sos, _ = k_weighting(sr)
    block, hop = round(0.4 * sr), round(0.1 * sr)
    frames = len(channels[0])
    if frames < block:
        return float("-inf")
    segments = (frames - block) // hop + 4
    power = np.zeros(segments)
    for ch in channels:
        weighted = signal.sosfilt(sos.astype(np.float32), np.ascontiguousarray(ch))
        squares = np.square(weighted[: segments * hop], dtype=np.float32)
        power += squares.reshape(segments, hop).sum(axis=1, dtype=np.float64)
    if block == 4 * hop:  # 400 ms blocks, 75 % overlap: four 100 ms segments each
        blocks = (power[:-3] + power[1:-2] + power[2:-1] + power[3:]) / block
    else:
        csum = np.concatenate([[0.0], np.cumsum(power)])
        blocks = (csum[4:] - csum[:-4]) / (4 * hop)
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(blocks)
    gated = blocks[lk > -70]
    if not len(gated):
        return float("-inf")
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10
    final = blocks[(lk > -70) & (lk > relative)]
    return float(-0.691 + 10 * np.log10(final.mean()))


_TAPS = 48
_PHASES = 4


def _interpolators() -> np.ndarray:
    """Windowed-sinc kernels for the 3 in-between positions of 4× oversampling (as BS.1770 annex 2)."""
    n = np.arange(-_TAPS // 2 + 1, _TAPS // 2 + 1)
    kernels = []
    for k in range(1, _PHASES):
        x = n - k / _PHASES
        kernels.append(np.sinc(x) * np.kaiser(_TAPS, 8.0))
    return np.array(kernels).T  # (taps, 3)


_KERNELS = _interpolators()


def true_peak(audio: np.ndarray, floor: float = 0.0) -> float:
    """Largest absolute value after 4× oversampling (linear, 1.0 = 0 dBFS).

    Interpolates only around samples louder than ``floor`` and half the sample peak: an
    inter-sample peak sits beside a loud sample, so quiet stretches cannot hold the maximum.
    """
    x = np.asarray(audio, dtype=np.float32)
    if not x.size:
        return 0.0
    x = x.reshape(len(x), -1)
    mag = np.abs(x[:, 0])
    for c in range(1, x.shape[1]):
        mag = np.maximum(mag, np.abs(x[:, c]))
    peak = float(mag.max())
    if peak == 0:
        return 0.0
    candidates = np.flatnonzero(mag >= max(floor, peak * 0.5))
    best = peak
    offsets = np.arange(_TAPS) - _TAPS // 2 + 1
    for chunk in np.array_split(candidates, len(candidates) // 20_000 + 1):
        if not len(chunk):
            continue
        starts = np.concatenate([chunk - 1, chunk])  # the gaps before and after each loud sample
        raw = starts[:, None] + offsets[None, :]
        inside = (raw >= 0) & (raw < len(x))  # zeros beyond the ends, as a resampler pads
        idx = np.clip(raw, 0, len(x) - 1)
        for ch in range(x.shape[1]):
            values = np.abs((x[idx, ch] * inside) @ _KERNELS.astype(np.float32))
            best = max(best, float(values.max()))
    return best


def db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else float("-inf")


def _limit(x: np.ndarray, ceiling: float, sr: int) -> np.ndarray:
    """Look-ahead peak limiter: gain follows the peaks, smoothed over ~4 ms so it never clicks.

    Works only on the stretches around peaks over the ceiling; elsewhere the gain is exactly 1.
    """
    peaks = np.maximum(np.abs(x[:, 0]), np.abs(x[:, -1]))
    over = np.flatnonzero(peaks > ceiling)
    if not len(over):
        return x
    window = max(1, int(0.004 * sr))
    kernel = np.hanning(2 * window + 3)[1:-1].astype(np.float32)
    kernel /= kernel.sum()
    reach = 2 * window + 2
    breaks = np.flatnonzero(np.diff(over) > 2 * reach) + 1
    out = x.copy()
    for run in np.split(over, breaks):
        lo, hi = max(0, run[0] - reach), min(len(x), run[-1] + reach + 1)
        need = np.minimum(1.0, ceiling / np.maximum(peaks[lo:hi], 1e-9)).astype(np.float32)
        gain = ndimage.minimum_filter1d(need, size=2 * window + 1, mode="nearest")
        gain = np.convolve(gain, kernel, mode="same")
        out[lo:hi] *= np.minimum(gain, 1.0)[:, None]
    return out


def master(audio: np.ndarray, sr: int, *, target: float = TARGET_LUFS, ceiling_db: float = CEILING_DBTP,
           fade_out: float = 0.6, fade_in: float = 0.005) -> np.ndarray:
    """Loudness-normalised, peak-limited stereo float32 with short fades; silence stays silent."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 1:
        x = np.stack([x, x], axis=1)
    ceiling = 10 ** (ceiling_db / 20)
    loud = integrated_loudness(x, sr)
    if not math.isfinite(loud):
        return x
    x = x * np.float32(10 ** ((target - loud) / 20))
    for _ in range(4):
        peak = true_peak(x, floor=ceiling * 0.7)  # only samples within 3 dB of the ceiling can cross it
        if peak <= ceiling:
            break
        # limit a little under the ceiling (inter-sample peaks ride above sample peaks), then make up the loss
        x = _limit(x, ceiling * min(0.97, ceiling / peak * 0.99), sr)
        loud = integrated_loudness(x, sr)
        x = x * np.float32(10 ** ((target - loud) / 20))
    n = len(x)
    fade = np.ones(n, dtype=np.float32)
    k_in, k_out = min(n, int(fade_in * sr)), min(n, int(fade_out * sr))
    if k_in:
        fade[:k_in] = np.linspace(0, 1, k_in, dtype=np.float32)
    if k_out:
        fade[n - k_out :] *= np.linspace(1, 0, k_out, dtype=np.float32) ** 2
    x = x * fade[:, None]
    peak = true_peak(x, floor=ceiling * 0.7)
    if peak > ceiling:
        x = x * np.float32(ceiling / peak)
    return x.astype(np.float32)
