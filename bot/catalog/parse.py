"""One parser for every adapter: text (`/melody key:"D minor" tempo:84 rainy`) or option dicts.

Every failure is a :class:`ParseError` whose message names the option and what it
accepts ("tempo must be 40–240, got 400"); nothing else escapes.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.catalog.registry import Catalog, catalog
from bot.catalog.spec import Command, Option, OptionType
from bot.errors import ParseError

MAX_TEXT = 4000
_NAME = re.compile(r"[A-Za-z][A-Za-z_-]*")
_OPEN_QUOTES = {'"': '"', "“": "”", "”": "”", "'": "'", "‘": "’", "„": "“"}
_REF = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class Parsed:
    command: Command
    values: dict[str, Any]
    text: str


def _short(value: str, limit: int = 40) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def clean_text(name: str, value: str) -> str:
    """Refuse control characters, fold whitespace; emoji and other scripts pass untouched."""
    out = []
    for ch in value:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r":
            out.append(" ")
        elif cat in ("Cc", "Cs", "Co") or ch in "\u2028\u2029":
            raise ParseError(f"{name} contains a control character (U+{ord(ch):04X}); remove it and try again")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def convert(opt: Option, raw: Any) -> Any:
    """Validate and type one option value."""
    name = opt.name
    if opt.type in (OptionType.INTEGER, OptionType.NUMBER):
        return _number(opt, raw)
    if opt.type is OptionType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ParseError(f"{name} must be true or false, got '{_short(str(raw))}'")
    text = clean_text(name, str(raw))
    if opt.type is OptionType.CHOICE:
        key = text.casefold()
        key = {k.casefold(): v for k, v in opt.aliases.items()}.get(key, key)
        for choice in opt.choices:
            if choice.casefold() == key:
                return choice
        raise ParseError(
            f"{name} must be one of {', '.join(opt.choices)}; got '{_short(text)}'{_suggest(key, list(opt.choices))}"
        )
    if opt.type is OptionType.FILE and not _REF.fullmatch(text):
        raise ParseError(f"{name}: attach the file to your message instead of typing its name")
    if opt.type in (OptionType.ARTIFACT, OptionType.FILE, OptionType.MEMBER):
        if not _REF.fullmatch(text):
            raise ParseError(f"{name} must be {opt.allowed()}, got '{_short(text)}'")
        return text
    if not text:
        raise ParseError(f"{name} is empty; give {opt.allowed()}")
    if opt.max_length is not None and len(text) > opt.max_length:
        raise ParseError(f"{name} is too long: {len(text):,} characters (limit {opt.max_length:,})")
    return text


def _number(opt: Option, raw: Any) -> int | float:
    name = opt.name
    if isinstance(raw, bool):
        raise ParseError(f"{name} must be a number {opt.allowed()}, got {raw}")
    text = str(raw).strip()
    try:
        if opt.type is OptionType.INTEGER:
            if isinstance(raw, float) and raw.is_integer():
                value: int | float = int(raw)
            elif not re.fullmatch(r"[+-]?\d{1,18}", text):
                raise ValueError(text)
            else:
                value = int(text)
        else:
            if len(text) > 32:
                raise ValueError(text)
            value = float(text)
            if not math.isfinite(value):
                raise ValueError(text)
    except (ValueError, OverflowError):
        kind = "a whole number" if opt.type is OptionType.INTEGER else "a number"
        raise ParseError(f"{name} must be {kind} {opt.allowed()}, got '{_short(text)}'") from None
    lo, hi = opt.min, opt.max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ParseError(f"{name} must be {opt.allowed()}, got {_short(text)}")
    return value


def validate(command: Command, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check an option dict against the declaration; fill defaults; refuse unknown names."""
    names = [o.name for o in command.options]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        opt = command.option(key)
        if opt is None:
            hint = ", ".join(names) if names else "none"
            raise ParseError(
                f"/{command.name} has no option '{_short(key, 24)}'{_suggest(key, names)}; options: {hint}")
        if value is None or value == "":
            if opt.type is OptionType.STRING and value == "":
                raise ParseError(f"{key} is empty; give {opt.allowed()}")
            continue
        values[key] = convert(opt, value)
    for opt in command.options:
        if opt.name not in values:
            if opt.required:
                raise ParseError(f"/{command.name} needs {opt.name} ({opt.description.lower()})")
            values[opt.name] = opt.default
    return values


def _tokens(body: str) -> list[tuple[str | None, str]]:
    """Split into (name, value) pairs; bare words have name None."""
    out: list[tuple[str | None, str]] = []
    i, n = 0, len(body)
    while i < n:
        if body[i].isspace():
            i += 1
            continue
        m = _NAME.match(body, i)
        if m and m.end() < n and body[m.end()] == ":" and not body.startswith("//", m.end() + 1):
            name, j = m.group(0), m.end() + 1
            if j < n and body[j] in _OPEN_QUOTES:
                value, i = _quoted(body, j, name)
                out.append((name, value))
                continue
            if j < n and not body[j].isspace():
                k = j
                while k < n and not body[k].isspace():
                    k += 1
                out.append((name, body[j:k]))
                i = k
                continue
            out.append((None, body[i:j]))  # "word:" followed by space stays prose
            i = j
            continue
        if body[i] in _OPEN_QUOTES:
            value, i = _quoted(body, i, "text")
            out.append((None, value))
            continue
        k = i
        while k < n and not body[k].isspace():
            k += 1
        out.append((None, body[i:k]))
        i = k
    return out


