"""The studio over real HTTP and WebSocket (aiohttp's test server) on a real Jamroom.

Tabs are real WebSocket clients speaking the page's protocol; jobs go through the
real queue, process pool, ledger and the studio's outbound.
"""

from __future__ import annotations

import asyncio
import html
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import ClientSession, CookieJar, FormData
from aiohttp.test_utils import TestClient, TestServer
from support import make_jam

from adapters.studio import mount
from bot.credits import lineage_text
from bot.models import Role
from bot.web import make_app

WAIT = 30.0


class Browser:
    """One browser: its own cookie jar (so its own member), however many tabs it opens."""

    def __init__(self, server: TestServer) -> None:
        self.session = ClientSession(base_url=server.make_url("/"), cookie_jar=CookieJar(unsafe=True))

    async def tab(self, **headers: str) -> Tab:
        return Tab(await self.session.ws_connect("/studio/ws", headers=headers), self)

    async def close(self) -> None:
        await self.session.close()


class Tab:
    """A browser tab, minus the browser: hello, send, and wait for what the page would draw."""

    def __init__(self, ws: Any, browser: Browser | None = None) -> None:
        self.ws = ws
        self.browser = browser
        self.seen: list[dict[str, Any]] = []
        self._cursor = 0

    async def next(self, match: Callable[[dict[str, Any]], bool], timeout: float = WAIT) -> dict[str, Any]:
        """The first event (seen before or arriving) that matches, consumed in order."""
        async with asyncio.timeout(timeout):
            while True:
                while self._cursor < len(self.seen):
                    event = self.seen[self._cursor]
                    self._cursor += 1
                    if match(event):
                        return event
                event = await self.ws.receive_json()
                self.seen.extend(event["events"] if event["type"] == "batch" else [event])

    async def find(self, match: Callable[[dict[str, Any]], bool], timeout: float = WAIT) -> dict[str, Any]:
        """Like :meth:`next`, but also looks at events already passed over."""
        for event in self.seen[: self._cursor]:
            if match(event):
                return event
        return await self.next(match, timeout)

    async def hello(self, name: str, thread: str | None = None) -> dict[str, Any]:
        await self.ws.send_json({"type": "hello", "name": name, "thread": thread})
        return await self.next(lambda e: e["type"] == "welcome")

    async def send(self, text: str, event: str | None = None, **extra: Any) -> str:
        event = event or str(uuid.uuid4())
        await self.ws.send_json({"type": "send", "id": event, "text": text, **extra})
        return event

    async def message(self, kind: str, **where: Any) -> dict[str, Any]:
        def match(e: dict[str, Any]) -> bool:
            if e["type"] != "message" or e["message"]["kind"] != kind:
                return False
            return all(e["message"].get(k) == v for k, v in where.items())

        return (await self.next(match))["message"]

    async def command(self, client_id: str) -> dict[str, Any]:
        return await self.message("command", client_id=client_id)

    async def status(self, job_id: str, state: str) -> dict[str, Any]:
        return await self.next(lambda e: e["type"] == "status" and e["job_id"] == job_id and e["state"] == state)


@pytest.fixture
async def studio(tmp_path):
    # A generous job limit: the first job of a generator imports it, and a busy machine is slow (issue 12, 16).
    jam, _ = make_jam(tmp_path, job_timeout=120.0)
    await jam.start()
    app = make_app(jam)
    line = await mount(jam, app)
    client = TestClient(TestServer(app))
    await client.start_server()
    browsers: dict[str, Browser] = {}
    sockets = []

    async def open_tab(name: str | None = None, thread: str | None = None, browser: str | None = None
                       ) -> tuple[Tab, dict[str, Any]]:
        """A tab in the browser called ``browser`` (by default the one named like the member)."""
        key = browser or name or f"anonymous-{len(browsers)}"
        if key not in browsers:
            browsers[key] = Browser(client.server)
        tab = await browsers[key].tab()
        sockets.append(tab.ws)
        welcome = await tab.hello(name, thread) if name else {}
        return tab, welcome

    try:
        yield jam, client, open_tab, line
    finally:
        for ws in sockets:
            await ws.close()
        for b in browsers.values():
            await b.close()
        await client.close()
        await jam.stop()


