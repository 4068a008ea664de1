"""The `jamroom` command line, run as a member would: as a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest


def jamroom(*args: str, data, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["JAMROOM_DATA"] = str(data)
    proc = subprocess.run([sys.executable, "-m", "bot.cli.main", *args], capture_output=True, text=True, env=env,
                          timeout=180)
    if check and proc.returncode != 0:
        raise AssertionError(f"jamroom {args} failed: {proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    out = tmp_path_factory.mktemp("out")
    proc = jamroom("try", '/sketch prompt:"neon koi in the rain" seed:7', "--out", str(out), "--json",
                   "--member", "ann", data=data, check=True)
    return data, out, json.loads(proc.stdout)


def test_try_makes_a_sketch_with_its_credits(made):
    _, out, result = made
    [primary] = [a for a in result["artifacts"] if a["mime"] == "image/png"][:1]
    path = primary["path"]
    assert os.path.dirname(path) == str(out)
    data = open(path, "rb").read()
    assert hashlib.sha256(data).hexdigest() == primary["sha256"]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert primary["generator"] == "image.sketch" and primary["seed"] == 7 and primary["version"]
    assert result["contributors"] == [{"member": "ann", "role": "prompted", "action": ""}]


def test_try_is_deterministic_through_the_whole_pipeline(made, tmp_path):
    _, _, first = made
    proc = jamroom("try", '/sketch prompt:"neon koi in the rain" seed:7', "--out", str(tmp_path), "--json",
                   "--member", "ann", data=tmp_path / "d2", check=True)
    again = json.loads(proc.stdout)
    assert [a["sha256"] for a in again["artifacts"]] == [a["sha256"] for a in first["artifacts"]]
    other = json.loads(jamroom("try", '/sketch prompt:"neon koi in the rain" seed:8', "--out", str(tmp_path),
                               "--json", "--member", "ann", data=tmp_path / "d2", check=True).stdout)
    assert other["artifacts"][0]["sha256"] != first["artifacts"][0]["sha256"]


@pytest.mark.parametrize(("command", "expected"), [
    ("/frobnicate", "unknown command /frobnicate"),
    ("/sketch koi mood:sad", "/sketch has no option 'mood'"),
    ("/vary pick:400", "pick must be 1–4, got 400"),
    ("/sketch " + "x" * 1001, "prompt is too long: 1,001 characters (limit 1,000)"),
    ("/sketch koi\x07", "prompt contains a control character (U+0007)"),
    ("", "empty command"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, command, expected):
    proc = jamroom("try", command, "--out", str(tmp_path), data=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_credits_and_ledger_commands(made, tmp_path):
    data, _, result = made
    record = json.loads(jamroom("credits", "--format", "json", data=data, check=True).stdout)
    assert result["artifact"] in [a["id"] for a in record["artifacts"]]
    lineage = jamroom("credits", "--artifact", result["artifact"], data=data, check=True).stdout
    assert "ann" in lineage and "image.sketch" in lineage
    csv_out = jamroom("credits", "--thread", "try", "--format", "csv", data=data, check=True).stdout
    assert csv_out.splitlines()[0] == "artifact,kind,generator,seed,member,name,role,action"
    head = jamroom("ledger", "head", data=data, check=True).stdout.strip()
    ok = jamroom("ledger", "verify", "--head", head, data=data)
    assert ok.returncode == 0 and "ledger ok" in ok.stdout


def test_ledger_verify_names_an_edited_entry(tmp_path):
    data = tmp_path / "data"
    jamroom("try", "/sketch moon over water seed:3", "--out", str(tmp_path), data=data, check=True)
    jamroom("try", "/sketch sun over hills seed:4", "--out", str(tmp_path), data=data, check=True)
    with sqlite3.connect(data / "ledger.sqlite3") as db:
        db.execute("UPDATE entries SET payload = replace(payload, 'moon', 'MOON') WHERE seq = 1")
    proc = jamroom("ledger", "verify", data=data)
    assert proc.returncode == 1 and "entry #1 was changed" in proc.stderr


def test_worker_with_memory_backend_explains(tmp_path):
    proc = jamroom("worker", data=tmp_path, check=True)
    assert "workers run inside `jamroom serve`" in proc.stdout


def test_doctor_checks_storage_ledger_and_redis(tmp_path):
    ok = jamroom("doctor", data=tmp_path)
    assert ok.returncode == 0 and "✓ ledger (SQLite) reachable, migrated, chain intact" in ok.stdout
    assert "image.sketch" in ok.stdout and "music.melody" in ok.stdout
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(JAMROOM_DATA=str(tmp_path), REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    bad = subprocess.run([sys.executable, "-m", "bot.cli.main", "doctor"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert bad.returncode == 1 and "✗ Redis unreachable at redis://127.0.0.1:1/0" in bad.stdout


@pytest.mark.parametrize("sub", [[], ["try"], ["serve"], ["worker"], ["credits"], ["ledger"], ["ledger", "verify"],
                                 ["ledger", "head"], ["ledger", "export"], ["doctor"], ["jobs"], ["jobs", "stats"],
                                 ["discord-sync"], ["slack-manifest"]])
def test_every_command_has_help(tmp_path, sub):
    proc = jamroom(*sub, "--help", data=tmp_path)
    assert proc.returncode == 0 and "usage: jamroom" in proc.stdout


def test_serve_answers_healthz_and_stops_cleanly(tmp_path):
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(JAMROOM_DATA=str(tmp_path), JAMROOM_CONCURRENCY="1")
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = json.loads(resp.read())
            except OSError:
                time.sleep(0.2)
        assert body is not None and body["ok"] is True and body["queue"] == "memory"
        assert (tmp_path / "ledger.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        stdout, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert f"http://127.0.0.1:{port}" in stdout