def _quoted(body: str, start: int, name: str) -> tuple[str, int]:
    close = _OPEN_QUOTES[body[start]]
    end = body.find(close, start + 1)
    if end < 0 and close != body[start]:
        end = body.find(body[start], start + 1)
    if end < 0:
        raise ParseError(f"{name} has an opening quote but no closing one")
    return body[start + 1 : end], end + 1


#: Midjourney-style flags members type at the end of a prompt -> the option they set.
FLAGS: dict[str, str] = {"ar": "ar", "aspect": "ar", "seed": "seed", "style": "style", "no": "no"}
_FLAG_START = re.compile(r"(?:^|\s)(?:--|—|–)(?=[A-Za-z])")
_FLAG = re.compile(r"(?:--|—|–)([A-Za-z][A-Za-z-]*)(?:\s+(.*?))?\s*(?=(?:\s(?:--|—|–)[A-Za-z])|$)", re.S)


def _flag_names() -> str:
    return "--ar W:H, --seed N, --style NAME and --no WORD"


def split_flags(command: Command, body: str) -> tuple[str, dict[str, str]]:
    """Take `--ar 16:9 --seed 7 --no trees` off the end of a prompt (a Midjourney habit).

    Only commands with free text take flags; an unknown flag is refused with the list we take,
    rather than drawn as part of the prompt.  Phones turn ``--`` into a dash, so ``—ar`` works too.
    """
    if command.bare is None:
        return body, {}
    start = _FLAG_START.search(body)
    if start is None:
        return body, {}
    head, tail = body[: start.start()], body[start.start():].strip()
    flags: dict[str, str] = {}
    for match in _FLAG.finditer(tail):
        name, value = match.group(1).casefold(), (match.group(2) or "").strip()
        option = FLAGS.get(name)
        if option is None:
            raise ParseError(f"--{_short(name, 20)} isn't a flag Jamroom takes; at the end of a prompt use "
                             f"{_flag_names()}")
        if command.option(option) is None:
            raise ParseError(f"/{command.name} takes no --{name}")
        if not value:
            raise ParseError(f"--{name} needs a value, e.g. {'--ar 16:9' if option == 'ar' else f'--{name} …'}")
        if option == "no":
            flags["no"] = f"{flags['no']}, {value}" if "no" in flags else value
        elif option in flags:
            raise ParseError(f"--{name} is given twice")
        else:
            flags[option] = value
    return head, flags


def _leading_choice(command: Command, tokens: list[tuple[str | None, str]]) -> str | None:
    """`/labels on scope:channel …`: a first bare word that is a choice of the first option fills it."""
    if not tokens or tokens[0][0] is not None or not command.options:
        return None
    first = command.options[0]
    if first.type is not OptionType.CHOICE or first.name == command.bare:
        return None
    if any(name is not None and name.casefold() == first.name for name, _ in tokens):
        return None
    word = tokens[0][1].casefold()
    known = {c.casefold() for c in first.choices} | {a.casefold() for a in first.aliases}
    return first.name if word in known else None


def parse(text: str, cat: Catalog | None = None) -> Parsed:
    """Parse chat text into a command and validated values."""
    cat = cat or catalog()
    if not isinstance(text, str):
        raise ParseError("a command must be text")
    if len(text) > MAX_TEXT:
        raise ParseError(f"command is too long: {len(text):,} characters (limit {MAX_TEXT:,})")
    stripped = text.strip()
    if not stripped or stripped == "/":
        raise ParseError("empty command; type /help to see what Jamroom can do")
    head, _, body = stripped.partition(" ")
    name = head.lstrip("/").casefold()
    command = cat.get(name)
    if command is None:
        shown = clean_text("command", _short(head, 30)) or "?"
        known = [c.name for c in cat.all()]
        raise ParseError(f"unknown command {shown}{_suggest(name, known)}; type /help to see the commands")
    body, flags = split_flags(command, body)
    raw: dict[str, Any] = dict(flags)
    bare: list[str] = []
    tokens = _tokens(body)
    lead = _leading_choice(command, tokens)
    if lead is not None:
        raw[lead] = tokens[0][1]
        tokens = tokens[1:]
    for opt_name, value in tokens:
        if opt_name is None:
            bare.append(value)
            continue
        key = opt_name.casefold()
        opt = command.option(key)
        if opt is None:
            if command.bare:
                names = [o.name for o in command.options]
                raise ParseError(
                    f"/{command.name} has no option '{_short(opt_name, 24)}'{_suggest(key, names)}; "
                    f"options: {', '.join(names)} (put text with colons in quotes)"
                )
            raise ParseError(f"/{command.name} has no option '{_short(opt_name, 24)}'")
        if key in raw:
            how = " (as an option and as a --flag)" if key in flags else ""
            raise ParseError(f"{key} is given twice{how}")
        raw[key] = value
    words = " ".join(w for w in bare if w)
    if words:
        if command.bare is None:
            raise ParseError(f"/{command.name} takes no free text; use {command.usage()}")
        if command.bare in raw:
            raise ParseError(f"{command.bare} is given twice (as {command.bare}: and as free text)")
        raw[command.bare] = words
    return Parsed(command, validate(command, raw), stripped)
