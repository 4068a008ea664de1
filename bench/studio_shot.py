"""The README's picture of the studio: two members, a sketch, a variation and a melody, at 1280×860.

    python bench/studio_shot.py [--out docs/studio.png] [--phone /tmp/studio-phone.png] [--axe]

With ``--axe`` it also prints axe-core's findings on that page (thread of results; then with the
command list open; then on a phone), counted by impact, and each rule that fired.

Starts `jamroom serve` (studio only, memory queue, a temporary data folder) on a free
loopback port and drives Debian's Chromium with Playwright.  Prints the file's size.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from studio_server import ARGS, CHROMIUM, serve_studio

WAIT_MS = 90_000


async def enter(browser, base: str, name: str, url: str | None = None, viewport=None):
    ctx = await browser.new_context(viewport=viewport or {"width": 1280, "height": 860})
    page = await ctx.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(url or base + "/")
    await page.fill("#name-input", name)
    await page.click("#name-ok")
    await page.wait_for_function("() => document.querySelector('#thread-sub').textContent.startsWith('#')")
    return page


async def run(page, text: str) -> None:
    await page.fill("#command", text)
    await page.press("#command", "Enter")


async def loaded(page, nth: int) -> None:
    img = page.locator(".msg.result").nth(nth).locator("img").first
    await img.wait_for()
    await page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=await img.element_handle())


async def audit(page, what: str) -> None:
    from axe_playwright_python.async_playwright import Axe

    found = (await Axe().run(page)).response["violations"]
    counts = {impact: sum(len(v["nodes"]) for v in found if v["impact"] == impact)
              for impact in ("critical", "serious", "moderate", "minor")}
    print(f"axe {what}: " + ", ".join(f"{k} {n}" for k, n in counts.items())
          + "".join(f"\n  {v['impact']}: {v['id']} ×{len(v['nodes'])} — {v['help']}" for v in found))


async def shoot(base: str, phone: bool, axe: bool = False) -> tuple[bytes, bytes | None]:
    """Screenshots of Ann's tab (desktop) and, when asked, Cleo's (a phone)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ann = await enter(browser, base, "Ann")
            await run(ann, "/melody wistful rainy lofi bars:2 seed:3")
            await loaded(ann, 0)
            await run(ann, "/sketch a red fox curled in snow under a pale dawn sky seed:7")
            await loaded(ann, 1)
            bob = await enter(browser, base, "Bob", url=ann.url)
            await loaded(bob, 1)
            await bob.locator(".msg.result").nth(1).get_by_role("button", name="Four variations of cell 2").click()
            await loaded(ann, 2)
            await asyncio.sleep(0.5)
            desktop = await ann.screenshot(type="png")
            if axe:
                await audit(ann, "1280×860, thread with 3 results")
                await ann.click("#help-toggle")
                await audit(ann, "1280×860, command list open")
            small = None
            if phone:
                cleo = await enter(browser, base, "Cleo", url=ann.url, viewport={"width": 390, "height": 844})
                await loaded(cleo, 2)
                small = await cleo.screenshot(type="png")
                if axe:
                    await audit(cleo, "390×844 phone")
            return desktop, small
        finally:
            await browser.close()


def _small(png: bytes) -> bytes:
    """The screenshot as a 256-colour PNG (a dark UI quantizes cleanly), well under 300 KB."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/studio.png"))
    parser.add_argument("--phone", type=Path, default=None)
    parser.add_argument("--axe", action="store_true", help="print axe-core's findings too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serve_studio(Path(tmp), wait=90) as base:
        desktop, phone = asyncio.run(shoot(base, args.phone is not None, args.axe))
    args.out.write_bytes(_small(desktop))
    print(f"{args.out}: {args.out.stat().st_size / 1024:.0f} KiB, 1280×860")
    if args.phone is not None and phone is not None:
        args.phone.write_bytes(phone)
        print(f"{args.phone}: {args.phone.stat().st_size / 1024:.0f} KiB, 390×844")


if __name__ == "__main__":
    main()
