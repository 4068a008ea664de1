"""``POST /studio/upload``: a member's file, stored before any command uses it.

The page uploads first and gets an upload id; the tab's next command that takes a
file sends the id along.  The whole body (file, other form fields, multipart framing,
chunked or not) is counted as it arrives and refused as soon as it passes the limit,
so nothing oversized sits in memory or keeps the server reading.  Each browser has a
daily quota, and the studio as a whole a larger one (a script can mint new browsers).
The core then checks the command's own limits (a MIDI file: 1 MB) and types, with its
own clear messages.  Deleting uploads no artifact uses belongs to the artifact store.
"""

from __future__ import annotations

import mimetypes
import secrets
import time
import unicodedata
from collections import OrderedDict, deque
from pathlib import PurePosixPath, PureWindowsPath

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from bot.models import Upload

UPLOAD_LIMIT = 10 * 1024 * 1024
#: Room for the multipart framing and a few small fields around the file.
BODY_SLACK = 64 * 1024
#: Parts read looking for the file before the body is refused.
PART_LIMIT = 16
SHELF_LIMIT = 1000
_CHUNK = 64 * 1024
#: Bytes one browser may upload per day, and the whole studio.
MEMBER_QUOTA = 100 * 1000 * 1000
STUDIO_QUOTA = 2 * 1000 * 1000 * 1000
QUOTA_WINDOW = 24 * 3600.0
QUOTA_MEMBERS = 10_000


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


class Quota:
    """Bytes uploaded in the last day, per browser and in all; the oldest browsers are forgotten past a bound."""

    def __init__(self, member: int = MEMBER_QUOTA, studio: int = STUDIO_QUOTA, window: float = QUOTA_WINDOW) -> None:
        self.member, self.studio, self.window = member, studio, window
        self._by_member: OrderedDict[str, deque[tuple[float, int]]] = OrderedDict()
        self._all: deque[tuple[float, int]] = deque()

    def _used(self, entries: deque[tuple[float, int]], now: float) -> int:
        while entries and entries[0][0] < now - self.window:
            entries.popleft()
        return sum(size for _, size in entries)

    def refusal(self, member_id: str, size: int, now: float | None = None) -> str | None:
        """One line if ``size`` more bytes would pass a quota, else None."""
        now = time.time() if now is None else now
        mine = self._by_member.get(member_id, deque())
        if self._used(mine, now) + size > self.member:
            return (f"you have uploaded {self.member // 1_000_000} MB today, the studio's daily limit per member; "
                    "try again tomorrow or reuse an earlier upload")
        if self._used(self._all, now) + size > self.studio:
            return "the studio has taken its daily upload limit; try again tomorrow"
        return None

    def add(self, member_id: str, size: int, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._by_member.setdefault(member_id, deque()).append((now, size))
        self._by_member.move_to_end(member_id)
        self._all.append((now, size))
        while len(self._by_member) > QUOTA_MEMBERS:
            self._by_member.popitem(last=False)


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
    if request.content_length is not None and request.content_length > limit + BODY_SLACK:
        raise _refuse(413, too_large(request.content_length))
    if not request.content_type.startswith("multipart/"):
        raise _refuse(400, "send the file as multipart/form-data in a field named file")
    try:
        return await _read_file_part(request, limit)
    except UploadRefused:
        raise
    except (AssertionError, ValueError, KeyError, LookupError, UnicodeError, HttpProcessingError):
        raise _refuse(400, "that upload could not be read: its file name or form headers hold characters HTTP "
                           "does not allow (such as NUL); rename the file and upload it again") from None


async def _read_file_part(request: web.Request, limit: int) -> tuple[str, str, bytes]:
    body_limit = limit + BODY_SLACK

    def over() -> bool:  # every byte of the body counts: fields, framing, chunked or not
        return request.content.total_bytes > body_limit

    reader = await request.multipart()
    for _ in range(PART_LIMIT):
        part = await reader.next()
        if part is None:
            raise _refuse(400, "no file in the upload; send it in a field named file")
        if isinstance(part, BodyPartReader) and part.filename is not None:
            break
        if isinstance(part, BodyPartReader):  # another form field: read and dropped, but counted
            while await part.read_chunk(_CHUNK):
                if over():
                    raise _refuse(413, too_large())
        if over():
            raise _refuse(413, too_large())
    else:
        raise _refuse(400, f"no file in the first {PART_LIMIT} parts of the upload; send it in a field named file")
    name = clean_filename(part.filename)
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(_CHUNK):
        size += len(chunk)
        if size > limit or over():
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
