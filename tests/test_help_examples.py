"""Every example `/help` shows runs: placeholders filled with real results, files and requests.

Members copy examples from help; one that fails ("text is given twice") teaches them the bot is
broken.  Each example is submitted through the real runtime (parser, intake, queue) in a thread
that has the results it refers to, and must be accepted — queued or answered, never refused.
"""

from __future__ import annotations

import io
import re

from PIL import Image
from support import make_jam, midi_line, origin

from bot.catalog.attach import attach, sniff_mime
from bot.catalog.help import help_text
from bot.catalog.registry import catalog

#: Example ids in help text, by what they stand for.
_ARTIFACT = re.compile(r"\b(a_\d+|a1b2c3(?:d4e5f)?)\b")
_REQUEST = re.compile(r"\br1a2b3c4d5e6\b")
_FILE = re.compile(r"(\w+):<([^>]+)>")
_REQUEST_ID = re.compile(r"request (r[0-9a-z]+)")


def _png(colour: str, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format=fmt)
    return buffer.getvalue()


def _wav() -> bytes:
    import numpy as np
    import soundfile as sf

    t = np.arange(22050) / 22050
    buffer = io.BytesIO()
    sf.write(buffer, 0.3 * np.sin(2 * np.pi * 220 * t), 22050, format="WAV")
    return buffer.getvalue()


_FILES = {"png": lambda: _png("teal"), "jpg": lambda: _png("orange", "JPEG"), "mid": midi_line, "wav": _wav,
          # an M4A's bytes are only sniffed and stored at intake; the generator's own tests decode real ones
          "m4a": lambda: b"\0\0\0\x20ftypM4A \0\0\0\0M4A mp42isom" + b"\0" * 64}


def _examples() -> list[tuple[str, str]]:
    """Every example; those that change the server's settings last, so they don't limit the others."""
    pairs = [(c.name, e) for c in catalog().canonical() for e in c.examples]
    return sorted(pairs, key=lambda p: p[0] == "settings")


def test_help_shows_examples_for_every_command_that_has_options():
    for command in catalog().canonical():
        if command.options:
            assert command.examples, f"/{command.name} has options but no example in /help"
        assert all(e in help_text(command.name) for e in command.examples)


async def test_every_help_example_is_accepted(tmp_path):
    jam, outbound = make_jam(tmp_path, rate_limit=500, rate_limit_ceiling=500, member_in_flight=50)
    await jam.start()
    try:
        ann = lambda thread, n: origin("ann", f"{thread}-{n}", thread=thread, moderator=True)  # noqa: E731
        # results the examples refer to: two grids in the picture thread, two sketches in the music thread
        made = []
        for thread, text in (("pics", "/sketch koi seed:1"), ("pics", "/sketch fox seed:2"),
                             ("tunes", "/melody seed:1"), ("tunes", '/melody seed:2 key:"F major"')):
            reply = await jam.submit_text(text, ann(thread, len(made)))
            assert reply.ok, reply.text
            made.append(reply.job_id)
        done = await outbound.wait_for(4, timeout=240)
        by_job = {d.job_id: d.artifact.id for d in done if d.artifact}
        grids = [by_job[j] for j in made[:2]]
        tunes = [by_job[j] for j in made[2:]]
        # consent requests for /approve and /decline: bob asks before others build on his work
        bob = lambda n: origin("bob", f"bob-{n}", thread="pics")  # noqa: E731
        assert (await jam.submit_text("/consent remix:ask", bob(0))).ok
        own = await jam.submit_text("/sketch owl seed:3", bob(1))
        await outbound.wait_for(5, timeout=240)
        owl = next(d.artifact.id for d, _ in outbound.deliveries if d.job_id == own.job_id and d.artifact)
        pending = []
        for n in range(2):
            reply = await jam.submit_text(f"/vary to:{owl} pick:{n + 1}", origin("cy", f"cy-ask-{n}", thread="pics"))
            found = _REQUEST_ID.search(reply.text)
            assert found, reply.text
            pending.append(found.group(1))

        failures = []
        for n, (name, example) in enumerate(_examples()):
            command = catalog().get(name)
            thread = "tunes" if command.group == "music" else "pics"
            text = example
            ids = iter(tunes if command.group == "music" else grids)
            text = _ARTIFACT.sub(lambda _m, ids=ids: next(ids), text)
            who = ann(thread, f"ex{n}")
            if _REQUEST.search(text):
                text = _REQUEST.sub(pending.pop(0), text)
                who = bob(f"ex{n}")
            files = []
            for slot, placeholder in _FILE.findall(text):
                ext = placeholder.rsplit(".", 1)[-1]
                data = _FILES[ext]()
                files.append(jam.save_upload(placeholder, sniff_mime(placeholder, data), data))
                text = text.replace(f"{slot}:<{placeholder}>", "")
            text, uploads = attach(text, files)
            reply = await jam.submit_text(text, who, uploads)
            if name == "cancel" and "no waiting job" in reply.text:
                continue  # ran, and answered: everything of ann's was already running
            if not reply.ok:
                failures.append(f"{example!r} -> {reply.text}")
        assert not failures, "\n".join(failures)
    finally:
        await jam.stop()
