"""/sketch: contract, determinism, sizes, every style × aspect ratio, prompt words, catalog, XMP."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_image_support import cells, pixels, primary, sketch

from bot.catalog.registry import catalog
from bot.catalog.spec import OptionType
from generators import registry
from generators.base import KIND_IMAGE, KIND_IMAGE_GRID, Generator
from generators.image._palette import COLOURS
from generators.image._recipe import ARS, read_recipes
from generators.image._words import STYLE_LABELS, STYLES, read_prompt

GRID_SIZES = {"1:1": (1024, 1024), "3:2": (1024, 682), "2:3": (682, 1024), "16:9": (1024, 576), "9:16": (576, 1024),
              "4:3": (1024, 768), "3:4": (768, 1024), "2:1": (1024, 512), "1:2": (512, 1024)}


def test_image_generators_are_registered_and_routed():
    for name in ("image.sketch", "image.vary", "image.upscale", "image.reroll", "image.restyle", "image.blend"):
        gen = registry.get(name)
        assert isinstance(gen, Generator) and gen.version
    assert registry.get("image.sketch").command == "sketch" and not registry.get("image.sketch").accepts
    assert registry.for_command("sketch").name == "image.sketch"
    assert registry.for_command("vary", KIND_IMAGE_GRID).name == "image.vary"
    assert registry.for_command("vary", KIND_IMAGE).name == "image.vary"
    assert registry.for_command("upscale", KIND_IMAGE_GRID).name == "image.upscale"
    assert registry.for_command("reroll", KIND_IMAGE_GRID).name == "image.reroll"


def test_sketch_is_one_primary_grid_png():
    result = sketch("crimson koi under a full moon", 7)
    assert result.kind == KIND_IMAGE_GRID
    [out] = result.outputs
    assert (out.name, out.mime, out.primary) == ("sketch.png", "image/png", True)
    assert out.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert pixels(result).shape == (1024, 1024, 3)
    # "crimson" colours the koi, not the whole picture; "full" shapes the moon and is not a subject.
    assert result.facts["subjects"] == "koi, moon" and result.facts["palette"] != "crimson"
    assert result.facts["alt"].startswith("a crimson koi and the moon")
    assert result.summary.startswith("crimson koi under a full moon · ")
    cells_, make = read_recipes(out.data)
    assert len(cells_) == 4 and make["prompt"] == "crimson koi under a full moon"


def test_same_spec_and_seed_give_the_same_bytes():
    a = sketch("neon koi in the rain", 7, style="glitch", ar="16:9")
    b = sketch("neon koi in the rain", 7, style="glitch", ar="16:9")
    assert primary(a) == primary(b)
    assert primary(sketch("neon koi in the rain", 8, style="glitch", ar="16:9")) != primary(a)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("ar", ARS)
def test_every_style_runs_for_every_aspect_ratio(style, ar):
    result = sketch("sea and mountains under the stars", 3, style=style, ar=ar)
    grid = pixels(result)
    assert grid.shape[:2] == GRID_SIZES[ar][::-1]
    assert result.facts["style"] == STYLE_LABELS[style] and result.facts["ar"] == ar
    for cell in cells(grid):
        assert cell.std() > 8, "a cell is nearly blank"


def test_prompt_words_choose_style_colours_and_subjects():
    reading = read_prompt("A watercolor of a crimson koi under a full moon, rain and city")
    assert reading.style == "watercolour"
    assert reading.colours == ("crimson",) and reading.tints == (("koi", "crimson"),) and not reading.loose
    assert reading.subjects[:4] == ("koi", "moon", "rain", "city") and reading.mods == ("full",)
    assert read_prompt("melancholy topographic mountains").mood == "melancholy"
    assert read_prompt("vaporwave sunset over the sea").palette == "vaporwave"
    assert sketch("glitch city", 1, style="halftone").facts["style"] == STYLE_LABELS["halftone"]
    assert sketch("glitch city", 1).facts["style"] == STYLE_LABELS["glitch"]
    assert sketch("a quiet field", 1, palette="ocean").facts["palette"] == "ocean"
    assert all(word in COLOURS for word in ("crimson", "teal", "gold", "violet"))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompt=st.text(max_size=200), seed=st.integers(0, 2**31 - 1), ar=st.sampled_from(ARS))
def test_any_prompt_gives_a_grid_of_the_right_size(prompt, seed, ar):
    result = sketch(prompt, seed, ar=ar, style="bauhaus")
    assert pixels(result).shape[:2] == GRID_SIZES[ar][::-1]
    assert read_recipes(primary(result)) is not None


def _exiftool(tmp_path, data: bytes) -> dict:
    if shutil.which("exiftool") is None:
        if os.environ.get("CI"):
            pytest.fail("exiftool is required in CI (Debian: libimage-exiftool-perl)")
        pytest.skip("exiftool is not installed")
    path = tmp_path / "sketch.png"
    path.write_bytes(data)
    out = subprocess.run(["exiftool", "-j", "-XMP:all", str(path)], capture_output=True, text=True, check=True,
                         timeout=30)
    return json.loads(out.stdout)[0]


def test_exiftool_reads_provenance_back(tmp_path):
    meta = _exiftool(tmp_path, primary(sketch("crimson koi under a full moon", 1234, style="nebula")))
    assert meta["DigitalSourceType"] == "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
    assert meta["Credits"] == "ann · prompted" and meta["Creator"] == "ann · prompted"
    assert meta["Seed"] == 1234
    assert meta["Prompt"] == "crimson koi under a full moon"
    # "crimson" colours the koi; the palette comes from the subjects.
    assert meta["Style"] == "nebula" and meta["Palette"] == "sunset" and meta["Ar"] == "1:1"
    assert meta["Subjects"] == "koi, moon" and meta["Subject_words"] == "koi (koi), moon (moon)"
    assert meta["Generator"] == "image.sketch" and str(meta["Version"]) == "1"
    assert meta["CreatorTool"] == "Jamroom image.sketch v1"
    assert json.loads(meta["Recipe"])["cells"][0]["style"] == "nebula"


def test_catalog_declares_the_image_commands_and_buttons():
    cat = catalog()
    sketch_cmd = cat.get("sketch")
    assert sketch_cmd.generator == "image.sketch" and sketch_cmd.bare == "prompt"
    prompt = sketch_cmd.option("prompt")
    assert prompt.required and prompt.max_length == 1000
    assert set(STYLES) <= set(sketch_cmd.option("style").choices)
    assert sketch_cmd.option("ar").choices == ARS and sketch_cmd.option("seed") is not None
    for name in ("upscale", "reroll", "restyle", "blend"):
        assert cat.get(name).action == name
    restyle = cat.get("restyle")
    file_opt = restyle.option("file")
    assert restyle.generator == "image.restyle" and file_opt.type is OptionType.FILE and file_opt.required
    assert set(file_opt.mimes) == {"image/png", "image/jpeg", "image/webp"} and file_opt.max_bytes == 10 * 1024**2
    assert cat.get("blend").generator == "image.blend"
    assert {cat.get("blend").option(s).type for s in ("a", "b")} == {OptionType.ARTIFACT}
    grid = {f.label: f for f in cat.actions_for(KIND_IMAGE_GRID)}
    for n in range(1, 5):
        assert (grid[f"V{n}"].command, dict(grid[f"V{n}"].args), grid[f"V{n}"].row) == ("vary", {"pick": n}, 0)
        assert (grid[f"U{n}"].command, dict(grid[f"U{n}"].args), grid[f"U{n}"].row) == ("upscale", {"pick": n}, 1)
    assert grid["🔁"].command == "reroll"
    assert sum(1 for f in grid.values() if f.row == 0) <= 5
    assert [f.command for f in cat.actions_for(KIND_IMAGE)] == ["vary"]
    for command in cat.all():
        if command.generator:
            assert command.generator in registry.generators()


def test_no_leaves_out_subjects_and_colours():
    result = sketch("a red fox and a rabbit by a lake", 2, no=["rabbits", "red"])
    [recipe, *_] = read_recipes(primary(result))[0]
    assert recipe.subjects == ("fox", "lake") and not recipe.tints
    assert read_recipes(primary(result))[1]["no"] == ["rabbits", "red"]


def test_alt_text_says_what_was_drawn_in_which_colours_and_style():
    result = sketch("a red fox in the snow at dusk", 3, style="watercolour")
    alt = result.facts["alt"]
    assert alt.startswith("a red fox and snow at dusk, watercolour wash in ")
    assert "the fox on the" in alt


def test_the_recipe_names_each_subject_and_the_word_it_came_from():
    cells_, _ = read_recipes(primary(sketch("two wolves howling under a crescent moon", 4)))
    assert cells_[0].subjects == ("wolf", "moon") and cells_[0].words == ("wolves", "moon")
    assert cells_[0].mods == ("crescent",)


def test_a_tampered_recipe_colour_is_refused_not_drawn():
    data = primary(sketch("a red fox", 1))
    bad = data.replace(b'"tints":[["fox","#', b'"tints":[["fox","#zz', 1)
    assert bad != data
    assert read_recipes(bad) is None


def test_vocabulary_reaches_300_subjects_through_1500_words():
    from generators.image._vocab import SUBJECT_INFO, WORDS

    assert len(SUBJECT_INFO) >= 300 and len(WORDS) >= 1500
    for word, subject in (("foxes", "fox"), ("wolves", "wolf"), ("geese", "goose"), ("rocky", "rocks"),
                          ("polar bears", "polar bear"), ("skyscrapers", "skyscraper"), ("yachts", "sailboat")):
        assert read_prompt(f"some {word} here").subjects == (subject,), word
