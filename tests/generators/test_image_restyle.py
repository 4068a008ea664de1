"""/restyle, /blend and the painterly finish through the learned style network.

Checks what members and the ledger rely on: same seed → same bytes through onnxruntime, the IPTC
source type of each path, the model named in the file and the facts, the networks loaded once per
process, strength living in the style vector (not a cross-fade), and like:<artifact> crediting
the source picture's owner.
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from test_image_support import as_inputs, distance, pixels, primary, sketch, spec, upload

from generators.base import KIND_IMAGE, KIND_IMAGE_GRID, GeneratorError, InputFile
from generators.image import _transfer as transfer
from generators.image import _transfer_models as models
from generators.image._recipe import read_recipes
from generators.image._transfer_styles import BY_NAME, NAMES, PAINTINGS
from generators.image.restyle import BlendGenerator, RestyleGenerator
from generators.provenance import ALGORITHMIC, COMPOSITE_TRAINED, TRAINED

RESTYLE, BLEND = RestyleGenerator(), BlendGenerator()


def _photo(width: int = 160, height: int = 120, seed: int = 3) -> bytes:
    """A small photo-like picture: smooth gradients, a disc and some grain."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    rgb = np.stack([x / width * 220, y / height * 180 + 40, 140 + 60 * np.sin(x / 17)], axis=-1)
    disc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (height * 0.25) ** 2
    rgb[disc] = (230, 200, 40)
    rgb += np.random.default_rng(seed).normal(0, 6, rgb.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def _xmp(png: bytes) -> str:
    start = png.index(b"<x:xmpmeta")
    return png[start:png.index(b"</x:xmpmeta>") + 12].decode("utf-8")


def _source_type(png: bytes) -> str:
    xmp = _xmp(png)
    return xmp.split("<Iptc4xmpExt:DigitalSourceType>")[1].split("<")[0]


def test_restyle_is_byte_identical_for_the_same_seed_and_differs_by_style():
    first = RESTYLE.generate(spec(style="starry-swirl", strength=80), upload(_photo()), 5)
    again = RESTYLE.generate(spec(style="starry-swirl", strength=80), upload(_photo()), 5)
    other = RESTYLE.generate(spec(style="frost", strength=80), upload(_photo()), 5)
    assert primary(first) == primary(again)
    assert distance(pixels(first), pixels(other)) > 0.03


def test_restyle_of_an_upload_is_composite_with_trained_media_and_names_the_models():
    result = RESTYLE.generate(spec(style="cobalt"), upload(_photo()), 7)
    png = primary(result)
    assert result.kind == KIND_IMAGE
    assert _source_type(png) == COMPOSITE_TRAINED
    xmp = _xmp(png)
    assert "Ghiasi" in xmp and "Dumoulin" in xmp and "Apache-2.0" in xmp
    names = [m["name"] for m in result.facts["models"]]
    assert any("arbitrary" in n for n in names) and any("26-style" in n for n in names)
    assert result.facts["style"] == "cobalt" and "cobalt" in result.facts["alt"]
    assert read_recipes(png) is not None


@pytest.mark.parametrize("style", ["bauhaus", "watercolour"])
def test_our_drawing_styles_go_through_the_network_too(style):
    result = RESTYLE.generate(spec(style=style, strength=100), upload(_photo()), 8)
    assert [m["name"] for m in result.facts["models"]] == [models.ARBITRARY_CREDIT["name"]]
    assert _source_type(primary(result)) == COMPOSITE_TRAINED
    assert distance(pixels(result), np.asarray(Image.open(io.BytesIO(_photo())))) > 0.02


def test_strength_moves_the_style_vector_not_a_cross_fade():
    photo = np.asarray(Image.open(io.BytesIO(_photo())))
    own = transfer.style_vector(photo)
    target = transfer.painting_vector(photo, BY_NAME["inferno"].index)
    assert np.array_equal(transfer.mix(own, target, 0.0), own)
    assert np.array_equal(transfer.mix(own, target, 1.0), target)
    half = transfer.mix(own, target, 0.5)
    assert np.allclose(half, (own + target) / 2, atol=1e-6)
    low = pixels(RESTYLE.generate(spec(style="inferno", strength=10), upload(_photo()), 9))
    mid = pixels(RESTYLE.generate(spec(style="inferno", strength=50), upload(_photo()), 9))
    high = pixels(RESTYLE.generate(spec(style="inferno", strength=100), upload(_photo()), 9))
    # a cross-fade would make mid exactly halfway between low and high; the network's mix is not
    fade = (low.astype(np.float32) + high.astype(np.float32)) / 2
    assert distance(mid, fade.astype(np.uint8)) > 0.01
    assert distance(low, high) > 0.05


def test_every_painting_style_has_a_name_and_a_line():
    assert len(PAINTINGS) == 26 and sorted(p.index for p in PAINTINGS) == list(range(26))
    assert len(set(NAMES)) == 26 and all(10 < len(p.description) < 100 for p in PAINTINGS)


def test_unknown_style_and_style_with_like_are_one_clear_line():
    with pytest.raises(GeneratorError, match="Unknown style"):
        RESTYLE.generate(spec(style="picasso-blue"), upload(_photo()), 1)
    grid = sketch("a lighthouse at dusk", 4, style="flow")
    like = as_inputs(grid, "like")
    with pytest.raises(GeneratorError, match="not both"):
        RESTYLE.generate(spec(style="frost"), upload(_photo()) + like, 1)


def test_like_an_artifact_paints_in_that_pictures_style():
    grid = sketch("a crimson koi under a full moon", 4, style="nebula")
    plain = RESTYLE.generate(spec(strength=100), upload(_photo()), 2)
    liked = RESTYLE.generate(spec(strength=100), upload(_photo()) + as_inputs(grid, "like"), 2)
    again = RESTYLE.generate(spec(strength=100), upload(_photo()) + as_inputs(grid, "like"), 2)
    assert primary(liked) == primary(again)
    assert liked.facts["style"] == "like" and "another picture" in liked.facts["alt"]
    assert distance(pixels(plain), pixels(liked)) > 0.02


def test_blend_is_a_grid_of_each_in_the_others_style_and_is_deterministic():
    a = sketch("a crimson koi under a full moon", 4, style="flow")
    b = sketch("a lighthouse on a rocky shore", 8, style="halftone")
    inputs = as_inputs(a, "a", seed=4) + as_inputs(b, "b", seed=8)
    result = BLEND.generate(spec(pick_a=2, pick_b=3), inputs, 60)
    again = BLEND.generate(spec(pick_a=2, pick_b=3), inputs, 60)
    assert primary(result) == primary(again)
    assert result.kind == KIND_IMAGE_GRID and [o.name for o in result.outputs] == ["blend.png"]
    png = primary(result)
    assert _source_type(png) == TRAINED  # two generated pictures, no member's photo in it
    cells, make = read_recipes(png)
    assert len(cells) == 4 and make["kind"] == "blend"
    grid = pixels(result)
    h, w = grid.shape[0] // 2, grid.shape[1] // 2
    quarters = [grid[r * h:(r + 1) * h, c * w:(c + 1) * w] for r in range(2) for c in range(2)]
    assert min(distance(quarters[i], quarters[j]) for i in range(4) for j in range(i + 1, 4)) > 0.01
    assert result.facts["alt"] and result.facts["models"]


def test_blend_with_a_members_picture_in_it_is_composite():
    restyled = RESTYLE.generate(spec(style="frost"), upload(_photo()), 3)
    b = sketch("a red fox in the snow", 8, style="watercolour")
    inputs = as_inputs(restyled, "a", generator="image.restyle", seed=3) + as_inputs(b, "b", seed=8)
    assert _source_type(primary(BLEND.generate(spec(), inputs, 61))) == COMPOSITE_TRAINED


def test_blend_of_a_plain_sketch_pair_was_algorithmic_before_the_network():
    b = sketch("a red fox in the snow", 8, style="watercolour")
    assert _source_type(primary(b)) == ALGORITHMIC  # the sketch itself had no trained model


def test_blend_pick_outside_the_grid_is_one_line():
    a = sketch("a crimson koi", 4, style="flow")
    one = RESTYLE.generate(spec(style="frost"), upload(_photo()), 3)
    inputs = as_inputs(a, "a") + [InputFile(o.name, o.mime, o.data, "parent", KIND_IMAGE, {}, "b", "image.restyle", 3)
                                  for o in one.outputs]
    with pytest.raises(GeneratorError, match="pick_b must be 1–1"):
        BLEND.generate(spec(pick_b=2), inputs, 1)


def test_painterly_finish_repaints_deterministically_and_keeps_the_size():
    grid = Image.open(io.BytesIO(primary(sketch("a sailboat at dawn", 11, style="contour")))).convert("RGB")
    small = grid.resize((320, 320))
    painted = transfer.painterly(small, 0.8, 11)
    again = transfer.painterly(small, 0.8, 11)
    assert isinstance(painted, Image.Image) and painted.size == small.size
    assert painted.tobytes() == again.tobytes()
    assert distance(np.asarray(painted), np.asarray(small)) > 0.02
    assert transfer.painterly_style(11) in NAMES and transfer.PAINTERLY_CREDITS


def test_networks_are_loaded_once_per_process_not_per_job():
    RESTYLE.generate(spec(style="fauve"), upload(_photo()), 1)
    loaded = models.load_count
    for seed in (2, 3):
        RESTYLE.generate(spec(style="fauve"), upload(_photo(seed=seed)), seed)
    BLEND.generate(spec(), as_inputs(sketch("koi", 1, style="flow"), "a") + as_inputs(sketch("fox", 2), "b"), 4)
    assert models.load_count == loaded <= 3


def test_a_fresh_process_loads_each_network_once_across_jobs():
    code = (
        "import io, numpy as np\n"
        "from PIL import Image\n"
        "from generators.base import InputFile\n"
        "from generators.image import _transfer_models as m\n"
        "from generators.image.restyle import RestyleGenerator\n"
        "b = io.BytesIO(); Image.fromarray(np.full((64, 64, 3), 90, np.uint8)).save(b, 'PNG')\n"
        "f = [InputFile('p.png', 'image/png', b.getvalue(), 'upload', '', {}, 'file')]\n"
        "for seed in range(3):\n"
        "    RestyleGenerator().generate({'style': 'delft'}, f, seed)\n"
        "print(m.load_count)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.strip() == "3"  # predictor, transformer, 26-style network: once each for three jobs


async def test_like_an_artifact_credits_the_source_pictures_owner(tmp_path):
    from support import make_jam, origin

    jam, out = make_jam(tmp_path, job_timeout=120.0)
    await jam.start()
    try:
        assert (await jam.submit_text('/sketch prompt:"lighthouse" style:flow seed:3', origin("ann", "k1"))).ok
        [made] = await out.wait_for(1, timeout=120)
        assert made.ok, made.error
        upload_ref = jam.save_upload("mine.png", "image/png", _photo())
        reply = await jam.submit_text(f"/restyle file:mine.png like:{made.artifact.id} strength:90",
                                      origin("bob", "k2"), uploads={"file": upload_ref})
        assert reply.ok, reply.text
        restyled = (await out.wait_for(2, timeout=180))[1]
        assert restyled.ok, restyled.error
        artifact = restyled.artifact
        assert made.artifact.id in artifact.parents
        roles = {(c.name, c.role.value) for c in artifact.contributors}
        assert ("ann", "prompted") in roles and any(name == "bob" for name, _ in roles)
        assert artifact.facts["models"] and artifact.facts["alt"]
        listing = await jam.submit_text(f"/credits {artifact.id}", origin("cy", "k3"))
        assert "ann" in listing.text and "Magenta" in listing.text
    finally:
        await jam.stop()


def test_sketch_with_the_painterly_finish_is_trained_media_naming_the_networks():
    """`/sketch … finish:painterly` runs the style network: the file and the facts say a trained model took part."""
    plain = sketch("a red fox in the snow at dawn", 11)
    painted = sketch("a red fox in the snow at dawn", 11, finish="painterly")
    assert painted.facts["finish"] == "painterly"
    assert painted.facts["models"] and all(m["learned_from"] for m in painted.facts["models"])
    assert _source_type(primary(painted)) == TRAINED and _source_type(primary(plain)) == ALGORITHMIC
    assert primary(painted) != primary(plain)
    assert Image.open(io.BytesIO(primary(painted))).size == Image.open(io.BytesIO(primary(plain))).size
