"""Small generators for testing the core's plumbing (failure modes the real ones never show)."""

from __future__ import annotations

import time
from typing import ClassVar

from generators.base import GeneratorError, Output, Result


class _Base:
    version: ClassVar[str] = "1"
    accepts: ClassVar[frozenset[str]] = frozenset()


class Echo(_Base):
    name = "test.echo"
    command = "echo"

    def generate(self, spec, inputs, seed):
        body = f"{spec.get('prompt')}|{seed}|{';'.join(spec['_provenance']['credits'])}".encode()
        return Result("note", (Output("echo.txt", "text/plain", body, primary=True),), {"len": len(body)},
                      f"echo: {spec.get('prompt')}")


class EchoVary(_Base):
    name = "test.echo-vary"
    command = "vary"
    accepts = frozenset({"note"})

    def generate(self, spec, inputs, seed):
        parent = b"".join(i.data for i in inputs)
        return Result("note", (Output("vary.txt", "text/plain", parent[::-1], primary=True),), {}, "varied")


class Boom(_Base):
    name = "test.boom"
    command = "boom"

    def generate(self, spec, inputs, seed):
        raise RuntimeError("kaboom")


class Refuse(_Base):
    name = "test.refuse"
    command = "refuse"

    def generate(self, spec, inputs, seed):
        raise GeneratorError("that file is not a MIDI file")


class Hang(_Base):
    name = "test.hang"
    command = "hang"

    def generate(self, spec, inputs, seed):
        time.sleep(3600)
        raise AssertionError("unreachable")


class Huge(_Base):
    name = "test.huge"
    command = "huge"

    def generate(self, spec, inputs, seed):
        return Result("note", (Output("huge.bin", "application/octet-stream", b"\0" * (100 * 1024 * 1024)),))


ALL = [Echo, EchoVary, Boom, Refuse, Hang, Huge]
