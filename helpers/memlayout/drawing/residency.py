"""``show_residency``: the pages of a memory-mapped array as a strip, resident ones filled."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from memlayout.drawing._style import CELL, FONT, PALETTE, Legend, cell, new_figure
from memlayout.drawing._text import drawable
from memlayout.measure._units import exact_size
from memlayout.measure.residency import Residency, residency
from memlayout.model._checks import MAX_DRAWN_CELLS, require_int, require_optional_str

_MARGIN = 0.25
_STRIP_WIDTH = 9.0  # inches the strip may take when there are many cells


def show_residency(a: np.ndarray | Residency, *, max_cells: int = 64,
                   title: str | None = None) -> Figure:
    """Draw which pages of a memory-mapped array are in RAM, as a strip of cells.

    Each cell is one page, filled when the page is resident. A file with more pages than
    `max_cells` is summarised: each cell then stands for a fixed number of consecutive
    pages (said in the figure) and is filled from the bottom by the share of them that
    is resident, so drawing costs the same for a small file and a huge one.

    Parameters
    ----------
    a : numpy.ndarray or Residency
        A memory-mapped array (measured now with :func:`memlayout.residency`) or a
        measurement made earlier.
    max_cells : int
        Most cells to draw.
    title : str, optional
        First line of the figure; by default the measurement, such as
        ``resident 3 of 2,048 pages (4 KiB each)``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> mm = np.memmap(path, dtype=np.float64, mode="r")     # doctest: +SKIP
    >>> memlayout.show_residency(mm);                         # doctest: +SKIP
    """
    measured = a if isinstance(a, Residency) else residency(a)
    max_cells = require_int(max_cells, "max_cells", "show_residency", minimum=1,
                            maximum=MAX_DRAWN_CELLS)
    require_optional_str(title, "title", "show_residency")
    title = drawable(title)
    pages_per_cell = max(1, -(-measured.total // max_cells))
    starts = np.arange(0, measured.total, pages_per_cell)
    # One count per cell: np.add.reduceat would first cast every page's bool to an int64.
    resident = [np.count_nonzero(measured.pages[s:s + pages_per_cell]) for s in starts.tolist()]
    share = np.divide(resident, np.diff(starts, append=measured.total)) if measured.total \
        else np.zeros(0)
    width = min(CELL, _STRIP_WIDTH / max(share.size, 1))
    fig_width = max(2 * _MARGIN + width * share.size, 6.2)
    fig, ax = new_figure(fig_width, 2.2)
    text = {"family": FONT, "color": PALETTE["text"]}
    ax.text(_MARGIN, 1.95, title or repr(measured), fontsize=10, va="top", **text)
    ax.text(_MARGIN, 1.62, _cell_meaning(pages_per_cell, measured.page_size), fontsize=7.5,
            va="top", **text)
    strip_y = 0.8
    for i, fraction in enumerate(share):
        x = _MARGIN + i * width
        cell(ax, x, strip_y, face=PALETTE["unused"], edge=PALETTE["unused_edge"],
             width=width, height=CELL)
        if fraction:
            ax.add_artist(Rectangle((x, strip_y), width, CELL * fraction,
                                   facecolor=PALETTE["resident"], edgecolor="none"))
    if share.size:
        ax.text(_MARGIN, strip_y - 0.05, "page 0", fontsize=7, va="top", **text)
        ax.text(_MARGIN + width * share.size, strip_y - 0.05, f"page {measured.total - 1:,}",
                fontsize=7, va="top", ha="right", **text)
    else:
        ax.text(_MARGIN, strip_y + CELL / 2, "(a zero-byte array spans no pages)",
                fontsize=8, va="center", **text)
    Legend([
        (PALETTE["resident"], PALETTE["resident"], None, "in RAM (resident)"),
        (PALETTE["unused"], PALETTE["unused_edge"], None, "only on disk (not resident)"),
    ], fig_width - 2 * _MARGIN).draw(ax, _MARGIN, 0.08)
    return fig


def _cell_meaning(pages_per_cell: int, page_size: int) -> str:
    """Say what one cell stands for."""
    if pages_per_cell == 1:
        return "one cell = one page; filled = in RAM"
    return (f"one cell = {pages_per_cell:,} pages ({exact_size(pages_per_cell * page_size)});"
            f" filled height = share of its pages in RAM")
