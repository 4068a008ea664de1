"""Built-on image work: /vary, /upscale, /reroll, /blend and /restyle, alone and chained."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from test_image_support import (
    as_inputs,
    cells,
    distance,
    pixels,
    primary,
    sketch_once,
    spec,
    thumb,
    upload,
)

from generators.base import KIND_IMAGE, KIND_IMAGE_GRID, GeneratorError, InputFile
from generators.image._recipe import read_recipes
from generators.image.restyle import BlendGenerator, RestyleGenerator
from generators.image.sketch import RerollGenerator
from generators.image.vary import UpscaleGenerator, VaryGenerator

KOI = "crimson koi under a full moon"
ALGORITHMIC = "digitalsourcetype/algorithmicMedia"
COMPOSITE = "digitalsourcetype/compositeSynthetic"
COMPOSITE_TRAINED = "digitalsourcetype/compositeWithTrainedAlgorithmicMedia"


def _xmp(result) -> str:
    with Image.open(io.BytesIO(primary(result))) as im:
        return str(im.info["XML:com.adobe.xmp"])


def _parent(style: str = "contour", ar: str = "1:1"):
    return sketch_once(KOI, 4, style, ar)


def test_vary_a_cell_gives_a_grid_of_four_takes_on_it():
    parent = _parent()
    result = VaryGenerator().generate(spec(pick=2, amount="subtle"), as_inputs(parent, seed=4), 50)
    assert result.kind == KIND_IMAGE_GRID and [o.name for o in result.outputs] == ["sketch.png"]
    assert pixels(result).shape == pixels(parent).shape
    assert "cell 2" in result.summary and result.facts["style"] == parent.facts["style"]
    again = VaryGenerator().generate(spec(pick=2, amount="subtle"), as_inputs(parent, seed=4), 50)
    assert primary(again) == primary(result)
    assert "<jamroom:prompt>crimson koi under a full moon</jamroom:prompt>" in _xmp(result)
    assert "ann · prompted" in _xmp(result)


def test_vary_without_pick_varies_each_cell():
    parent = _parent()
    result = VaryGenerator().generate(spec(pick=None, amount="subtle"), as_inputs(parent, seed=4), 51)
    originals = [thumb(c, 16) for c in cells(pixels(parent))]
    for i, v in enumerate(thumb(c, 16) for c in cells(pixels(result))):
        assert int(np.argmin([distance(v, o) for o in originals])) == i


def test_strong_moves_further_than_subtle():
    parent = _parent("watercolour")
    own = cells(pixels(parent))[0]
    far = {}
    for amount in ("subtle", "strong"):
        varied = VaryGenerator().generate(spec(pick=1, amount=amount), as_inputs(parent, seed=4), 52)
        far[amount] = np.mean([distance(thumb(c, 16), thumb(own, 16)) for c in cells(pixels(varied))])
    assert far["subtle"] < far["strong"]


def test_upscale_is_one_large_picture_and_needs_a_valid_pick():
    parent = _parent("bauhaus", "16:9")
    result = UpscaleGenerator().generate(spec(pick=1), as_inputs(parent, seed=4), 53)
    assert result.kind == KIND_IMAGE and [o.name for o in result.outputs] == ["upscale.png"]
    assert pixels(result).shape == (1152, 2048, 3) and result.facts["size"] == "2048×1152"
    with pytest.raises(GeneratorError, match="pick"):
        UpscaleGenerator().generate(spec(pick=None), as_inputs(parent, seed=4), 53)
    with pytest.raises(GeneratorError, match="1–4"):
        UpscaleGenerator().generate(spec(pick=5), as_inputs(parent, seed=4), 53)


def test_reroll_keeps_the_request_and_changes_the_takes():
    parent = _parent("mosaic")
    result = RerollGenerator().generate(spec(), as_inputs(parent, seed=4, parent_spec={"prompt": KOI}), 54)
    assert result.kind == KIND_IMAGE_GRID
    assert {k: result.facts[k] for k in ("style", "palette", "subjects")} == {
        k: parent.facts[k] for k in ("style", "palette", "subjects")}
    assert primary(result) != primary(parent)
    same_seed = RerollGenerator().generate(spec(), as_inputs(parent, seed=4), 4)
    assert pixels(same_seed).tolist() != pixels(parent).tolist()


def test_reroll_keeps_a_style_that_auto_chose():
    parent = sketch_once("a quiet field", 11, "auto", "1:1")
    result = RerollGenerator().generate(spec(), as_inputs(parent, seed=11), 12)
    assert result.facts["style"] == parent.facts["style"]


def test_reroll_of_a_variation_grid_gives_new_variations_of_the_same_cell():
    parent = _parent("glitch")
    varied = VaryGenerator().generate(spec(pick=3, amount="subtle"), as_inputs(parent, seed=4), 55)
    again = RerollGenerator().generate(spec(), as_inputs(varied, generator="image.vary", seed=55), 56)
    originals = [thumb(c, 16) for c in cells(pixels(parent))]
    assert primary(again) != primary(varied)
    for v in (thumb(c, 16) for c in cells(pixels(again))):
        assert int(np.argmin([distance(v, o) for o in originals])) == 2


def test_a_parent_without_recipes_is_rebuilt_from_its_spec_and_seed():
    parent = _parent("halftone")
    stripped = io.BytesIO()
    Image.fromarray(pixels(parent)).save(stripped, "PNG")
    files = [InputFile("sketch.png", "image/png", stripped.getvalue(), "parent", KIND_IMAGE_GRID,
                       {"prompt": KOI, "style": "halftone"}, "to", "image.sketch", 4)]
    rebuilt = UpscaleGenerator().generate(spec(pick=2), files, 57)
    direct = UpscaleGenerator().generate(spec(pick=2), as_inputs(parent, seed=4), 57)
    assert np.array_equal(pixels(rebuilt), pixels(direct))


def test_a_foreign_picture_is_varied_and_upscaled_from_its_pixels():
    rng = np.random.default_rng(3)
    art = np.kron(rng.integers(0, 255, (8, 8, 3)), np.ones((64, 64, 1))).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(art).save(buffer, "PNG")
    files = [InputFile("art.png", "image/png", buffer.getvalue(), "parent", KIND_IMAGE_GRID, {}, "to", "x.other", 1)]
    varied = VaryGenerator().generate(spec(pick=1), files, 58)
    assert varied.kind == KIND_IMAGE_GRID and read_recipes(primary(varied))[0][0].source
    up = UpscaleGenerator().generate(spec(pick=4), as_inputs(varied, generator="image.vary", seed=58), 59)
    assert max(pixels(up).shape[:2]) == 2048


def test_vary_of_a_picture_with_no_png_is_a_clear_error():
    files = [InputFile("melody.mid", "audio/midi", b"MThd", "parent", "music", {}, "to", "music.melody", 1)]
    with pytest.raises(GeneratorError, match="no picture"):
        VaryGenerator().generate(spec(), files, 1)


def test_blend_paints_each_in_the_others_style_and_names_both_prompts():
    a = _parent("contour")
    b = sketch_once("neon city in the rain", 8, "nebula", "1:1")
    inputs = as_inputs(a, "a", seed=4) + as_inputs(b, "b", seed=8)
    result = BlendGenerator().generate(spec(pick_a=2, pick_b=3), inputs, 60)
    assert result.kind == KIND_IMAGE_GRID and [o.name for o in result.outputs] == ["blend.png"]
    recipes, make = read_recipes(primary(result))
    assert len(recipes) == 4 and make["prompt"] == f"{KOI} + neon city in the rain"
    assert "digitalsourcetype/trainedAlgorithmicMedia" in _xmp(result)
    picture = pixels(result)
    for parent in (a, b):
        assert distance(picture, np.asarray(Image.fromarray(pixels(parent)).resize(picture.shape[1::-1]))) > 0.03


def test_restyle_reworks_an_upload_and_marks_it_composite():
    photo = (np.random.default_rng(1).integers(0, 255, (12, 18, 3)).repeat(20, 0).repeat(20, 1)).astype(np.uint8)
    data = io.BytesIO()
    Image.fromarray(photo).save(data, "JPEG", quality=90)
    gentle = RestyleGenerator().generate(spec(style="mosaic", strength=0), upload(data.getvalue()), 61)
    full = RestyleGenerator().generate(spec(style="mosaic", strength=100), upload(data.getvalue()), 61)
    assert gentle.kind == KIND_IMAGE and pixels(full).shape == photo.shape
    assert distance(pixels(gentle), pixels(full)) > 0.03 and distance(pixels(full), photo) > 0.03
    assert COMPOSITE_TRAINED in _xmp(full) and "strength 100" in full.summary
    varied = VaryGenerator().generate(spec(), as_inputs(full, generator="image.restyle", seed=61), 62)
    up = UpscaleGenerator().generate(spec(pick=2), as_inputs(varied, generator="image.vary", seed=62), 63)
    assert varied.kind == KIND_IMAGE_GRID and up.kind == KIND_IMAGE


def test_a_chain_of_actions_stays_deterministic():
    def chain():
        grid = _parent("glitch")
        varied = VaryGenerator().generate(spec(pick=4, amount="strong"), as_inputs(grid, seed=4), 70)
        up = UpscaleGenerator().generate(spec(pick=1), as_inputs(varied, generator="image.vary", seed=70), 71)
        again = VaryGenerator().generate(spec(), as_inputs(up, generator="image.upscale", seed=71), 72)
        return primary(again)

    assert chain() == chain()
