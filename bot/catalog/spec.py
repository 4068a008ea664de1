"""How a command is declared: one :class:`Command` per slash command, once.

Adapters derive everything from these declarations: the Discord command tree,
the Slack manifest, the studio's help and completion, and the text parser.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class OptionType(enum.StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    #: A reference to an earlier artifact: its id, or "latest" (the thread's latest).
    ARTIFACT = "artifact"
    #: A member's upload; the value is an upload reference the adapter resolved.
    FILE = "file"
    #: A member reference ("me" or a member id).
    MEMBER = "member"


class Permission(enum.StrEnum):
    EVERYONE = "everyone"
    MODERATOR = "moderator"


@dataclass(frozen=True)
class Option:
    """One option of a command, with everything needed to validate it."""

    name: str
    type: OptionType
    description: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    #: For ARTIFACT options: which artifact kinds are accepted (empty = any).
    kinds: tuple[str, ...] = ()
    #: For FILE options: accepted MIME types and the byte limit.
    mimes: tuple[str, ...] = ()
    max_bytes: int | None = None
    #: Choices are matched case-insensitively and may have aliases ("hiphop" -> "hip-hop").
    aliases: Mapping[str, str] = field(default_factory=dict)

    def allowed(self) -> str:
        """Human words for what this option accepts, used in error messages."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.type in (OptionType.INTEGER, OptionType.NUMBER):
            lo = _num(self.min)
            hi = _num(self.max)
            if lo is not None and hi is not None:
                return f"{lo}–{hi}"
            return "a number"
        if self.type is OptionType.BOOLEAN:
            return "true or false"
        if self.type is OptionType.ARTIFACT:
            return "an artifact id or 'latest'"
        if self.max_length:
            return f"text up to {self.max_length:,} characters"
        return "text"


def _num(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Command:
    """A slash command.

    ``generator`` names the generator for new work; commands that build on an
    artifact leave it empty and the registry picks the generator that serves
    ``name`` for the parent's kind.  ``handler`` names a core handler for
    commands that answer at once without a job (help, credits, cancel...).
    """

    name: str
    description: str
    options: tuple[Option, ...] = ()
    generator: str | None = None
    handler: str | None = None
    permission: Permission = Permission.EVERYONE
    #: Option that takes bare words ("/sketch neon koi" -> prompt="neon koi").
    bare: str | None = None
    #: Contribution action for built-on work; may use option values: "layer:{part}".
    action: str | None = None
    #: Usage examples shown in help.
    examples: tuple[str, ...] = ()
    #: Domain heading in help ("images", "music", "credits", "moderation", "core").
    group: str = "core"

    def option(self, name: str) -> Option | None:
        for opt in self.options:
            if opt.name == name:
                return opt
        return None

    @property
    def builds_on(self) -> bool:
        """True when the command derives from an existing artifact (role built-on)."""
        return self.action is not None

    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for opt in self.options:
            parts.append(f"{opt.name}:<…>" if opt.required else f"[{opt.name}]")
        return " ".join(parts)


@dataclass(frozen=True)
class FollowUp:
    """A button a result offers: pressing it runs ``command`` on that artifact with ``args``."""

    label: str
    command: str
    args: Mapping[str, Any] = field(default_factory=dict)
    #: Buttons with the same row are shown together (Discord allows 5 per row).
    row: int = 0
    description: str = ""