def operator_path(line: str) -> str:
    """The one-time moderator link ``jamroom serve`` prints, as a path."""
    found = re.search(r"http://[^/\s]+(/studio/operator\?key=[A-Za-z0-9_-]+)", line)
    assert found, line
    return found.group(1)


async def test_mount_line_says_local_moderator(studio):
    _, client, open_tab, line = studio
    assert "127.0.0.1" in line and "Moderator link" in line
    _, welcome = await open_tab("Ann")
    assert welcome["me"]["name"] == "Ann" and welcome["me"]["moderator"] is False
    assert welcome["me"]["id"].startswith("b-")
    page = await client.get("/")
    assert page.status == 200 and "Jamroom studio" in await page.text()
    assert "connect-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("studio.js", "studio.css", "icon.svg"):
        assert (await client.get(f"/studio/static/{asset}")).status == 200
    cookie = next(c for c in page.cookies.values() if c.key == "jamroom_member")
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


async def test_two_members_in_one_thread_see_each_others_results(studio):
    _, _, open_tab, _ = studio
    ann, welcome = await open_tab("Ann")
    thread = welcome["thread"]
    bob, bob_welcome = await open_tab("Bob", thread)
    assert bob_welcome["thread"] == thread

    sent = await ann.send("/echo neon koi")
    command = await ann.command(sent)
    assert command["member"]["name"] == "Ann" and command["job_id"]
    assert command["status"]["state"] in ("queued", "running", "done")
    assert command["status"]["text"].startswith(("queued · position", "working", "done"))
    for tab in (ann, bob):
        result = await tab.message("result", job_id=command["job_id"])
        assert result["artifact"]["files"][0]["url"].endswith("/echo.txt")
        assert result["credits"] == "by Ann (prompt)"
        assert result["label"] and "AI-generated" in result["label"]

    sent = await bob.send("/echo second idea")
    job = (await bob.command(sent))["job_id"]
    theirs = await ann.message("result", job_id=job)
    assert theirs["member"]["name"] == "Bob" and theirs["credits"] == "by Bob (prompt)"
    await ann.status(job, "done")


async def test_button_click_credits_the_member_who_clicked(studio):
    jam, _, open_tab, _ = studio
    ann, welcome = await open_tab("Ann")
    bob, _ = await open_tab("Bob", welcome["thread"])
    first = await ann.command(await ann.send("/echo melody idea"))
    result = await bob.message("result", job_id=first["job_id"])
    [vary] = result["buttons"]
    assert vary["label"] == "Vary" and vary["text"] == f"/vary to:{result['artifact']['id']}"

    clicked = await bob.command(await bob.send(vary["text"]))  # what the page sends on a click
    assert clicked["member"]["name"] == "Bob"
    built = await ann.message("result", job_id=clicked["job_id"])
    assert built["credits"] == "by Ann (prompt) · Bob (vary)"
    assert built["artifact"]["parents"] == [result["artifact"]["id"]]
    recorded = await jam.ledger.artifact(built["artifact"]["id"])
    assert [(c.name, c.role, c.action) for c in recorded.contributors] == [
        ("Ann", Role.PROMPTED, ""), ("Bob", Role.BUILT_ON, "vary")]
    assert recorded.contributors[-1].member == f"studio:local:{clicked['member']['id']}"


