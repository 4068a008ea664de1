"""Permalinks: ``/a/<artifact id>`` (a page) and ``/a/<id>/<file name>`` (the bytes).

The studio links relatively; Slack and Discord adapters post absolute links when a
file is too large for the platform, from ``JAMROOM_PUBLIC_URL`` (or the bound address).
"""

from __future__ import annotations

from urllib.parse import quote

from bot.settings import Settings


def page_path(artifact_id: str) -> str:
    return f"/a/{quote(artifact_id, safe='')}"


def file_path(artifact_id: str, name: str) -> str:
    return f"{page_path(artifact_id)}/{quote(name, safe='')}"


def base_url(settings: Settings) -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def permalink(settings: Settings, artifact_id: str) -> str:
    """The absolute page URL other adapters post for an artifact."""
    return base_url(settings) + page_path(artifact_id)


def file_url(settings: Settings, artifact_id: str, name: str) -> str:
    return base_url(settings) + file_path(artifact_id, name)
