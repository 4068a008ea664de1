"""The studio's page as members use it (issue 17), in Debian's Chromium against a real `jamroom serve`.

Two members in their own browser contexts (own cookies) share threads.  Every check reads
what is on screen: roles and accessible names, text, boxes in the viewport, axe-core's
findings.  One server serves the module; each test starts its own threads.
"""

from __future__ import annotations

import contextlib

import pytest
from studio_server import ARGS, CHROMIUM, ServeFailed, serve_studio
from test_studio_browser import WAIT_MS, _enter, _requirements, _run

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One `jamroom serve` for the module (starting one costs seconds of a shared 2-core machine)."""
    _requirements()
    try:
        with serve_studio(tmp_path_factory.mktemp("studio-ui")) as base:
            yield base
    except ServeFailed as exc:
        pytest.fail(str(exc))


@contextlib.asynccontextmanager
async def _browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def _member(browser, base: str, name: str, url: str | None = None, viewport=DESKTOP, **extra):
    ctx = await browser.new_context(viewport=viewport, **extra)
    page = await ctx.new_page()
    page.set_default_timeout(WAIT_MS)
    await _enter(page, base, name, url)
    return page


async def _new_jam(page) -> str:
    before = page.url
    await page.click("#new-thread")
    await page.wait_for_function("u => location.href !== u", arg=before)
    await page.wait_for_function("() => document.querySelector('#thread-sub').textContent.startsWith('#')")
    return page.url


async def _nth_result(page, n: int):
    result = page.locator(".msg.result").nth(n)
    image = result.locator("img").first
    await image.wait_for()
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await image.element_handle())
    return result


async def test_results_are_described_named_and_pressed_once(server):
    async with _browser() as browser:
        ann = await _member(browser, server, "Ann")
        await _new_jam(ann)

        # 7: the command shows at once, "queued", before the server has answered (same task as Enter).
        echoed = await ann.evaluate("""() => {
            const box = document.querySelector('#command');
            box.value = '/sketch a red fox curled in snow under a pale dawn sky';
            box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
            const line = document.querySelector('.msg.cmdmsg:last-child');
            return [line.querySelector('.cmd').textContent, line.querySelector('.status').textContent];
        }""")
        assert echoed[0] == "/sketch a red fox curled in snow under a pale dawn sky"
        assert "queued" in echoed[1]
        first = await _nth_result(ann, 0)
        assert await ann.locator(".msg.cmdmsg").count() == 1  # the echo became the server's line, not a second one

        # 4: the picture's alt is the generator's description, and the permalink page says the same.
        alt = await first.locator("img").first.get_attribute("alt")
        link = await first.locator(".permalink-line a").get_attribute("href")
        perma = await ann.context.new_page()
        await perma.goto(server + link)
        assert alt and "fox" in alt.lower()
        assert await perma.locator("p.description").inner_text() == alt
        assert await perma.locator(".files img").first.get_attribute("alt") == alt
        await perma.close()

        # 5: buttons are named by what they do; the reroll button has words, not only an emoji.
        assert await first.get_by_role("button", name="Four variations of cell 1").count() == 1
        assert await first.get_by_role("button", name="Cell 4 alone at 2048 px, more detail").count() == 1
        reroll = first.get_by_role("button", name="Four new takes on the same request")
        assert "Reroll" in await reroll.inner_text()

        # 8: at 1280×860 the newest result's buttons are on screen once its picture has loaded.
        bob = await _member(browser, server, "Bob", url=ann.url)
        await _run(ann, "/sketch a lighthouse on a cliff at night seed:4")
        newest = await _nth_result(ann, 1)
        # the scroll follows the picture's load event: wait for the buttons to be in the viewport (or time out)
        await ann.wait_for_function(
            """() => { const b = document.querySelectorAll('.msg.result')[1]?.querySelector('.buttons');
                       if (!b) return false; const r = b.getBoundingClientRect();
                       return r.top >= 0 && r.bottom <= window.innerHeight; }""", timeout=WAIT_MS)
        box = await newest.locator(".buttons").bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= DESKTOP["height"], box

        # 9: Bob double-clicks V2 of the first picture: one job, and both members see the used mark.
        bob_first = await _nth_result(bob, 0)
        v2 = bob_first.get_by_role("button", name="Four variations of cell 2")
        command = await v2.get_attribute("data-command")
        await v2.dblclick()
        await v2.click()  # a third click in the same burst
        await _nth_result(bob, 2)
        await _nth_result(ann, 2)
        # a second job from the burst would have been queued (and its line shown) before the first one's result
        for page in (ann, bob):
            lines = await page.locator(".msg.cmdmsg .cmd").all_inner_texts()
            assert lines.count(command) == 1, lines
            used = page.locator(".msg.result").first.get_by_role("button", name="Four variations of cell 2 (used)")
            assert "used" in await used.inner_text()
        assert await ann.locator(".msg.result").count() == 3

        # 5: axe-core on a thread full of results, then with the command list open: no serious or critical findings.
        from axe_playwright_python.async_playwright import Axe

        axe = Axe()
        for opened in (False, True):
            if opened:
                await ann.click("#help-toggle")
                await ann.locator("#help-body .ex").first.wait_for()
            found = (await axe.run(ann)).response["violations"]
            bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in found
                   if v["impact"] in ("serious", "critical")]
            assert bad == [], bad

        # 5: help examples are buttons a keyboard reaches; the close button and the name field have names.
        chip = ann.get_by_role("button", name="Put the example /sketch").first
        example = await chip.inner_text()
        await chip.focus()
        await ann.keyboard.press("Enter")
        assert await ann.input_value("#command") == example
        await ann.get_by_role("button", name="Close the command list").click()
        assert await ann.locator("#help").is_hidden()
        await ann.fill("#command", "")
        await ann.click("#me-name")
        assert await ann.get_by_role("textbox", name="Display name").is_visible()
        await ann.keyboard.press("Escape")


async def test_music_roll_lineage_refusals_and_phone(server, tmp_path):
    async with _browser() as browser:
        ann = await _member(browser, server, "Ann")
        await _new_jam(ann)

        # 12: the piano roll fills the card and opens at full size; the audio player has a name.
        await _run(ann, "/melody wistful rainy lofi bars:2 seed:3")
        result = ann.locator(".msg.result").first
        audio = result.locator("audio")
        await audio.wait_for(timeout=90_000)
        assert (await audio.get_attribute("aria-label")).startswith("Listen: ")
        roll = result.get_by_role("button", name="Enlarge: Piano roll of")
        await ann.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                    arg=await roll.locator("img").element_handle())
        assert await roll.locator("img").evaluate("img => img.clientWidth") >= 600  # was ~500 px, labels 4–5 px
        await roll.click()
        viewer = ann.locator("#viewer-img")
        await viewer.wait_for()
        natural = await viewer.evaluate("img => img.naturalWidth")
        assert await viewer.evaluate("img => img.clientWidth") == natural  # its own size, scrollable
        await ann.get_by_role("button", name="Close the picture").click()

        # 12: /credits <artifact> shows the lineage picture in the thread; the permalink page shows it too.
        await result.get_by_role("button", name="A variation that keeps the motif").click()
        built = ann.locator(".msg.result").nth(1)
        await built.locator("audio").wait_for(timeout=90_000)
        artifact = (await built.locator(".permalink-line a").inner_text()).split()[0]
        await _run(ann, f"/credits {artifact}")
        tree = ann.locator(".msg.cmdmsg .picture.lineage img").last
        await tree.wait_for()
        await ann.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await tree.element_handle())
        perma = await ann.context.new_page()
        await perma.goto(f"{server}/a/{artifact}")
        pic = perma.locator(".lineage-picture img")
        await perma.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await pic.element_handle())
        assert artifact in await pic.get_attribute("alt")
        await perma.close()

        # 11: a too-long prompt is refused with /help's limit, the text stays, and so does the message.
        long_text = "/sketch " + "koi " * 300
        await ann.clock.install()  # the page's timers run on a clock the test moves, not on the wall clock
        await ann.fill("#command", long_text)
        await ann.press("#command", "Enter")
        notice = ann.locator("#notice")
        await notice.wait_for()
        said = await notice.inner_text()
        assert "limit 1,000" in said, said
        assert await ann.input_value("#command") == long_text
        await ann.clock.fast_forward(60_000)  # a minute: the old toast lived 8 s
        assert await notice.is_visible() and await ann.input_value("#command") == long_text
        assert await ann.locator(".notice-live[role=alert] #notice").count() == 1
        await ann.get_by_role("button", name="Dismiss this message").click()
        await ann.fill("#command", "")

        # 11: a .txt upload is refused with one line, and nothing is pre-filled.
        notes = tmp_path / "notes.txt"
        notes.write_text("just some words\n")
        await ann.set_input_files("#file", str(notes))
        await notice.wait_for()
        said = await notice.inner_text()
        assert "notes.txt is a text file" in said and "/restyle" in said, said
        assert await ann.input_value("#command") == ""
        assert await ann.locator("#upload-chip").is_hidden()

        # 13: threads whose titles read the same when cut short are told apart in the list.
        start = "/sketch a very long and winding prompt about a quiet harbour town"
        for tail in ("at dawn", "at dusk"):
            await _new_jam(ann)
            await _run(ann, f"{start} {tail}")
            await ann.locator(".msg.cmdmsg .status").first.wait_for()
        await ann.wait_for_function("() => [...document.querySelectorAll('#threads .thread')]"
                                    ".filter(b => b.textContent.includes('very long')).length === 2")
        names = [t for t in await ann.locator("#threads .thread").all_inner_texts() if "very long" in t]
        assert len({n[:24] for n in names}) == 2, names  # different within what the sidebar shows

        # 6: on a phone the sidebar is gone and a compact switcher switches threads, starts a jam, renames.
        phone = await _member(browser, server, "Cleo", url=ann.url, viewport=PHONE)
        assert await phone.locator(".sidebar").is_hidden()
        switch = phone.get_by_label("Thread", exact=True)
        assert await switch.is_visible()
        options = await switch.locator("option").all_inner_texts()
        assert len(options) >= 3, options
        here = phone.url.split("#thread=")[1]
        values = [await o.get_attribute("value") for o in await switch.locator("option").all()]
        other = next(v for v in values if v != here)
        await switch.select_option(other)
        await phone.wait_for_function("t => location.hash === '#thread=' + t", arg=other)
        before = phone.url
        await phone.get_by_role("button", name="Start a new jam").click()
        await phone.wait_for_function("u => location.href !== u", arg=before)
        await phone.get_by_role("button", name="Your display name: Cleo. Change it").click()
        await phone.get_by_role("textbox", name="Display name").fill("Cleo P")
        await phone.keyboard.press("Enter")
        await phone.wait_for_function("() => document.querySelector('#m-name').textContent === 'Cleo P'")


async def test_consent_requests_get_buttons_and_outcomes(server):
    async with _browser() as browser:
        ann = await _member(browser, server, "Ann")
        url = await _new_jam(ann)
        await _run(ann, "/consent remix:ask")
        await ann.locator(".msg.cmdmsg .answer").last.wait_for()
        await _run(ann, "/sketch a paper boat on a pond seed:9")
        await _nth_result(ann, 0)
        bob = await _member(browser, server, "Bob", url=url)
        first = await _nth_result(bob, 0)

        # Bob's V1 waits for Ann; Ann sees a notice with Approve / Decline, not a red error.
        await first.get_by_role("button", name="Four variations of cell 1").click()
        await bob.locator(".status.waiting").last.wait_for()
        waiting = await bob.locator(".status.waiting").last.element_handle()
        assert "waiting for Ann" in await waiting.inner_text()
        notice = ann.locator(".msg.notice-msg").last
        await notice.wait_for()
        assert await ann.locator(".msg .error-msg").count() == 0
        assert await bob.locator(".msg.notice-msg button").count() == 0  # only the owner answers
        await notice.get_by_role("button", name="Approve").click()

        # The waiting line follows the outcome, then the result arrives with both names.
        await bob.wait_for_function("el => /approved by Ann|Ann approved/.test(el.textContent)", arg=waiting)
        built = await _nth_result(bob, 1)
        credits = await built.locator(".credits").inner_text()
        assert "Ann (prompt)" in credits and "Bob" in credits, credits
        await bob.wait_for_function("el => el.dataset.state === 'done'", arg=waiting)

        # A declined request says so on Bob's line.
        await first.get_by_role("button", name="Four variations of cell 3").click()
        await bob.locator(".status.waiting").last.wait_for()
        second = await bob.locator(".status.waiting").last.element_handle()
        await ann.locator(".msg.notice-msg").nth(1).wait_for()
        await ann.locator(".msg.notice-msg").nth(1).get_by_role("button", name="Decline").click()
        await bob.wait_for_function("el => el.dataset.state === 'declined'", arg=second)
        assert "declined" in (await second.inner_text()).lower()
        assert await bob.locator(".msg.result").count() == 2
