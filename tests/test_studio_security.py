"""The studio under attack (issue 12): each test here failed on the code before the fix it names.

Real aiohttp servers on loopback, real WebSocket clients, real Redis for the outage
tests (a private ``redis-server`` that may be frozen; with ``CI`` set it must run).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer
from support import make_jam
from test_studio_http import Browser, Tab, operator_path

from adapters.studio import mount, operator_link
from adapters.studio.context import STUDIO_KEY
from adapters.studio.frames import MAX_DEPTH, parse_frame
from adapters.studio.hub import LogBook, encode
from adapters.studio.members import BadInput
from adapters.studio.uploads import Quota
from bot.web import make_app, redact

EVIL = {"Host": "evil.example:8080", "Origin": "http://evil.example:8080"}


@pytest.fixture
async def served(tmp_path) -> AsyncIterator[tuple[Any, TestClient, str]]:
    """The default studio: loopback, no token."""
    jam, _ = make_jam(tmp_path, job_timeout=120.0, concurrency=1)
    await jam.start()
    app = make_app(jam)
    line = await mount(jam, app)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield jam, client, line
    finally:
        await client.close()
        await jam.stop()


async def _tab(client: TestClient, name: str, thread: str | None = None) -> tuple[Browser, Tab, dict[str, Any]]:
    browser = Browser(client.server)
    tab = await browser.tab()
    return browser, tab, await tab.hello(name, thread)


# -- 1. DNS rebinding ---------------------------------------------------------------------------------


async def test_a_rebound_host_name_gets_nothing(served):
    _, client, _ = served
    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect("/studio/ws", headers=EVIL)
    assert refused.value.status in (403, 421)
    for path in ("/", "/studio/catalog.json"):
        response = await client.get(path, headers={"Host": "evil.example:8080"})
        assert response.status == 421 and "localhost" in await response.text()
    await client.get("/")
    response = await client.post("/studio/upload", data=_form(b"MThd"), headers=EVIL)
    assert response.status in (403, 421)
    # The studio's own names still work, with or without a port, and an Origin naming them.
    for host in ("localhost:8080", "127.0.0.1", "[::1]:8080"):
        assert (await client.get("/", headers={"Host": host})).status == 200
    ok = await client.ws_connect("/studio/ws", headers={"Host": "localhost:8080", "Origin": "http://localhost:8080"})
    await ok.close()
    # An Origin that is another loopback port's page is another site.
    with pytest.raises(WSServerHandshakeError):
        await client.ws_connect("/studio/ws", headers={"Host": "localhost:8080", "Origin": "http://localhost:3000"})


async def test_with_a_token_a_lan_address_works(tmp_path):
    jam, _ = make_jam(tmp_path, host="0.0.0.0", studio_token="s3cret")
    await jam.start(workers=False)
    app = make_app(jam)
    await mount(jam, app)
    try:
        async with TestClient(TestServer(app)) as client:
            lan = {"Host": "192.168.1.20:8080"}
            assert (await client.get("/", headers=lan)).status == 401
            page = await client.get("/?token=s3cret", headers=lan, allow_redirects=False)
            assert page.status == 303 and page.headers["Location"] == "/"
            assert (await client.get("/", headers=lan)).status == 200
    finally:
        await jam.stop()


# -- 2. identity is the browser, moderator is the operator's browser ----------------------------------


async def test_a_typed_name_is_only_a_name(tmp_path):
    jam, _ = make_jam(tmp_path, job_timeout=120.0, concurrency=1)
    await jam.start()
    app = make_app(jam)
    await mount(jam, app)
    async with TestClient(TestServer(app)) as client:
        carl_b, carl, welcome = await _tab(client, "Carl")
        ann_b, ann, _ = await _tab(client, "Ann", welcome["thread"])
        fake_b, fake, _ = await _tab(client, "Ann", welcome["thread"])
        wide_b, wide, _ = await _tab(client, "Ａｎｎ", welcome["thread"])
        try:
            hang = await carl.command(await carl.send("/hang forever"))
            await carl.status(hang["job_id"], "running")
            waiting = await ann.command(await ann.send("/echo mine"))
            assert waiting["status"]["state"] == "queued"
            ids = {waiting["member"]["id"]}
            for impostor in (fake, wide):
                answer = await impostor.command(await impostor.send(f"/cancel job:{waiting['job_id']}"))
                assert answer["status"]["state"] == "refused", answer
                ids.add(answer["member"]["id"])
            assert len(ids) == 3  # same name, fullwidth name: three members
            mine = await ann.command(await ann.send(f"/cancel job:{waiting['job_id']}"))
            assert mine["status"]["text"] == f"cancelled {waiting['job_id']}"
            # A second tab of Ann's own browser is Ann, whatever name it types.
            again = await ann_b.tab()
            assert (await again.hello("Annie"))["me"]["id"] == waiting["member"]["id"]
            await again.ws.close()
        finally:
            for b in (carl_b, ann_b, fake_b, wide_b):
                await b.close()
    await jam.stop()


async def test_the_operator_link_makes_one_browser_moderator_once(served):
    _, client, line = served
    link = operator_path(line)
    _, plain, welcome = await _tab(client, "Mo")
    assert welcome["me"]["moderator"] is False
    refused = await plain.command(await plain.send("/labels state:off"))
    assert refused["status"]["state"] == "refused" and "moderators" in refused["status"]["text"]
    operator_browser = Browser(client.server)
    try:
        landed = await operator_browser.session.get(link, allow_redirects=False)
        assert landed.status == 303 and landed.headers["Location"] == "/"
        tab = await operator_browser.tab()
        assert (await tab.hello("Op"))["me"]["moderator"] is True
        # One use: the same link in another browser, or a rebound Host, makes no one moderator.
        other = Browser(client.server)
        assert (await other.session.get(link, allow_redirects=False)).status == 403
        await other.close()
        fresh = operator_path(operator_link(client.app))
        assert (await client.get(fresh, headers={"Host": "evil.example:8080"}, allow_redirects=False)).status == 421
    finally:
        await operator_browser.close()


# -- 3, 7. hostile frames -----------------------------------------------------------------------------


def test_frames_are_checked_at_the_edge():
    with pytest.raises(BadInput, match="surrogate"):
        parse_frame('{"type":"send","id":"abcdefgh1","text":"/sketch koi \\ud800"}')
    with pytest.raises(BadInput, match="nested too deeply"):
        parse_frame("[" * 20_000)
    with pytest.raises(BadInput, match="nested too deeply"):
        parse_frame('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))
    assert parse_frame('{"type":"send","text":"/echo a\\u0000b\\nc 😀"}')["text"] == "/echo ab\nc 😀"
    # Whatever reaches a socket encodes, even a string that slipped past.
    assert json.loads(encode({"text": "x\ud800"}))["text"] == "x\ud800"


async def test_a_lone_surrogate_or_deep_nesting_costs_one_line_and_the_socket_stays(served):
    _, client, _ = served
    browser, ann, welcome = await _tab(client, "Ann")
    try:
        await ann.ws.send_str('{"type":"send","id":"abcdefgh1","text":"/sketch koi \\ud800"}')
        error = await ann.next(lambda e: e["type"] == "error")
        assert "surrogate" in error["text"] and error["event"] == "abcdefgh1"
        await ann.ws.send_str("[" * 20_000)
        assert "nested too deeply" in (await ann.next(lambda e: e["type"] == "error"))["text"]
        await ann.ws.send_bytes(b"\x00\xff")
        assert "text frames" in (await ann.next(lambda e: e["type"] == "error"))["text"]
        made = await ann.command(await ann.send("/echo still here"))
        await ann.message("result", job_id=made["job_id"])
        again = await browser.tab()
        assert (await again.hello("Ann", welcome["thread"]))["thread"] == welcome["thread"]
        await again.ws.close()
    finally:
        await browser.close()


async def test_a_nul_in_an_upload_name_is_one_clear_line(served):
    _, client, _ = served
    await client.get("/")
    body = (b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a\x00b.mid"\r\n'
            b"Content-Type: audio/midi\r\n\r\nMThd\r\n--XyZ--\r\n")
    response = await client.post("/studio/upload", data=body,
                                 headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
    assert response.status == 400 and "NUL" in (await response.json())["error"]


# -- 4, 18. refusals to the sender only, logs bounded in bytes -----------------------------------------


async def test_refusals_are_not_stored(served):
    jam, client, _ = served
    browser, ann, welcome = await _tab(client, "Ann")
    try:
        hub = jam.outbounds.get("studio")
        before = hub.book.total
        for _ in range(50):
            refused = await ann.command(await ann.send("/melody tempo:400 " + "x" * 3000))
            assert refused["status"]["state"] == "refused"
        assert hub.book.total == before and not hub.book.get(welcome["thread"])
    finally:
        await browser.close()


async def test_a_burst_of_thread_lists_is_one_list_per_tab():
    from test_studio_parts import _SlowSocket

    from adapters.studio.hub import Tab

    tab = Tab(_SlowSocket(), moderator=False)
    tab.send({"type": "error", "text": "first"})
    for n in range(1000):
        tab.send({"type": "threads", "threads": [{"id": f"jam-{n}"}]}, replaces_list=True)
    tab.send({"type": "error", "text": "last"})
    tab.close()
    await tab.pump()
    [frame] = tab.ws.frames
    events = json.loads(frame)["events"]
    assert [e["type"] for e in events] == ["error", "threads", "error"]
    assert events[1]["threads"] == [{"id": "jam-999"}]


def test_logs_are_bounded_in_bytes():
    book = LogBook(thread_bytes=64 * 1024, total_bytes=256 * 1024)
    for i in range(10_000):
        book.add({"id": f"m{i}", "thread": f"t{i % 20}", "kind": "command", "text": "x" * 4096, "ts": i})
    assert book.total <= 256 * 1024
    assert all(len(encode(m)) < 64 * 1024 for log in book.logs.values() for m in log)
    assert sum(len(log) for log in book.logs.values()) < 70
    newest = book.logs["t19"][-1]
    assert newest["id"] == "m9999"


# -- 6. the whole multipart body is limited; quotas ---------------------------------------------------


async def test_non_file_fields_count_toward_the_body_limit(served):
    _, client, _ = served
    await client.get("/")
    sent = 0

    async def fields() -> AsyncIterator[bytes]:  # chunked, so no Content-Length to refuse early on
        nonlocal sent
        yield b'--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        for _ in range(40 * 16):
            sent += 64 * 1024
            yield b"n" * (64 * 1024)
        yield b"\r\n--XyZ--\r\n"

    response = await client.post("/studio/upload", data=fields(),
                                 headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
    assert response.status == 413 and "too large" in (await response.json())["error"]


def test_upload_quota_per_member_and_in_all():
    quota = Quota(member=100, studio=250, window=60.0)
    assert quota.refusal("a", 60, now=0) is None
    quota.add("a", 60, now=0)
    assert "per member" in quota.refusal("a", 60, now=1)
    quota.add("b", 90, now=1)
    quota.add("c", 90, now=2)
    assert "studio" in quota.refusal("d", 20, now=3)
    assert quota.refusal("a", 60, now=61) is None  # a day (here a minute) later


async def test_an_upload_needs_a_member_and_counts_against_its_quota(served):
    _, client, _ = served
    assert (await client.post("/studio/upload", data=_form(b"MThd"))).status == 403
    await client.get("/")
    client.app[STUDIO_KEY].quota.member = 100_000
    first = await client.post("/studio/upload", data=_form(b"M" * 60_000))
    assert first.status == 200
    second = await client.post("/studio/upload", data=_form(b"M" * 60_000))
    assert second.status == 429 and "per member" in (await second.json())["error"]


def _form(data: bytes) -> Any:
    from aiohttp import FormData

    form = FormData()
    form.add_field("file", data, filename="riff.mid", content_type="audio/midi")
    return form


# -- 8. secrets out of logs; little said beyond loopback -----------------------------------------------


def test_query_strings_with_secrets_are_redacted():
    line = '127.0.0.1 "GET /?token=s3cret HTTP/1.1" 303 - "http://x/studio/operator?key=abc" "UA"'
    assert "s3cret" not in redact(line) and "abc" not in redact(line) and "GET /?[redacted]" in redact(line)
    assert redact('"GET /studio/catalog.json?v=2 HTTP/1.1"') == '"GET /studio/catalog.json?v=2 HTTP/1.1"'


async def test_the_token_never_reaches_the_access_log(tmp_path, caplog):
    jam, _ = make_jam(tmp_path, host="0.0.0.0", studio_token="s3cret-token-value")
    await jam.start(workers=False)
    app = make_app(jam)
    await mount(jam, app)
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    try:
        async with TestClient(TestServer(app)) as client:
            for _ in range(3):
                assert (await client.get("/?token=s3cret-token-value")).status == 200
        records = [r for r in caplog.records if r.name == "aiohttp.access"]
        assert records, "the access log wrote nothing"
        assert not any("s3cret-token-value" in r.getMessage() or "s3cret-token-value" in str(vars(r))
                       for r in records)
    finally:
        await jam.stop()


async def test_health_and_metrics_beyond_loopback(tmp_path):
    jam, _ = make_jam(tmp_path, host="0.0.0.0", studio_token="s3cret", metrics_token="scrape")
    await jam.start(workers=False)
    try:
        async with TestClient(TestServer(make_app(jam))) as client:
            health = await client.get("/healthz")
            assert health.status == 200 and await health.json() == {"ok": True}
            assert (await client.get("/metrics")).status == 401
            assert (await client.get("/metrics", headers={"Authorization": "Bearer nope"})).status == 401
            scraped = await client.get("/metrics", headers={"Authorization": "Bearer scrape"})
            assert scraped.status == 200 and "jamroom_job_seconds_count" in await scraped.text()
    finally:
        await jam.stop()


# -- 12, 13. a Redis outage: every frame answered on its own; 503 with a reason ------------------------


@pytest.fixture
async def frozen_redis(tmp_path):
    from test_scaleout_support import PrivateRedis

    server = PrivateRedis(tmp_path / "redis", appendonly=False).start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            os.kill(server.process.pid, signal.SIGCONT)
        server.stop()


async def test_a_redis_outage_neither_queues_answers_nor_breaks_health(tmp_path, frozen_redis):
    from test_scaleout_support import make_jam as make_redis_jam

    jam = make_redis_jam(tmp_path / "data", frozen_redis.url, f"t{uuid.uuid4().hex[:6]}")
    await jam.start(workers=False)
    app = make_app(jam)
    await mount(jam, app)
    try:
        async with TestClient(TestServer(app)) as client:
            browser, ann, _ = await _tab(client, "Ann")
            assert (await client.get("/healthz")).status == 200
            os.kill(frozen_redis.process.pid, signal.SIGSTOP)
            slow = await ann.send("/echo while redis sleeps")
            quick = await ann.send("/melody tempo:400")
            first = await ann.next(lambda e: e["type"] == "message" and e["message"]["kind"] == "command")
            # The refusal did not wait behind the command stuck on Redis.
            assert first["message"]["client_id"] == quick
            stuck = await ann.command(slow)
            assert stuck["status"]["state"] == "refused" and "busy" in stuck["status"]["text"]
            health = await client.get("/healthz")
            assert health.status == 503 and await health.json() == {"ok": False, "reason": "queue unreachable"}
            metrics = await client.get("/metrics")
            assert metrics.status == 503 and (await metrics.json())["reason"] == "queue unreachable"
            os.kill(frozen_redis.process.pid, signal.SIGCONT)
            await browser.close()
    finally:
        await jam.stop()


async def test_the_same_event_twice_at_once_is_one_job_and_one_message(served):
    jam, client, _ = served
    browser, ann, welcome = await _tab(client, "Ann")
    try:
        event = str(uuid.uuid4())
        await ann.ws.send_json({"type": "send", "id": event, "text": "/echo twice at once"})
        await ann.ws.send_json({"type": "send", "id": event, "text": "/echo twice at once"})
        first, second = await ann.command(event), await ann.command(event)
        assert first["id"] == second["id"] and first["job_id"] == second["job_id"]
        await ann.message("result", job_id=first["job_id"])
        hub = jam.outbounds.get("studio")
        assert [m["id"] for m in hub.book.get(welcome["thread"]) if m["kind"] == "command"] == [first["id"]]
    finally:
        await browser.close()
