"""Errors a member may see: each carries exactly one line of plain text."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refusal, shown to the member as one line (never a traceback)."""

    def __init__(self, message: str) -> None:
        line = " ".join(str(message).split())
        super().__init__(line)
        self.message = line


class ParseError(UserError):
    """The command text could not be parsed against the catalog."""


class Refused(UserError):
    """The queue or a policy refused the request (limits, permissions, blocked words)."""


class Busy(UserError):
    """A backend is unavailable; the member should try again shortly."""
