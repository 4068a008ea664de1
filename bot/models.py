"""The core's data: who asked (Origin), what (Request), the queued work (Job), what came out
(Artifact) and what goes back to the thread (Delivery).

These are plain dataclasses that serialise to JSON, so a job can cross Redis and a
delivery can be rebuilt by a worker on another host.
"""

from __future__ import annotations

import enum
import hashlib
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict


class Role(enum.StrEnum):
    """How a member contributed (DESIGN: one enum)."""

    PROMPTED = "prompted"
    UPLOADED = "uploaded"
    BUILT_ON = "built-on"


class ReplyHandles(TypedDict, total=False):
    """How an adapter answers a request later, carried in :attr:`Origin.reply` (opaque to the core)."""

    #: Discord: the application id, the interaction token and when it was issued (it lives 15 minutes).
    app: str
    token: str
    at: float
    #: Discord: the interaction's attachment size limit, the channel it came from, its id.
    limit: int
    post_to: str
    interaction: str
    #: Discord: post results as bot messages (a thread the token cannot reach, an ephemeral defer).
    bot_post: bool
    #: Slack: the header message's ts, its icon and the command as shown.
    header: str
    icon: str
    shown: str


@dataclass(frozen=True)
class Origin:
    """Where a request came from and where its result goes back to."""

    platform: str
    workspace: str
    channel: str
    thread: str
    member_id: str
    member_name: str
    #: The platform's id for this event (interaction id, Slack trigger id...): the idempotency key.
    event_id: str
    is_moderator: bool = False
    #: Platform-specific reply handles (interaction token, Slack header...), opaque to the core.
    reply: ReplyHandles = field(default_factory=lambda: ReplyHandles())

    @property
    def thread_key(self) -> str:
        """A thread's identity across the whole product."""
        return f"{self.platform}:{self.workspace}:{self.channel}:{self.thread}"

    @property
    def member_key(self) -> str:
        """A member's identity for fairness and credits."""
        return f"{self.platform}:{self.workspace}:{self.member_id}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Origin:
        return cls(**data)


@dataclass(frozen=True)
class Contributor:
    """One member's part in an artifact."""

    member: str
    name: str
    role: Role
    action: str = ""

    def line(self) -> str:
        parts = [self.name, self.role.value]
        if self.action:
            parts.append(self.action)
        return " · ".join(parts)

    def to_dict(self) -> dict[str, str]:
        return {"member": self.member, "name": self.name, "role": self.role.value, "action": self.action}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contributor:
        return cls(data["member"], data.get("name", data["member"]), Role(data["role"]), data.get("action", ""))


@dataclass(frozen=True)
class Upload:
    """A member's file, already fetched and size-checked by the adapter."""

    name: str
    mime: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Request:
    """A validated command, ready to become a job."""

    command: str
    options: dict[str, Any]
    origin: Origin
    #: Parent artifact ids by option name ("to", "a", "b").
    parents: dict[str, str] = field(default_factory=dict)
    #: Uploads by option name ("file").
    uploads: dict[str, Upload] = field(default_factory=dict)
    #: The original command text, for logs and the studio.
    text: str = ""


class JobState(enum.StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:12]


def seed_from(text: str) -> int:
    """A stable seed from an event id, so a retried job makes the same bytes."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") & 0x7FFFFFFF


@dataclass
class Job:
    """A request on the queue: what to run, for whom, and with which seed."""

    id: str
    request: Request
    generator: str
    seed: int
    contributors: list[Contributor]
    created: float = field(default_factory=time.time)
    attempts: int = 0

    @property
    def member(self) -> str:
        return self.request.origin.member_key

    @property
    def artifact_id(self) -> str:
        """Deterministic from the job id, so a re-run records and posts the same artifact once."""
        return "a" + hashlib.sha256(self.id.encode()).hexdigest()[:11]

    def to_dict(self) -> dict[str, Any]:
        req = self.request
        return {
            "id": self.id,
            "generator": self.generator,
            "seed": self.seed,
            "created": self.created,
            "attempts": self.attempts,
            "contributors": [c.to_dict() for c in self.contributors],
            "request": {
                "command": req.command,
                "options": req.options,
                "origin": req.origin.to_dict(),
                "parents": req.parents,
                "uploads": {k: asdict(v) for k, v in req.uploads.items()},
                "text": req.text,
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        req = data["request"]
        request = Request(
            command=req["command"],
            options=req["options"],
            origin=Origin.from_dict(req["origin"]),
            parents=req.get("parents", {}),
            uploads={k: Upload(**v) for k, v in req.get("uploads", {}).items()},
            text=req.get("text", ""),
        )
        return cls(
            id=data["id"],
            request=request,
            generator=data["generator"],
            seed=data["seed"],
            contributors=[Contributor.from_dict(c) for c in data["contributors"]],
            created=data.get("created", time.time()),
            attempts=data.get("attempts", 0),
        )


@dataclass(frozen=True)
class ArtifactFile:
    name: str
    mime: str
    sha256: str
    size: int
    primary: bool = False


@dataclass(frozen=True)
class Artifact:
    """What a job made, as the ledger records it."""

    id: str
    kind: str
    thread: str
    generator: str
    version: str
    spec: dict[str, Any]
    seed: int
    parents: list[str]
    contributors: list[Contributor]
    files: list[ArtifactFile]
    facts: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    job_id: str = ""
    created: float = 0.0

    @property
    def author(self) -> Contributor | None:
        """Who asked for this artifact: the last contributor (earlier ones are carried from its parents)."""
        return self.contributors[-1] if self.contributors else None

    @property
    def primary(self) -> ArtifactFile:
        for f in self.files:
            if f.primary:
                return f
        return self.files[0]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["contributors"] = [c.to_dict() for c in self.contributors]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Artifact:
        data = dict(data)
        data["contributors"] = [Contributor.from_dict(c) for c in data["contributors"]]
        data["files"] = [ArtifactFile(**f) for f in data["files"]]
        return cls(**data)


@dataclass(frozen=True)
class Button:
    """A follow-up action as an adapter renders it: its label and the command text it runs."""

    label: str
    command: str
    args: dict[str, Any]
    row: int = 0
    #: What the button does, in words (accessible names, tooltips): the catalog's description.
    description: str = ""

    @property
    def custom_id(self) -> str:
        """A compact id that survives restarts: ``jam:<command>:<artifact>:<pick>[:<k>=<v>,…]``
        (the other args keep +Bass and +Drums apart)."""
        base = f"jam:{self.command}:{self.args.get('to', '')}:{self.args.get('pick', '') or ''}"
        extra = ",".join(f"{k}={v}" for k, v in sorted(self.args.items())
                         if k not in ("to", "pick") and v not in (None, ""))
        return f"{base}:{extra}" if extra else base

    def text(self) -> str:
        opts = " ".join(f"{k}:{v}" for k, v in self.args.items() if v not in (None, ""))
        return f"/{self.command} {opts}".strip()


@dataclass(frozen=True)
class Delivery:
    """Everything an adapter needs to post a result (or a failure) back to its thread."""

    job_id: str
    origin: Origin
    text: str
    artifact: Artifact | None = None
    credits_line: str = ""
    label: str | None = None
    buttons: list[Button] = field(default_factory=list)
    error: str | None = None
    #: Members to tell that someone built on their work.
    notify: list[str] = field(default_factory=list)
    #: For the ``notify`` members only (a consent request to an owner): a DM where the platform has them.
    direct: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None
