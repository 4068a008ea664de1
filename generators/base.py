"""The generator contract: ``generate(spec, inputs, seed) -> outputs``.

A generator is pure: no I/O, no clock, no global random state.  The same spec,
inputs and seed give the same bytes, which is what lets the queue re-run a job
after a crash without changing what members see.  Generators run in worker
processes, so everything crossing this boundary is plain picklable data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

#: Artifact kinds shared between generators (what they make) and the catalog
#: (which follow-up actions a result offers).
KIND_IMAGE = "image"
KIND_IMAGE_GRID = "image-grid"
KIND_MUSIC = "music"


class GeneratorError(Exception):
    """A generator refuses its input with a message fit to show a member (one line)."""


@dataclass(frozen=True)
class InputFile:
    """A source file: a parent artifact's file or a member's upload."""

    name: str
    mime: str
    data: bytes
    #: "parent" for a file of an earlier artifact, "upload" for a member's file.
    origin: str = "parent"
    #: Artifact kind of the parent ("image-grid", "music", ...) or "" for uploads.
    kind: str = ""
    #: The parent's own spec (prompt, style, key...), so a variation can stay close to it.
    spec: Mapping[str, Any] = field(default_factory=dict)
    #: Which input slot it fills ("to", "a", "b", "file").
    slot: str = "to"
    #: The parent's generator and seed (None for uploads), to regenerate close to it.
    generator: str = ""
    seed: int | None = None


@dataclass(frozen=True)
class Output:
    """One file a generator made.  ``primary`` marks the file a chat shows first."""

    name: str
    mime: str
    data: bytes
    primary: bool = False


@dataclass(frozen=True)
class Result:
    """Everything one generation made: files, the artifact kind and facts to show."""

    kind: str
    outputs: tuple[Output, ...]
    #: Short facts for the message text, e.g. {"key": "D minor", "tempo": 84}.
    facts: Mapping[str, Any] = field(default_factory=dict)
    #: One line for the chat message ("neon koi in the rain · flow field").
    summary: str = ""


@runtime_checkable
class Generator(Protocol):
    """What the registry loads from the ``jamroom.generators`` entry-point group."""

    name: ClassVar[str]
    version: ClassVar[str]
    #: The catalog command this generator serves ("sketch", "vary", "melody"...).
    command: ClassVar[str]
    #: Parent artifact kinds it builds on; empty for generators that make new work.
    accepts: ClassVar[frozenset[str]]

    def generate(
        self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int
    ) -> Result: ...


def provenance_of(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """The provenance block the core adds to every spec under ``"_provenance"``.

    Keys: ``credits`` (list of "member · role · action" strings), ``title``,
    ``disclosure`` (an AI-disclosure sentence), ``source_type`` (IPTC digital
    source type URI).  Generators write it into their files.
    """
    block = spec.get("_provenance")
    return block if isinstance(block, Mapping) else {}
