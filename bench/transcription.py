"""Transcription accuracy, speed and memory of /listen (issue 16); figures go to docs/recordings.md.

Accuracy: held-out tunes (``generators/music/model/heldout.txt`` when present, else the same hash
rule ``generators.music.heldout.is_heldout`` applied to music21's Essen collection, in file order)
rendered by our built-in synthesiser as piano, flute and choir, piano with chords (our /harmonize
chords under the tune), and synthetic hums (QUALITY.md).  Scored with
``mir_eval.transcription.precision_recall_f1_overlap`` (onset 50 ms, 50 cents, offsets ignored)
against the notes that were rendered.

Speed: a 30 s recording through decode → network → notes on one thread; the whole /listen
generator (upload → MIDI + OGG preview + piano roll); peak RSS of a fresh process doing one job.

    nice -n 10 python bench/transcription.py --tunes 24
"""

from __future__ import annotations

import argparse
import io
import itertools
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import mir_eval
import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generators.audio import backends
from generators.audio.sequence import SAMPLE_RATE
from generators.base import InputFile
from generators.listen import _decode, _pipeline
from generators.listen._synthetic import hum
from generators.music import develop
from generators.music.corpus_extract import UNIT, Tune, _parse_selected, source_files
from generators.music.heldout import heldout_ids, is_heldout
from generators.music.package import to_sequence
from generators.music.score import PPQ, Note, Part, Score
from generators.music.theory import Key, note_name

TIMBRES = {"piano": (0, "piano"), "flute": (73, "flute"), "choir": (52, "choir")}
MAX_NOTES = 48  # the first phrases of each tune keep the run short
MAX_SECONDS = 20


def heldout_tunes(count: int) -> tuple[list[Tune], str]:
    listed = set(heldout_ids())
    keep = (lambda i: i in listed) if listed else is_heldout
    where = "generators/music/model/heldout.txt" if listed else "is_heldout() over Essen (heldout.txt not yet there)"
    tunes: list[Tune] = []
    for path in source_files("essenFolksong"):
        if path.name in {"test0.abc", "test1.abc", "testd.abc", "teste.abc", "variant0.abc"}:
            continue
        tunes += [t for t in _parse_selected(path, "essenFolksong", keep) if len(t.pitch) >= 12]
        if len(tunes) >= count:
            break
    return tunes[:count], where