async def test_bad_command_shows_the_parsers_message_to_its_sender(studio):
    _, _, open_tab, _ = studio
    ann, welcome = await open_tab("Ann")
    bob, _ = await open_tab("Bob", welcome["thread"])
    bad = await ann.command(await ann.send("/melody tempo:400"))
    assert bad["status"] == {"state": "refused", "text": "⚠️ tempo must be 40–240, got 400"}
    assert bad["ok"] is False and bad["private"] is True and bad["job_id"] is None
    unknown = await ann.command(await ann.send("/skech koi"))
    assert "unknown command /skech (did you mean sketch?)" in unknown["status"]["text"]
    # Bob is in the thread but a member's own mistakes are shown only to them.
    later = await bob.command(await bob.send("/help sketch"))
    assert later["status"]["state"] == "answered" and later["status"]["text"].startswith("/sketch — ")
    assert not any(e["type"] == "message" and e["message"]["member"]["id"] == "ann" for e in bob.seen)
    # A refusal is not stored: reopening the thread shows neither Ann nor Bob the refused commands.
    _, again = await open_tab("Ann", welcome["thread"])
    assert not any(m.get("text") in ("/melody tempo:400", "/skech koi") for m in again["messages"])
    _, other = await open_tab("Bob", welcome["thread"])
    assert not any(m.get("text") == "/melody tempo:400" for m in other["messages"])


async def test_resent_message_is_one_job(studio):
    jam, _, open_tab, _ = studio
    ann, _ = await open_tab("Ann")
    event = str(uuid.uuid4())
    first = await ann.command(await ann.send("/echo once", event))
    second = await ann.command(await ann.send("/echo once", event))
    assert second["id"] == first["id"] and second["job_id"] == first["job_id"]
    await ann.message("result", job_id=first["job_id"])
    await asyncio.sleep(0.2)
    assert len(await jam.ledger.artifacts()) == 1


async def test_cancel_a_queued_job(tmp_path):
    jam, _ = make_jam(tmp_path, job_timeout=2.0, concurrency=1)
    await jam.start()
    app = make_app(jam)
    await mount(jam, app)
    async with TestClient(TestServer(app)) as client:
        carl_browser, ann_browser = Browser(client.server), Browser(client.server)
        carl, ann = await carl_browser.tab(), await ann_browser.tab()
        ws = carl.ws
        welcome = await carl.hello("Carl")
        await ann.hello("Ann", welcome["thread"])
        hang = await carl.command(await carl.send("/hang forever"))
        await carl.status(hang["job_id"], "running")
        waiting = await ann.command(await ann.send("/echo later"))
        assert waiting["status"] == {"state": "queued", "text": "queued · position 1"}
        answer = await ann.command(await ann.send(f"/cancel job:{waiting['job_id']}"))  # the ❌ on the item
        assert answer["status"]["text"] == f"cancelled {waiting['job_id']}"
        await carl.status(waiting["job_id"], "cancelled")
        await ws.close()
        await ann.ws.close()
        await carl_browser.close()
        await ann_browser.close()
    await jam.stop()


async def test_oversize_upload_is_refused_clearly(studio):
    _, client, _, _ = studio
    await client.get("/")  # the page visit gives this browser its member cookie
    form = FormData()
    form.add_field("file", b"\0" * (10 * 1024 * 1024 + 1), filename="huge.mid", content_type="audio/midi")
    response = await client.post("/studio/upload", data=form)
    assert response.status == 413
    error = (await response.json())["error"]
    assert error == "that file is too large: more than 10 MB (the studio takes files up to 10 MB)"
    empty = FormData()
    empty.add_field("note", "no file here")
    response = await client.post("/studio/upload", data=empty)
    assert response.status == 400 and "in a field named file" in (await response.json())["error"]


