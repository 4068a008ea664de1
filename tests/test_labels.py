"""AI labels: moderators switch them per server or channel; every result message follows."""

from __future__ import annotations

from support import origin

from bot.labels import KIND


def _in(channel: str, member: str, event: str, *, moderator: bool = False):
    o = origin(member, event, moderator=moderator)
    return o.__class__(**{**o.to_dict(), "channel": channel})


async def test_labels_follow_the_policy_in_every_message(jam_and_outbound):
    jam, out = jam_and_outbound
    shown = await jam.submit_text("/labels", origin("ann", "l0"))
    assert shown.ok and "AI labels are on" in shown.text and "default" in shown.text
    await jam.submit_text("/echo one", origin("ann", "l1"))
    [first] = await out.wait_for(1)
    assert first.label == "🤖 AI-generated · Jamroom echo v1"

    refused = await jam.submit_text("/labels off", origin("ann", "l2"))
    assert not refused.ok and "only moderators" in refused.text
    off = await jam.submit_text("/labels off", origin("mod", "l3", moderator=True))
    assert off.ok and "now off" in off.text
    await jam.submit_text("/echo two", origin("ann", "l4"))
    await jam.submit_text("/vary", origin("bob", "l5"))
    later = (await out.wait_for(3))[1:]
    assert [d.label for d in later] == [None, None]
    assert all(d.artifact for d in later)  # provenance still goes into the file; only the message changes

    status = await jam.submit_text("/labels", origin("ann", "l6"))
    assert "off" in status.text and "set by mod" in status.text and "UTC" in status.text

    custom = await jam.submit_text('/labels state:on text:"made by a bot ({generator} v{version})"',
                                   origin("mod", "l7", moderator=True))
    assert custom.ok
    await jam.submit_text("/echo three", origin("ann", "l8"))
    assert (await out.wait_for(4))[3].label == "made by a bot (echo v1)"
    entries = await jam.ledger.entries_of(KIND)
    assert [e["on"] for e in entries] == [False, True] and entries[0]["set_by"] == "mod"
    assert (await jam.ledger.verify()).ok


async def test_channel_scope_overrides_the_server(jam_and_outbound):
    jam, out = jam_and_outbound
    assert (await jam.submit_text("/labels off scope:channel", _in("quiet", "mod", "l1", moderator=True))).ok
    await jam.submit_text("/echo here", _in("quiet", "ann", "l2"))
    await jam.submit_text("/echo there", _in("loud", "ann", "l3"))
    deliveries = await out.wait_for(2)
    labels = {d.origin.channel: d.label for d in deliveries}
    assert labels["quiet"] is None and labels["loud"] and "AI-generated" in labels["loud"]


async def test_label_text_from_settings_and_bare_text(jam_and_outbound):
    jam, out = jam_and_outbound
    mod = origin("mod", "l1", moderator=True)
    assert (await jam.submit_text('/settings label_text:"AI-made with {generator}"', mod)).ok
    await jam.submit_text("/echo x", origin("ann", "l2"))
    assert (await out.wait_for(1))[0].label == "AI-made with echo"
    assert (await jam.submit_text("/labels on Bot art", origin("mod", "l3", moderator=True))).ok
    await jam.submit_text("/echo y", origin("ann", "l4"))
    assert (await out.wait_for(2))[1].label == "Bot art"
