"""Figures for /restyle, /blend and upload decoding (docs/style-transfer.md).

    OMP_NUM_THREADS=1 python bench/restyle.py            # everything
    OMP_NUM_THREADS=1 python bench/restyle.py speed      # 1024² restyle time, one core
    python bench/restyle.py memory                       # peak RSS of each network path, fresh process each
    python bench/restyle.py colour                       # Hasler–Süsstrunk colourfulness: photo, old cross-fade, new
    python bench/restyle.py decode                       # peak RSS decoding a 6320² single-colour PNG, before/after
    python bench/restyle.py sheet                        # docs/style-transfer/paintings.jpg, the 26 painting styles
    python bench/restyle.py compare                      # docs/style-transfer/compare.jpg, old cross-fade vs network

Photos are scikit-image's sample pictures (astronaut, coffee, chelsea), which trained no model we ship.
Every run's figures are printed; nothing is kept from a best run.  Speed prints CPU seconds (what
one core spent) beside wall seconds (which grow when the machine is shared) and the load average.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHOTOS = ("astronaut", "coffee", "chelsea")


def photo(name: str, long_side: int = 1024) -> np.ndarray:
    from skimage import data

    image = Image.fromarray(getattr(data, name)()).convert("RGB")
    if name == "astronaut":
        return np.asarray(image.resize((long_side, long_side), Image.Resampling.LANCZOS))
    scale = long_side / max(image.size)
    return np.asarray(image.resize((round(image.width * scale), round(image.height * scale)),
                                   Image.Resampling.LANCZOS))


def png_bytes(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    return buffer.getvalue()


def upload(data: bytes):
    from generators.base import InputFile

    return [InputFile("photo.png", "image/png", data, "upload", "", {}, "file")]


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler & Süsstrunk (2003) M: sqrt(σrg² + σyb²) + 0.3 · sqrt(μrg² + μyb²)."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def old_crossfade(rgb: np.ndarray, style: str, strength: float, seed: int) -> np.ndarray:
    """The /restyle before the network: a drawing style rendered from the photo's tones, cross-faded."""
    from generators.image._parents import raster_recipe, tone_of
    from generators.image._recipe import render

    image = Image.fromarray(rgb)
    styled = render(raster_recipe(image, style, seed), image.width, image.height,
                    tone_override=tone_of(rgb)).astype(np.float32)
    return (styled * strength + rgb.astype(np.float32) * (1 - strength) + 0.5).astype(np.uint8)


def speed(runs: int = 5) -> None:
    from generators.image.restyle import RestyleGenerator

    gen = RestyleGenerator()
    data = png_bytes(photo("astronaut"))
    print(f"speed · /restyle of a 1024×1024 photo · onnxruntime 1 thread · load average {os.getloadavg()[0]:.2f}")
    for style in ("starry-swirl", "bauhaus"):
        for n in range(runs + 1):
            cpu, wall = time.process_time(), time.perf_counter()
            gen.generate({"style": style, "strength": 70}, upload(data), 7)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            label = "first (loads the networks)" if n == 0 else f"run {n}"
            print(f"  {style:13s} {label:27s} cpu {cpu:5.2f} s  wall {wall:5.2f} s")


_MEMORY_PATHS = {
    "restyle 1024² painting style": "gen.RestyleGenerator().generate({'style': 'starry-swirl'}, up, 1)",
    "restyle 1024² drawing style": "gen.RestyleGenerator().generate({'style': 'bauhaus'}, up, 1)",
    "restyle 1024² like:<grid>": "gen.RestyleGenerator().generate({}, up + like, 1)",
    "blend of two 1024² grids": "gen.BlendGenerator().generate({}, a + b, 1)",
    "painterly finish on a 1024² grid": "tr.painterly(Image.fromarray(grid), 0.7, 1)",
}