def score_of(tune: Tune, tempo: int, program: int, instrument: str) -> Score:
    # tunes written in half notes (4/2, 3/1) are played as if written in quarters
    scale = PPQ // UNIT // (2 if float(np.median(tune.dur)) >= 2 * UNIT else 1)
    limit = MAX_SECONDS * tempo / 60 * PPQ
    notes = [Note(int(o) * scale, int(d) * scale, int(p), 90)
             for o, d, p in zip(tune.onset[:MAX_NOTES], tune.dur[:MAX_NOTES], tune.pitch[:MAX_NOTES], strict=True)
             if (int(o) + int(d)) * scale <= limit]
    meter = tune.meter if tune.meter in ("4/4", "3/4", "6/8") else "4/4"
    bar = {"4/4": 4 * PPQ, "3/4": 3 * PPQ, "6/8": 3 * PPQ}[meter]
    bars = max(1, -(-max(n.end for n in notes) // bar))
    key = Key(tune.tonic, tune.mode, note_name(tune.tonic, tune.mode))
    return Score(key, tempo, meter, min(bars, 32), [Part("melody", program, notes, 0, instrument)])


def reference(score: Score) -> tuple[np.ndarray, np.ndarray]:
    """Every pitched note that was rendered (/harmonize may add a bass line as well as chords)."""
    seq = to_sequence(score)
    rows = [(n.start, n.start + n.duration, n.pitch) for tr in seq.tracks if not tr.is_drum for n in tr.notes]
    rows.sort()
    return np.array([[a, b] for a, b, _ in rows]), np.array([440.0 * 2 ** ((p - 69) / 12) for *_, p in rows])


def evaluate(samples: np.ndarray, ref: tuple[np.ndarray, np.ndarray], kind: str) -> tuple[float, float, float]:
    samples = samples * (0.5 / (float(np.max(np.abs(samples))) or 1.0))
    heard, _ = _pipeline.read_notes(samples.astype(np.float32), kind)
    est_i = np.array([[h.start, h.end] for h in heard]).reshape(-1, 2)
    est_p = np.array([440.0 * 2 ** ((h.pitch - 69) / 12) for h in heard])
    p, r, f, _ = mir_eval.transcription.precision_recall_f1_overlap(
        ref[0], ref[1], est_i, est_p, onset_tolerance=0.05, pitch_tolerance=50.0, offset_ratio=None)
    return p, r, f


def render(score: Score) -> np.ndarray:
    audio, _ = backends.render(to_sequence(score), "builtin", None, SAMPLE_RATE)
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    return _decode.decode(_wav(mono, SAMPLE_RATE)).samples


def _wav(mono: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, mono, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def accuracy(tunes: list[Tune]) -> None:
    rows: dict[str, list[tuple[float, float, float]]] = {k: [] for k in (*TIMBRES, "piano+chords", "hum")}
    for i, tune in enumerate(tunes):
        tempo = 84 + (i * 7) % 40  # 84–123 bpm, fixed per tune
        for name, (program, instrument) in TIMBRES.items():
            score = score_of(tune, tempo, program, instrument)
            kind = "voice" if name == "choir" else "instrument"
            rows[name].append(evaluate(render(score), reference(score), kind))
        score = score_of(tune, tempo, 0, "piano")
        chorded, _ = develop.harmonize_score(score, np.random.default_rng(i))
        for part in chorded.parts:
            part.program = 0  # every harmony part on piano
        rows["piano+chords"].append(evaluate(render(chorded), reference(chorded), "instrument"))
        ref = reference(score)
        line = [(float(a), float(b - a), round(69 + 12 * np.log2(f / 440.0))) for (a, b), f in zip(*ref,
                                                                                                      strict=True)]
        rows["hum"].append(evaluate(hum(line, seed=i), ref, "voice"))
    notes = repeats = 0
    for i, tune in enumerate(tunes):
        pitches = [n.pitch for n in score_of(tune, 84 + (i * 7) % 40, 0, "piano").parts[0].notes]
        notes += len(pitches)
        repeats += sum(a == b for a, b in itertools.pairwise(pitches))
    print(f"melody notes: {notes}, of which {repeats} repeat the previous pitch (legato on choir and flute)")
    print(f"{'timbre':<14}{'tunes':>6}{'precision':>11}{'recall':>9}{'F1':>7}{'worst F1':>10}")
    for name, values in rows.items():
        p, r, f = (statistics.fmean(v[j] for v in values) for j in range(3))
        print(f"{name:<14}{len(values):>6}{p:>11.3f}{r:>9.3f}{f:>7.3f}{min(v[2] for v in values):>10.3f}")


def thirty_seconds(tunes: list[Tune]) -> bytes:
    pieces, t = [], 0.0
    out: list[np.ndarray] = []
    for i, tune in enumerate(tunes):
        score = score_of(tune, 110, 0, "piano")
        audio, _ = backends.render(to_sequence(score), "builtin", None, SAMPLE_RATE)
        out.append(audio.mean(axis=1) if audio.ndim == 2 else audio)
        t += len(out[-1]) / SAMPLE_RATE
        if t >= 30:
            break
        pieces.append(i)
    mono = np.concatenate(out)[:30 * SAMPLE_RATE]
    return _wav(mono, SAMPLE_RATE)


def speed(tunes: list[Tune], repeats: int) -> bytes:
    data = thirty_seconds(tunes)
    from generators.listen.listen import ListenGenerator

    gen = ListenGenerator()
    upload = [InputFile("take.wav", "audio/wav", data, origin="upload", slot="file")]
    gen.generate({}, upload, 1)  # warm: session and tables
    transcribe, whole = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        decoded = _decode.decode(data)
        _pipeline.read_notes(decoded.samples * np.float32(0.5 / float(np.max(np.abs(decoded.samples)))), "auto")
        transcribe.append((time.perf_counter() - t0, time.process_time() - c0))
        t0, c0 = time.perf_counter(), time.process_time()
        gen.generate({}, upload, 1)
        whole.append((time.perf_counter() - t0, time.process_time() - c0))
    print(f"load average while measuring: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    for label, runs in (("30 s WAV, decode + transcribe, one thread", transcribe),
                        ("30 s WAV, /listen upload → MIDI + OGG preview + piano roll", whole)):
        print(f"{label}: median wall {statistics.median(w for w, _ in runs):.2f} s, "
              f"CPU {statistics.median(c for _, c in runs):.2f} s "
              f"(runs wall/CPU: {', '.join(f'{w:.2f}/{c:.2f}' for w, c in runs)})")
    return data


def _one_job(data: bytes, queue: multiprocessing.Queue) -> None:
    from generators.listen.listen import ListenGenerator

    ListenGenerator().generate({}, [InputFile("take.wav", "audio/wav", data, origin="upload", slot="file")], 1)
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def rss(data: bytes) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_one_job, args=(data, queue))
    child.start()
    peak = queue.get(timeout=300)
    child.join()
    print(f"peak RSS of a fresh process running one 30 s /listen job: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunes", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    tunes, where = heldout_tunes(max(args.tunes, 8))
    print(f"held-out tunes: {len(tunes)} from {where}; first {MAX_NOTES} notes each; synth: built-in")
    if not args.skip_accuracy:
        accuracy(tunes[:args.tunes])
    data = speed(tunes, args.repeats)
    rss(data)


if __name__ == "__main__":
    main()