async def test_upload_goes_with_the_next_command_that_takes_a_file(studio):
    _, _, open_tab, _ = studio
    ann, _ = await open_tab("Ann")
    form = FormData()
    form.add_field("file", b"not really midi", filename="riff.mid", content_type="application/octet-stream")
    response = await ann.browser.session.post("/studio/upload", data=form)
    assert response.status == 200
    up = await response.json()
    assert up["name"] == "riff.mid" and up["mime"] == "audio/midi" and up["size"] == 15
    command = await ann.command(await ann.send("/riff", upload=up["upload"]))
    assert command["text"] == f"/riff file:{up['upload']}" and command["upload"] is True and command["job_id"]
    failed = await ann.message("error", job_id=command["job_id"])
    assert "MIDI" in failed["text"]
    # The core's own limits still apply: /riff takes recordings up to 10 MB, MIDI files up to 1 MB.
    big = FormData()
    big.add_field("file", b"M" * (2 * 1024 * 1024), filename="big.mid", content_type="audio/midi")
    up = await (await ann.browser.session.post("/studio/upload", data=big)).json()
    command = await ann.command(await ann.send("/riff action:harmonize", upload=up["upload"]))
    failed = await ann.message("error", job_id=command["job_id"])
    assert "MIDI files can be up to 1 MB; this one is 2.1 MB" in failed["text"]
    gone = await ann.send("/riff", upload="u-nope")
    error = await ann.next(lambda e: e["type"] == "error")
    assert error["event"] == gone and "upload the file again" in error["text"]


async def test_permalink_page_and_files(studio):
    jam, client, open_tab, _ = studio
    ann, welcome = await open_tab("Ann")
    bob, _ = await open_tab("Bob", welcome["thread"])
    first = await ann.command(await ann.send("/echo <b>koi</b>"))
    made = await ann.message("result", job_id=first["job_id"])
    second = await bob.command(await bob.send(made["buttons"][0]["text"]))
    varied = await bob.message("result", job_id=second["job_id"])
    art = varied["artifact"]
    page = await client.get(art["permalink"])
    body = await page.text()
    assert page.status == 200
    assert "by Ann (prompt) · Bob (vary)" in body and made["artifact"]["id"] in body
    lineage = await jam.ledger.lineage(art["id"])
    assert [a.id for a in lineage] == [art["id"], made["artifact"]["id"]]
    assert html.escape(lineage_text(lineage)) in body
    first_page = await (await client.get(made["artifact"]["permalink"])).text()
    assert "<b>koi</b>" not in first_page and "&lt;b&gt;koi&lt;/b&gt;" in first_page
    raw = await client.get(art["files"][0]["url"])
    assert raw.status == 200 and raw.headers["Content-Type"].startswith("text/plain")
    assert await raw.read() == jam.store.get((await jam.ledger.artifact(art["id"])).files[0].sha256)
    assert (await client.get("/a/a0000000000")).status == 404
    assert (await client.get(f"/a/{art['id']}/nope.txt")).status == 404
    assert (await client.get(f"/a/{art['id']}/..%2F..%2Fledger.sqlite3")).status == 404


async def test_catalog_json_drives_completion_and_help(studio):
    _, client, _, _ = studio
    data = await (await client.get("/studio/catalog.json")).json()
    by_name = {c["name"]: c for c in data["commands"]}
    assert by_name["sketch"]["bare"] == "prompt" and by_name["riff"]["file"] == "file"
    tempo = next(o for o in by_name["melody"]["options"] if o["name"] == "tempo")
    assert tempo["min"] == 40 and tempo["max"] == 240 and tempo["allowed"] == "40–240"
    assert "/help sketch" in by_name["help"]["examples"]
    assert [f["label"] for f in data["follow_ups"]["note"]] == ["Vary"]


