"""Give a member's files to a command's file options, the same way on every platform.

Chat platforms hand us files beside the text; the parser wants each file option named in the
text.  ``attach`` pairs files with the command's FILE options in declaration order and names
them in the text when the member did not, so `/riff action:continue` + a file just works.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence

from bot.catalog.registry import Catalog, catalog
from bot.catalog.spec import OptionType
from bot.errors import ParseError
from bot.models import Upload

#: Leading bytes -> MIME type, for files whose name says nothing useful (or lies).
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF8", 0, "image/gif"),
    (b"RIFF", 0, "audio/wav"),  # refined below: RIFF....WEBP is a picture
    (b"MThd", 0, "audio/midi"),
    (b"fLaC", 0, "audio/flac"),
    (b"OggS", 0, "audio/ogg"),
    (b"ID3", 0, "audio/mpeg"),
    (b"ftyp", 4, "audio/mp4"),  # a phone's voice memo; a real video is refused by the decoder's stream check
)


def sniff_mime(name: str, data: bytes) -> str:
    """The MIME type from the file's first bytes, else from its name, else ``application/octet-stream``."""
    for magic, offset, mime in _SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            if magic == b"RIFF" and data[8:12] == b"WEBP":
                return "image/webp"
            return mime
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "audio/mpeg"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def file_slots(text: str, cat: Catalog | None = None) -> list[str]:
    """The FILE option names of the command ``text`` starts with (empty for unknown commands)."""
    head = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    command = (cat or catalog()).get(head)
    if command is None:
        return []
    return [o.name for o in command.options if o.type is OptionType.FILE]


def attach(text: str, files: Sequence[Upload], cat: Catalog | None = None) -> tuple[str, dict[str, Upload]]:
    """Pair ``files`` with the command's file options in order; name each in the text if it is not."""
    if not files:
        return text, {}
    slots = file_slots(text, cat)
    head = text.strip().split(maxsplit=1)[0] if text.strip() else "that command"
    if not slots:
        raise ParseError(f"{head} takes no file")
    if len(files) > len(slots):
        raise ParseError(f"{head} takes {len(slots)} file{'s' if len(slots) > 1 else ''}, got {len(files)}")
    uploads: dict[str, Upload] = {}
    for slot, upload in zip(slots, files, strict=False):
        if f"{slot}:" not in text:
            text = f"{text.rstrip()} {slot}:{upload.sha256[:16]}"
        uploads[slot] = upload
    return text, uploads
