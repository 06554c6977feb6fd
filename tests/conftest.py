"""Shared fixtures: reading back what a memlayout figure shows."""

from __future__ import annotations

import io

import matplotlib.colors as mcolors
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from memlayout.drawing._style import CELL


class FigureReader:
    """What a learner would read off a figure: its texts and its coloured cells."""

    def __init__(self, fig: Figure) -> None:
        assert isinstance(fig, Figure)
        self.fig = fig
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")  # renders every artist, as Jupyter would
        self.png = buffer.getvalue()

    @property
    def texts(self) -> list[str]:
        """Every non-empty text in the figure."""
        return [t.get_text() for t in self.fig.findobj(Text) if t.get_text()]

    @property
    def all_text(self) -> str:
        """All texts joined by newlines, for substring checks."""
        return "\n".join(self.texts)

    def cells(self, colour: str) -> list[Rectangle]:
        """Cells filled with `colour` (a hex string from the palette), legend swatches left out."""
        target = mcolors.to_rgba(colour)
        return [p for p in self.fig.findobj(Rectangle)
                if p.get_facecolor() == target and p.get_height() >= CELL]

    def hatched(self, colour: str | None = None) -> list[Rectangle]:
        """Cells (legend swatches left out) under a hatch, drawn in `colour` if one is given.

        A cell carries its own hatch, or a grid draws the hatch of many cells as one compound
        path over them (``_grid._draw_hatches``); both count.
        """
        boxes = set()
        for patch in self.fig.findobj(lambda artist: isinstance(artist, Patch)
                                      and artist.get_hatch()):
            if colour is not None and patch.get_hatchcolor() != mcolors.to_rgba(colour):
                continue
            path = patch.get_path().transformed(patch.get_patch_transform())
            for polygon in path.to_polygons(closed_only=False):
                boxes.add(_box(polygon.min(axis=0), polygon.max(axis=0)))
        return [p for p in self.fig.findobj(Rectangle) if p.get_height() >= CELL
                and _box(*p.get_bbox().get_points()) in boxes]


def _box(lower, upper) -> tuple[float, ...]:
    """Corners of an axis-aligned box, rounded so a cell and the hatch over it compare equal."""
    return tuple(round(float(v), 6) for v in (*lower, *upper))


@pytest.fixture
def read_figure():
    """Return a function that renders a figure and wraps it in a FigureReader."""
    return FigureReader


@pytest.fixture
def no_new_pyplot_figures():
    """Fail the test if the code under test opened a pyplot figure."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before, "a memlayout drawing opened a pyplot figure"
