"""The studio's small parts: names and ids, upload types, access rules, links, and the Redis relay."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from aiohttp.test_utils import TestClient, TestServer
from support import make_jam, settings_for

from adapters.studio import mount, mount_outbound
from adapters.studio.access import Access, is_loopback
from adapters.studio.identity import member_id_for, new_secret, valid
from adapters.studio.links import base_url, file_url, permalink
from adapters.studio.members import BadInput, clean_event, clean_name, clean_thread, origin_for
from adapters.studio.messages import show_as
from adapters.studio.relay import RelayOutbound, delivery_from_dict, delivery_to_dict, listen
from adapters.studio.uploads import Shelf, clean_filename, mime_of
from bot.models import Artifact, ArtifactFile, Button, Contributor, Delivery, Role, Upload
from bot.web import make_app


def test_display_names_and_member_ids():
    assert clean_name("  Ann   Lee ") == "Ann Lee"
    # The member id comes from the browser's secret, never from the name.
    one, two = new_secret(), new_secret()
    assert valid(one) and one != two and member_id_for(one) != member_id_for(two)
    assert member_id_for(one) == member_id_for(one) and member_id_for(one).startswith("b-")
    assert one not in member_id_for(one)
    for forged in ("ann", "", "x" * 20, "a b" * 20, None):
        assert not valid(forged)
    for bad in ("", "   ", "x" * 33, "a\u0000b", "bi\u202edi", None, 7):
        with pytest.raises(BadInput):
            clean_name(bad)


def test_thread_and_event_ids_are_checked():
    assert clean_thread("jam-1a2b3c") == "jam-1a2b3c"
    for bad in ("", "../x", "Jam", "a" * 41, "jam:1", None):
        with pytest.raises(BadInput):
            clean_thread(bad)
    event = str(uuid.uuid4())
    assert clean_event(event) == event
    for bad in ("short", "x" * 65, "has space here", None):
        with pytest.raises(BadInput):
            clean_event(bad)


def test_origin_is_the_studio_thread_and_namespaces_the_event():
    origin = origin_for("b-1", "Ann", "jam-1", "0b6f1c7e-aaaa", moderator=True)
    assert (origin.platform, origin.workspace, origin.channel, origin.thread) == ("studio", "local", "studio", "jam-1")
    assert origin.member_key == "studio:local:b-1" and origin.member_name == "Ann" and origin.is_moderator
    assert origin.event_id == "b-1:0b6f1c7e-aaaa"
    assert origin_for("b-2", "Ann", "jam-1", "0b6f1c7e-aaaa", moderator=False).event_id != origin.event_id


def test_upload_names_and_types():
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("C:\\Users\\ann\\riff.mid") == "riff.mid"
    assert clean_filename("a\u0000b.mid") == "ab.mid" and clean_filename("") == "upload"
    assert mime_of("riff.mid", "audio/sp-midi") == "audio/midi"
    assert mime_of("riff.MIDI", "") == "audio/midi"
    assert mime_of("riff.mid", "application/octet-stream") == "audio/midi"
    assert mime_of("photo.png", "image/png; charset=binary") == "image/png"
    assert mime_of("photo.webp", "") == "image/webp"
    assert mime_of("blob", None) == "application/octet-stream"


def test_shelf_keeps_the_newest_uploads():
    shelf = Shelf(limit=2)
    ups = [Upload(f"{i}.mid", "audio/midi", "0" * 64, i) for i in range(3)]
    keys = [shelf.put(u) for u in ups]
    assert len(set(keys)) == 3 and all(len(k) > 20 for k in keys)
    assert shelf.get(keys[0]) is None and shelf.get(keys[2]) == ups[2]
    assert shelf.get(None) is None and shelf.get(["x"]) is None


def test_loopback_and_access():
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.5", "::", "example.com"))
    assert Access.from_settings("127.0.0.1", None).enabled
    assert not Access.from_settings("0.0.0.0", None).enabled
    assert not Access.from_settings("0.0.0.0", "").enabled
    assert Access.from_settings("0.0.0.0", "t").enabled


def test_links_use_the_public_url(tmp_path):
    settings = settings_for(tmp_path, public_url="https://jam.example.org/")
    assert permalink(settings, "a1b2") == "https://jam.example.org/a/a1b2"
    assert file_url(settings, "a1b2", "my song.mid") == "https://jam.example.org/a/a1b2/my%20song.mid"
    assert base_url(settings_for(tmp_path, host="0.0.0.0", port=9000)) == "http://127.0.0.1:9000"
    assert base_url(settings_for(tmp_path, host="::1", port=80)) == "http://[::1]:80"


def test_files_show_by_type():
    assert show_as("image/png") == "image"
    assert show_as("audio/ogg") == "audio" and show_as("audio/wav") == "audio"
    assert show_as("audio/midi") == "download" and show_as("audio/x-midi") == "download"
    assert show_as("application/zip") == "download"


def _delivery(thread: str) -> Delivery:
    origin = origin_for("b-1", "Ann", thread, "0b6f1c7e-aaaa", moderator=True)
    artifact = Artifact("a1", "note", origin.thread_key, "test.echo", "1", {"prompt": "x"}, 7, [],
                        [Contributor(origin.member_key, "Ann", Role.PROMPTED)],
                        [ArtifactFile("echo.txt", "text/plain", "0" * 64, 3, True)], summary="echo: x", job_id="j1")
    return Delivery("j1", origin, "echo: x", artifact, "by Ann (prompt)", "label",
                    [Button("Vary", "vary", {"to": "a1"})], None, [])


def test_delivery_survives_the_relay_encoding():
    delivery = _delivery("jam-1")
    assert delivery_from_dict(delivery_to_dict(delivery)) == delivery
    failed = Delivery("j2", delivery.origin, "boom", error="boom")
    assert delivery_from_dict(delivery_to_dict(failed)) == failed


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        if os.environ.get("CI"):
            raise
        return None
    return url


async def test_results_from_a_separate_worker_reach_the_tabs(tmp_path):
    """With Redis, a worker process publishes; the web process's studio shows the result."""
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis at REDIS_URL or 127.0.0.1:6379")
    channel = f"jamroom:studio:test-{uuid.uuid4().hex[:8]}"
    jam, _ = make_jam(tmp_path, redis_url=url)
    await jam.start(workers=False)
    app = make_app(jam)
    await mount(jam, app)
    hub = jam.outbounds.get("studio")
    listen(app, hub, url, channel)
    relay = RelayOutbound(url, channel)
    try:
        async with TestClient(TestServer(app)) as client:
            ws = await client.ws_connect("/studio/ws")
            await ws.send_json({"type": "hello", "name": "Ann", "thread": "jam-relay"})
            while True:
                event = await ws.receive_json()
                if any(e["type"] == "welcome" for e in event.get("events", [event])):
                    break
            delivery = _delivery("jam-relay")
            await relay.progress(delivery.origin, "j1", "running", "working…")
            assert await relay.deliver(delivery, {}) == "r-a1"
            seen = []
            async with asyncio.timeout(10):
                while not any(e["type"] == "message" and e["message"]["kind"] == "result" for e in seen):
                    event = await ws.receive_json()
                    seen.extend(event["events"] if event["type"] == "batch" else [event])
            result = next(e["message"] for e in seen if e["type"] == "message" and e["message"]["kind"] == "result")
            assert result["credits"] == "by Ann (prompt)" and result["artifact"]["id"] == "a1"
            await ws.close()
        # Nobody listening any more: the worker is told to retry rather than lose the result.
        from bot.outbound import DeliveryRetry

        with pytest.raises(DeliveryRetry):
            await relay.deliver(delivery, {})
    finally:
        await relay.close()
        await jam.stop()


