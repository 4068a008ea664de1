"""The studio's HTTP routes: the page, its catalog, uploads, and artifact permalinks.

``/a/<id>`` and ``/a/<id>/<file>`` are open (ids are unguessable and other platforms
link to them when a file is too big to post); everything under ``/studio`` and the
page itself follow the access rules in :mod:`adapters.studio.access`.
"""

from __future__ import annotations

import asyncio
import base64
import html
import logging
from pathlib import Path

from aiohttp import web

from adapters.studio import identity
from adapters.studio.access import COOKIE, see_other
from adapters.studio.catalog_view import catalog_view
from adapters.studio.context import studio_of
from adapters.studio.links import file_path, page_path
from adapters.studio.messages import alt_of, show_as
from adapters.studio.uploads import BODY_SLACK, UploadRefused, read_upload
from adapters.studio.watch import origin_of
from bot.credits import credits_line, lineage_text
from bot.lineage_picture import picture
from bot.models import Artifact
from bot.services.records import is_removed, removed_ids

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
#: The page loads nothing from anywhere else (it must work with no internet).
CSP = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
       "style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
SECURITY = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


async def index(request: web.Request) -> web.StreamResponse:
    studio = studio_of(request)
    if studio.access.enabled and studio.access.host_ok(request) and (moved := studio.access.token_exchange(request)):
        return moved  # the token leaves the address bar (and the history, and any later Referer) at once
    if not studio.access.allows(request):
        return studio.access.refusal(request)
    body = await asyncio.to_thread((STATIC / "index.html").read_bytes)
    response = web.Response(body=body, content_type="text/html", charset="utf-8",
                            headers={**SECURITY, "Cache-Control": "no-cache"})
    identity.ensure(request, response)
    return response


async def operator(request: web.Request) -> web.StreamResponse:
    """The operator's one-time link: this browser becomes a moderator, then lands on the clean page."""
    studio = studio_of(request)
    if not studio.access.enabled or not studio.access.host_ok(request):
        return studio.access.refusal(request)
    if not studio.operators.check(request.query.get("key")):
        return web.Response(status=403, text="This operator link was already used or is not this server's. "
                                             "Restart `jamroom serve` for a new one.")
    response = see_other("/")
    secret = identity.ensure(request, response)
    if not await studio.operators.redeem(request.query.get("key"), identity.member_id_for(secret)):
        return web.Response(status=403, text="This operator link was just used by another browser.")
    if studio.access.token:  # the link also lets the operator in, without typing the token
        response.set_cookie(COOKIE, studio.access.token, httponly=True, samesite="Lax", path="/",
                            secure=request.secure)
    return response


async def catalog_json(request: web.Request) -> web.StreamResponse:
    studio = studio_of(request)
    if not studio.access.allows(request):
        return studio.access.refusal(request)
    return web.json_response(catalog_view(studio.jam.catalog))


async def upload(request: web.Request) -> web.StreamResponse:
    studio = studio_of(request)
    if not studio.access.same_origin(request):
        return web.json_response({"error": "uploads only come from the studio's own page"}, status=403)
    if not studio.access.allows(request):
        status = 421 if studio.access.enabled and not studio.access.host_ok(request) else 401
        return web.json_response({"error": "open the studio by its own address (and token) to upload"},
                                 status=status)
    secret = identity.secret_of(request)
    if secret is None:
        return web.json_response({"error": "open the studio page first; uploads belong to a member"}, status=403)
    member = identity.member_id_for(secret)
    declared = max(0, (request.content_length or 0) - BODY_SLACK)  # the framing is not the member's
    if declared and (refused := studio.quota.refusal(member, declared)):
        return web.json_response({"error": refused}, status=429)
    try:
        name, mime, data = await read_upload(request)
    except UploadRefused as exc:
        return web.json_response({"error": exc.message}, status=exc.status)
    if refused := studio.quota.refusal(member, len(data)):
        return web.json_response({"error": refused}, status=429)
    studio.quota.add(member, len(data))
    saved = await asyncio.to_thread(studio.jam.save_upload, name, mime, data)
    key = studio.shelf.put(saved)
    return web.json_response({"upload": key, "name": saved.name, "mime": saved.mime, "size": saved.size})


async def blob(request: web.Request) -> web.StreamResponse:
    """A file that came with an answer (a /credits export)."""
    studio = studio_of(request)
    if not studio.access.allows(request):
        return studio.access.refusal(request)
    digest = request.match_info["sha"]
    known = studio.blobs.get(digest)
    if known is None or not studio.jam.store.has(digest):
        raise web.HTTPNotFound(text="that file is gone; run the command again")
    name, mime = known
    return web.FileResponse(studio.jam.store.path(digest), headers={
        "Content-Type": mime, "Content-Disposition": f'attachment; filename="{_ascii(name)}"',
        "X-Content-Type-Options": "nosniff"})


