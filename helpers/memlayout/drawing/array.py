"""``show``: an array's values above the buffer that holds them, with its strides drawn."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from memlayout.drawing._grid import GridPlan
from memlayout.drawing._strip import StripPlan
from memlayout.drawing._style import (
    CELL,
    FONT,
    PALETTE,
    axis_colour,
    legend,
    new_figure,
    text_width,
)
from memlayout.model._checks import require_ndarray
from memlayout.model.layout import Layout, layout

_MARGIN = 0.25
_ARROW_STEP = 0.3
_TITLE = 0.55
_LEGEND = 0.35


def show(a: np.ndarray, base: np.ndarray | None = None, *, index=None,
         title: str | None = None, max_cells: int = 24) -> Figure:
    """Draw `a`'s values above its owner's buffer, with one stride arrow per axis.

    The top shows the array as a learner indexes it (rows, columns, 2-d panels for more
    axes). The bottom shows the buffer that owns the memory as a strip of cells, each
    labelled with its byte offset from the buffer's start. Cells that `a` uses are
    coloured, the rest grey, so a view shows what it shares and what it skips. The
    arrows go from element ``[0, …, 0]`` to its next neighbour along each axis, labelled
    with that axis's stride. Large arrays and buffers are summarised (head … tail); only
    the drawn elements are read.

    Parameters
    ----------
    a : numpy.ndarray
        Any array: a view, a broadcast, a memmap, a field of a structured array.
    base : numpy.ndarray, optional
        An array over the same memory (typically the one `a` was sliced from); the strip
        then shows `base`'s bytes, labelled with `base`'s values, instead of the whole owner.
    index : tuple of int, optional
        An element to highlight, with its address arithmetic
        ``offset + Σ index[k] * strides[k]`` written out below the strip.
    title : str, optional
        A first line to print above the facts the figure states itself.
    max_cells : int
        How many buffer cells to draw before summarising.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If `a` (or `base`) is not a NumPy array.
    ValueError
        If `base` does not share `a`'s memory.
    IndexError
        If `index` does not name one element of `a`.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> a = np.arange(12, dtype=np.int64).reshape(3, 4)
    >>> fig = memlayout.show(a[:, ::2], base=a)
    """
    require_ndarray(a, "show")
    view = layout(a)
    frame = None
    if base is not None:
        require_ndarray(base, "show")
        frame = layout(base)
        if not view.shares_owner(frame):
            raise ValueError(
                "show(a, base=b): a does not live in b's memory (they have different "
                "owners); pass the array a was sliced or viewed from, or leave base out")
    picked = None if index is None else view.element_offset(index)

    grid = GridPlan(a)
    strip = StripPlan(view, frame, max_cells=max_cells,
                      extra_anchors=() if picked is None else (picked,))
    arrows = _stride_arrows(view)
    arrow_room = _ARROW_STEP * (len(arrows) + 1)
    header = list(_header(a, view, title))
    width = 2 * _MARGIN + max(grid.width + 0.8, strip.width + 0.9, 5.2,
                              max(text_width(line, 8.5) for line in header))
    height = (2 * _MARGIN + _TITLE + grid.height + 0.65 + arrow_room + CELL + 0.35 + _LEGEND
              + (0.3 if index is not None else 0) + (0.25 if title else 0))
    fig, ax = new_figure(width, height)

    y = height - _MARGIN
    for line in header:
        ax.text(_MARGIN, y, line, family=FONT, fontsize=8.5, va="top", color=PALETTE["text"])
        y -= 0.22
    y = height - _MARGIN - _TITLE - (0.25 if title else 0)
    first = (0,) * a.ndim
    index_norm = None if index is None else tuple(
        i % n for i, n in zip(np.atleast_1d(index), a.shape, strict=True))

    def grid_style(idx):
        if idx == index_norm:
            return PALETTE["accent"], PALETTE["edge"]
        if idx == first and index is None:
            return PALETTE["accent"], PALETTE["edge"]
        return PALETTE["used"], PALETTE["edge"]

    grid.draw(ax, _MARGIN, y, grid_style)
    _axis_arrows(ax, grid, _MARGIN, y)

    strip_y = _MARGIN + _LEGEND + (0.3 if index is not None else 0) + 0.35
    ax.text(_MARGIN, strip_y + CELL + arrow_room + 0.12,
            f"memory: the {view.owner_type} that owns it, {view.buffer_nbytes:,} bytes"
            if frame is None else
            f"memory of the base array: bytes {frame.span[0]} to {frame.span[1] - 1} of its owner",
            family=FONT, fontsize=8, va="bottom", color=PALETTE["muted"])
    ax.text(_MARGIN, strip_y + CELL / 2, "byte\noffset →", family=FONT, fontsize=6,
            va="center", color=PALETTE["muted"])
    strip_x = _MARGIN + 0.8
    marked = {view.offset if picked is None else picked}

    def strip_style(byte, used):
        if any(byte <= m < byte + strip.unit for m in marked) and used:
            return PALETTE["accent"], PALETTE["edge"]
        if used:
            return PALETTE["used"], PALETTE["edge"]
        return PALETTE["unused"], PALETTE["unused_edge"]

    centres = strip.draw(ax, strip_x, strip_y, strip_style)
    if view.size:
        _draw_stride_arrows(ax, arrows, strip, centres, strip_y + CELL)
    if index is not None:
        ax.text(_MARGIN, _MARGIN + _LEGEND + 0.05, _arithmetic(view, index_norm), family=FONT,
                fontsize=8, va="bottom", color=PALETTE["text"])
    legend(ax, _MARGIN, _MARGIN, [
        (PALETTE["used"], PALETTE["edge"], None, "used by this array"),
        (PALETTE["unused"], PALETTE["unused_edge"], None, "not used"),
        (PALETTE["accent"], PALETTE["edge"], None,
         "this element" if index is not None else "element [0, …, 0]"),
    ])
    return fig


def _header(a, view: Layout, title):
    if title:
        yield title
    yield (f"shape {view.shape}  dtype {view.dtype}  itemsize {view.itemsize} B  "
           f"strides {view.strides}")
    order = ("C-contiguous" if view.c_contiguous else
             "F-contiguous" if view.f_contiguous else "not contiguous")
    owns = "owns its memory" if view.owner is a else f"a view: [0, …, 0] is byte {view.offset} of its owner"
    yield f"{owns} · {order}" + (
        f" · stride 0 on axis {', '.join(map(str, view.zero_stride_axes))}"
        if view.zero_stride_axes else "")


def _stride_arrows(view: Layout):
    """(axis, stride) of every axis with a neighbour, smallest step lowest.

    Zero strides come last, on the highest levels, so that no arrow's line crosses their
    labels, which run to the right of element ``[0, …, 0]``.
    """
    axes = [(k, s) for k, (n, s) in enumerate(zip(view.shape, view.strides, strict=True)) if n > 1]
    return sorted(axes, key=lambda ks: (ks[1] == 0, abs(ks[1]), ks[0]))


def _draw_stride_arrows(ax, arrows, strip: StripPlan, centres, y_top):
    """One arrow per axis from element [0, …, 0] to its neighbour, each on its own level.

    Each level's arrow is shifted sideways a little, so that two axes with the same stride
    draw two visible arrows rather than one on top of the other.
    """
    start = centres.get(strip.cell_of(strip.view.offset))
    if start is None:
        return
    for level, (axis, stride) in enumerate(arrows, start=1):
        colour = axis_colour(axis)
        y = y_top + _ARROW_STEP * level
        shift = 0.05 * (level - (len(arrows) + 1) / 2)
        x_from = start + shift
        target = centres.get(strip.cell_of(strip.view.offset + stride))
        if stride == 0 or target is None:
            ax.plot([x_from, x_from], [y_top, y], color=colour, lw=1)
            label = f"axis {axis}: stride 0 (repeats)" if stride == 0 else f"axis {axis}: {stride:+,} B"
            ax.text(x_from + 0.05, y, label, family=FONT, fontsize=7, color=colour, va="center")
            continue
        x_to = target + shift
        ax.plot([x_from, x_from, x_to], [y_top, y, y], color=colour, lw=1)
        ax.add_patch(FancyArrowPatch((x_to, y), (x_to, y_top + 0.02), arrowstyle="-|>",
                                     mutation_scale=8, color=colour, lw=1))
        ax.text((x_from + x_to) / 2, y + 0.03, f"axis {axis}: {stride:+,} B", family=FONT,
                fontsize=7, color=colour, ha="center", va="bottom")


def _axis_arrows(ax, grid: GridPlan, x0, top):
    """Label the grid's last two axes with the colours the stride arrows use."""
    if grid.a.ndim == 0 or grid.a.size == 0:
        return
    ndim = grid.a.ndim
    y = top - (0.25 if ndim >= 3 else 0)
    ax.text(x0 + 0.35 + grid.panel_width + 0.05, y - 0.2, f"axis {ndim - 1} →", family=FONT,
            fontsize=7, color=axis_colour(ndim - 1), va="center")
    if ndim >= 2:
        ax.text(x0, y - 0.35 - grid.panel_height - 0.05, f"axis {ndim - 2} ↓", family=FONT,
                fontsize=7, color=axis_colour(ndim - 2), va="top")


def _arithmetic(view: Layout, index) -> str:
    terms = " + ".join(f"{i}×{s}" for i, s in zip(index, view.strides, strict=True))
    name = "[" + ", ".join(map(str, index)) + "]"
    return f"{name}: {view.offset} + {terms} = byte {view.element_offset(index)} of the owner"
