"""``POST /studio/upload``: a member's file, stored before any command uses it.

The page uploads first and gets an upload id; the tab's next command that takes a
file sends the id along.  The body is read in chunks and refused as soon as it
passes 10 MB, so an oversized file never sits in memory.  The core then checks the
command's own limits (a MIDI file: 1 MB) and types, with its own clear messages.
"""

from __future__ import annotations

import mimetypes
import secrets
import unicodedata
from collections import OrderedDict
from pathlib import PurePosixPath, PureWindowsPath

from aiohttp import BodyPartReader, web

from bot.models import Upload

UPLOAD_LIMIT = 10 * 1024 * 1024
SHELF_LIMIT = 1000
_CHUNK = 64 * 1024


def too_large(size: int | None = None) -> str:
    got = f"{size / 1e6:.1f} MB" if size else "more than 10 MB"
    return f"that file is too large: {got} (the studio takes files up to 10 MB)"


class Shelf:
    """Upload ids -> uploads, newest kept (an id is a capability: long and random)."""

    def __init__(self, limit: int = SHELF_LIMIT) -> None:
        self.limit = limit
        self._items: OrderedDict[str, Upload] = OrderedDict()

    def put(self, upload: Upload) -> str:
        key = "u" + secrets.token_hex(12)
        self._items[key] = upload
        while len(self._items) > self.limit:
            self._items.popitem(last=False)
        return key

    def get(self, key: object) -> Upload | None:
        return self._items.get(key) if isinstance(key, str) else None


def clean_filename(raw: str | None) -> str:
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-100:] or "upload"


#: Types by extension that system tables disagree on (Debian says audio/sp-midi for .mid).
_KNOWN = {".mid": "audio/midi", ".midi": "audio/midi", ".ogg": "audio/ogg", ".wav": "audio/wav",
          ".mp3": "audio/mpeg", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def mime_of(name: str, declared: str | None) -> str:
    """The file's type: what the browser said, unless it said nothing useful or a MIDI alias."""
    declared = (declared or "").split(";")[0].strip().lower()
    known = _KNOWN.get(PurePosixPath(name.lower()).suffix)
    if known == "audio/midi" and (not declared or "midi" in declared or declared == "application/octet-stream"):
        return known
    if declared and declared != "application/octet-stream":
        return declared
    guessed = known or mimetypes.guess_type(name)[0]
    return guessed or declared or "application/octet-stream"


async def read_upload(request: web.Request, limit: int = UPLOAD_LIMIT) -> tuple[str, str, bytes]:
    """The first file field of a multipart body (name, MIME type, bytes), or :class:`UploadRefused`."""
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise _refuse(413, too_large(request.content_length))
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):
        raise _refuse(400, "send the file as multipart/form-data in a field named file") from None
    while True:
        part = await reader.next()
        if part is None:
            raise _refuse(400, "no file in the upload; send it in a field named file")
        if isinstance(part, BodyPartReader) and part.filename is not None:
            break
    name = clean_filename(part.filename)
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _refuse(413, too_large())
        chunks.append(chunk)
    if not size:
        raise _refuse(400, f"{name} is empty")
    return name, mime_of(name, part.headers.get("Content-Type")), b"".join(chunks)


class UploadRefused(Exception):
    """An upload the studio will not take: an HTTP status and one line for the member."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _refuse(status: int, message: str) -> UploadRefused:
    return UploadRefused(status, message)