def test_worker_side_mount_uses_the_relay_only_with_redis(tmp_path):
    jam, _ = make_jam(tmp_path)
    mount_outbound(jam)
    assert jam.outbounds.get("studio") is None
    jam, _ = make_jam(tmp_path, redis_url="redis://127.0.0.1:1/0")
    mount_outbound(jam)
    assert isinstance(jam.outbounds.get("studio"), RelayOutbound)


class _SlowSocket:
    def __init__(self) -> None:
        self.closed = False
        self.frames: list[str] = []

    async def send_str(self, text: str) -> None:
        self.frames.append(text)

    async def close(self) -> None:
        self.closed = True


async def test_a_tab_too_far_behind_is_closed_and_a_burst_is_one_frame():
    from adapters.studio.hub import SEND_QUEUE, Tab

    quick = Tab(_SlowSocket(), moderator=False)
    for i in range(3):
        quick.send({"type": "status", "n": i})
    quick.close()
    await quick.pump()
    [frame] = quick.ws.frames
    assert frame.startswith('{"type":"batch","events":[') and frame.count('"status"') == 3
    assert quick.ws.closed

    behind = Tab(_SlowSocket(), moderator=False)
    for i in range(SEND_QUEUE + 5):
        behind.send({"type": "status", "n": i})
    await asyncio.wait_for(behind.pump(), 5)
    assert behind.ws.frames == [] and behind.ws.closed


def test_same_origin_accepts_the_public_url_behind_a_proxy():
    from aiohttp.test_utils import make_mocked_request

    def request(origin: str | None) -> object:
        headers = {"Host": "127.0.0.1:8080", **({"Origin": origin} if origin else {})}
        return make_mocked_request("GET", "/studio/ws", headers=headers)

    plain = Access.from_settings("127.0.0.1", None)
    proxied = Access.from_settings("127.0.0.1", None, "https://jam.example.org")
    assert plain.same_origin(request(None)) and plain.same_origin(request("http://127.0.0.1:8080"))
    assert not plain.same_origin(request("https://jam.example.org")) and not plain.same_origin(request("null"))
    assert proxied.same_origin(request("https://jam.example.org"))
    assert not proxied.same_origin(request("https://evil.example"))


def test_host_allow_list_without_a_token():
    from aiohttp.test_utils import make_mocked_request

    def request(host: str, origin: str | None = None) -> object:
        return make_mocked_request("GET", "/", headers={"Host": host, **({"Origin": origin} if origin else {})})

    plain = Access.from_settings("127.0.0.1", None, "https://jam.example.org")
    for host in ("127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080", "127.9.9.9", "jam.example.org"):
        assert plain.allows(request(host)), host
    for host in ("evil.example:8080", "127.0.0.1.evil.example", "0.0.0.0:8080", "localhost.evil:8080", ""):
        assert not plain.allows(request(host)), host
    assert not plain.same_origin(request("localhost:8080", "http://localhost:3000"))
    tokened = Access.from_settings("0.0.0.0", "t")
    assert tokened.host_ok(request("192.168.1.20:8080")) and not tokened.allows(request("192.168.1.20:8080"))
