"""Test helpers: a recording outbound, origins, a Jamroom wired with the test generators."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import support_catalog
import support_generators

from bot.catalog import domains
from bot.catalog.registry import build_catalog
from bot.models import Delivery, Origin
from bot.runtime import Jamroom
from bot.settings import Settings


def origin(member: str = "ann", event: str = "e1", *, thread: str = "t1", platform: str = "test",
           moderator: bool = False) -> Origin:
    return Origin(platform=platform, workspace="w1", channel="c1", thread=thread, member_id=member,
                  member_name=member, event_id=event, is_moderator=moderator)


@dataclass
class RecordingOutbound:
    """Keeps every progress note and delivery, and lets a test wait for N deliveries."""

    platform: str = "test"
    deliveries: list[tuple[Delivery, dict[str, bytes]]] = field(default_factory=list)
    progress_notes: list[tuple[str, str, str]] = field(default_factory=list)
    #: (job id, state, thread of the origin the note was sent to)
    progress_threads: list[tuple[str, str, str]] = field(default_factory=list)
    fail_next: int = 0
    _event: asyncio.Event = field(default_factory=asyncio.Event)

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        self.progress_notes.append((job_id, state, text))
        self.progress_threads.append((job_id, state, origin.thread))

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        if self.fail_next:
            from bot.outbound import DeliveryRetry

            self.fail_next -= 1
            raise DeliveryRetry("503 from the platform")
        self.deliveries.append((delivery, files))
        self._event.set()
        return f"msg-{len(self.deliveries)}"

    async def wait_for(self, count: int, timeout: float = 30.0) -> list[Delivery]:
        async with asyncio.timeout(timeout):
            while len(self.deliveries) < count:
                self._event.clear()
                await self._event.wait()
        return [d for d, _ in self.deliveries]


def build_test_catalog():
    modules = [importlib.import_module(f"{domains.__name__}.{i.name}") for i in pkgutil.iter_modules(domains.__path__)]
    return build_catalog([*modules, support_catalog])


def settings_for(data: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data": data, "job_timeout": 20.0, "concurrency": 2, "queue": "memory",
                              "database_url": None, "redis_url": None,
                              "heartbeat": 0.5}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def make_jam(data: Path, **overrides: Any) -> tuple[Jamroom, RecordingOutbound]:
    jam = Jamroom(settings_for(data, **overrides), cat=build_test_catalog(),
                  extra_generators={cls.name: cls() for cls in support_generators.ALL})
    outbound = RecordingOutbound()
    jam.outbounds.add(outbound)
    return jam, outbound


def midi_line(notes: tuple[int, ...] = (60, 62, 64, 65, 67, 65, 64, 62)) -> bytes:
    """A one-track MIDI file of quarter notes: a member's riff for upload tests."""
    import io

    import mido

    song = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    song.tracks.append(track)
    for note in notes:
        track.append(mido.Message("note_on", note=note, velocity=80, time=0))
        track.append(mido.Message("note_off", note=note, velocity=0, time=480))
    buffer = io.BytesIO()
    song.save(file=buffer)
    return buffer.getvalue()
