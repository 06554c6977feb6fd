"""Shared look of every memlayout figure: palette, font, and figure creation.

Every drawing builds its figure here, with :class:`matplotlib.figure.Figure` rather than
pyplot, so a figure displays once in Jupyter and leaves no global pyplot state.
"""

from __future__ import annotations

import io
import math

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from memlayout.drawing._png import BACKEND

#: Font of all text in the figures; it ships with matplotlib, so it is on every machine.
FONT = "DejaVu Sans Mono"

#: Fixed palette, named by meaning: each colour means one thing in every drawing.
#: tests/test_palette.py checks, with the Machado et al. (2009) simulation of protanopia,
#: deuteranopia and tritanopia, that the colours drawn together stay apart, and that text is
#: readable on white and on every fill. Greys carry no hue: light grey is "not used", dark grey
#: a resident page, and cell edges and text are neutral.
PALETTE = {
    "used": "#56B4E9",  # elements and bytes this array uses (Okabe & Ito's sky blue)
    "unused": "#EEEEEE",  # bytes of the owner the array does not use
    "accent": "#E69F00",  # the element being explained (Okabe & Ito's orange)
    "copy": "#AAEE88",  # new memory: a copy, a result (light green)
    "resident": "#555555",  # a page of a file that is in RAM (show_residency)
    "padding": "#FFFFFF",  # bytes no field uses, drawn hatched
    "edge": "#4D4D4D",  # outline of every coloured cell
    "unused_edge": "#9E9E9E",
    "text": "#222222",
    "muted": "#6B6B6B",  # secondary text: byte numbers, gap marks, notes
}

#: Colours of axes 0, 1 and 2 (stride arrows, axis labels): maroon, indigo and violet, dark
#: enough for text and apart from every fill in all three colour-vision deficiencies.
#: Further axes are drawn in the text colour and named by their labels.
AXIS_COLOURS = ("#880000", "#3322AA", "#8800FF")

#: Fills of a struct's fields in ``show_dtype``, given out by field name: light tints (after
#: Paul Tol's "light" scheme) that no other drawing uses.
FIELD_COLOURS = ("#99DDFF", "#44BB99", "#BBCC33", "#EEDD88", "#EE8866", "#C8A2C8")

#: Size of one drawn cell in inches.
CELL = 0.42

#: Advance of one DejaVu Sans Mono character per point of font size, in inches.
CHAR = 0.602 / 72

#: Font size of the labels in a legend, in points.
LEGEND_SIZE = 7.5


def axis_colour(axis: int) -> str:
    """Return the colour of `axis`: its own for axes 0 to 2, the text colour past them."""
    return AXIS_COLOURS[axis] if axis < len(AXIS_COLOURS) else PALETTE["text"]


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
        self.savefig(buffer, format="png", dpi=self.dpi * PIXEL_RATIO, backend=BACKEND)
        width, height = (round(n) for n in self.get_size_inches() * self.dpi)
        return buffer.getvalue(), {"width": width, "height": height}


def text_width(text: str, size: float = 8) -> float:
    """Width in inches of one line of `text` in :data:`FONT` at `size` points."""
    return len(text) * size * CHAR


def cell_width(texts) -> float:
    """Width of a cell wide enough for the longest of `texts` (drawn at 8 points), at least CELL."""
    return max(CELL, text_width(max(texts, key=len, default=""), 9) + 0.14)


class Legend:
    """Rows of colour swatches with their meaning, wrapped to fit a width.

    Parameters
    ----------
    entries : iterable of (face, edge, hatch, text)
        Colours and hatch (or None) of each swatch, and what it means.
    width : float
        Inches a row may take; an entry wider than that gets a row of its own.
    """

    ROW = 0.27  # height of one row, in inches

    def __init__(self, entries, width: float) -> None:
        self.rows: list[list[tuple]] = []
        row_width = width
        for entry in entries:
            size = 0.44 + text_width(entry[-1], LEGEND_SIZE)
            if row_width + size > width and self.rows[-1:] != [[]]:
                self.rows.append([])
                row_width = 0.0
            self.rows[-1].append(entry)
            row_width += size

    @staticmethod
    def natural_width(entries) -> float:
        """Width in inches of the widest single entry: the legend fits in no less."""
        return max((0.44 + text_width(entry[-1], LEGEND_SIZE) for entry in entries), default=0.0)

    @property
    def height(self) -> float:
        """Height in inches of all rows."""
        return self.ROW * len(self.rows)

    def draw(self, ax, x0: float, y0: float) -> None:
        """Draw the rows, the last one with its lower-left corner at (`x0`, `y0`)."""
        for n, row in enumerate(self.rows):
            x, y = x0, y0 + self.ROW * (len(self.rows) - 1 - n)
            for face, edge, hatch, text in row:
                ax.add_artist(Rectangle((x, y + 0.04), 0.18, 0.18, facecolor=face, edgecolor=edge,
                                       hatch=hatch))
                ax.text(x + 0.24, y + 0.13, text, family=FONT, fontsize=LEGEND_SIZE, va="center",
                        color=PALETTE["text"])
                x += 0.44 + text_width(text, LEGEND_SIZE)


def new_figure(width: float, height: float) -> tuple[Figure, object]:
    """Create a figure of `width` × `height` inches with one frameless axes in data units.

    The axes uses one data unit per inch, so cell positions can be given in inches. Its limits
    are fixed here, so the drawings add patches with ``ax.add_artist``: ``ax.add_patch`` would
    also grow the data limits, which costs more than drawing the patch and changes nothing. The size
    is rounded up to whole display pixels, so the figure's repr is the same on every machine.
    """
    width, height = (math.ceil(round(max(n, least) * DPI, 6)) / DPI
                     for n, least in ((width, 1.0), (height, 0.5)))
    fig = LayoutFigure(figsize=(width, height), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def cell(ax, x: float, y: float, text: str = "", *, face: str, edge: str,
         width: float = CELL, height: float = CELL, fontsize: float = 8,
         hatch: str | None = None, color: str = PALETTE["text"]) -> None:
    """Draw one cell with its lower-left corner at (`x`, `y`) and `text` centred in it."""
    ax.add_artist(Rectangle((x, y), width, height, facecolor=face, edgecolor=edge,
                           linewidth=1.0, hatch=hatch))
    if text:
        ax.text(x + width / 2, y + height / 2, text, ha="center", va="center",
                fontsize=fontsize, family=FONT, color=color)
