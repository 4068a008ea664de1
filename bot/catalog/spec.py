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
        if self.type is OptionType.FILE:
            limit = f", up to {self.max_bytes / 1e6:.0f} MB" if self.max_bytes else ""
            return f"an attached {file_words(self.mimes)}{limit}"
        if self.type is OptionType.MEMBER:
            return "'me' or a member"
        if self.max_length:
            return f"text up to {self.max_length:,} characters"
        return "text"


#: What members call a file, by MIME family: "a .mid file", "a picture", "a recording".
_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("midi", ".mid file", "a .mid file"),
    ("image/", "picture (PNG, JPEG or WebP)", "a picture"),
    ("audio/", "recording (WAV, FLAC, OGG, MP3 or M4A)", "a recording"),
    ("video/", "video", "a video"),
    ("text/", "text file", "a text file"),
    ("pdf", "PDF", "a PDF"),
)


def file_words(mimes: tuple[str, ...]) -> str:
    """Human words for accepted MIME types ("picture (PNG, JPEG or WebP)"); "file" when any type goes."""
    words: list[str] = []
    for mime in mimes:
        for marker, noun, _ in _FAMILIES:
            if marker in mime and noun not in words:
                words.append(noun)
                break
    return " or ".join(words) if words else "file"


def what_file_is(mime: str, name: str = "") -> str:
    """ "a picture", "a recording"… for the file a member actually sent."""
    for marker, _, phrase in _FAMILIES:
        if marker in (mime or ""):
            return phrase
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return f"a .{suffix} file" if suffix and suffix.isalnum() and len(suffix) <= 5 else "a file of an unknown type"


def mime_refusal(command: str, option: Option, mime: str, name: str = "") -> str:
    """One line for a file of the wrong kind: "that's a picture; /riff takes a .mid file"."""
    return f"that's {what_file_is(mime, name)}; /{command} takes {_article(file_words(option.mimes))}"


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


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
    #: Other names members type for it ("imagine" for sketch, a Midjourney habit); each becomes a
    #: full command in the catalog (so platforms register it) with ``alias_of`` set.
    aliases: tuple[str, ...] = ()
    alias_of: str | None = None

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
