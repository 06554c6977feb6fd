"""memlayout's PNG backend draws exactly the pixels matplotlib's Agg ``savefig`` draws.

The backend (``memlayout.drawing._png``) reuses text layouts and glyph bitmaps and writes its
own PNG; these tests render every gallery figure both ways, twice, so the second rendering
comes from the caches, and compare the decoded pixels.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from make_baselines import GALLERY
from memlayout.drawing._png import BACKEND, encode_png
from memlayout.drawing._style import PIXEL_RATIO


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGBA"))


def agg_and_ours(figure) -> tuple[np.ndarray, np.ndarray]:
    dpi = figure.dpi * PIXEL_RATIO
    agg, ours = io.BytesIO(), io.BytesIO()
    figure.savefig(agg, format="png", dpi=dpi)
    figure.savefig(ours, format="png", dpi=dpi, backend=BACKEND)
    return pixels(agg.getvalue()), pixels(ours.getvalue())


@pytest.mark.parametrize("name", list(GALLERY))
def test_gallery_figure_has_agg_pixels(name):
    figure = GALLERY[name]()
    for _ in range(2):  # the second time, every string and glyph comes from the caches
        agg, ours = agg_and_ours(figure)
        assert (agg[..., 3] == 255).all(), "the figure is not opaque: RGB would lose its alpha"
        assert agg.shape == ours.shape
        differ = np.argwhere((agg != ours).any(axis=-1))
        assert differ.size == 0, f"{len(differ)} pixels differ, the first at (row, col) {differ[0]}"


@pytest.mark.parametrize("angle", [0, 30, 90, 180])
def test_rotated_and_fractional_text_has_agg_pixels(angle):
    figure = Figure(figsize=(3, 2), dpi=100)
    for k, x in enumerate(np.linspace(0.05, 0.6, 7)):  # sub-pixel positions differ
        figure.text(x, 0.1 + 0.1 * k, f"g{k}ÿ …", rotation=angle, fontsize=7 + k / 3,
                    family="DejaVu Sans Mono", color=f"C{k}")
    figure.text(0.5, 0.9, "$x^2$ and text", fontsize=9)  # mathtext goes through Agg's own path
    agg, ours = agg_and_ours(figure)
    assert (agg == ours).all()


def test_encode_png_round_trips():
    rng = np.random.default_rng(0)
    for shape in [(1, 1), (3, 7), (1500, 1500)]:  # the last is above the size for level 3
        rgba = rng.integers(0, 256, (*shape, 4), dtype=np.uint8)
        rgba[..., 3] = 255
        assert (pixels(encode_png(rgba)) == rgba).all()