_MEMORY_CHILD = """
import io, resource, sys
import numpy as np
from PIL import Image
sys.path.insert(0, {root!r})
from generators.base import InputFile
from generators.image import restyle as gen, _transfer as tr
grid = np.asarray(Image.open({grid!r}).convert('RGB'))
photo = open({photo!r}, 'rb').read()
up = [InputFile('p.png', 'image/png', photo, 'upload', '', {{}}, 'file')]
def parent(slot):
    return [InputFile('g.png', 'image/png', open({grid!r}, 'rb').read(), 'parent', 'image-grid', {{}}, slot, 'x', 1)]
like, a, b = parent('like'), parent('a'), parent('b')
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
{call}
print(before // 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def memory() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        grid_path, photo_path = Path(tmp, "grid.png"), Path(tmp, "photo.png")
        grid_path.write_bytes(png_bytes(_grid()))
        photo_path.write_bytes(png_bytes(photo("astronaut")))
        print("memory · peak RSS of a fresh process (imports done → after the job), MB")
        for label, call in _MEMORY_PATHS.items():
            code = _MEMORY_CHILD.format(root=str(ROOT), grid=str(grid_path), photo=str(photo_path), call=call)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            before, after = out.stdout.split()
            print(f"  {label:34s} after imports {before:>4s}   peak {after:>4s}")


def _grid() -> np.ndarray:
    """A 1024² 2×2 grid of the three photos and their mirror, standing in for a /sketch grid."""
    cells = [np.asarray(Image.fromarray(photo(n, 512)).resize((512, 512))) for n in (*PHOTOS, "astronaut")]
    cells[3] = cells[3][:, ::-1]
    return np.vstack([np.hstack(cells[:2]), np.hstack(cells[2:])])


def colour(strength: float = 0.7) -> None:
    from generators.image.restyle import RestyleGenerator

    gen = RestyleGenerator()
    print(f"colourfulness (Hasler–Süsstrunk M) at strength {round(strength * 100)} · 768 px photos")
    rows = []
    for name in PHOTOS:
        rgb = photo(name, 768)
        data = png_bytes(rgb)
        for style in ("bauhaus", "watercolour", "halftone"):
            old = colourfulness(old_crossfade(rgb, style, strength, 7))
            result = gen.generate({"style": style, "strength": round(strength * 100)}, upload(data), 7)
            new = colourfulness(np.asarray(Image.open(io.BytesIO(result.outputs[0].data)).convert("RGB")))
            rows.append((name, style, colourfulness(rgb), old, new))
        for style in ("starry-swirl", "fauve", "golden-hour"):
            result = gen.generate({"style": style, "strength": round(strength * 100)}, upload(data), 7)
            new = colourfulness(np.asarray(Image.open(io.BytesIO(result.outputs[0].data)).convert("RGB")))
            rows.append((name, style, colourfulness(rgb), float("nan"), new))
    print(f"  {'photo':10s} {'style':13s} {'photo M':>8s} {'old fade':>9s} {'network':>8s}")
    for name, style, base, old, new in rows:
        old_text = "–" if np.isnan(old) else f"{old:.1f}"
        print(f"  {name:10s} {style:13s} {base:8.1f} {old_text:>9s} {new:8.1f}")
    pairs = [(o, n) for _, _, _, o, n in rows if not np.isnan(o)]
    print(f"  mean over drawing styles: old {np.mean([o for o, _ in pairs]):.1f} · "
          f"network {np.mean([n for _, n in pairs]):.1f}; all network rows {np.mean([r[4] for r in rows]):.1f}")


_DECODE_CHILD = """
import importlib.util, resource, sys
sys.path.insert(0, {root!r})
spec = importlib.util.spec_from_file_location('uploads_under_test', {module!r})
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
data = open({png!r}, 'rb').read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    size = mod.load_upload(data).size
except Exception as exc:
    size = type(exc).__name__ + ': ' + str(exc)
