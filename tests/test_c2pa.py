"""Optional C2PA signing: a local CA and leaf made here, files signed by the worker, checked by c2pa's Reader.

Runs whenever c2pa-python is installed, and always when CI is set (then a missing library fails).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support import RecordingOutbound, make_jam, origin

from bot.c2pa_sign import Claim, ResultSigner, load_credential, sign_bytes, signer_for
from bot.settings import Settings
from generators import registry
from generators.audio.encode import mp3, ogg_vorbis, wav
from generators.provenance import COMPOSITE_SYNTHETIC, png_with_xmp, xmp_packet

try:
    import c2pa
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("c2pa-python is not installed (pip install -e '.[c2pa]')", allow_module_level=True)

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
CLAIM = Claim(title="neon koi", generator="image.sketch", version="3", source_type=IPTC + "algorithmicMedia",
              credits=("ann · prompted", "bob · built-on · vary", "ann · built-on · pick"),
              disclosure="AI-generated with Jamroom")


# --- a local CA and leaf, the way an operator would make them -------------------------------------------------

@dataclass(frozen=True)
class Pki:
    cert: Path  # chain: leaf then CA
    key: Path
    ca_pem: str


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Jamroom tests")])


def _usage(*, sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=sign_certs,
                         crl_sign=sign_certs, encipher_only=False, decipher_only=False)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_pki(folder: Path, *, expired: bool = False, ca_signs: bool = False) -> Pki:
    """A CA, and a leaf it signed: not a CA, digitalSignature, emailProtection EKU, ES256.

    ``ca_signs`` writes the self-signed CA itself as the credential (what `openssl req -x509` makes),
    which C2PA refuses.
    """
    now = datetime.datetime.now(datetime.UTC)
    day = datetime.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("Jamroom test CA")).issuer_name(_name("Jamroom test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - day).not_valid_after(now + 365 * day)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(_usage(sign_certs=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    start, end = (now - 30 * day, now - 2 * day) if expired else (now - day, now + 30 * day)
    leaf = (x509.CertificateBuilder().subject_name(_name("jamroom signer")).issuer_name(ca.subject)
            .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(sign_certs=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "chain.pem", folder / "key.pem"
    cert_path.write_bytes(_pem(ca) if ca_signs else _pem(leaf) + _pem(ca))
    key_path.write_bytes(_key_pem(ca_key if ca_signs else leaf_key))
    return Pki(cert_path, key_path, _pem(ca).decode())


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def read_manifest(data: bytes, mime: str, pki: Pki) -> tuple[str, dict]:
    """Validation state and active manifest, trusting our local CA (as an operator's verifier would)."""
    context = c2pa.Context.from_dict({"trust": {"trust_anchors": pki.ca_pem}})
    with c2pa.Reader(mime, io.BytesIO(data), context=context) as reader:
        return reader.get_validation_state(), reader.get_active_manifest()


def assertion(manifest: dict, label: str) -> dict:
    return next(a["data"] for a in manifest["assertions"] if a["label"] == label)


# --- sample files --------------------------------------------------------------------------------------------

def _tone() -> np.ndarray:
    t = np.arange(22_050) / 22_050
    return (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def sample(mime: str) -> bytes:
    if mime == "image/png":
        packet = xmp_packet(title="neon koi", description="d", generator="image.sketch", version="3", seed=7,
                            source_type=IPTC + "algorithmicMedia", credits=["ann · prompted"])
        return png_with_xmp(Image.new("RGB", (96, 64), (30, 90, 200)), packet)
    if mime == "audio/wav":
        return wav(_tone(), {"title": "hum"}, 22_050)
    if mime == "audio/mpeg":
        return mp3(_tone(), {"title": "hum"}, 22_050)
    if mime == "audio/flac":
        import soundfile as sf

        buffer = io.BytesIO()
        sf.write(buffer, _tone(), 22_050, format="FLAC")
        return buffer.getvalue()
    raise AssertionError(mime)


# --- the signer on its own -----------------------------------------------------------------------------------

@pytest.mark.parametrize("mime", ["image/png", "audio/wav", "audio/mpeg", "audio/flac"])
def test_signed_file_validates_with_created_action_source_type_and_credits(pki, mime):
    original = sample(mime)
    signed = ResultSigner(pki.cert, pki.key).sign(original, mime, CLAIM)
    assert signed != original
    state, manifest = read_manifest(signed, mime, pki)
    assert state == "Trusted"
    assert manifest["title"] == "neon koi"
    assert manifest["claim_generator_info"][0]["name"] == "Jamroom"
    [action] = assertion(manifest, "c2pa.actions.v2")["actions"]
    assert action["action"] == "c2pa.created"
    assert action["digitalSourceType"] == IPTC + "algorithmicMedia"
    assert action["softwareAgent"] == {"name": "Jamroom image.sketch", "version": "3"}
    work = assertion(manifest, "stds.schema-org.CreativeWork")
    assert [a["name"] for a in work["author"]] == ["ann", "bob"]
    assert "bob · built-on · vary" in work["creditText"]
    assert "thumbnail" not in manifest  # kept small: no embedded preview
    assert manifest["signature_info"]["common_name"] == "jamroom signer"


def test_signing_keeps_the_file_usable_and_its_own_metadata(pki):
    import soundfile as sf

    png = ResultSigner(pki.cert, pki.key).sign(sample("image/png"), "image/png", CLAIM)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (96, 64)
        assert "Iptc4xmpExt:DigitalSourceType" in image.info["XML:com.adobe.xmp"]
    audio, rate = sf.read(io.BytesIO(ResultSigner(pki.cert, pki.key).sign(sample("audio/wav"), "audio/wav", CLAIM)))
    assert rate == 22_050 and len(audio) == 22_050


def test_a_changed_pixel_breaks_the_signature(pki):
    signed = ResultSigner(pki.cert, pki.key).sign(sample("image/png"), "image/png", CLAIM)
    idat = signed.index(b"IDAT") + 8
    tampered = signed[:idat] + bytes([signed[idat] ^ 0xFF]) + signed[idat + 1 :]
    state, _ = read_manifest(tampered, "image/png", pki)
    assert state == "Invalid"


def test_composite_source_type_and_no_credits(pki):
    claim = Claim(title="mine", generator="image.restyle", version="1", source_type=COMPOSITE_SYNTHETIC)
    signed = sign_bytes(sample("image/png"), "image/png", claim, load_credential(pki.cert, pki.key))
    _, manifest = read_manifest(signed, "image/png", pki)
    [action] = assertion(manifest, "c2pa.actions.v2")["actions"]
    assert action["digitalSourceType"] == COMPOSITE_SYNTHETIC
    assert all(a["label"] != "stds.schema-org.CreativeWork" for a in manifest["assertions"])


def test_formats_c2pa_cannot_sign_pass_through_untouched(pki, caplog):
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("00-full.mid", b"MThd")
    signer = ResultSigner(pki.cert, pki.key)
    for data, mime in [(ogg_vorbis(_tone(), {"title": "hum"}, 22_050), "audio/ogg"),
                       (b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0", "audio/midi"),
                       (zipped.getvalue(), "application/zip"), (b"hello", "text/plain")]:
        assert signer.sign(data, mime, CLAIM) is data
    assert not caplog.records


@pytest.mark.parametrize("problem", ["self-signed CA", "expired", "wrong key", "missing key", "not a png", "no pem"])
def test_a_failed_sign_logs_and_returns_the_unsigned_bytes(tmp_path, pki, problem, caplog):
    data, mime = sample("image/png"), "image/png"
    cert, key = pki.cert, pki.key
    if problem == "self-signed CA":
        bad = make_pki(tmp_path / "self", ca_signs=True)
        cert, key = bad.cert, bad.key
    elif problem == "expired":
        bad = make_pki(tmp_path / "old", expired=True)
        cert, key = bad.cert, bad.key
    elif problem == "wrong key":
        key = make_pki(tmp_path / "other").key
    elif problem == "missing key":
        key = tmp_path / "nowhere.pem"
    elif problem == "not a png":
        data = b"\x89PNG but not really" * 4
    elif problem == "no pem":
        cert = tmp_path / "empty.pem"
        cert.write_text("not a certificate\n")
    with caplog.at_level(logging.WARNING, logger="bot.c2pa_sign"):
        out = ResultSigner(cert, key).sign(data, mime, CLAIM)
    assert out is data
    [record] = [r for r in caplog.records if r.name == "bot.c2pa_sign"]
    assert "unsigned" in record.getMessage() and record.error


def test_a_renewed_certificate_is_picked_up_without_a_restart(tmp_path):
    first = make_pki(tmp_path / "a")
    signer = ResultSigner(first.cert, first.key)
    before = signer.credential()
    renewed = make_pki(tmp_path / "b")
    first.cert.write_bytes(renewed.cert.read_bytes())
    first.key.write_bytes(renewed.key.read_bytes())
    os.utime(first.cert, ns=(1, 1))  # a different mtime, whatever the clock's resolution
    assert signer.credential() != before
    state, _ = read_manifest(signer.sign(sample("image/png"), "image/png", CLAIM), "image/png", renewed)
    assert state == "Trusted"


def test_signing_is_off_unless_both_files_are_set(tmp_path, monkeypatch):
    assert signer_for(Settings(_env_file=None)) is None
    assert signer_for(Settings(_env_file=None, c2pa_cert=tmp_path / "c.pem")) is None
    monkeypatch.setenv("JAMROOM_C2PA_CERT", "")
    monkeypatch.setenv("JAMROOM_C2PA_KEY", str(tmp_path / "k.pem"))
    assert signer_for(Settings(_env_file=None)) is None
    monkeypatch.setenv("JAMROOM_C2PA_CERT", str(tmp_path / "c.pem"))
    on = signer_for(Settings(_env_file=None))
    assert on is not None and on.cert == tmp_path / "c.pem" and on.key == tmp_path / "k.pem"


# --- through the worker --------------------------------------------------------------------------------------

@pytest.fixture
async def signing_jam(tmp_path, pki):
    jam, out = make_jam(tmp_path / "data", job_timeout=60.0, c2pa_cert=pki.cert, c2pa_key=pki.key)
    await jam.start()
    try:
        yield jam, out
    finally:
        await jam.stop()


async def test_worker_leaves_files_it_cannot_sign_alone(signing_jam):
    jam, out = signing_jam
    assert (await jam.submit_text('/echo prompt:"neon koi" seed:7', origin("ann", "e1"))).ok
    [delivery] = await out.wait_for(1)
    assert out.deliveries[0][1]["echo.txt"] == b"neon koi|7|ann \xc2\xb7 prompted"
    assert delivery.artifact.files[0].sha256 == hashlib.sha256(b"neon koi|7|ann \xc2\xb7 prompted").hexdigest()


@pytest.mark.skipif("image.sketch" not in registry.generators(), reason="no image generator yet")
async def test_worker_signs_sketches_and_records_the_signed_bytes(signing_jam, pki):
    jam, out = signing_jam
    assert (await jam.submit_text('/sketch prompt:"neon koi" seed:7', origin("ann", "s1"))).ok
    [sketch] = await out.wait_for(1, timeout=120)
    assert sketch.ok, sketch.error
    [(name, png)] = [(k, v) for k, v in out.deliveries[0][1].items() if k.endswith(".png")]
    state, manifest = read_manifest(png, "image/png", pki)
    assert state == "Trusted"
    [action] = assertion(manifest, "c2pa.actions.v2")["actions"]
    assert action["action"] == "c2pa.created" and action["digitalSourceType"] == IPTC + "algorithmicMedia"
    assert action["softwareAgent"]["name"] == "Jamroom image.sketch"
    assert [a["name"] for a in assertion(manifest, "stds.schema-org.CreativeWork")["author"]] == ["ann"]
    [stored] = [f for f in sketch.artifact.files if f.name == name]
    assert stored.sha256 == hashlib.sha256(png).hexdigest() and stored.size == len(png)
    assert jam.store.get(stored.sha256) == png
    assert (await jam.ledger.verify()).ok

    if "restyle" not in jam.catalog.commands:
        return
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 40)).save(buffer, format="PNG")
    upload = jam.save_upload("mine.png", "image/png", buffer.getvalue())
    assert (await jam.submit_text("/restyle file:mine.png", origin("bob", "s2"), uploads={"file": upload})).ok
    restyled = (await out.wait_for(2, timeout=120))[1]
    assert restyled.ok, restyled.error
    png = next(v for k, v in out.deliveries[1][1].items() if k.endswith(".png"))
    _, manifest = read_manifest(png, "image/png", pki)
    # a trained style network repainted the member's photo: the manifest says so, as the XMP does
    [action] = assertion(manifest, "c2pa.actions.v2")["actions"]
    assert action["digitalSourceType"] == IPTC + "compositeWithTrainedAlgorithmicMedia"
    assert "learned from" in action["description"]


@pytest.mark.skipif("music.export" not in registry.generators(), reason="no music export yet")
async def test_worker_signs_wav_exports_but_not_ogg_or_midi(signing_jam, pki):
    jam, out = signing_jam
    assert (await jam.submit_text('/melody prompt:"calm" bars:2 seed:3', origin("ann", "m1"))).ok
    [melody] = await out.wait_for(1, timeout=120)
    assert melody.ok, melody.error
    files = out.deliveries[0][1]
    assert {Path(n).suffix for n in files} >= {".ogg", ".mid", ".png"}
    for name, data in files.items():
        if name.endswith((".ogg", ".mid")):
            with pytest.raises(c2pa.C2paError):
                read_manifest(data, "audio/ogg" if name.endswith(".ogg") else "audio/midi", pki)
    png = next(v for k, v in files.items() if k.endswith(".png"))
    assert read_manifest(png, "image/png", pki)[0] == "Trusted"

    assert (await jam.submit_text("/export as:wav", origin("bob", "m2"))).ok
    export = (await out.wait_for(2, timeout=120))[1]
    assert export.ok, export.error
    [(name, data)] = list(out.deliveries[1][1].items())
    assert name.endswith(".wav")
    state, manifest = read_manifest(data, "audio/wav", pki)
    assert state == "Trusted"
    [action] = assertion(manifest, "c2pa.actions.v2")["actions"]
    assert action["softwareAgent"]["name"] == "Jamroom music.export"
    work = assertion(manifest, "stds.schema-org.CreativeWork")
    assert [a["name"] for a in work["author"]] == ["ann", "bob"] and "export" in work["creditText"]


@dataclass
class SmallUploads(RecordingOutbound):
    """A platform that takes files up to 200 KB (like a Discord server with a low limit)."""

    limit: int = 200_000

    def file_limit(self, origin) -> int:
        return self.limit


@pytest.mark.skipif("image.sketch" not in registry.generators(), reason="no image generator yet")
async def test_files_are_fitted_to_the_platform_before_signing(tmp_path, pki):
    """One policy, in the core: the delivered PNG fits the platform and its manifest still validates."""
    jam, _ = make_jam(tmp_path / "data", job_timeout=60.0, c2pa_cert=pki.cert, c2pa_key=pki.key)
    small = SmallUploads()
    jam.outbounds.add(small)
    await jam.start()
    try:
        assert (await jam.submit_text('/sketch prompt:"a lighthouse in a storm" seed:7', origin("ann", "f1"))).ok
        [sketch] = await small.wait_for(1, timeout=120)
        assert sketch.ok, sketch.error
        [(name, png)] = [(k, v) for k, v in small.deliveries[0][1].items() if k.endswith(".png")]
        assert len(png) <= small.limit
        assert any("downscaled" in note for note in sketch.artifact.facts["fitted"])
        state, _ = read_manifest(png, "image/png", pki)
        assert state == "Trusted"  # signed after fitting: nothing re-encodes it afterwards
        with Image.open(io.BytesIO(png)) as img:
            assert "XML:com.adobe.xmp" in img.info  # the recipe and credits survive the downscale
        [stored] = [f for f in sketch.artifact.files if f.name == name]
        assert stored.sha256 == hashlib.sha256(png).hexdigest()
    finally:
        await jam.stop()