async def test_history_and_threads_survive_a_restart(studio, tmp_path):
    jam, _, open_tab, _ = studio
    ann, welcome = await open_tab("Ann")
    command = await ann.command(await ann.send("/echo keep me"))
    await ann.message("result", job_id=command["job_id"])
    await ann.status(command["job_id"], "done")
    refused = await ann.command(await ann.send("/melody tempo:400"))
    assert refused["status"]["state"] == "refused"
    titled = await ann.find(lambda e: e["type"] == "threads" and any(
        t["id"] == welcome["thread"] and t["title"] == "/echo keep me" for t in e["threads"]))
    assert titled
    await ann.ws.send_json({"type": "new_thread"})
    fresh = await ann.next(lambda e: e["type"] == "welcome")
    assert fresh["thread"] != welcome["thread"] and fresh["messages"] == []
    assert {t["id"] for t in fresh["threads"]} >= {welcome["thread"], fresh["thread"]}

    # A second studio on the same ledger and data folder (the process restarted): the thread, its title,
    # the accepted command with its status line and the result come back; the refusal does not.
    await jam.outbounds.get("studio").close()  # what a clean shutdown does: pending journal writes land
    app = make_app(jam)
    await mount(jam, app)
    async with TestClient(TestServer(app)) as client:
        tab = Tab(await client.ws_connect("/studio/ws"))
        back = await tab.hello("Bob", welcome["thread"])
        said, old = back["messages"]
        assert said["kind"] == "command" and said["text"] == "/echo keep me" and said["member"]["name"] == "Ann"
        assert said["status"]["state"] == "done"
        assert old["kind"] == "result" and old["from_ledger"] and old["credits"] == "by Ann (prompt)"
        assert old["buttons"][0]["text"] == f"/vary to:{old['artifact']['id']}"
        assert any(t["id"] == welcome["thread"] and t["title"] == "/echo keep me" for t in back["threads"])
        await tab.ws.close()


async def test_tab_mistakes_are_one_line_errors(studio):
    _, _, open_tab, _ = studio
    tab, _ = await open_tab()
    await tab.ws.send_str("{nope")
    assert (await tab.next(lambda e: e["type"] == "error"))["text"] == "that was not JSON"
    await tab.ws.send_json({"type": "send", "id": str(uuid.uuid4()), "text": "/echo hi"})
    assert "display name" in (await tab.next(lambda e: e["type"] == "error"))["text"]
    await tab.ws.send_json({"type": "hello", "name": "x" * 40})
    assert "at most 32" in (await tab.next(lambda e: e["type"] == "error"))["text"]
    await tab.hello("Ann")
    await tab.ws.send_json({"type": "join", "thread": "../etc"})
    assert "thread id" in (await tab.next(lambda e: e["type"] == "error"))["text"]
    await tab.ws.send_json({"type": "send", "id": "x", "text": "/echo hi"})
    assert "needs an id" in (await tab.next(lambda e: e["type"] == "error"))["text"]


async def test_exposed_studio_needs_its_token(tmp_path):
    jam, _ = make_jam(tmp_path, host="0.0.0.0", studio_token="s3cret")
    await jam.start(workers=False)
    app = make_app(jam)
    line = await mount(jam, app)
    assert "token is required" in line and "s3cret" not in line
    try:
        async with TestClient(TestServer(app)) as client:
            assert (await client.get("/")).status == 401
            assert (await client.get("/studio/catalog.json")).status == 401
            refused = await client.get("/studio/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                                                "Sec-WebSocket-Key": "x3JJHMbDL1EzLkh9GBhXDw==",
                                                                "Sec-WebSocket-Version": "13"})
            assert refused.status == 401
            page = await client.get("/?token=s3cret")
            # The token is swapped for a cookie and the browser lands on the clean address.
            assert page.status == 200 and page.history[0].status == 303 and str(page.url.path_qs) == "/"
            # The cookie set by the ?token= visit opens the socket and the catalog.
            assert (await client.get("/studio/catalog.json")).status == 200
            tab = Tab(await client.ws_connect("/studio/ws"))
            assert (await tab.hello("Ann"))["me"]["moderator"] is False  # the token lets in; it does not moderate
            await tab.ws.close()
            bearer = await client.get("/studio/catalog.json", headers={"Authorization": "Bearer s3cret"})
            assert bearer.status == 200
    finally:
        await jam.stop()