async def artifact_file(request: web.Request) -> web.StreamResponse:
    studio = studio_of(request)
    artifact = await studio.jam.ledger.artifact(request.match_info["id"])
    if artifact is not None and await is_removed(studio.jam.ledger, artifact.id):
        raise web.HTTPGone(text="this artifact was removed")
    wanted = request.match_info["name"]
    found = next((f for f in artifact.files if f.name == wanted), None) if artifact else None
    if found is None or not studio.jam.store.has(found.sha256):
        raise web.HTTPNotFound(text="no such file")
    disposition = "inline" if show_as(found.mime) in ("image", "audio") else "attachment"
    return web.FileResponse(studio.jam.store.path(found.sha256), headers={
        "Content-Type": found.mime, "Content-Disposition": f'{disposition}; filename="{_ascii(found.name)}"',
        "Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{found.sha256}"',
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"})


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name)


async def permalink(request: web.Request) -> web.StreamResponse:
    """An artifact's page: its files, credits, label and lineage."""
    studio = studio_of(request)
    jam = studio.jam
    artifact = await jam.ledger.artifact(request.match_info["id"])
    if artifact is None:
        raise web.HTTPNotFound(text="no artifact with that id")
    if await is_removed(jam.ledger, artifact.id):
        raise web.HTTPGone(text="this artifact was removed; its record keeps a tombstone")
    lineage = await jam.ledger.lineage(artifact.id)
    policy = await jam.labels.policy(origin_of(artifact.thread))
    label = policy.render(artifact.generator, artifact.version)
    tree = await _lineage_png(lineage, await removed_ids(jam.ledger))
    body = render_permalink(artifact, lineage, label, tree)
    return web.Response(text=body, content_type="text/html", headers=SECURITY)


async def _lineage_png(lineage: list[Artifact], removed: set[str] | frozenset[str]) -> bytes | None:
    """The same credits tree /credits <artifact> attaches, drawn off the loop; the page still works without it."""
    try:
        return await asyncio.to_thread(picture, lineage, removed)
    except Exception:  # a picture that cannot be drawn leaves the text lineage, never a broken page
        log.exception("permalink: lineage picture failed")
        return None


def _file_html(artifact: Artifact) -> str:
    parts = []
    alt = html.escape(alt_of(artifact))
    sound = any(show_as(f.mime) == "audio" for f in artifact.files)
    for f in sorted(artifact.files, key=lambda f: not f.primary):
        url = html.escape(file_path(artifact.id, f.name))
        name = html.escape(f.name)
        how = show_as(f.mime)
        if how == "image":
            what = f"Piano roll of {alt}" if sound else alt
            parts.append(f'<figure><a href="{url}" aria-label="Open at full size: {what}"><img src="{url}" '
                         f'alt="{what}"></a><figcaption>{name}</figcaption></figure>')
        elif how == "audio":
            parts.append(f'<figure><audio controls preload="none" src="{url}" aria-label="Listen: {alt}"></audio>'
                         f'<figcaption>{alt}</figcaption></figure>')
        parts.append(f'<a class="download" href="{url}" download>⬇ {name} <small>({f.size / 1024:.0f} KiB, '
                     f'{html.escape(f.mime)})</small></a>')
    return "\n".join(parts)


def render_permalink(artifact: Artifact, lineage: list[Artifact], label: str | None,
                     tree: bytes | None = None) -> str:
    esc = html.escape
    title = artifact.summary or artifact.kind
    rows = []
    for item in lineage:
        author = item.author.name if item.author else "?"
        rows.append(f'<li><a href="{esc(page_path(item.id))}">{esc(item.id)}</a> · {esc(item.kind)} · '
                    f'{esc(item.summary or "")} · <span class="who">{esc(author)}</span></li>')
    spec = ", ".join(f"{k}: {v}" for k, v in artifact.spec.items() if not str(k).startswith("_") and v is not None)
    label_html = f'<p class="label">{esc(label)}</p>' if label else ""
    tree_html = ""
    if tree:
        src = "data:image/png;base64," + base64.b64encode(tree).decode("ascii")
        tree_html = (f'<figure class="lineage-picture"><img src="{src}" alt="Lineage of {esc(artifact.id)}: '
                     f'{esc(lineage_text(lineage))}"></figure>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · Jamroom</title><link rel="stylesheet" href="/studio/static/studio.css"></head>
<body class="permalink"><main>
<p class="crumbs"><a href="/">Jamroom studio</a> › {esc(artifact.id)}</p>
<h1>{esc(title)}</h1>
<p class="description">{esc(alt_of(artifact))}</p>
<div class="files">{_file_html(artifact)}</div>
<p class="credits">{esc(credits_line(artifact.contributors))}</p>
{label_html}
<dl>
<dt>kind</dt><dd>{esc(artifact.kind)}</dd>
<dt>made by</dt><dd>{esc(artifact.generator)} v{esc(artifact.version)}, seed {artifact.seed}</dd>
<dt>spec</dt><dd>{esc(spec) or "—"}</dd>
</dl>
<h2>Lineage</h2>
{tree_html}
<p class="lineage">{esc(lineage_text(lineage))}</p>
<ol class="lineage-list">{"".join(rows)}</ol>
</main></body></html>
"""
