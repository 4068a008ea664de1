"""What an adapter shows right away, before any generator runs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attachment:
    name: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class Reply:
    """The acknowledgement: "queued · position 3", an answer (help, credits) or one-line refusal."""

    text: str
    ok: bool = True
    job_id: str | None = None
    position: int | None = None
    duplicate: bool = False
    #: Only the member who asked sees it (errors, help, cancel confirmations).
    private: bool = False
    attachments: list[Attachment] = field(default_factory=list)

    @classmethod
    def error(cls, message: str) -> Reply:
        return cls(text=f"⚠️ {message}", ok=False, private=True)

    @property
    def queued(self) -> bool:
        return self.job_id is not None


def queued_text(position: int) -> str:
    return "working…" if position <= 0 else f"queued · position {position}"