async def test_exposed_studio_without_token_is_off_but_permalinks_work(tmp_path):
    jam, _ = make_jam(tmp_path, host="0.0.0.0")
    await jam.start(workers=False)
    app = make_app(jam)
    line = await mount(jam, app)
    assert line.startswith("Studio: OFF") and "JAMROOM_STUDIO_TOKEN" in line
    try:
        async with TestClient(TestServer(app)) as client:
            page = await client.get("/")
            assert page.status == 403 and "JAMROOM_STUDIO_TOKEN is not set" in await page.text()
            assert (await client.get("/a/a0000000000")).status == 404  # open route, just nothing there
    finally:
        await jam.stop()


async def test_other_sites_cannot_drive_the_studio(studio):
    _, client, _, _ = studio
    with pytest.raises(Exception, match="403"):
        await client.ws_connect("/studio/ws", headers={"Origin": "http://evil.example"})
    form = FormData()
    form.add_field("file", b"x", filename="a.mid")
    response = await client.post("/studio/upload", data=form, headers={"Origin": "http://evil.example"})
    assert response.status == 403


async def test_moderator_watches_other_platforms_threads_read_only(studio):
    jam, _, open_tab, line = studio
    from support import origin

    out = jam.outbounds.get("test")
    await jam.submit_text("/echo from discord", origin("dee", "d1", thread="t9"))
    [made] = await out.wait_for(1)
    member, _ = await open_tab("Ann")
    await member.browser.session.get(operator_path(line))
    ann, welcome = await open_tab("Ann")
    assert welcome["me"]["moderator"] is True
    [watched] = welcome["community"]
    assert watched["platform"] == "test" and "echo: from discord" in watched["title"]
    await ann.ws.send_json({"type": "join", "thread": watched["id"]})
    view = await ann.next(lambda e: e["type"] == "welcome" and e["thread"] == watched["id"])
    assert view["readonly"]["platform"] == "test"
    [result] = view["messages"]
    assert result["artifact"]["id"] == made.artifact.id and result["credits"] == "by dee (prompt)"
    assert result["buttons"] == []
    refused = await ann.send("/echo nope")
    error = await ann.next(lambda e: e["type"] == "error")
    assert error["event"] == refused and "only shows it" in error["text"]
    await ann.ws.send_json({"type": "join", "thread": "x-000000000000"})
    assert "not in the ledger" in (await ann.next(lambda e: e["type"] == "error"))["text"]


async def test_an_answer_with_a_file_links_it(studio):
    _, client, open_tab, _ = studio
    ann, _ = await open_tab("Ann")
    made = await ann.command(await ann.send("/echo for the record"))
    await ann.message("result", job_id=made["job_id"])
    answer = await ann.command(await ann.send("/credits format:csv"))
    assert answer["status"]["state"] == "answered"
    [attached] = answer["attachments"]
    assert attached["name"] == "credits.csv" and attached["mime"] == "text/csv"
    response = await client.get(attached["url"])
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    assert "Ann" in await response.text()
    assert (await client.get("/studio/blob/" + "0" * 64 + "/x.csv")).status == 404


async def test_a_removed_result_leaves_every_tab_and_its_permalink(studio):
    _, client, open_tab, _ = studio
    ann, welcome = await open_tab("Ann")
    bob, _ = await open_tab("Bob", welcome["thread"])
    made = await ann.command(await ann.send("/echo take this back"))
    result = await bob.message("result", job_id=made["job_id"])
    art = result["artifact"]["id"]
    assert result["id"] == f"r-{art}"
    answer = await ann.command(await ann.send(f"/remove {art}"))
    assert answer["status"]["text"].startswith(f"removed {art}") and "by hand" not in answer["status"]["text"]
    for tab in (ann, bob):
        gone = await tab.find(lambda e: e["type"] == "retract")
        assert gone["ids"] == [f"r-{art}", f"h-{art}"]
    _, again = await open_tab("Cy", welcome["thread"])
    assert not any(m["kind"] == "result" for m in again["messages"])
    assert (await client.get(f"/a/{art}")).status == 410
    assert (await client.get(result["artifact"]["files"][0]["url"])).status == 410
