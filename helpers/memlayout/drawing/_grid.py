"""The logical picture of an array: its values in a grid, as a learner indexes them.

A 1-d array is one row, a 2-d array a grid, and an N-d array a row of 2-d panels, one per
index of the leading axes. Long axes are summarised head … tail, so a plan costs the same
for ten elements and for a billion: only the drawn elements are read.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from memlayout.drawing._style import CELL, FONT, PALETTE, axis_colour, cell, cell_width
from memlayout.drawing._summary import GAP, format_value, summarise

#: Inches between two panels of an N-d array.
_PANEL_GAP = 0.35
#: Width of a "…" column or row, in inches.
_GAP_SIZE = 0.3
#: Room left of and above a panel for index labels, in inches.
_MARGIN = 0.35


class GridPlan:
    """Geometry and contents of the logical picture of `a`, computed before drawing.

    Parameters
    ----------
    a : numpy.ndarray
        The array to picture.
    max_rows, max_cols, max_panels : int
        How many rows, columns and 2-d panels to draw before summarising.
    text : callable, optional
        ``text(index) -> str``: what to write in the cell of the element at `index`
        instead of its value (then `a` is read for its shape only).
    """

    def __init__(self, a: np.ndarray, *, max_rows: int = 6, max_cols: int = 10,
                 max_panels: int = 3, text=None) -> None:
        self.a = a
        shape = a.shape
        self.rows = summarise(shape[-2], max_rows) if a.ndim >= 2 else [0]
        self.cols = summarise(shape[-1], max_cols) if a.ndim >= 1 else [0]
        lead = shape[:-2]
        self.panels = [p if p is GAP else tuple(int(i) for i in np.unravel_index(p, lead))
                       for p in summarise(math.prod(lead), max_panels)]
        text = text or (lambda idx: format_value(a[idx]))
        self.texts = {idx: text(idx) for idx in self.indices()} if a.size else {}
        self.cell_width = cell_width(self.texts.values())

    def indices(self):
        """Yield the full index of every element that will be drawn."""
        for panel in self.panels:
            if panel is GAP:
                continue
            for r in self.rows:
                for c in self.cols:
                    if r is not GAP and c is not GAP:
                        yield self._index(panel, r, c)

    def _index(self, panel, r, c) -> tuple[int, ...]:
        if self.a.ndim >= 2:
            return (*panel, r, c)
        return (c,) if self.a.ndim == 1 else ()

    def _span(self, positions, size) -> float:
        return sum(_GAP_SIZE if p is GAP else size for p in positions)

    @property
    def panel_width(self) -> float:
        """Width of one 2-d panel in inches."""
        return self._span(self.cols, self.cell_width)

    @property
    def panel_height(self) -> float:
        """Height of one 2-d panel in inches."""
        return self._span(self.rows, CELL)

    @property
    def width(self) -> float:
        """Width of the whole picture in inches, labels included."""
        if self.a.size == 0:
            return 3.0
        widths = [_GAP_SIZE if p is GAP else self.panel_width for p in self.panels]
        return _MARGIN + sum(widths) + _PANEL_GAP * (len(self.panels) - 1)

    @property
    def height(self) -> float:
        """Height of the whole picture in inches, labels included."""
        if self.a.size == 0:
            return CELL
        return self.panel_height + _MARGIN + (0.25 if self.a.ndim >= 3 else 0)

    def draw(self, ax, x0: float, top: float, style) -> dict[tuple[int, ...], tuple[float, float]]:
        """Draw the picture with its top-left corner at (`x0`, `top`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes
            Axes in inch units, as made by :func:`memlayout.drawing._style.new_figure`.
        x0, top : float
            Where the picture starts.
        style : callable
            ``style(index) -> (face, edge)``: colours of the element at `index`, or
            ``(face, edge, hatch)`` to hatch its cell too.

        Returns
        -------
        dict
            Centre (x, y) of every drawn element, by index.
        """
        if self.a.size == 0:
            ax.text(x0, top - CELL / 2, f"(no elements: shape {self.a.shape})", va="center",
                    family=FONT, fontsize=9, color=PALETTE["muted"])
            return {}
        centres = {}
        hatched: dict[tuple[str, str], list] = {}  # (hatch, colour) -> corners
        x = x0 + _MARGIN
        y_top = top - (0.25 if self.a.ndim >= 3 else 0) - _MARGIN
        for n_panel, panel in enumerate(self.panels):
            if panel is GAP:
                ax.text(x + _GAP_SIZE / 2, y_top - self.panel_height / 2, "…", ha="center",
                        va="center", family=FONT, fontsize=12, color=PALETTE["muted"])
                x += _GAP_SIZE + _PANEL_GAP
                continue
            if self.a.ndim >= 3:
                label = "[" + ", ".join(map(str, panel)) + ", :, :]"
                ax.text(x, top - 0.12, label, family=FONT, fontsize=8, va="center",
                        color=axis_colour(0))
            centres.update(self._draw_panel(ax, x, y_top, panel, style, hatched,
                                            labels=n_panel == 0))
            x += self.panel_width + _PANEL_GAP
        _draw_hatches(ax, hatched, self.cell_width)
        return centres

    def _draw_panel(self, ax, x0, y_top, panel, style, hatched, *, labels):
        centres = {}
        y = y_top
        for r in self.rows:
            if r is GAP:
                ax.text(x0 + self.panel_width / 2, y - _GAP_SIZE / 2, "…", ha="center",
                        va="center", family=FONT, fontsize=10, color=PALETTE["muted"], rotation=90)
                y -= _GAP_SIZE
                continue
            x = x0
            for c in self.cols:
                if c is GAP:
                    ax.text(x + _GAP_SIZE / 2, y - CELL / 2, "…", ha="center", va="center",
                            family=FONT, fontsize=10, color=PALETTE["muted"])
                    x += _GAP_SIZE
                    continue
                index = self._index(panel, r, c)
                face, edge, *hatch = style(index)
                cell(ax, x, y - CELL, self.texts[index], face=face, edge=edge,
                     width=self.cell_width)
                if hatch:
                    hatched.setdefault((hatch[0], edge), []).append((x, y - CELL))
                centres[index] = (x + self.cell_width / 2, y - CELL / 2)
                if labels and r == self.rows[0] and self.a.ndim >= 1:
                    ax.text(x + self.cell_width / 2, y + 0.06, str(c), ha="center",
                            va="bottom", family=FONT, fontsize=7 if c < 10_000 else 5.5,
                            color=axis_colour(self.a.ndim - 1))
                x += self.cell_width
            if labels and self.a.ndim >= 2:
                ax.text(x0 - 0.08, y - CELL / 2, str(r), ha="right", va="center",
                        family=FONT, fontsize=7, color=axis_colour(self.a.ndim - 2))
            y -= CELL
        return centres


def _draw_hatches(ax, hatched, width: float) -> None:
    """Hatch the cells of `hatched` (lower-left corners by hatch and colour), one patch per kind.

    Agg renders a hatch pattern afresh for every patch that has one, so a grid with a hundred
    hatched cells took a third of its drawing time; one compound path per kind renders the
    pattern once, and the pattern is anchored to the figure, so the lines are where they were.
    """
    outline = np.array([(0, 0), (width, 0), (width, CELL), (0, CELL)])
    for (hatch, colour), corners in hatched.items():
        cells = np.array(corners)[:, None, :] + outline
        ax.add_artist(PathPatch(Path.make_compound_path_from_polys(cells),
                                fill=False, edgecolor="none", hatchcolor=colour,
                                hatch=hatch))
