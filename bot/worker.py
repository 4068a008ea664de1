"""The worker: take a job, run its generator off the loop, store, record, deliver.

Order matters for crash safety: files are stored and the artifact recorded before
posting, and posting is skipped when the delivery log already has the job — so a
job re-run after a crash records once and posts once.  A job whose artifact is
already recorded (its delivery failed before) posts the stored files: the generator
runs once per job, however often the platform says "later".
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from bot.credits import credits_line
from bot.fit import fit_outputs
from bot.models import Artifact, ArtifactFile, Delivery, Job, Role
from bot.outbound import DeliveryRetry
from bot.pool import JobFailed
from bot.presentation import buttons_for
from generators.base import InputFile, Result
from generators.provenance import source_type_for, with_models

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

#: How long a shutdown waits for the queue to take a stopped job back.
HAND_BACK_SECONDS = 2.0
DISCLOSURE = "AI-generated with Jamroom: made by an algorithm from members' prompts, without a trained model."


class Worker:
    def __init__(self, jam: Jamroom, name: str = "worker") -> None:
        self.jam = jam
        self.name = name
        self._tasks: list[asyncio.Task[None]] = []
        #: Loops in the middle of a job (the rest are waiting in ``consume`` and can stop at once).
        self._busy: set[asyncio.Task[None]] = set()
        self._stopping = False
        self.timings: list[float] = []

    def start(self, concurrency: int) -> None:
        self._stopping = False
        for i in range(concurrency):
            self._tasks.append(asyncio.create_task(self._loop(f"{self.name}-{i}"), name=f"jamroom-{self.name}-{i}"))

    async def stop(self, grace: float = 0.0) -> None:
        """Take no new jobs; give running ones ``grace`` seconds to finish, then hand them back to the queue."""
        self._stopping = True
        for task in self._tasks:
            if task not in self._busy:
                task.cancel()
        running = [t for t in self._tasks if t in self._busy and not t.done()]
        if running and grace > 0:
            await asyncio.wait(running, timeout=grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    async def _loop(self, name: str) -> None:
        me = asyncio.current_task()
        while not self._stopping:
            job = await self.jam.queue.consume(name)
            if me is not None:
                self._busy.add(me)
            try:
                await self.handle(job)
            except asyncio.CancelledError:
                await self._hand_back(job)
                raise
            except Exception:
                log.exception("job crashed the worker loop", extra={"job": job.id})
                try:
                    await self._give_up(job, "something went wrong on our side; the job was stopped")
                except Exception:  # e.g. the ledger is down: keep serving; the job's lease lapses, it runs again
                    log.exception("could not give up on a job", extra={"job": job.id})
            finally:
                self._busy.discard(me)  # type: ignore[arg-type]

    async def _hand_back(self, job: Job) -> None:
        """A shutdown stopped this job: put it back so another worker (or the next start) runs it."""
        try:
            await asyncio.wait_for(self.jam.queue.fail(job, "stopped by a shutdown; it will run again", retry=True),
                                   HAND_BACK_SECONDS)
        except Exception as exc:  # the lease lapses instead and the queue reclaims it
            log.warning("could not hand a job back", extra={"job": job.id, "error": str(exc)})

    async def handle(self, job: Job) -> None:
        started = time.perf_counter()
        origin = job.request.origin
        recorded = await self.jam.ledger.artifact(job.artifact_id)
        if recorded is not None:  # made before; only its delivery failed: post the stored files
            await self._deliver(job, recorded)
            return
        await self.jam.outbounds.progress(origin, job.id, "running", "working…")
        generator = (await self.jam.loaded_generators())[job.generator]
        try:
            inputs = await self._inputs(job)
            spec = self._spec(job)
            beat = asyncio.create_task(self._heartbeat(job))
            try:
                result = await self.jam.pool.run(generator, spec, inputs, job.seed)
            finally:
                beat.cancel()
        except JobFailed as exc:
            log.info("job failed", extra={"job": job.id, "reason": exc.reason})
            await self._give_up(job, exc.message)
            return
        artifact = await self._record(job, generator, result, spec["_provenance"])
        await self._deliver(job, artifact)
        self.timings.append(time.perf_counter() - started)

    async def _heartbeat(self, job: Job) -> None:
        while True:
            await asyncio.sleep(self.jam.settings.heartbeat)
            await self.jam.queue.heartbeat(job)

    async def _inputs(self, job: Job) -> list[InputFile]:
        inputs: list[InputFile] = []
        for slot, artifact_id in job.request.parents.items():
            parent = await self.jam.ledger.artifact(artifact_id)
            if parent is None:
                raise JobFailed(f"the artifact {artifact_id} is gone", reason="missing")
            for f in parent.files:
                if not self.jam.store.has(f.sha256):
                    raise JobFailed(f"the artifact {artifact_id} was removed, so it can't be built on",
                                    reason="missing")
                data = await asyncio.to_thread(self.jam.store.get, f.sha256)
                inputs.append(InputFile(f.name, f.mime, data, "parent", parent.kind, parent.spec, slot,
                                        parent.generator, parent.seed))
        for slot, upload in job.request.uploads.items():
            data = await asyncio.to_thread(self.jam.store.get, upload.sha256)
            inputs.append(InputFile(upload.name, upload.mime, data, "upload", "", {}, slot))
        return inputs

    def _spec(self, job: Job) -> dict[str, Any]:
        spec = dict(job.request.options)
        prompt = spec.get("prompt")
        spec["_provenance"] = {
            "credits": [c.line() for c in job.contributors],
            "title": str(prompt) if prompt else f"Jamroom {job.request.command}",
            "disclosure": DISCLOSURE,
            # a member's upload in this job, or carried forward from a parent, makes the result composite
            "source_type": source_type_for(bool(job.request.uploads)
                                           or any(c.role is Role.UPLOADED for c in job.contributors)),
        }
        spec["_synth"] = self.jam.settings.synth
        if self.jam.settings.soundfont:
            spec["_soundfont"] = self.jam.settings.soundfont
        return spec

    async def _record(self, job: Job, generator: Any, result: Result, provenance: dict[str, Any]) -> Artifact:
        from bot import c2pa_sign  # local: this method is the only user

        # Optional C2PA: signed last, after the generator wrote its own metadata, before the bytes are stored.
        signer = c2pa_sign.signer_for(self.jam.settings)
        # a learned model in the result makes the manifest's source type trained, as in the file's own metadata
        models = [m for m in result.facts.get("models") or [] if isinstance(m, dict)]
        provenance = with_models({"_provenance": provenance}, models)["_provenance"] if models else provenance
        claim = c2pa_sign.Claim.from_provenance(provenance, generator.name, str(generator.version)) if signer else None
        # fitted to the destination once, before signing: a platform re-encoding it later would break the manifest
        outputs, fit_notes = await asyncio.to_thread(fit_outputs, result.outputs,
                                                     self.jam.outbounds.file_limit(job.request.origin))
        files = []
        for out in outputs:
            data = out.data
            if signer and claim and c2pa_sign.signable(out.mime):
                data = await asyncio.to_thread(signer.sign, data, out.mime, claim)
            digest = await asyncio.to_thread(self.jam.store.put, data)
            files.append(ArtifactFile(out.name, out.mime, digest, len(data), out.primary))
        if files and not any(f.primary for f in files):
            files[0] = ArtifactFile(files[0].name, files[0].mime, files[0].sha256, files[0].size, True)
        spec = dict(job.request.options)
        if job.request.uploads:  # so credits can show what the uploader declared about their file
            spec["_uploads"] = [{"slot": slot, "name": u.name, "sha256": u.sha256, "member": job.member}
                                for slot, u in job.request.uploads.items()]
        artifact = Artifact(
            id=job.artifact_id, kind=result.kind, thread=job.request.origin.thread_key,
            generator=generator.name, version=str(generator.version), spec=spec,
            seed=job.seed, parents=list(job.request.parents.values()), contributors=list(job.contributors),
            files=files, facts={**result.facts, **({"fitted": fit_notes} if fit_notes else {})},
            summary=result.summary, job_id=job.id, created=time.time(),
        )
        await self.jam.ledger.record_artifact(artifact)
        return await self.jam.ledger.artifact(artifact.id) or artifact

    async def make_delivery(self, job: Job, artifact: Artifact) -> Delivery:
        policy = await self.jam.labels.policy(job.request.origin)
        buttons = buttons_for(artifact, self.jam.catalog.actions_for(artifact.kind))
        me = job.request.origin.member_key
        notify = [m for m in sorted({c.member for c in artifact.contributors if c.member != me})
                  if (await self.jam.consent.prefs(m)).notices]
        return Delivery(
            job_id=job.id, origin=job.request.origin, text=artifact.summary or f"/{job.request.command}",
            artifact=artifact, credits_line=credits_line(artifact.contributors),
            label=policy.render(artifact.generator, artifact.version), buttons=buttons, notify=notify,
        )

    async def _deliver(self, job: Job, artifact: Artifact) -> None:
        if await self.jam.ledger.delivered(job.id, result_only=True):
            await self.jam.queue.ack(job)
            return
        delivery = await self.make_delivery(job, artifact)
        files = {f.name: await asyncio.to_thread(self.jam.store.get, f.sha256) for f in artifact.files}
        try:
            ref = await self.jam.outbounds.deliver(delivery, files)
        except DeliveryRetry as exc:
            await self._deliver_later(job, artifact, exc)
            return
        await self.jam.ledger.mark_delivered(job.id, artifact.id, ref)
        await self.jam.queue.ack(job)

    async def _deliver_later(self, job: Job, artifact: Artifact, exc: DeliveryRetry) -> None:
        """Hand the job back (its artifact stays recorded, so the retry only posts); the queue backs off,
        never sooner than the platform's ``retry_after``, and stops after its attempt cap."""
        log.info("delivery retry", extra={"job": job.id, "retry_after": exc.retry_after, "error": str(exc)})
        if await self.jam.queue.fail(job, str(exc), retry=True, delay=exc.retry_after or 0.0):
            return
        await self._give_up(job, f"your result {artifact.id} was made but could not be posted here after "
                                 f"{job.attempts} tries ({exc}); it is kept in the studio", dead=True)

    async def _give_up(self, job: Job, message: str, *, dead: bool = False) -> None:
        """Tell the member once, then drop the job (``dead``: the queue already made it a dead letter)."""
        if not await self.jam.ledger.delivered(job.id):
            delivery = Delivery(job_id=job.id, origin=job.request.origin, text=message, error=message)
            try:
                ref = await self.jam.outbounds.deliver(delivery, {})
                await self.jam.ledger.mark_delivered(job.id, None, ref)
            except Exception as exc:
                log.warning("could not tell the member about a failed job", extra={"job": job.id, "error": str(exc)})
        if not dead:
            await self.jam.queue.fail(job, message, retry=False)

