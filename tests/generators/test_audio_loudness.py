"""BS.1770 loudness and true peak, checked against pyloudnorm and scipy's polyphase resampler."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
from scipy import signal

from generators.audio.loudness import integrated_loudness, master, true_peak

SR = 44_100


def _reference_true_peak(x: np.ndarray) -> float:
    return float(np.max(np.abs(signal.resample_poly(x, 4, 1, axis=0))))


def _signals() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    t = np.arange(5 * SR) / SR
    sine = 0.1 * np.sin(2 * np.pi * 1000 * t)
    low = 0.3 * np.sin(2 * np.pi * 60 * t)
    noise = 0.05 * rng.standard_normal((len(t), 2))
    bursts = noise * (np.sin(2 * np.pi * 0.5 * t) > 0)[:, None]
    clicks = np.zeros((len(t), 2))
    clicks[:: SR // 4] = 0.9
    return {
        "sine": np.stack([sine, sine], axis=1),
        "low sine": np.stack([low, 0.5 * low], axis=1),
        "noise": noise,
        "bursts with gaps": bursts,
        "clicks on noise": clicks + 0.01 * rng.standard_normal((len(t), 2)),
    }


@pytest.mark.parametrize("name", sorted(_signals()))
def test_loudness_matches_pyloudnorm(name):
    x = _signals()[name]
    ours = integrated_loudness(x, SR)
    theirs = pyloudnorm.Meter(SR).integrated_loudness(x)
    assert abs(ours - theirs) < 0.15, (ours, theirs)


def test_loudness_at_48k_and_of_silence():
    t = np.arange(3 * 48_000) / 48_000
    x = 0.2 * np.sin(2 * np.pi * 440 * t)
    assert abs(integrated_loudness(x, 48_000) - pyloudnorm.Meter(48_000).integrated_loudness(x)) < 0.15
    assert integrated_loudness(np.zeros((SR, 2)), SR) == float("-inf")


def test_true_peak_sees_inter_sample_peaks():
    n = np.arange(SR)
    x = np.sin(2 * np.pi * n / 4 + np.pi / 4)  # samples at ±0.707, the waveform reaches 1.0 between them
    assert np.max(np.abs(x)) == pytest.approx(0.7071, abs=1e-3)
    assert true_peak(np.stack([x, x], axis=1)) == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize("name", sorted(_signals()))
def test_true_peak_agrees_with_resample_poly_and_never_reads_lower(name):
    x = _signals()[name]
    difference = 20 * np.log10(true_peak(x) / _reference_true_peak(x))
    assert -0.05 <= difference <= 0.5  # a full-band interpolator reads noise a little higher: the safe side


@pytest.mark.parametrize("name", sorted(_signals()))
def test_master_hits_target_and_ceiling(name):
    x = _signals()[name] * 3.0
    out = master(x, SR)
    assert out.dtype == np.float32 and out.shape == x.shape
    assert -17.0 <= pyloudnorm.Meter(SR).integrated_loudness(out.astype(np.float64)) <= -15.0
    assert 20 * np.log10(_reference_true_peak(out)) <= -1.0
    assert np.all(out[-10:] == pytest.approx(0.0, abs=1e-4))
    assert abs(out[0]).max() < 1e-3


def test_master_leaves_silence_silent():
    out = master(np.zeros((SR, 2), dtype=np.float32), SR)
    assert np.all(out == 0) and np.all(np.isfinite(out))
