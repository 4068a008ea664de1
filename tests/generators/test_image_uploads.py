"""/restyle's upload checks: every hostile or broken file ends as one clear GeneratorError line."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from test_image_support import pixels, spec, upload

from generators.base import KIND_IMAGE, GeneratorError
from generators.image._recipe import read_recipes
from generators.image.restyle import RestyleGenerator

RESTYLE = RestyleGenerator()


def _restyle(data: bytes, **options):
    return RESTYLE.generate(spec(style="bauhaus", **options), upload(data), 5)


def _encode(image: Image.Image, fmt: str, **kw) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kw)
    return buffer.getvalue()


def _photo(width: int = 96, height: int = 64) -> Image.Image:
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([x * 255 // width, y * 255 // height, (x + y) % 256], axis=-1)
    noise = np.random.default_rng(width * height).integers(0, 40, rgb.shape)
    return Image.fromarray(np.clip(rgb + noise, 0, 255).astype(np.uint8), "RGB")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height but carries a tiny IDAT: a decompression bomb's header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _png_bomb(width: int, height: int) -> bytes:
    """A real bomb: a few kB of zlib that inflate to width × height grey pixels."""
    row = b"\x00" + b"\x00" * width
    raw = zlib.compress(row * height, 9)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", raw) + _chunk(b"IEND", b"")


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A JPEG whose frame header claims a huge size."""
    data = bytearray(_encode(_photo(), "JPEG"))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def _frames(fmt: str) -> bytes:
    frames = [Image.new("RGB", (32, 32), c) for c in ("red", "blue", "green")]
    return _encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)


HOSTILE = {
    "png bomb header 100000²": (_png_header_only(100_000, 100_000), "megapixels"),
    "png just over 40 MP": (_png_header_only(8_000, 5_001), "megapixels"),
    "png real bomb 7000²": (_png_bomb(7_000, 7_000), "megapixels"),
    "jpeg claiming 60000²": (_jpeg_claiming(60_000, 60_000), "megapixels"),
    "truncated png": (_encode(_photo(), "PNG")[:9000], "truncated"),
    "truncated jpeg": (_encode(_photo(400, 300), "JPEG")[:700], "truncated"),
    "truncated webp": (_encode(_photo(400, 300), "WEBP")[:200], "truncated"),
    "gif": (_encode(_photo(), "GIF"), "GIF"),
    "animated png": (_frames("PNG"), "Animated"),
    "animated webp": (_frames("WEBP"), "Animated"),
    "text renamed .png": (b"just some text, not a picture\n" * 10, "isn't a PNG, JPEG or WebP"),
    "bmp": (_encode(_photo(), "BMP"), "isn't a PNG, JPEG or WebP"),
    "empty": (b"", "empty"),
    "over 10 MB": (b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024), "10 MB"),
    "4×4 pixels": (_encode(Image.new("RGB", (4, 4)), "PNG"), "at least"),
    "png with a broken IDAT": (_encode(_photo(), "PNG").replace(b"IDAT", b"IDAT\xff\xff\xff", 1), "damaged"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_uploads_get_one_clear_line(name):
    data, words = HOSTILE[name]
    with pytest.raises(GeneratorError) as caught:
        _restyle(data)
    message = str(caught.value)
    assert "\n" not in message and 10 < len(message) < 160
    assert words in message, message


@pytest.mark.parametrize(
    ("image", "fmt", "kw"),
    [
        (_photo().convert("RGBA"), "PNG", {}),
        (_photo().convert("P"), "PNG", {}),
        (_photo().convert("L"), "PNG", {}),
        (Image.fromarray((np.arange(64 * 96).reshape(64, 96) * 10).astype(np.uint16)), "PNG", {}),
        (_photo(), "JPEG", {"quality": 80}),
        (_photo(), "WEBP", {}),
    ],
    ids=["rgba", "palette", "grey", "grey16", "jpeg", "webp"],
)
def test_good_uploads_restyle(image, fmt, kw):
    result = _restyle(_encode(image, fmt, **kw))
    assert result.kind == KIND_IMAGE
    out = pixels(result)
    assert out.shape[:2] == (image.height, image.width)
    assert read_recipes(result.outputs[0].data) is not None


def test_jpeg_orientation_is_respected():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    result = _restyle(_encode(_photo(96, 64), "JPEG", exif=exif.tobytes()))
    assert pixels(result).shape[:2] == (96, 64)


def test_large_uploads_are_reduced_before_work():
    result = _restyle(_encode(_photo(3000, 1500), "JPEG", quality=70))
    assert pixels(result).shape[:2] == (512, 1024)


_VALID = [_encode(_photo(), "PNG"), _encode(_photo(), "JPEG"), _encode(_photo(), "WEBP")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(_VALID),
    cut=st.integers(0, 4000),
    flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=6),
)
def test_mangled_files_never_raise_anything_but_generator_error(base, cut, flips):
    data = bytearray(base[: max(1, len(base) - cut)] if cut % 3 else base)
    for pos, value in flips:
        if data:
            data[pos % len(data)] = value
    try:
        result = _restyle(bytes(data))
    except GeneratorError as exc:
        assert "\n" not in str(exc)
    else:
        assert result.kind == KIND_IMAGE


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_generator_error(data):
    with pytest.raises(GeneratorError):
        _restyle(data)


def _flat_png(width: int, height: int, colour_type: int) -> bytes:
    """A single-colour PNG of any size in a few hundred kB, built row by row (RGB = 2, RGBA = 6)."""
    bands = {2: 3, 6: 4}[colour_type]
    row = b"\x00" + bytes([200, 60, 30, 255][:bands]) * width
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def test_decoded_size_is_known_before_decoding():
    from generators.image._uploads import MAX_DECODED_BYTES, decoded_bytes

    assert decoded_bytes(6320, 6320, "RGB") == 6320 * 6320 * 3 < MAX_DECODED_BYTES
    assert decoded_bytes(6000, 6000, "RGBA") > MAX_DECODED_BYTES
    assert decoded_bytes(100, 100, "I;16") == 20_000


def test_an_rgba_picture_too_big_to_decode_is_refused_from_its_header():
    with pytest.raises(GeneratorError) as caught:
        _restyle(_flat_png(6000, 6000, 6))
    assert "to open" in str(caught.value) and "\n" not in str(caught.value)


_DECODE_RSS = """
import resource, sys
from generators.image._uploads import load_upload
data = open(sys.argv[1], 'rb').read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
picture = load_upload(data)
print(picture.width, picture.height, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_a_huge_single_colour_png_decodes_within_bounds(tmp_path):
    """6320² RGB in ~120 kB: decoding once costs 114 MiB; the old path's full-size copies cost ~330 more."""
    path = tmp_path / "flat.png"
    path.write_bytes(_flat_png(6320, 6320, 2))
    out = subprocess.run([sys.executable, "-c", _DECODE_RSS, str(path)], capture_output=True, text=True,
                         timeout=300, check=True)
    width, height, grown_mb = (int(v) for v in out.stdout.split())
    assert (width, height) == (1024, 1024)
    assert grown_mb < 6320 * 6320 * 3 / 2**20 + 60  # one decode plus strips, never a second full-size copy
