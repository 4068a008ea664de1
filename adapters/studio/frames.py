"""A tab's frame, checked at the edge before anything else reads it.

A WebSocket frame is any text a page (or a script) chose to send.  It becomes a plain
dict of bounded depth whose strings encode as UTF-8 — a lone surrogate such as
``"\\ud800"`` is valid JSON but cannot be written back to any socket, database or log —
or a one-line :class:`~adapters.studio.members.BadInput`.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from adapters.studio.members import BadInput

#: Studio frames are flat objects; anything deeper than this is not from the page.
MAX_DEPTH = 8
_KEEP = {"\n", "\t"}


def parse_frame(raw: str) -> dict[str, Any]:
    if not _encodes(raw):
        raise BadInput("that message has a broken character (a lone UTF-16 surrogate); check the text and send again")
    try:
        data = json.loads(raw)
    except RecursionError:
        raise BadInput(f"that message is nested too deeply (the studio takes at most {MAX_DEPTH} levels)") from None
    except ValueError:  # JSONDecodeError, and numbers too long to convert
        raise BadInput("that was not JSON") from None
    if not isinstance(data, dict):
        raise BadInput("send JSON objects")
    return _clean(data, 1)


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(text: str) -> str:
    """Command text: lone surrogates refused, control characters other than newline and tab dropped."""
    if not _encodes(text):
        raise BadInput("that message has a broken character (a lone UTF-16 surrogate); check the text and send again")
    if text.isprintable():
        return text
    return "".join(ch for ch in text if ch in _KEEP or unicodedata.category(ch) != "Cc")


def _clean(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise BadInput(f"that message is nested too deeply (the studio takes at most {MAX_DEPTH} levels)")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    return value
