"""The parser: clear one-line errors naming the option, and nothing else ever escapes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import build_test_catalog

from bot.catalog.help import help_text
from bot.catalog.parse import parse
from bot.errors import ParseError

CAT = build_test_catalog()


def test_named_quoted_and_bare_values():
    p = parse('/sketch prompt:"neon koi in the rain" seed:7', CAT)
    assert p.command.name == "sketch" and p.values["prompt"] == "neon koi in the rain" and p.values["seed"] == 7
    bare = parse("/sketch neon koi 🐟 at night: rain", CAT)
    assert bare.values["prompt"] == "neon koi 🐟 at night: rain"
    smart = parse("/sketch prompt:“moon over water”", CAT)
    assert smart.values["prompt"] == "moon over water"
    assert parse("/vary pick:2 amount:STRONG", CAT).values == {"to": "latest", "pick": 2, "amount": "strong",
                                                                "seed": None}


@pytest.mark.parametrize(("text", "message"), [
    ("/nosuch x", "unknown command /nosuch; type /help to see the commands"),
    ("/skech koi", "unknown command /skech (did you mean sketch?); type /help to see the commands"),
    ("/sketch colour:red koi", "/sketch has no option 'colour'"),
    ("/vary pick:9", "pick must be 1–4, got 9"),
    ("/vary pick:two", "pick must be a whole number 1–4, got 'two'"),
    ("/vary amount:huge", "amount must be one of subtle, strong; got 'huge'"),
    ("/sketch " + "a" * 1001, "prompt is too long: 1,001 characters (limit 1,000)"),
    ("/sketch koi\x00fish", "prompt contains a control character (U+0000)"),
    ("/sketch koi\x1b[31m", "prompt contains a control character (U+001B)"),
    ("", "empty command; type /help to see what Jamroom can do"),
    ("   ", "empty command; type /help to see what Jamroom can do"),
    ("/sketch", "/sketch needs prompt (what to draw)"),
    ("/sketch prompt:\"unclosed", "prompt has an opening quote but no closing one"),
    ("/vary pick:1 pick:2", "pick is given twice"),
    ("/vary some words", "/vary takes no free text"),
    ("/sketch seed:-1 koi", "seed must be 0–2147483647, got -1"),
])
def test_bad_input_gets_one_clear_line(text, message):
    with pytest.raises(ParseError) as err:
        parse(text, CAT)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_emoji_and_other_scripts_are_fine():
    p = parse("/sketch 🎸🔥 夜の街 — ñandú", CAT)
    assert p.values["prompt"] == "🎸🔥 夜の街 — ñandú"


def test_exactly_1000_characters_is_allowed():
    assert len(parse("/sketch " + "b" * 1000, CAT).values["prompt"]) == 1000


def test_help_is_generated_from_the_catalog():
    text = help_text(cat=CAT)
    for command in CAT.all():
        assert f"/{command.name} — " in text or f"/{command.name} (also " in text or f"/{command.name})" in text
    detail = help_text("vary", CAT)
    assert "pick: Which cell of a 2×2 grid (1–4) — 1–4" in detail


@settings(deadline=None, max_examples=400)
@given(st.text(max_size=300))
def test_no_input_raises_anything_but_parse_error(text):
    try:
        parse(text, CAT)
    except ParseError as exc:
        assert "\n" not in str(exc) and str(exc)


NAMES = st.sampled_from(["sketch", "vary", "echo", "help", "credits", "cancel", "nosuch"])
OPTS = st.sampled_from(["prompt", "seed", "pick", "amount", "to", "format", "artifact", "x", "job"])
VALUES = st.one_of(st.text(max_size=20), st.integers(-10**20, 10**20).map(str), st.just('"quoted value"'))


@settings(deadline=None, max_examples=400)
@given(NAMES, st.lists(st.tuples(OPTS, VALUES), max_size=4), st.text(max_size=40))
def test_structured_garbage_raises_only_parse_error(name, pairs, tail):
    text = f"/{name} " + " ".join(f"{k}:{v}" for k, v in pairs) + " " + tail
    try:
        parse(text, CAT)
    except ParseError:
        pass


def test_midjourney_habits_imagine_and_flags_at_the_end_of_a_prompt():
    p = parse("/imagine a red fox in the snow --ar 16:9 --seed 7 --style watercolor --no trees, blue --no sun", CAT)
    assert p.command.name == "sketch"  # the alias resolves to the command it stands for
    assert p.values["prompt"] == "a red fox in the snow" and p.values["ar"] == "16:9" and p.values["seed"] == 7
    assert p.values["style"] == "watercolour" and p.values["no"] == "trees, blue, sun"
    assert parse("/sketch koi —ar 2:1", CAT).values["ar"] == "2:1"  # a phone turned -- into a dash
    assert parse("/sketch well-known -- friends", CAT).values["prompt"] == "well-known -- friends"


@pytest.mark.parametrize(("text", "message"), [
    ("/sketch koi --chaos 40", "--chaos isn't a flag Jamroom takes; at the end of a prompt use --ar W:H"),
    ("/sketch koi --ar 5:1", "ar must be one of 1:1, 4:3, 3:4, 3:2, 2:3, 16:9, 9:16, 2:1, 1:2; got '5:1'"),
    ("/sketch koi --seed", "--seed needs a value"),
    ("/sketch koi --seed 1 --seed 2", "--seed is given twice"),
    ("/sketch koi seed:1 --seed 2", "seed is given twice (as an option and as a --flag)"),
    ("/melody sad --ar 1:1", "/melody takes no --ar"),
])
def test_flags_we_do_not_take_are_refused_in_one_line(text, message):
    with pytest.raises(ParseError) as err:
        parse(text, CAT)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_leading_choice_word_fills_the_first_option():
    p = parse('/labels on scope:channel text:"🤖 made with Jamroom {generator}"', CAT)
    assert p.values["state"] == "on" and p.values["text"] == "🤖 made with Jamroom {generator}"
    assert parse("/sketch watercolour fox", CAT).values["prompt"] == "watercolour fox"  # prompts keep their words


def test_a_typed_file_name_says_to_attach_the_file():
    with pytest.raises(ParseError, match="attach the file to your message instead of typing its name"):
        parse("/riff file:<your.mid>", CAT)
