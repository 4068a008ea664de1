"""Optional C2PA signing of results, done by the worker after generation.

When the operator sets ``JAMROOM_C2PA_CERT`` (PEM chain, leaf first, then its CA)
and ``JAMROOM_C2PA_KEY`` (PEM private key), PNG, WAV, MP3 and FLAC outputs get a
signed C2PA manifest: a ``c2pa.created`` action with the IPTC digital source type
from the spec's ``_provenance`` block, and the credits as a schema.org CreativeWork.
Generators stay pure; signing is the last step before the file is stored, because
any re-encode (Pillow, mutagen) afterwards would strip or break the manifest.

Signing is best effort: a missing library, a bad certificate or an unsupported file
is logged and the unsigned bytes go out, so provenance never costs a member a result.
"""

from __future__ import annotations

import functools
import io
import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import __version__

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

#: MIME types we sign, mapped to the format name c2pa expects.  OGG and MIDI are not
#: supported by c2pa; ZIP stems are left alone (the MIDI files inside carry credits).
SIGNABLE: dict[str, str] = {
    "image/png": "image/png",
    "audio/wav": "audio/wav",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mpeg": "audio/mpeg",
    "audio/mp3": "audio/mpeg",
    "audio/flac": "audio/flac",
}

ALGORITHMIC = "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"


def signable(mime: str) -> bool:
    return mime.lower() in SIGNABLE


@dataclass(frozen=True)
class Claim:
    """What one manifest says about a result: who made it with which generator, and how."""

    title: str
    generator: str
    version: str
    source_type: str = ALGORITHMIC
    credits: tuple[str, ...] = ()
    disclosure: str = ""

    @classmethod
    def from_provenance(cls, block: Mapping[str, Any], generator: str, version: str) -> Claim:
        """Built from the ``_provenance`` block the worker puts in every spec."""
        return cls(
            title=str(block.get("title") or f"Jamroom {generator}"),
            generator=generator,
            version=str(version),
            source_type=str(block.get("source_type") or ALGORITHMIC),
            credits=tuple(str(c) for c in block.get("credits") or ()),
            disclosure=str(block.get("disclosure") or ""),
        )


def manifest_for(claim: Claim, fmt: str) -> dict[str, Any]:
    """The manifest definition: one ``c2pa.created`` action, plus the credits as a CreativeWork."""
    action: dict[str, Any] = {
        "action": "c2pa.created",
        "digitalSourceType": claim.source_type,
        "softwareAgent": {"name": f"Jamroom {claim.generator}", "version": claim.version},
    }
    if claim.disclosure:
        action["description"] = claim.disclosure
    assertions: list[dict[str, Any]] = [{"label": "c2pa.actions.v2", "data": {"actions": [action]}}]
    if claim.credits:
        # A credit line reads "name · role · action"; authors are the distinct names, the full
        # lines go in creditText so roles survive.
        names = list(dict.fromkeys(line.split(" · ")[0].strip() for line in claim.credits))
        assertions.append({
            "label": "stds.schema-org.CreativeWork",
            "kind": "Json",
            "data": {
                "@context": "https://schema.org",
                "@type": "CreativeWork",
                "name": claim.title,
                "author": [{"@type": "Person", "name": name} for name in names if name],
                "creditText": "; ".join(claim.credits),
            },
        })
    return {
        "claim_generator_info": [{"name": "Jamroom", "version": __version__}],
        "title": claim.title,
        "format": fmt,
        "assertions": assertions,
    }


@dataclass(frozen=True)
class Credential:
    """A PEM certificate chain (leaf first), its PKCS#8 key, and the c2pa algorithm name."""

    chain: bytes
    key: bytes
    alg: str


def load_credential(cert: Path, key: Path) -> Credential:
    """Read and check the operator's files; raises ValueError with a one-line reason."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    chain = cert.read_bytes()
    try:
        certs = x509.load_pem_x509_certificates(chain)
    except ValueError as exc:
        raise ValueError(f"{cert} holds no PEM certificate: {exc}") from exc
    try:
        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{key} holds no unencrypted PEM private key: {exc}") from exc
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if certs[0].public_key().public_bytes(serialization.Encoding.PEM, public) != private.public_key().public_bytes(
        serialization.Encoding.PEM, public
    ):
        raise ValueError(f"the key in {key} does not belong to the first certificate in {cert}")
    if isinstance(private, ec.EllipticCurvePrivateKey):
        curves = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
        alg = curves.get(private.curve.name)
        if alg is None:
            raise ValueError(f"C2PA cannot sign with the {private.curve.name} curve; use P-256, P-384 or P-521")
    elif isinstance(private, ed25519.Ed25519PrivateKey):
        alg = "ed25519"
    elif isinstance(private, rsa.RSAPrivateKey):
        alg = "ps256"
    else:
        raise ValueError(f"C2PA cannot sign with a {type(private).__name__}")
    pkcs8 = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    return Credential(chain=chain, key=pkcs8, alg=alg)


def sign_bytes(data: bytes, mime: str, claim: Claim, credential: Credential) -> bytes:
    """Signed copy of ``data``; raises on any failure.

    Writes into a temporary file and reads it back only on success, because c2pa
    truncates its output when a sign fails.  No timestamp authority (offline).
    """
    import c2pa

    fmt = SIGNABLE[mime.lower()]
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(credential.alg, credential.chain, credential.key, None))
    # Thumbnails would add tens of KiB to each file and show nothing a chat preview doesn't.
    context = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})
    try:
        with c2pa.Builder(manifest_for(claim, fmt), context=context) as builder, tempfile.TemporaryFile() as out:
            builder.sign(signer, fmt, io.BytesIO(data), out)
            out.seek(0)
            signed = out.read()
    finally:
        signer.close()
        context.close()
    if len(signed) <= len(data):
        raise ValueError(f"c2pa returned {len(signed)} bytes for a {len(data)}-byte input")
    return signed


class ResultSigner:
    """Signs outputs with the operator's certificate; never raises.

    The credential is re-read when either file changes, so a renewed certificate
    takes effect without a restart.
    """

    def __init__(self, cert: Path, key: Path) -> None:
        self.cert = cert
        self.key = key
        self._cached: tuple[tuple[int, int], Credential] | None = None

    def credential(self) -> Credential:
        stamp = (self.cert.stat().st_mtime_ns, self.key.stat().st_mtime_ns)
        cached = self._cached
        if cached is None or cached[0] != stamp:
            cached = (stamp, load_credential(self.cert, self.key))
            self._cached = cached
        return cached[1]

    def sign(self, data: bytes, mime: str, claim: Claim) -> bytes:
        """Signed bytes, or ``data`` unchanged when the type isn't signable or signing fails."""
        if not signable(mime):
            return data
        try:
            return sign_bytes(data, mime, claim, self.credential())
        except Exception as exc:
            log.warning("C2PA signing failed; the file goes out unsigned",
                        extra={"mime": mime, "generator": claim.generator, "error": f"{type(exc).__name__}: {exc}"})
            return data


@functools.lru_cache(maxsize=8)
def _signer(cert: Path, key: Path) -> ResultSigner:
    return ResultSigner(cert, key)


def signer_for(settings: Settings) -> ResultSigner | None:
    """The signer for these settings, or None when signing isn't configured (the default)."""
    cert, key = settings.c2pa_cert, settings.c2pa_key
    if not cert or not key:
        return None
    return _signer(Path(cert), Path(key))
