"""Run Spotify's basic-pitch network (ICASSP 2022, Apache-2.0) on onnxruntime, on CPU, offline.

The ONNX file is the one inside the ``basic-pitch`` 0.4.0 wheel (sha256 checked below), shipped in
``generators/listen/model/`` with its licence and notice, so neither TensorFlow nor the
``basic_pitch`` package is ever installed or imported (``docs/recordings.md`` says why).

The network reads 2-second windows of 22,050 Hz mono audio and writes, per 11.6 ms frame and per
piano key, three posteriors: *onset* (a note starts), *frame* (a note sounds) and a finer *contour*
(3 bins per semitone).  Windows overlap by 30 frames; half the overlap is dropped from each side.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

SAMPLE_RATE = 22050
HOP = 256
FPS = SAMPLE_RATE / HOP
WINDOW = SAMPLE_RATE * 2 - HOP  # samples per network input
WINDOW_FRAMES = 172
OVERLAP_FRAMES = 30
LOWEST_PITCH = 21  # MIDI number of the first key (A0, 27.5 Hz)
KEYS = 88
MODEL_PATH = Path(__file__).with_name("model") / "nmp.onnx"
#: sha256 of nmp.onnx as recorded in basic_pitch-0.4.0.dist-info/RECORD on PyPI.
MODEL_SHA256 = "2c3c1d144bfa61ad236e92e169c13535c880469a12a047d4e73451f2c059a0ec"
MODEL_NAME = "basic-pitch"
MODEL_VERSION = "0.4.0"


@dataclass(frozen=True)
class Posteriors:
    """Frame-by-key probabilities, shape (frames, 88); frame ``i`` is centred at ``i / FPS`` seconds."""

    onset: np.ndarray
    frame: np.ndarray
    contour: np.ndarray
    #: Seconds of each frame.  Not ``i / FPS``: a window's 142 kept frames span its 36,164-sample hop,
    #: not 142 × 256 samples, so a fixed frame rate drifts by 0.5 % (90 ms after 18 s).
    times: np.ndarray


@cache
def session():  # -> onnxruntime.InferenceSession (imported lazily: the registry imports this package early)
    """One single-threaded CPU session per generator process; the file is checked before it is trusted."""
    import onnxruntime as ort

    data = MODEL_PATH.read_bytes()
    if hashlib.sha256(data).hexdigest() != MODEL_SHA256:
        raise RuntimeError(f"{MODEL_PATH} is not basic-pitch 0.4.0's nmp.onnx (sha256 differs)")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def _windows(audio: np.ndarray) -> np.ndarray:
    """The audio cut into overlapping network windows, shape (n, WINDOW, 1)."""
    overlap = OVERLAP_FRAMES * HOP
    hop = WINDOW - overlap
    padded = np.concatenate([np.zeros(overlap // 2, np.float32), audio.astype(np.float32)])
    starts = range(0, max(len(padded), 1), hop)
    out = np.zeros((len(starts), WINDOW, 1), np.float32)
    for i, s in enumerate(starts):
        piece = padded[s:s + WINDOW]
        out[i, :len(piece), 0] = piece
    return out


def _unwrap(batches: np.ndarray, n_frames: int) -> np.ndarray:
    """Stitch per-window outputs (n, 172, bins) into one (frames, bins) array of ``n_frames`` rows."""
    half = OVERLAP_FRAMES // 2
    kept = batches[:, half:WINDOW_FRAMES - half, :]
    return kept.reshape(-1, kept.shape[-1])[:n_frames]


def run(audio: np.ndarray, batch: int = 4) -> Posteriors:
    """Posteriors for ``audio`` (mono float32 at 22,050 Hz)."""
    sess = session()
    windows = _windows(audio)
    name = sess.get_inputs()[0].name
    wanted = ["StatefulPartitionedCall:2", "StatefulPartitionedCall:1", "StatefulPartitionedCall:0"]
    parts: list[list[np.ndarray]] = [[], [], []]
    for i in range(0, len(windows), batch):
        for store, out in zip(parts, sess.run(wanted, {name: windows[i:i + batch]}), strict=True):
            store.append(out)
    n_frames = int(np.ceil(len(audio) / HOP)) + 1
    onset, frame, contour = (_unwrap(np.concatenate(p), n_frames) for p in parts)
    return Posteriors(onset=onset, frame=frame, contour=contour, times=frame_times(len(windows))[:len(frame)])


def frame_times(n_windows: int) -> np.ndarray:
    """Seconds of every kept frame: window start (less the half-overlap of padding) plus the frame's hop."""
    half = OVERLAP_FRAMES // 2
    hop = WINDOW - OVERLAP_FRAMES * HOP
    local = np.arange(half, WINDOW_FRAMES - half) * HOP - OVERLAP_FRAMES * HOP // 2
    starts = np.arange(n_windows) * hop
    return ((starts[:, None] + local[None, :]).reshape(-1) / SAMPLE_RATE).astype(np.float64)
