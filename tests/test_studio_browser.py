"""The studio in a real browser: Debian's Chromium driven by Playwright, against `jamroom serve`.

The server is the real product (real catalog, real generators, memory queue, SQLite)
started as a subprocess on a free port; the browser runs headless and offline.
With ``CI`` set this test must run: a missing Chromium or Playwright fails it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from studio_server import ARGS, CHROMIUM, ServeFailed, serve_studio

WAIT_MS = 45_000

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def _requirements() -> None:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("Chromium (Debian package chromium) is not installed")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package is not installed")
    if missing and not os.environ.get("CI"):
        pytest.skip("; ".join(missing) + " — install them to run the studio's browser test")


@pytest.fixture
def server(tmp_path):
    """`jamroom serve` on a free loopback port, with nothing but a data folder set."""
    _requirements()
    try:
        with serve_studio(tmp_path) as base:
            yield base
    except ServeFailed as exc:
        pytest.fail(str(exc))


async def _enter(page, base: str, name: str, url: str | None = None) -> None:
    await page.goto(url or base + "/")
    await page.locator("#name-dialog").wait_for(state="visible")
    await page.fill("#name-input", name)
    await page.click("#name-ok")
    # Function forms only: a string expression is polled with eval(), which the page's CSP forbids.
    await page.wait_for_function("() => document.querySelector('#thread-sub').textContent.startsWith('#')")
    await page.wait_for_function("n => document.querySelector('#me-name').textContent === n", arg=name)


async def _run(page, text: str) -> None:
    await page.click("#command")
    await page.keyboard.type(text)
    await page.keyboard.press("Escape")  # close the completion list, then send
    await page.keyboard.press("Enter")


async def test_sketch_button_and_audio_in_a_real_browser(server, tmp_path):
    from playwright.async_api import async_playwright

    shots = Path(os.environ.get("STUDIO_SCREENSHOTS", tmp_path))
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ann_ctx = await browser.new_context(viewport={"width": 1280, "height": 860})
            ann = await ann_ctx.new_page()
            ann.set_default_timeout(WAIT_MS)
            await _enter(ann, server, "Ann")
            catalog = await ann.evaluate("fetch('/studio/catalog.json').then(r => r.json())")
            names = {c["name"] for c in catalog["commands"]}

            # Completion comes from the catalog.
            await ann.click("#command")
            await ann.keyboard.type("/ske")
            await ann.locator("#complete li", has_text="/sketch").first.wait_for()
            await ann.keyboard.press("Tab")
            assert await ann.input_value("#command") == "/sketch "
            await ann.keyboard.type("neon koi")
            await ann.keyboard.press("Escape")
            await ann.keyboard.press("Enter")

            first = ann.locator(".msg.result").first
            image = first.locator("img").first
            await image.wait_for()
            await ann.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await image.element_handle())
            assert (await first.locator(".credits").inner_text()).strip() == "by Ann (prompt)"
            assert "AI-generated" in await first.locator(".label").inner_text()
            status = ann.locator(".msg.cmdmsg .status").first
            await ann.wait_for_function("el => el.dataset.state === 'done'", arg=await status.element_handle())

            # A second member in their own tab (own session), same thread, presses the first result's action.
            bob_ctx = await browser.new_context(viewport={"width": 1280, "height": 860})
            bob = await bob_ctx.new_page()
            bob.set_default_timeout(WAIT_MS)
            await _enter(bob, server, "Bob", url=ann.url)
            assert "#thread=" in ann.url and bob.url == ann.url
            bob_first = bob.locator(".msg.result").first
            await bob_first.locator("img").wait_for()
            actions = bob_first.locator("button.action")
            labels = await actions.all_inner_texts()
            assert labels, "the result offers no follow-up actions"
            button = actions.nth(labels.index("V2") if "V2" in labels else 0)
            command = await button.get_attribute("data-command")  # e.g. "/vary to:a1b2c3 pick:2"
            action = command.split()[0].lstrip("/")
            await button.click()
            for page in (ann, bob):
                built = page.locator(".msg.result").nth(1)
                await built.locator(".credits").wait_for()
                credits = await built.locator(".credits").inner_text()
                assert "Ann (prompt)" in credits and f"Bob ({action}" in credits, credits
                await built.locator("img").wait_for()

            # Permalink page: file, credits, lineage.
            link = await bob.locator(".msg.result").nth(1).locator(".permalink-line a").get_attribute("href")
            perma = await bob_ctx.new_page()
            await perma.goto(server + link)
            text = await perma.locator("main").inner_text()
            assert "Ann (prompt)" in text and f"Bob ({action}" in text and "←" in text
            await perma.close()

            if "melody" in names:
                await _run(ann, "/melody wistful rainy lofi bars:2 seed:3")
                audio = ann.locator(".msg.result audio").first
                await audio.wait_for(timeout=90_000)
                handle = await audio.element_handle()
                await ann.wait_for_function("a => a.readyState >= 1 && a.duration > 0", arg=handle)
                await ann.evaluate("a => a.play()", handle)
                await ann.wait_for_function("a => !a.paused && a.currentTime > 0.05", arg=handle)
                await ann.evaluate("a => a.pause()", handle)
                downloads = await ann.locator(".msg.result").last.locator("a.download").all_inner_texts()
                assert any(".mid" in d for d in downloads), downloads

            await ann.locator(".msg.result").last.scroll_into_view_if_needed()
            await asyncio.sleep(0.3)
            await ann.screenshot(path=str(shots / "studio-ann.png"))
            await bob.screenshot(path=str(shots / "studio-bob.png"))
            await ann_ctx.close()
            await bob_ctx.close()
        finally:
            await browser.close()


async def test_the_operator_link_makes_this_browser_the_moderator(server, tmp_path):
    """The one-time link `jamroom serve` prints: that browser moderates, lands on a clean URL, others are members."""
    import re

    from playwright.async_api import async_playwright

    printed = (tmp_path / "serve.log").read_text()
    found = re.search(r"(/studio/operator\?key=[A-Za-z0-9_-]+)", printed)
    assert found, printed[-2000:]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            op_ctx = await browser.new_context()
            op = await op_ctx.new_page()
            op.set_default_timeout(WAIT_MS)
            await op.goto(server + found.group(1))
            assert op.url == server + "/"  # the key left the address bar
            await _enter(op, server, "Operator", url=op.url)
            await op.wait_for_function("() => document.querySelector('#me-role').textContent === 'moderator'")
            assert "jamroom_member" not in await op.evaluate("() => document.cookie")  # HttpOnly

            guest_ctx = await browser.new_context()
            guest = await guest_ctx.new_page()
            guest.set_default_timeout(WAIT_MS)
            await _enter(guest, server, "Operator")  # the same name is not the same person
            await guest.wait_for_function("() => document.querySelector('#me-role').textContent === 'member'")
            again = await guest.goto(server + found.group(1))
            assert again.status == 403  # one use
            await op_ctx.close()
            await guest_ctx.close()
        finally:
            await browser.close()
