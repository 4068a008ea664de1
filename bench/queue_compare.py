"""Jamroom's Redis queue beside arq, saq and taskiq-redis: same Redis, same run, same no-op jobs.

    python bench/queue_compare.py [--jobs 5000] [--latency 500] [--db 15] [--only jamroom,arq,saq,taskiq]
                                  [--rounds 5]

With ``--rounds N`` the libraries run N times, interleaved (the order rotates each round, so no
library always runs first or last on a busy machine); every run is printed, then the medians.

Benchmark only, never in CI.  The three libraries pin clashing redis-py versions (arq < 6, saq's
extra < 8, taskiq-redis >= 8), so each gets its own virtual environment under --cache (made with
`python -m venv` + pip on first use, reused afterwards) and runs its runner from
bench/queue_compare_runners/ as a subprocess.  Jamroom runs bench/queue_bench.py with this
interpreter.  All use REDIS_URL (default redis://127.0.0.1:6379) with the database number --db,
which is FLUSHED before each library.  Figures per library: end-to-end no-op jobs/s with 1 and 2
worker processes (8 concurrent jobs each, 16 enqueuing tasks in one process, enqueue and drain at
once) and enqueue→start p50/p99 on an idle worker.  Settings from docs: arq poll_delay=0.05, saq
retries=2, taskiq-redis RedisStreamBroker.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
RUNNERS = HERE / "queue_compare_runners"
LIBRARIES: dict[str, tuple[list[str], list[str]]] = {  # name -> (pip requirements, distributions shown)
    "arq": (["arq"], ["arq", "redis"]),
    "saq": (["saq[hiredis]", "typing_extensions"], ["saq", "redis"]),  # saq 0.26 imports it, undeclared
    "taskiq": (["taskiq", "taskiq-redis"], ["taskiq", "taskiq-redis", "redis"]),
}


def with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def run(cmd: list[str], timeout: float, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Every child is bounded: on timeout its whole process group (runner and its workers) is killed."""
    proc = subprocess.Popen(cmd, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def ensure_venv(cache: Path, name: str, timeout: float) -> Path:
    reqs, _ = LIBRARIES[name]
    venv, marker = cache / name, cache / name / ".jamroom-bench"
    python = venv / "bin" / "python"
    if marker.exists() and marker.read_text() == " ".join(reqs) and python.exists():
        return python
    print(f"[{name}] creating {venv} and installing {' '.join(reqs)} …", file=sys.stderr, flush=True)
    for cmd in ([sys.executable, "-m", "venv", str(venv)], [str(python), "-m", "pip", "install", "-q", *reqs]):
        done = run(cmd, timeout)
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    marker.write_text(" ".join(reqs))
    return python


def versions(python: Path, dists: list[str]) -> str:
    code = f"import importlib.metadata as m; print(', '.join(d + ' ' + m.version(d) for d in {dists!r}))"
    return run([str(python), "-c", code], 60).stdout.strip() or "?"


def flush(url: str) -> None:
    import redis  # Jamroom's own dependency, in this interpreter

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def competitor(name: str, python: Path, url: str, args: argparse.Namespace) -> dict[str, object]:
    cmd = [str(python), str(RUNNERS / f"{name}_runner.py"), "--redis", url, "--jobs", str(args.jobs),
           "--latency", str(args.latency), "--timeout", str(args.timeout / 3)]
    done = run(cmd, args.timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"{name} runner failed (rc {done.returncode}):\n{done.stderr[-2000:]}")
    result = json.loads(lines[-1])
    result["version"] = versions(python, LIBRARIES[name][1])
    return result


def jamroom(url: str, args: argparse.Namespace) -> dict[str, object]:
    flush(url)
    cmd = [sys.executable, str(HERE / "queue_bench.py"), "--redis", url, "--jobs", str(args.jobs),
           "--latency", str(args.latency), "--kills", "1"]
    done = run(cmd, args.timeout, cwd=HERE.parent)
    rates = re.findall(r"end to end ([\d,]+) jobs/s", done.stdout)
    lat = re.search(r"p50=([\d.]+) ms p99=([\d.]+) ms", done.stdout)
    if done.returncode or len(rates) != 2 or lat is None:
        raise RuntimeError(f"queue_bench.py failed (rc {done.returncode}):\n{done.stdout[-1500:]}{done.stderr[-2000:]}")
    flush(url)
    import redis

    return {"library": "jamroom", "version": f"RedisQueue, redis {redis.__version__}", "jobs": args.jobs,
            "jobs_s": {"1": float(rates[0].replace(",", "")), "2": float(rates[1].replace(",", ""))},
            "p50_ms": float(lat.group(1)), "p99_ms": float(lat.group(2))}


def table(rows: list[dict[str, object]]) -> str:
    out = ["| library | version | jobs | jobs/s, 1 worker | jobs/s, 2 workers | enqueue→start p50 / p99 |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        rates = r["jobs_s"]
        assert isinstance(rates, dict)
        out.append(f"| {r['library']} | {r['version']} | {r['jobs']} | {rates['1']:,.0f} | {rates['2']:,.0f} "
                   f"| {r['p50_ms']:.2f} / {r['p99_ms']:.2f} ms |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--db", type=int, default=15, help="dedicated database number: FLUSHED before each library")
    parser.add_argument("--jobs", type=int, default=5000, help="no-op jobs per throughput run")
    parser.add_argument("--latency", type=int, default=500, help="jobs sent one at a time for enqueue→start")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/jamroom-bench-venvs"), help="where the venvs live")
    parser.add_argument("--only", default="jamroom,arq,saq,taskiq", help="comma-separated subset, in this order")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for each subprocess")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved runs (order rotates); medians printed")
    args = parser.parse_args()
    url = with_db(args.redis, args.db)
    names = args.only.split(",")
    runs: list[list[dict[str, object]]] = []
    for round_no in range(args.rounds):
        order = names[round_no % len(names):] + names[:round_no % len(names)]
        rows = one_round(order, url, args)
        runs.append(rows)
        print(f"run {round_no + 1} of {args.rounds} (order {', '.join(order)}): {args.jobs} no-op jobs, "
              f"Redis {url}, Python {sys.version.split()[0]}", flush=True)
        print(table(sorted(rows, key=lambda r: names.index(str(r["library"])))), flush=True)
    if args.rounds > 1:
        print(f"\nmedians of {args.rounds} runs")
        print(median_table(runs, names))


def one_round(order: list[str], url: str, args: argparse.Namespace) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name in order:
        t0 = time.perf_counter()
        try:
            if name == "jamroom":
                rows.append(jamroom(url, args))
            else:
                flush(url)
                rows.append(competitor(name, ensure_venv(args.cache, name, args.timeout), url, args))
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"[{name}] skipped: {exc}", file=sys.stderr, flush=True)
            continue
        print(f"[{name}] done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    flush(url)
    return rows


def median_table(runs: list[list[dict[str, object]]], names: list[str]) -> str:
    """Per library: median jobs/s with 1 and 2 workers, and how many runs it led (highest of all)."""
    out = ["| library | runs | median jobs/s, 1 worker | median jobs/s, 2 workers | runs led (1 / 2 workers) |",
           "|---|---|---|---|---|"]
    led = {name: [0, 0] for name in names}
    for rows in runs:
        for k, workers in enumerate(("1", "2")):
            if rows:
                best = max(rows, key=lambda r: r["jobs_s"][workers])  # type: ignore[index]
                led[str(best["library"])][k] += 1
    for name in names:
        mine = [r for rows in runs for r in rows if r["library"] == name]
        if not mine:
            continue
        one = statistics.median(r["jobs_s"]["1"] for r in mine)  # type: ignore[index]
        two = statistics.median(r["jobs_s"]["2"] for r in mine)  # type: ignore[index]
        out.append(f"| {name} | {len(mine)} | {one:,.0f} | {two:,.0f} | {led[name][0]} / {led[name][1]} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
