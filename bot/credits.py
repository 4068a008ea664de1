"""Credits as people read them: a one-line credit, thread summaries, lineage trees, exports."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import Counter, OrderedDict
from collections.abc import Collection, Mapping, Sequence

from bot.models import Artifact, Contributor, Role

_ROLE_WORD = {Role.PROMPTED: "prompt", Role.UPLOADED: "upload", Role.BUILT_ON: "built on"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~])")


def md_escape(text: str) -> str:
    """Member-chosen text made inert in Markdown: HTML entities, then Markdown's own punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=False))


def model_lines(a: Artifact) -> list[str]:
    """"Model: jamroom-folk v1, learned from 7,412 tunes: … (licence)" for each learned model behind ``a``."""
    from generators.provenance import model_line  # local: keeps `bot.credits` free of the generator package

    out = []
    for model in a.facts.get("models") or []:
        if isinstance(model, Mapping) and {"name", "version", "learned_from", "licence"} <= set(model):
            out.append(model_line(model))  # type: ignore[arg-type]
    return out


def credits_line(contributors: Sequence[Contributor]) -> str:
    """``by ann (prompt) · bob (vary)`` — each member once, their roles in order."""
    per: OrderedDict[str, list[str]] = OrderedDict()
    names: dict[str, str] = {}
    for c in contributors:
        names[c.member] = c.name
        word = c.action if c.role is Role.BUILT_ON and c.action else _ROLE_WORD[c.role]
        if word not in per.setdefault(c.member, []):
            per[c.member].append(word)
    return "by " + " · ".join(f"{names[m]} ({', '.join(w)})" for m, w in per.items()) if per else ""


