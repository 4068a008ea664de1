"""From a platform event to an acknowledgement: parse, check, resolve, enqueue.

This is all an adapter's inbound half calls.  It never generates: it validates,
enqueues and answers ("queued · position 3") well within a platform's 3 s.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from bot.catalog.parse import Parsed, parse, validate
from bot.catalog.spec import Command, OptionType, Permission, mime_refusal
from bot.credits import merge_contributors
from bot.errors import UserError
from bot.handlers import handlers
from bot.models import Artifact, Contributor, Job, Origin, Request, Role, Upload, new_id, seed_from
from bot.reply import Reply, queued_text
from bot.services.notices import ask_owners
from bot.services.records import is_removed, removed_ids

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)


class Intake:
    def __init__(self, jam: Jamroom) -> None:
        self.jam = jam

    async def submit_text(self, text: str, origin: Origin, uploads: Mapping[str, Upload] | None = None) -> Reply:
        """Parse chat text and submit it; every failure becomes a one-line reply."""
        try:
            parsed = parse(text, self.jam.catalog)
        except UserError as exc:
            return Reply.error(exc.message)
        return await self.submit(parsed, origin, uploads)

    async def submit_options(self, name: str, options: Mapping[str, Any], origin: Origin,
                             uploads: Mapping[str, Upload] | None = None) -> Reply:
        """For adapters whose platform already split the options (Discord, buttons)."""
        command = self.jam.catalog.get(name)
        if command is None:
            return Reply.error(f"unknown command /{name}; type /help to see the commands")
        try:
            values = validate(command, {k: v for k, v in options.items() if v is not None})
        except UserError as exc:
            return Reply.error(exc.message)
        text = " ".join([f"/{name}"] + [f"{k}:{v}" for k, v in options.items() if v not in (None, "")])
        return await self.submit(Parsed(command, values, text), origin, uploads)

    async def submit(self, parsed: Parsed, origin: Origin, uploads: Mapping[str, Upload] | None = None) -> Reply:
        try:
            return await self._submit(parsed, origin, dict(uploads or {}))
        except UserError as exc:
            return Reply.error(exc.message)
        except (OSError, SQLAlchemyError) as exc:  # the ledger or a disk is down: say so, in one line
            log.exception("intake failed", extra={"command": parsed.command.name, "error": str(exc)})
            return Reply.error("Jamroom can't reach its storage right now; try again in a moment")

    async def _submit(self, parsed: Parsed, origin: Origin, uploads: dict[str, Upload]) -> Reply:
        command = parsed.command
        if command.permission is Permission.MODERATOR and not origin.is_moderator:
            raise UserError(f"/{command.name} is for moderators")
        await self.jam.policy.check(parsed, origin)
        for check in self.jam.checks:
            await check(parsed, origin)
        if command.handler:
            handler = handlers()[command.handler]
            if "uploads" in inspect.signature(handler).parameters:
                return await handler(self.jam, parsed, origin, uploads=uploads)
            return await handler(self.jam, parsed, origin)
        idem = f"{origin.platform}:{origin.event_id}"
        job, parents = await self._build(parsed, origin, uploads)
        owners = await self.jam.consent.owners_to_ask(origin, list(parents.values())) if parents else []
        if owners:
            return await self._ask(job, idem, owners)
        result = await self.jam.queue.enqueue(job, idem)
        position = result.position
        log.info("queued", extra={"job": result.job.id, "command": command.name, "member": origin.member_key,
                                  "position": position, "duplicate": result.duplicate})
        return Reply(queued_text(position), job_id=result.job.id, position=position, duplicate=result.duplicate)

    async def _ask(self, job: Job, idem: str, owners: list[dict[str, str]]) -> Reply:
        """Hold the job until its owners approve; send each owner an approve/decline action."""
        ttl = (await self.jam.policy.settings(job.request.origin)).consent_hours * 3600.0
        pending, created = await self.jam.consent.hold(job, idem, owners, ttl)
        names = ", ".join(o["name"] for o in pending.waiting_on) or "the owners"
        if created:
            await ask_owners(self.jam, pending)
        hours = max(0.0, (pending.expires - pending.created) / 3600.0)
        return Reply(f"waiting for {names} to approve building on their work (request {pending.id}; "
                     f"expires in {hours:g} h). You'll hear back here.", duplicate=not created)

    async def precheck(self, name: str, options: Mapping[str, Any], origin: Origin) -> str | None:
        """The one-line refusal this command would get, found before anything public is shown (Discord defers
        publicly only after it passes); None when it would be accepted so far.  Uploads are checked at submit.

        Parse, permission, the workspace's policy, artifact references, the generator and consent are all
        checked; nothing is stored or queued.
        """
        command = self.jam.catalog.get(name)
        if command is None:
            return f"unknown command /{name}; type /help to see the commands"
        try:
            values = validate(command, {k: v for k, v in options.items() if v is not None})
            parsed = Parsed(command, values, f"/{name}")
            if command.permission is Permission.MODERATOR and not origin.is_moderator:
                raise UserError(f"/{command.name} is for moderators")
            await self.jam.policy.check(parsed, origin)
            if command.handler:
                return None
            parents = await self._resolve_parents(command, dict(values), origin)
            if self.jam.generators_ready:  # during a warm-up this waits for submit, so the answer stays quick
                await self._pick_generator(command, parents)
            if parents:
                await self.jam.consent.check(origin, list(parents.values()))
        except UserError as exc:
            return exc.message
        except (OSError, SQLAlchemyError):
            log.exception("precheck failed", extra={"command": name})
            return "Jamroom can't reach its storage right now; try again in a moment"
        return None

    async def build_job(self, parsed: Parsed, origin: Origin, uploads: dict[str, Upload]) -> Job:
        """Validate and build without enqueueing (adapters pre-check with it): a deny refuses, an ask passes."""
        job, parents = await self._build(parsed, origin, uploads)
        if parents:
            await self.jam.consent.check(origin, list(parents.values()))
        return job

    async def _build(self, parsed: Parsed, origin: Origin, uploads: dict[str, Upload]
                     ) -> tuple[Job, dict[str, Artifact]]:
        command = parsed.command
        options = dict(parsed.values)
        parents = await self._resolve_parents(command, options, origin)
        files = self._check_uploads(command, uploads)
        generator = await self._pick_generator(command, parents)
        contributors = await self.jam.consent.display(self._contributors(command, options, origin, parents, files))
        spec = {k: v for k, v in options.items()
                if (opt := command.option(k)) is None or opt.type not in (OptionType.ARTIFACT, OptionType.FILE)}
        seed = spec.get("seed")
        if seed is None:
            seed = seed_from(f"{origin.platform}:{origin.event_id}")
        request = Request(command.name, spec, origin, {k: a.id for k, a in parents.items()}, files, parsed.text)
        return Job(new_id("j"), request, generator, int(seed), contributors), parents

    async def _resolve_parents(self, command: Command, options: dict[str, Any], origin: Origin) -> dict[str, Artifact]:
        parents: dict[str, Artifact] = {}
        workspace = f"{origin.platform}:{origin.workspace}:"
        for opt in command.options:
            if opt.type is not OptionType.ARTIFACT:
                continue
            ref = options.get(opt.name)
            if ref is None:
                if opt.required:
                    raise UserError(f"/{command.name} needs {opt.name}: an artifact id")
                continue
            if ref == "latest":
                found = await self._latest(origin.thread_key, opt.kinds or await self._kinds_for(command))
                if found is None:
                    raise UserError(f"nothing here to build on yet; make something first or give {opt.name}:<id>")
            else:
                found = await self.jam.ledger.artifact(ref)
                if found is None or not found.thread.startswith(workspace):
                    raise UserError(f"no artifact {ref} here; check the id under the result")
                if opt.kinds and found.kind not in opt.kinds:
                    raise UserError(f"{opt.name} must be {' or '.join(opt.kinds)}, but {ref} is {found.kind}")
                if await is_removed(self.jam.ledger, found.id):
                    raise UserError(f"{ref} was removed by its author or a moderator, so it can't be built on")
            parents[opt.name] = found
        return parents

    async def _latest(self, thread: str, kinds: tuple[str, ...]) -> Artifact | None:
        """The thread's newest artifact of these kinds that has not been removed."""
        gone = await removed_ids(self.jam.ledger)
        for artifact in await self.jam.ledger.artifacts(thread=thread, newest_first=True, limit=50):
            if (not kinds or artifact.kind in kinds) and artifact.id not in gone:
                return artifact
        return None

    async def _kinds_for(self, command: Command) -> tuple[str, ...]:
        """Kinds some generator can build on for this command (so 'latest' skips the others)."""
        kinds: set[str] = set()
        table = await self.jam.loaded_generators()
        for gen in table.values():
            if gen.command == command.name:
                kinds |= set(gen.accepts)
        if command.generator and command.generator in table:
            kinds |= set(table[command.generator].accepts)
        return tuple(sorted(kinds))

    def _check_uploads(self, command: Command, uploads: dict[str, Upload]) -> dict[str, Upload]:
        files: dict[str, Upload] = {}
        for opt in command.options:
            if opt.type is not OptionType.FILE:
                continue
            upload = uploads.get(opt.name)
            if upload is None:
                if opt.required:
                    raise UserError(f"/{command.name} needs {opt.name}: attach a file")
                continue
            if opt.max_bytes is not None and upload.size > opt.max_bytes:
                raise UserError(f"{opt.name} is too large: {upload.size / 1e6:.1f} MB "
                                f"(limit {opt.max_bytes / 1e6:.0f} MB)")
            if opt.mimes and upload.mime not in opt.mimes:
                raise UserError(mime_refusal(command.name, opt, upload.mime, upload.name))
            if not self.jam.store.has(upload.sha256):
                raise UserError(f"{opt.name} was not received; upload it again")
            files[opt.name] = upload
        return files

    async def _pick_generator(self, command: Command, parents: dict[str, Artifact]) -> str:
        table = await self.jam.loaded_generators()  # never imports on the event loop
        if command.generator:
            if command.generator not in table:
                raise UserError(f"/{command.name} is not available on this server")
            return command.generator
        parent = next(iter(parents.values()), None)
        gen = self.jam.generator_for(command.name, parent.kind if parent else None)
        if gen is None:
            what = f"a {parent.kind} result" if parent else "new work"
            raise UserError(f"/{command.name} cannot work on {what} yet")
        return gen.name

    def _contributors(self, command: Command, options: dict[str, Any], origin: Origin,
                      parents: dict[str, Artifact], files: dict[str, Upload]) -> list[Contributor]:
        carried = [c for p in parents.values() for c in p.contributors]
        if parents and command.builds_on:
            try:
                action = (command.action or command.name).format(**{k: v for k, v in options.items() if v is not None})
            except (KeyError, IndexError, ValueError):
                action = command.action or command.name
            own = [Contributor(origin.member_key, origin.member_name, Role.BUILT_ON, action)]
        elif files:
            own = [Contributor(origin.member_key, origin.member_name, Role.UPLOADED, command.name)]
        else:
            own = [Contributor(origin.member_key, origin.member_name, Role.PROMPTED, "")]
        if files and parents:
            own.append(Contributor(origin.member_key, origin.member_name, Role.UPLOADED, command.name))
        return merge_contributors(carried, own)
