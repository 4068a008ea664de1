"""The CLI as members meet it: a quick --help, files from the shell, JSON errors, safe Markdown credits."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import midi_line
from test_cli import jamroom

from bot.cli.main import COMMANDS, build_parser


def test_top_level_help_imports_none_of_the_heavy_parts():
    """`jamroom --help` must not pay for SQLAlchemy, aiohttp or the generators (that cost 1.3–5.8 s)."""
    code = ("import sys; from bot.cli.main import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('sqlalchemy', 'aiohttp', 'numpy', 'generators', 'bot.runtime') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert "try" in out and "ledger" in out and "doctor" in out
    assert "HEAVY []" in out


def test_every_listed_command_is_declared_by_its_module():
    parser = build_parser(None)
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in COMMANDS:
        real = sub.choices[name]
        assert real.add_help, f"{name} is only a stub"  # its module declared it for real


def test_try_takes_a_file_from_the_shell(tmp_path):
    (tmp_path / "riff.mid").write_bytes(midi_line())
    proc = jamroom("try", "/riff action:harmonize seed:3", "--file", str(tmp_path / "riff.mid"), "--out",
                   str(tmp_path / "out"), "--json", "--member", "ann", data=tmp_path / "d", check=True)
    result = json.loads(proc.stdout)
    assert result["kind"] == "music"
    assert {"ann"} == {c["member"] for c in result["contributors"]}
    assert any(c["role"] == "uploaded" for c in result["contributors"])
    mids = [a["path"] for a in result["artifacts"] if a["mime"] == "audio/midi"]
    assert mids and os.path.getsize(mids[0]) > 0


@pytest.mark.parametrize(("args", "message"), [
    (["/riff", "--file", "/no/such/file.mid"], "no such file: /no/such/file.mid"),
    (["/sketch koi --chaos 40"], "--chaos isn't a flag Jamroom takes"),
    (["/melody", "--file", "__PNG__"], "/melody takes no file"),
])
def test_try_errors_are_json_with_json(tmp_path, args, message):
    png = tmp_path / "p.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    args = [str(png) if a == "__PNG__" else a for a in args]
    proc = jamroom("try", *args, "--json", data=tmp_path / "d")
    assert proc.returncode == 2
    error = json.loads(proc.stdout)
    assert error["ok"] is False and message in error["error"]


def test_a_picture_given_to_riff_gets_a_plain_refusal(tmp_path):
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    proc = jamroom("try", "/riff", "--file", str(png), data=tmp_path / "d")
    assert proc.returncode == 2
    assert "that's a picture; /riff takes a .mid file" in proc.stderr


def test_markdown_credits_escape_names_and_say_which_thread(tmp_path):
    data = tmp_path / "d"
    hostile = "<b onmouseover=alert(1)>eve</b>"
    jamroom("try", "/melody seed:4", "--member", hostile, "--thread", "jam1", "--out", str(tmp_path / "o"),
            data=data, check=True)
    md = jamroom("credits", "--format", "md", data=data, check=True).stdout
    assert "<b" not in md and "&lt;b onmouseover=alert\\(1\\)&gt;eve&lt;/b&gt;" in md
    assert "Credits for thread cli:local:cli:jam1" in md


def test_doctor_names_the_server_it_checked(tmp_path):
    proc = jamroom("doctor", "--url", "http://127.0.0.1:9", data=tmp_path / "d")
    assert "http://127.0.0.1:9" in proc.stdout