def merge_contributors(*groups: Sequence[Contributor]) -> list[Contributor]:
    """Parents' contributors carried forward, each (member, role, action) once, order kept."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Contributor] = []
    for group in groups:
        for c in group:
            key = (c.member, c.role.value, c.action)
            if key not in seen:
                seen.add(key)
                out.append(c)
    return out


def upload_shas(a: Artifact) -> list[str]:
    """The sha256 of each member upload that went into ``a`` (the worker records them in the spec)."""
    return [u["sha256"] for u in a.spec.get("_uploads", []) if isinstance(u, dict) and "sha256" in u]


def rows(artifacts: Sequence[Artifact], removed: Collection[str] = ()) -> list[dict[str, str]]:
    out = []
    for a in artifacts:
        for c in a.contributors:
            out.append({"artifact": a.id + (" (removed)" if a.id in removed else ""), "kind": a.kind,
                        "generator": f"{a.generator} v{a.version}",
                        "seed": str(a.seed), "member": c.member, "name": c.name, "role": c.role.value,
                        "action": c.action})
    return out


def summary_counts(artifacts: Sequence[Artifact]) -> list[tuple[str, Counter]]:
    """Per member: how many artifacts they took part in, by role/action (own contributions only)."""
    per: OrderedDict[str, Counter] = OrderedDict()
    names: dict[str, str] = {}
    for a in artifacts:
        # only the newest contributor of each artifact is its own author; others are carried forward
        own = [c for c in a.contributors if c == a.contributors[-1] or not a.parents]
        for c in own:
            names[c.member] = c.name
            per.setdefault(c.member, Counter())[c.action or c.role.value] += 1
    return [(names[m], counts) for m, counts in per.items()]


def _short(generator: str) -> str:
    return generator.split(".")[-1]


def step_text(a: Artifact, removed: Collection[str] = ()) -> str:
    """``bass by @bob`` for one artifact of a lineage (its own author and what they did)."""
    author = a.contributors[-1] if a.contributors else None
    if author and author.role is Role.BUILT_ON and author.action:
        what = author.action.split(":")[-1]
    else:
        what = _short(a.generator) or a.kind
    who = f" by @{author.name}" if author else ""
    gone = " [removed]" if a.id in removed else ""
    return f"{what}{who}{gone}"


def lineage_text(lineage: Sequence[Artifact], removed: Collection[str] = ()) -> str:
    """``drums by @cy ← bass by @bob ← melody by @ann, Jamroom melody v1 seed 7``."""
    parts = [step_text(a, removed) for a in lineage]
    root = lineage[-1] if lineage else None
    tail = f", Jamroom {_short(root.generator)} v{root.version} seed {root.seed}" if root else ""
    return " ← ".join(parts) + tail


def levels(lineage: Sequence[Artifact]) -> list[list[Artifact]]:
    """The lineage by depth: the artifact first, then its parents, then theirs (each once, nearest depth)."""
    by_id = {a.id: a for a in lineage}
    if not lineage:
        return []
    depth = {lineage[0].id: 0}
    frontier = [lineage[0].id]
    while frontier:
        current = frontier.pop(0)
        for parent in by_id[current].parents:
            if parent in by_id and parent not in depth:
                depth[parent] = depth[current] + 1
                frontier.append(parent)
    out: list[list[Artifact]] = [[] for _ in range(max(depth.values()) + 1)]
    for a in lineage:
        if a.id in depth:
            out[depth[a.id]].append(a)
    return out


def tree_text(lineage: Sequence[Artifact], removed: Collection[str] = ()) -> str:
    """An indented tree: each artifact, then what it was built on, one level deeper."""
    by_id = {a.id: a for a in lineage}
    lines: list[str] = []

    def walk(a: Artifact, depth: int, seen: frozenset[str]) -> None:
        prefix = "  " * depth + ("└ " if depth else "")
        lines.append(f"{prefix}{step_text(a, removed)} ({a.id}, {_short(a.generator)} v{a.version} seed {a.seed})")
        for parent in a.parents:
            if parent in by_id and parent not in seen:
                walk(by_id[parent], depth + 1, seen | {parent})

    if lineage:
        walk(lineage[0], 0, frozenset({lineage[0].id}))
    return "\n".join(lines)


def render(artifacts: Sequence[Artifact], fmt: str, title: str = "Credits", *, removed: Collection[str] = (),
           declared: Mapping[str, str] | None = None) -> str:
    """The whole record in text, Markdown, JSON or CSV; removed artifacts say so, declarations are shown."""
    declared = declared or {}
    if fmt == "json":
        items = []
        for a in artifacts:
            item = a.to_dict()
            item["removed"] = a.id in removed
            item["declared"] = {sha: declared[sha] for sha in upload_shas(a) if sha in declared}
            items.append(item)
        return json.dumps({"title": title, "artifacts": items}, indent=2, ensure_ascii=False)
    if fmt == "csv":
        buffer = io.StringIO()
        fields = ["artifact", "kind", "generator", "seed", "member", "name", "role", "action"]
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows(artifacts, removed))
        return buffer.getvalue()
    md = fmt == "md"
    esc = md_escape if md else (lambda text: text)
    if not artifacts:
        return f"{esc(title)}: nothing made here yet"
    bullet = "- " if md else "  "
    lines = [f"## {esc(title)}" if md else f"{title}:"]
    for name, counts in summary_counts(artifacts):
        detail = ", ".join(f"{k} ×{v}" if v > 1 else k for k, v in counts.items())
        lines.append(f"{bullet}{esc(name)}: {esc(detail)}")
    lines.append("" if md else "Artifacts:")
    if md:
        lines.append("### Artifacts")
    for a in artifacts:
        if a.id in removed:
            gone = "**removed**" if md else "removed"
            lines.append(f"{bullet}{esc(a.id)} {esc(a.kind)} · {gone} · {esc(credits_line(a.contributors))}")
            continue
        made = [declared[sha] for sha in upload_shas(a) if sha in declared]
        note = f" · upload declared {', '.join(made)}" if made else ""
        lines.append(f"{bullet}{esc(a.id)} {esc(a.kind)} · {esc(f'{a.generator} v{a.version}')} seed {a.seed} · "
                     f"{esc(credits_line(a.contributors) + note)}")
        for line in model_lines(a):
            lines.append(f"{'  ' if md else '    '}{bullet if md else ''}{esc(line)}")
    return "\n".join(lines)
