"""Shared look of every memlayout figure: palette, font, and figure creation.

Every drawing builds its figure here, with :class:`matplotlib.figure.Figure` rather than
pyplot, so a figure displays once in Jupyter and leaves no global pyplot state.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

#: Font of all text in the figures; it ships with matplotlib, so it is on every machine.
FONT = "DejaVu Sans Mono"

#: Fixed palette (colour-blind safe, after Okabe & Ito), named by role.
PALETTE = {
    "used": "#56B4E9",  # bytes an array uses
    "used_edge": "#0072B2",
    "unused": "#EEEEEE",  # bytes of the owner the array does not use
    "unused_edge": "#9E9E9E",
    "accent": "#E69F00",  # the element or axis being explained
    "accent_edge": "#B07800",
    "copy": "#009E73",  # a new buffer made by a copy
    "copy_edge": "#006B4E",
    "padding": "#FFFFFF",  # struct padding, drawn hatched
    "text": "#222222",
    "muted": "#777777",
    "error": "#D55E00",
}

#: One colour per axis, for stride arrows and axis labels.
AXIS_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")

#: Size of one drawn cell in inches.
CELL = 0.42

#: Advance of one DejaVu Sans Mono character per point of font size, in inches.
CHAR = 0.602 / 72

#: Font size of the labels in a legend, in points.
LEGEND_SIZE = 7.5


def axis_colour(axis: int) -> str:
    """Return the colour of `axis` (cycling past six axes)."""
    return AXIS_COLOURS[axis % len(AXIS_COLOURS)]


#: Resolution of a figure in pixels per inch at its display size (CSS pixels in a browser).
DPI = 100

#: Device pixels per display pixel of the PNG a notebook shows: 2 keeps text sharp on HiDPI
#: (retina) screens, and the frontend is told the display size, so it is not shown twice as big.
PIXEL_RATIO = 2


class LayoutFigure(Figure):
    """A matplotlib Figure that shows itself in Jupyter as a sharp PNG of a stated size.

    It needs neither pyplot nor ``%matplotlib inline``: IPython displays any object with a
    ``_repr_png_`` method, so the figure a memlayout function returns appears once, as the
    cell's value, in a fresh kernel too. The PNG has :data:`PIXEL_RATIO` pixels per display
    pixel; the metadata IPython passes on with it (``width``, ``height``) give the display
    size, so JupyterLab draws it at that size and a HiDPI screen uses the extra pixels.

    Examples
    --------
    >>> fig = LayoutFigure(figsize=(3, 1), dpi=DPI)
    >>> png, size = fig._repr_png_()
    >>> size
    {'width': 300, 'height': 100}
    """

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=self.dpi * PIXEL_RATIO)
        width, height = (round(n) for n in self.get_size_inches() * self.dpi)
        return buffer.getvalue(), {"width": width, "height": height}


def text_width(text: str, size: float = 8) -> float:
    """Width in inches of one line of `text` in :data:`FONT` at `size` points."""
    return len(text) * size * CHAR


def cell_width(texts) -> float:
    """Width of a cell wide enough for the longest of `texts` (drawn at 8 points), at least CELL."""
    return max(CELL, text_width(max(texts, key=len, default=""), 9) + 0.14)


def legend_width(entries) -> float:
    """Width in inches of the legend :func:`legend` draws for `entries`."""
    return sum(0.44 + text_width(text, LEGEND_SIZE) for *_, text in entries)


def legend(ax, x: float, y: float, entries) -> None:
    """Draw one row of colour swatches with their meaning, from (`x`, `y`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, y : float
        Lower-left corner of the first swatch, in inches.
    entries : iterable of (face, edge, hatch, text)
        Colours and hatch (or None) of each swatch, and what it means.
    """
    for face, edge, hatch, text in entries:
        ax.add_patch(Rectangle((x, y + 0.04), 0.18, 0.18, facecolor=face, edgecolor=edge,
                               hatch=hatch))
        ax.text(x + 0.24, y + 0.13, text, family=FONT, fontsize=LEGEND_SIZE, va="center",
                color=PALETTE["text"])
        x += 0.44 + text_width(text, LEGEND_SIZE)


def new_figure(width: float, height: float) -> tuple[Figure, object]:
    """Create a figure of `width` × `height` inches with one frameless axes in data units.

    The axes uses one data unit per inch, so cell positions can be given in inches.
    """
    fig = LayoutFigure(figsize=(max(width, 1.0), max(height, 0.5)), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, max(width, 1.0))
    ax.set_ylim(0, max(height, 0.5))
    ax.set_axis_off()
    return fig, ax


def cell(ax, x: float, y: float, text: str = "", *, face: str, edge: str,
         width: float = CELL, height: float = CELL, fontsize: float = 8,
         hatch: str | None = None, color: str = PALETTE["text"]) -> None:
    """Draw one cell with its lower-left corner at (`x`, `y`) and `text` centred in it."""
    ax.add_patch(Rectangle((x, y), width, height, facecolor=face, edgecolor=edge,
                           linewidth=1.0, hatch=hatch))
    if text:
        ax.text(x + width / 2, y + height / 2, text, ha="center", va="center",
                fontsize=fontsize, family=FONT, color=color)
