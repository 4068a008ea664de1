"""Credits as people read them: a one-line credit, thread summaries, lineage trees, exports."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, OrderedDict
from collections.abc import Sequence

from bot.models import Artifact, Contributor, Role

_ROLE_WORD = {Role.PROMPTED: "prompt", Role.UPLOADED: "upload", Role.BUILT_ON: "built on"}


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


def rows(artifacts: Sequence[Artifact]) -> list[dict[str, str]]:
    out = []
    for a in artifacts:
        for c in a.contributors:
            out.append({"artifact": a.id, "kind": a.kind, "generator": f"{a.generator} v{a.version}",
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


def lineage_text(lineage: Sequence[Artifact]) -> str:
    """``drums by cy ← bass by bob ← melody by ann, Jamroom melody v1 seed 7``."""
    parts = []
    for a in lineage:
        author = a.contributors[-1] if a.contributors else None
        what = (author.action or a.kind) if author and author.role is Role.BUILT_ON else a.kind
        who = f" by {author.name}" if author else ""
        parts.append(f"{what}{who} ({a.id})")
    root = lineage[-1] if lineage else None
    tail = f", Jamroom {root.generator} v{root.version} seed {root.seed}" if root else ""
    return " ← ".join(parts) + tail


def render(artifacts: Sequence[Artifact], fmt: str, title: str = "Credits") -> str:
    """The whole record in text, Markdown, JSON or CSV."""
    if fmt == "json":
        return json.dumps({"title": title, "artifacts": [a.to_dict() for a in artifacts]}, indent=2,
                          ensure_ascii=False)
    if fmt == "csv":
        buffer = io.StringIO()
        fields = ["artifact", "kind", "generator", "seed", "member", "name", "role", "action"]
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows(artifacts))
        return buffer.getvalue()
    if not artifacts:
        return f"{title}: nothing made here yet"
    bullet = "- " if fmt == "md" else "  "
    lines = [f"## {title}" if fmt == "md" else f"{title}:"]
    for name, counts in summary_counts(artifacts):
        detail = ", ".join(f"{k} ×{v}" if v > 1 else k for k, v in counts.items())
        lines.append(f"{bullet}{name}: {detail}")
    lines.append("" if fmt == "md" else "Artifacts:")
    if fmt == "md":
        lines.append("### Artifacts")
    for a in artifacts:
        lines.append(f"{bullet}{a.id} {a.kind} · {a.generator} v{a.version} seed {a.seed} · "
                     f"{credits_line(a.contributors)}")
    return "\n".join(lines)