print(before // 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, size)
"""


def single_colour_png(side: int = 6320, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (side, side), (200, 60, 30) if mode == "RGB" else (200, 60, 30, 255)).save(
        buffer, "PNG", optimize=False, compress_level=9)
    return buffer.getvalue()


def decode(before_commit: str = "2f99b0c^") -> None:
    repo = os.environ.get("BENCH_GIT", str(ROOT))  # the checkout whose history holds the old decoder
    old_source = subprocess.run(["git", "-C", repo, "show", f"{before_commit}:generators/image/_uploads.py"],
                                capture_output=True, text=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        old_module = Path(tmp, "uploads_before.py")
        old_module.write_text(old_source)
        new_module = ROOT / "generators" / "image" / "_uploads.py"
        print("decode · peak RSS of a fresh process loading one upload (imports done → after), MB")
        for mode in ("RGB", "RGBA"):
            png = Path(tmp, f"flat-{mode}.png")
            png.write_bytes(single_colour_png(6320, mode))
            for label, module in (("before", old_module), ("after", new_module)):
                code = _DECODE_CHILD.format(root=str(ROOT), module=str(module), png=str(png))
                out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                start, peak, size = out.stdout.split(maxsplit=2)
                print(f"  6320² single-colour {mode:4s} PNG ({png.stat().st_size / 1024:.0f} KB) {label:6s}: "
                      f"after imports {start:>4s}  peak {peak:>4s}  → {size.strip()}")


def sheet(path: str = "docs/style-transfer/paintings.jpg", tile: int = 180) -> None:
    """A contact sheet of the 26 painting styles (strength 100) on one photo, names under each."""
    from PIL import ImageDraw

    from generators.image._transfer_styles import PAINTINGS
    from generators.image.restyle import RestyleGenerator

    gen = RestyleGenerator()
    data = png_bytes(photo("coffee", 360))
    columns, label = 7, 16
    rows = -(-(len(PAINTINGS) + 1) // columns)
    tiles = [("photo", Image.open(io.BytesIO(data)))]
    high = tile * tiles[0][1].height // tiles[0][1].width
    board = Image.new("RGB", (columns * tile, rows * (high + label)), "white")
    draw = ImageDraw.Draw(board)
    for painting in PAINTINGS:
        out = gen.generate({"style": painting.name, "strength": 100}, upload(data), 7)
        tiles.append((painting.name, Image.open(io.BytesIO(out.outputs[0].data))))
    for n, (name, im) in enumerate(tiles):
        r, c = divmod(n, columns)
        board.paste(im.convert("RGB").resize((tile, high)), (c * tile, r * (high + label)))
        draw.text((c * tile + 4, r * (high + label) + high + 2), name, fill="black")
    target = ROOT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    board.save(target, "JPEG", quality=78)
    print(f"sheet · {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)")


def compare(path: str = "docs/style-transfer/compare.jpg", side: int = 320) -> None:
    """Photo · old cross-fade (bauhaus 70) · network (bauhaus 70) · network (starry-swirl 70) · blend cell."""
    from generators.image.restyle import RestyleGenerator

    gen = RestyleGenerator()
    rows = []
    for name in ("chelsea", "astronaut"):
        rgb = photo(name, side)
        data = png_bytes(rgb)
        row = [rgb, old_crossfade(rgb, "bauhaus", 0.7, 7)]
        for style in ("bauhaus", "starry-swirl", "woodcut"):
            out = gen.generate({"style": style, "strength": 70}, upload(data), 7)
            row.append(np.asarray(Image.open(io.BytesIO(out.outputs[0].data)).convert("RGB")))
        rows.append(np.hstack([np.asarray(Image.fromarray(r).resize((side, side))) for r in row]))
    board = Image.fromarray(np.vstack(rows))
    target = ROOT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    board.save(target, "JPEG", quality=80)
    print(f"compare · {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB): photo, old cross-fade "
          "bauhaus 70, network bauhaus 70, starry-swirl 70, woodcut 70")


def main(argv: list[str]) -> None:
    chosen = argv or ["speed", "memory", "colour", "decode"]
    table = {"speed": speed, "memory": memory, "colour": colour, "decode": decode, "sheet": sheet,
             "compare": compare}
    for name in chosen:
        if name not in table:
            raise SystemExit(f"unknown part {name!r}; choose from {', '.join(table)}")
        table[name]()
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main(sys.argv[1:])
