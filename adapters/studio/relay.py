"""Studio results from a separate ``jamroom worker``, relayed over Redis pub/sub.

The tabs hold their sockets in the web process, but with ``REDIS_URL`` the jobs run
in worker processes, maybe on other hosts.  The worker's studio outbound publishes
progress and deliveries on one channel; every web process serving the studio
listens and hands them to its hub.  Only metadata travels: the page fetches files
from the shared artifact store through the permalink routes.  A delivery nobody
hears (no web process up) raises :class:`DeliveryRetry`, so the worker tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import asdict
from typing import Any

from aiohttp import web

from adapters.studio.hub import Hub
from adapters.studio.members import PLATFORM
from adapters.studio.messages import result_id
from bot.models import Artifact, Button, Delivery, Origin
from bot.outbound import DeliveryRetry

log = logging.getLogger(__name__)

CHANNEL = "jamroom:studio"


def delivery_to_dict(d: Delivery) -> dict[str, Any]:
    return {"job_id": d.job_id, "origin": d.origin.to_dict(), "text": d.text,
            "artifact": d.artifact.to_dict() if d.artifact else None, "credits_line": d.credits_line,
            "label": d.label, "buttons": [asdict(b) for b in d.buttons], "error": d.error, "notify": list(d.notify)}


def delivery_from_dict(data: dict[str, Any]) -> Delivery:
    return Delivery(job_id=data["job_id"], origin=Origin.from_dict(data["origin"]), text=data["text"],
                    artifact=Artifact.from_dict(data["artifact"]) if data.get("artifact") else None,
                    credits_line=data.get("credits_line", ""), label=data.get("label"),
                    buttons=[Button(**b) for b in data.get("buttons", [])], error=data.get("error"),
                    notify=list(data.get("notify", [])))


class RelayOutbound:
    """The worker's studio outbound: publish, never touch a socket."""

    platform = PLATFORM

    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.channel = channel

    async def _publish(self, event: dict[str, Any]) -> int:
        try:
            return int(await self.redis.publish(self.channel, json.dumps(event, ensure_ascii=False)))
        except Exception as exc:  # redis down: the core retries the delivery later
            raise DeliveryRetry(f"studio relay: {exc}") from exc

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        await self._publish({"op": "progress", "origin": origin.to_dict(), "job_id": job_id, "state": state,
                             "text": text})

    async def close(self) -> None:
        await self.redis.aclose()

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        heard = await self._publish({"op": "deliver", "delivery": delivery_to_dict(delivery)})
        if not heard:
            raise DeliveryRetry("no studio web process is listening")
        # The same ref the web process's hub gives the message, so /remove can retract it there.
        return result_id(delivery.artifact.id) if delivery.artifact else f"e-{delivery.job_id}"


async def apply(hub: Hub, event: dict[str, Any]) -> None:
    if event.get("op") == "progress":
        await hub.progress(Origin.from_dict(event["origin"]), event["job_id"], event["state"], event["text"])
    elif event.get("op") == "deliver":
        await hub.deliver(delivery_from_dict(event["delivery"]), {})


async def _listen(hub: Hub, url: str, channel: str, ready: asyncio.Event) -> None:
    from redis.asyncio import Redis

    backoff = 0.5
    while True:
        client = Redis.from_url(url)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(channel)
                ready.set()
                backoff = 0.5
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        await apply(hub, json.loads(message["data"]))
                    except Exception:
                        log.exception("bad studio relay event")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("studio relay lost Redis; reconnecting", extra={"error": str(exc)})
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
        finally:
            with contextlib.suppress(Exception):
                await client.aclose()


RELAY_KEY: web.AppKey[asyncio.Task[None]] = web.AppKey("studio-relay", asyncio.Task)


def listen(app: web.Application, hub: Hub, url: str | None, channel: str = CHANNEL) -> None:
    """Start listening when the app starts and stop when it stops."""
    if not url:
        return

    async def start(app: web.Application) -> None:
        ready = asyncio.Event()
        app[RELAY_KEY] = asyncio.create_task(_listen(hub, url, channel, ready), name="studio-relay")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), 5.0)

    async def stop(app: web.Application) -> None:
        task = app.get(RELAY_KEY)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
