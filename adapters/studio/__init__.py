"""The local studio: Jamroom in the browser — a chat thread with live results, buttons and uploads.

``mount(jam, app)`` adds the page, its WebSocket, uploads, the catalog for completion,
the operator's one-time moderator link and the artifact permalinks to the shared
aiohttp app, and registers the studio's outbound so results come back to the page.  ``mount_outbound(jam)`` is for a
separate ``jamroom worker``: it relays studio results to the web process over Redis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from adapters.studio import pages
from adapters.studio.context import STUDIO_KEY, Studio
from adapters.studio.links import base_url
from adapters.studio.operator import PATH as OPERATOR_PATH
from adapters.studio.socket import socket_handler

if TYPE_CHECKING:
    from bot.runtime import Jamroom

__all__ = ["STUDIO_KEY", "Studio", "mount", "mount_outbound", "operator_link"]


def add_routes(app: web.Application, studio: Studio) -> None:
    app[STUDIO_KEY] = studio
    app.router.add_get("/", pages.index)
    app.router.add_get("/studio", pages.index)
    app.router.add_get("/studio/ws", socket_handler)
    app.router.add_get(OPERATOR_PATH, pages.operator)
    app.router.add_get("/studio/catalog.json", pages.catalog_json)
    app.router.add_post("/studio/upload", pages.upload)
    app.router.add_get(r"/studio/blob/{sha:[0-9a-f]{64}}/{name}", pages.blob)
    app.router.add_static("/studio/static", pages.STATIC, follow_symlinks=False)
    app.router.add_get(r"/a/{id:[A-Za-z0-9_-]{1,64}}", pages.permalink)
    app.router.add_get(r"/a/{id:[A-Za-z0-9_-]{1,64}}/{name}", pages.artifact_file)


async def mount(jam: Jamroom, app: web.Application, explicit: bool = False) -> str | None:
    """Wire the studio into ``app``; returns the line ``jamroom serve`` prints."""
    studio = Studio.for_jam(jam)
    jam.outbounds.add(studio.hub)
    add_routes(app, studio)
    if jam.queue.backend != "memory":
        from adapters.studio.relay import listen  # only with a shared queue: results come from other hosts

        listen(app, studio.hub, jam.settings.redis_url)

    async def close(app: web.Application) -> None:
        await studio.hub.close()

    app.on_cleanup.append(close)
    url = base_url(jam.settings) + "/"
    moderator = f"\n  Moderator link (one use; opening it makes that browser the moderator): {operator_link(studio)}"
    if studio.access.local and not studio.access.token:
        return f"Studio: {url}  (only this machine can reach it){moderator}"
    if studio.access.token:
        return (f"Studio: {url}?token=<JAMROOM_STUDIO_TOKEN>  (the access token is required; members open this)"
                f"{moderator}")
    return (f"Studio: OFF — bound to {jam.settings.host}, which other machines can reach, and JAMROOM_STUDIO_TOKEN "
            "is not set; set it to turn the studio on (permalinks /a/<id> still work)")


def operator_link(studio: Studio | web.Application) -> str:
    """The one-time link that makes a browser the studio's moderator (a fresh one if the last was used).

    ``mount`` already puts it in the line ``jamroom serve`` prints; call this to print it again.
    """
    if isinstance(studio, web.Application):
        studio = studio[STUDIO_KEY]
    return studio.operators.link(base_url(studio.jam.settings))


def mount_outbound(jam: Jamroom) -> None:
    """For ``jamroom worker``: studio results go to the web process that holds the tabs."""
    if not jam.settings.redis_url:
        return
    from adapters.studio.relay import RelayOutbound

    jam.outbounds.add(RelayOutbound(jam.settings.redis_url))
