"""How a result looks, decided once for every platform: the message view and the progress rule.

A :class:`MessageView` is built from a core :class:`Delivery`: its lines (summary, label,
credits), whose work it builds on, the artifact id and permalink, the alt text, and the
follow-up buttons in the catalog's rows.  Adapters only translate it (Block Kit, Discord
components, studio frames); they never decide what a result says or how buttons group.

:class:`Progress` orders a job's states once: a state never replaces a later one
("queued · position 2" arriving after "working…" is dropped), and a finished job's line
stays finished.  :class:`ProgressTracker` applies that rule per job for an adapter.
"""

from __future__ import annotations

import enum
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.catalog.spec import FollowUp
from bot.models import Artifact, Button, Delivery


class Progress(enum.StrEnum):
    """A job's visible states, in the only order they may appear."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def final(self) -> bool:
        return self.rank == _RANK[Progress.DONE]

    def may_follow(self, shown: Progress | None) -> bool:
        """True when this state may replace ``shown``: later states, or a fresh text of the same
        unfinished state (a new queue position); never anything after a final state."""
        if shown is None:
            return True
        if shown.final:
            return False
        return self.rank >= shown.rank

    @property
    def text(self) -> str:
        """The words shown for the state when the core gives none of its own."""
        return _TEXT[self]

    @classmethod
    def of(cls, state: str) -> Progress:
        try:
            return cls(state)
        except ValueError:
            return cls.RUNNING


_RANK = {Progress.QUEUED: 0, Progress.RUNNING: 1, Progress.DONE: 2, Progress.FAILED: 2, Progress.CANCELLED: 2}
_TEXT = {Progress.QUEUED: "queued", Progress.RUNNING: "working…", Progress.DONE: "done ✓",
         Progress.FAILED: "failed", Progress.CANCELLED: "cancelled"}


class ProgressTracker:
    """The last state shown per job (bounded), so out-of-order updates never move a line backwards."""

    def __init__(self, remembered: int = 10_000) -> None:
        self._shown: OrderedDict[str, Progress] = OrderedDict()
        self._remembered = remembered

    def advance(self, job_id: str, state: Progress | str) -> bool:
        """Record ``state`` for the job and return True if it may be shown now."""
        new = state if isinstance(state, Progress) else Progress.of(state)
        if not new.may_follow(self._shown.get(job_id)):
            return False
        self._shown[job_id] = new
        self._shown.move_to_end(job_id)
        while len(self._shown) > self._remembered:
            self._shown.popitem(last=False)
        return True

    def shown(self, job_id: str) -> Progress | None:
        return self._shown.get(job_id)


def buttons_for(artifact: Artifact, follow_ups: Sequence[FollowUp]) -> list[Button]:
    """The catalog's follow-ups for an artifact as buttons that run on it (worker and studio history)."""
    return [Button(fu.label, fu.command, {"to": artifact.id, **fu.args}, fu.row, fu.description)
            for fu in follow_ups]


def permalink(public_url: str | None, artifact_id: str) -> str | None:
    """The studio page of an artifact, when the server has a public URL."""
    return f"{public_url.rstrip('/')}/a/{artifact_id}" if public_url else None


def alt_text(artifact: Artifact | None) -> str:
    """The generator's one-sentence description (``facts["alt"]``), else its summary or kind."""
    if artifact is None:
        return ""
    alt = artifact.facts.get("alt") if isinstance(artifact.facts, dict) else None
    return str(alt).strip() if alt else (artifact.summary or artifact.kind)


def member_ids(member_keys: Sequence[str], platform: str, workspace: str) -> list[str]:
    """Platform user ids from member keys (``discord:<guild>:<user>``) of this workspace."""
    prefix = f"{platform}:{workspace}:"
    return [k[len(prefix):] for k in member_keys if k.startswith(prefix)]


def built_on_line(mentions: Sequence[str]) -> str:
    """"builds on work by <@1>, <@2>": the mentions are already in the platform's syntax."""
    return "builds on work by " + ", ".join(mentions) if mentions else ""


def button_rows(buttons: Sequence[Button], width: int, max_rows: int | None = None) -> list[list[Button]]:
    """Buttons in the catalog's row order, at most ``width`` per row (Discord 5, Slack 5 for phones)."""
    rows: dict[int, list[Button]] = {}
    for b in buttons:
        rows.setdefault(b.row, []).append(b)
    out: list[list[Button]] = []
    for _, group in sorted(rows.items()):
        out.extend(list(group[i:i + width]) for i in range(0, len(group), width))
    return out[:max_rows] if max_rows is not None else out


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: ``jam:<command>:<artifact>:<pick>[:<k>=<v>,…]`` — the one encoding of a button as a platform id.
CUSTOM_ID = r"jam:(?P<command>\w+):(?P<to>\w*):(?P<pick>\d*)(?::(?P<extra>[\w=,.-]*))?"


def parse_custom_id(value: str) -> tuple[str, dict[str, Any]] | None:
    """The command and its options from :attr:`Button.custom_id`; None if it is not ours."""
    m = re.fullmatch(CUSTOM_ID, value)
    if m is None:
        return None
    return m["command"], args_from(m["to"], m["pick"], m["extra"])


def args_from(to: str, pick: str, extra: str | None) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if to:
        args["to"] = to
    if pick:
        args["pick"] = int(pick)
    for part in (extra or "").split(","):
        key, sep, val = part.partition("=")
        if sep and key:
            args[key] = val
    return args


@dataclass(frozen=True)
class MessageView:
    """A delivery as every platform shows it; adapters add only their syntax."""

    title: str
    lines: list[str] = field(default_factory=list)
    #: Member keys whose work this builds on (adapters write the mentions).
    built_on: list[str] = field(default_factory=list)
    artifact_id: str | None = None
    permalink: str | None = None
    alt: str = ""
    buttons: list[Button] = field(default_factory=list)
    error: str | None = None
    #: A notice for other members (a consent request), not a result or a failure.
    notice: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    def rows(self, width: int, max_rows: int | None = None) -> list[list[Button]]:
        return button_rows(self.buttons, width, max_rows)

    def file_title(self, name: str, primary: bool) -> str:
        """A file's title where the platform shows one: the alt text for the primary file."""
        return clip(self.alt, 250) if primary and self.alt else name


def view_of(delivery: Delivery, public_url: str | None = None) -> MessageView:
    """The one place that decides what a result, failure or notice says."""
    art = delivery.artifact
    if not delivery.ok:
        return MessageView(title=delivery.error or delivery.text, error=delivery.error or delivery.text)
    lines = [line for line in (delivery.label, delivery.credits_line) if line]
    return MessageView(
        title=delivery.text, lines=lines, built_on=list(delivery.notify),
        artifact_id=art.id if art else None, permalink=permalink(public_url, art.id) if art else None,
        alt=alt_text(art), buttons=list(delivery.buttons), notice=art is None,
    )
