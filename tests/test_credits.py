"""Credits and lineage through the real core: three members build on each other's work."""

from __future__ import annotations

import csv
import io
import json

from PIL import Image
from support import origin

from bot import credits as fmt
from bot.consent import pseudonym
from bot.lineage_picture import picture


async def _jam_of_three(jam, out):
    """ann makes, bob varies it, cy varies bob's: returns the three deliveries."""
    assert (await jam.submit_text("/echo melody idea seed:7", origin("ann", "e1"))).ok
    await out.wait_for(1)
    assert (await jam.submit_text("/vary", origin("bob", "e2"))).ok
    await out.wait_for(2)
    assert (await jam.submit_text("/vary", origin("cy", "e3"))).ok
    return await out.wait_for(3)


async def test_thread_credits_and_lineage_with_picture(jam_and_outbound):
    jam, out = jam_and_outbound
    first, second, third = await _jam_of_three(jam, out)
    assert third.artifact.parents == [second.artifact.id] and second.artifact.parents == [first.artifact.id]
    thread = await jam.submit_text("/credits", origin("dee", "e4"))
    assert "ann: prompted" in thread.text and "bob: vary" in thread.text and "cy: vary" in thread.text

    reply = await jam.submit_text(f"/credits {third.artifact.id}", origin("dee", "e5"))
    assert reply.ok
    head = reply.text.splitlines()[0]
    assert head.endswith("vary by @cy ← vary by @bob ← echo by @ann, Jamroom echo v1 seed 7")
    assert f"└ vary by @bob ({second.artifact.id}" in reply.text
    [png] = reply.attachments
    assert png.mime == "image/png" and png.name == f"lineage-{third.artifact.id}.png"
    image = Image.open(io.BytesIO(png.data))
    assert image.height > image.width / 2  # three rows of boxes


async def test_single_level_has_no_picture(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/echo alone", origin("ann", "e1"))
    [d] = await out.wait_for(1)
    reply = await jam.submit_text(f"/credits artifact:{d.artifact.id}", origin("ann", "e2"))
    assert reply.ok and reply.attachments == []


async def test_exports_and_credits_me(jam_and_outbound):
    jam, out = jam_and_outbound
    _, _, third = await _jam_of_three(jam, out)
    as_json = await jam.submit_text(f"/credits artifact:{third.artifact.id} format:json", origin("cy", "e4"))
    names = [a.name for a in as_json.attachments]
    assert names == ["credits.json", f"lineage-{third.artifact.id}.png"]
    data = json.loads(as_json.attachments[0].data)
    assert data["artifacts"][0]["id"] == third.artifact.id
    assert all(a["removed"] is False for a in data["artifacts"])
    as_csv = await jam.submit_text("/credits format:csv", origin("cy", "e5"))
    rows = list(csv.DictReader(io.StringIO(as_csv.attachments[0].data.decode())))
    assert {r["name"] for r in rows} == {"ann", "bob", "cy"} and len(rows) == 1 + 2 + 3
    md = await jam.submit_text("/credits format:md", origin("cy", "e6"))
    assert md.attachments[0].data.decode().startswith("## Credits for this thread")
    mine = await jam.submit_text("/credits me", origin("bob", "e7"))
    assert "What bob contributed" in mine.text and first_line_count(mine.text, "  a") == 2
    assert mine.private  # only the asker sees it: an opted-out member's list would tie pseudonym to name


def first_line_count(text: str, prefix: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith(prefix))


async def test_owner_is_notified_unless_they_turned_notices_off(jam_and_outbound):
    jam, out = jam_and_outbound
    _, second, third = await _jam_of_three(jam, out)
    assert second.notify == ["test:w1:ann"]
    assert third.notify == ["test:w1:ann", "test:w1:bob"]
    assert "@" not in third.credits_line and "bob (vary)" in third.credits_line
    reply = await jam.submit_text("/consent notices:off", origin("ann", "e8"))
    assert reply.ok and "notices off" in reply.text
    await jam.submit_text("/vary", origin("dee", "e9"))
    fourth = (await out.wait_for(4))[3]
    assert fourth.notify == ["test:w1:bob", "test:w1:cy"]


async def test_optout_hides_the_name_from_now_on(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/echo before", origin("ann", "e1"))
    [before] = await out.wait_for(1)
    reply = await jam.submit_text("/optout", origin("ann", "e2"))
    alias = pseudonym("test:w1:ann")
    assert reply.ok and alias in reply.text
    await jam.submit_text("/vary", origin("bob", "e3"))
    after = (await out.wait_for(2))[1]
    assert "ann" not in after.credits_line and alias in after.credits_line
    assert after.artifact.contributors[0].member == "test:w1:ann"  # the record keeps a stable id
    await jam.submit_text("/echo mine now", origin("ann", "e4"))
    own = (await out.wait_for(3))[2]
    body = out.deliveries[2][1]["echo.txt"].decode()
    assert alias in body and "ann" not in body.replace("mine now", "")
    listing = await jam.submit_text("/credits", origin("cy", "e5"))
    assert "ann" not in listing.text and alias in listing.text
    assert before.artifact.id in listing.text and own.artifact.id in listing.text
    await jam.submit_text("/optout off", origin("ann", "e6"))
    assert "ann" in (await jam.submit_text("/credits", origin("cy", "e7"))).text


def test_lineage_picture_is_deterministic_and_levels_are_by_depth(tmp_path):
    from bot.models import Artifact, Contributor, Role

    def art(i: str, parents: list[str], who: str, action: str = "") -> Artifact:
        role = Role.BUILT_ON if parents else Role.PROMPTED
        return Artifact(i, "music", "t:w:c:t", "music.melody", "1", {}, 7, parents,
                        [Contributor(f"t:w:{who}", who, role, action)], [])

    blend = art("a3", ["a1", "a2"], "cy", "blend")
    lineage = [blend, art("a1", [], "ann"), art("a2", [], "bob")]
    assert [[a.id for a in level] for level in fmt.levels(lineage)] == [["a3"], ["a1", "a2"]]
    first = picture(lineage, removed={"a2"})
    assert first == picture(lineage, removed={"a2"})
    image = Image.open(io.BytesIO(first))
    assert image.width > image.height  # two boxes side by side on top
    assert "blend by @cy [removed]" not in fmt.tree_text(lineage, {"a2"})
    assert "melody by @bob [removed]" in fmt.tree_text(lineage, {"a2"})
