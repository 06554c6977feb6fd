"""``show``: an array's values above the buffer that holds them, with its strides drawn."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from memlayout.drawing._arrows import StrideArrows
from memlayout.drawing._grid import GridPlan
from memlayout.drawing._strip import StripPlan
from memlayout.drawing._style import (
    CELL,
    FONT,
    PALETTE,
    Legend,
    axis_colour,
    new_figure,
    text_width,
)
from memlayout.drawing._summary import element_name
from memlayout.drawing._text import drawable
from memlayout.model._checks import MAX_DRAWN_CELLS, require_int, require_ndarray, require_optional_str
from memlayout.model.layout import Layout, layout

_MARGIN = 0.25
_LINE = 0.22  # one line of header text
_STRIP_X = _MARGIN + 0.85  # room left of the strip for "byte offset"
_NUMBERS = 0.3  # byte offsets under the strip

#: How each kind of grid cell is drawn: fill, edge and hatch.
_USED = (PALETTE["used"], PALETTE["edge"])
_REPEAT = (PALETTE["padding"], PALETTE["used"], "///")
_PICKED = (PALETTE["accent"], PALETTE["edge"])
_SAME_BYTES = (PALETTE["padding"], PALETTE["accent"], "///")
_UNUSED = (PALETTE["unused"], PALETTE["unused_edge"])


def show(a: np.ndarray, base: np.ndarray | None = None, *, index=None,
         title: str | None = None, max_cells: int = 24) -> Figure:
    """Draw `a`'s values above its owner's buffer, with one stride arrow per axis.

    The top shows the array as a learner indexes it (rows, columns, 2-d panels for more
    axes). The bottom shows the buffer that owns the memory as a strip of cells, each
    labelled with its byte offset from the buffer's start. Cells that `a` uses are
    coloured, the rest grey, so a view shows what it shares and what it skips. The
    arrows go from the first element (``[0, 0]`` for a 2-d array) to its next neighbour
    along each axis, labelled with that axis's stride; a stride of 0 comes back into the
    cell it left. One element is highlighted (the first, or `index`); every other drawn
    index that reaches its bytes (overlapping windows, a broadcast) is hatched in the same
    colour, and elements that a stride of 0 reads again are hatched as repeats. Large
    arrays and buffers are summarised (head … tail); only the drawn elements are read.

    Parameters
    ----------
    a : numpy.ndarray
        Any array: a view, a broadcast, a memmap, a field of a structured array.
    base : numpy.ndarray, optional
        An array over the same memory (typically the one `a` was sliced from); the strip
        then shows `base`'s bytes, labelled with `base`'s values, instead of the whole owner.
    index : int or tuple of int, optional
        An element to highlight, with its address arithmetic
        ``offset + Σ index[k] * strides[k]`` written out below the strip.
    title : str, optional
        A first line to print above the facts the figure states itself.
    max_cells : int
        How many buffer cells to draw before summarising (4 to 1,024).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If `a` (or `base`) is not a NumPy array, `index` is not integers, `title` is not
        a str or `max_cells` not an int.
    ValueError
        If `base` does not hold all of `a`'s bytes, or `max_cells` is not from 4 to 1,024.
    IndexError
        If `index` does not name one element of `a`.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> a = np.arange(12, dtype=np.int64).reshape(3, 4)
    >>> fig = memlayout.show(a[:, ::2], base=a)
    >>> "axis 1: +16 B" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    require_ndarray(a, "show")
    require_optional_str(title, "title", "show")
    title = drawable(title)
    max_cells = require_int(max_cells, "max_cells", "show", minimum=4, maximum=MAX_DRAWN_CELLS)
    view = layout(a)
    frame = None if base is None else _frame(view, base)
    picked_index = None if index is None else view.normalise_index(index)
    highlight = picked_index if picked_index is not None else (0,) * a.ndim
    picked = view.element_offset(highlight) if a.size else None

    grid = GridPlan(a)
    strip = StripPlan(view, frame, max_cells=max_cells,
                      extra_anchors=() if picked is None else (picked,))
    styles = _grid_styles(view, grid, highlight, picked)
    centres = strip.centres(_STRIP_X)
    start = centres.get(strip.cell_of(view.offset)) if a.size else None
    arrows = StrideArrows(
        _stride_steps(view) if start is not None else [], start or 0.0,
        lambda stride: centres.get(strip.cell_of(view.offset + stride)), strip.cell_width)
    header = list(_header(a, view, title))
    caption = _memory_caption(a, view, frame)
    entries = _legend_entries(styles, strip, highlight, picked_index is not None)
    arithmetic = None if picked_index is None else _arithmetic(view, picked_index)

    grid_top = _LINE * len(header) + 0.05
    width = 2 * _MARGIN + max(
        grid.width + text_width(f"axis {a.ndim - 1} →", 7.5) + 0.1,
        _STRIP_X - _MARGIN + strip.width, arrows.right - _MARGIN,
        *(text_width(line, 8.5) for line in [*header, caption, arithmetic or ""]),
        Legend.natural_width(entries))
    key = Legend(entries, width - 2 * _MARGIN)
    bottom = _MARGIN + key.height + (_LINE + 0.05 if arithmetic else 0)
    height = (bottom + _NUMBERS + CELL + arrows.height + _LINE + 0.35 + grid.height + grid_top
              + _MARGIN)
    fig, ax = new_figure(width, height)

    y = height - _MARGIN
    for line in header:
        ax.text(_MARGIN, y, line, family=FONT, fontsize=8.5, va="top", color=PALETTE["text"])
        y -= _LINE
    y = height - _MARGIN - grid_top
    grid.draw(ax, _MARGIN, y, lambda idx: styles[idx])
    _axis_labels(ax, grid, _MARGIN, y)

    strip_y = bottom + _NUMBERS
    ax.text(_MARGIN, strip_y + CELL + arrows.height + 0.08, caption, family=FONT, fontsize=8.5,
            va="bottom", color=PALETTE["muted"])
    ax.text(_STRIP_X - 0.1, strip_y - 0.05, "byte offset", family=FONT, fontsize=7.5,
            ha="right", va="top", color=PALETTE["muted"])
    marked = None if picked is None else strip.cell_of(picked)

    def strip_style(byte, used):
        if used and strip.cell_of(byte) == marked:
            return _PICKED
        return _USED if used else _UNUSED

    strip.draw(ax, _STRIP_X, strip_y, strip_style)
    arrows.draw(ax, strip_y + CELL)
    if arithmetic:
        ax.text(_MARGIN, _MARGIN + key.height + 0.05, arithmetic, family=FONT, fontsize=8.5,
                va="bottom", color=PALETTE["text"])
    key.draw(ax, _MARGIN, _MARGIN)
    return fig


def _frame(view: Layout, base: np.ndarray) -> Layout:
    """Layout of `base`, checked to hold every byte of the array `view` describes."""
    require_ndarray(base, "show")
    frame = layout(base)
    if not view.shares_owner(frame):
        raise ValueError(
            "show(a, base=b): a does not live in b's memory (they have different "
            "owners); pass the array a was sliced or viewed from, or leave base out")
    (low, high), (start, stop) = view.span, frame.span
    if view.size and not start <= low < high <= stop:
        raise ValueError(
            f"show(a, base=b): a uses bytes {low} to {high - 1} of their owner, but b holds "
            f"only bytes {start} to {stop - 1}; pass an array that holds all of a, or leave "
            f"base out to see the whole owner")
    return frame


def _grid_styles(view: Layout, grid: GridPlan, highlight, picked):
    """Style of every drawn element: highlighted, reaching the same bytes, repeat or used."""
    zero = view.zero_stride_axes
    styles = {}
    for idx in grid.indices():
        if idx == highlight:
            styles[idx] = _PICKED
        elif abs(view.element_offset(idx) - picked) < view.itemsize:
            styles[idx] = _SAME_BYTES
        elif any(idx[k] for k in zero):
            styles[idx] = _REPEAT
        else:
            styles[idx] = _USED
    return styles


def _legend_entries(styles, strip: StripPlan, highlight, chosen: bool):
    name = element_name(highlight)
    present = set(styles.values())
    entries = [(*_USED, None, "used by this array")]
    if not all(strip.used.values()):
        entries.append((*_UNUSED, None, "not used"))
    if present:
        entries.append((*_PICKED, None, f"this element, {name}" if chosen else f"element {name}"))
    if _SAME_BYTES in present:
        entries.append((*_SAME_BYTES, f"same bytes as {name}"))
    if _REPEAT in present:
        entries.append((*_REPEAT, "repeat: stride 0 reads its bytes again"))
    return entries


def _header(a, view: Layout, title):
    if title:
        yield title
    yield (f"shape {view.shape}  dtype {view.dtype} ('{view.dtype.str}')  itemsize "
           f"{view.itemsize} B  strides {view.strides}")
    order = ("C-contiguous" if view.c_contiguous else
             "F-contiguous" if view.f_contiguous else "not contiguous")
    zero = (f" · stride 0 on axis {', '.join(map(str, view.zero_stride_axes))}"
            if view.zero_stride_axes else "")
    yield f"{_ownership(a, view)} · {order}{zero}"


def _ownership(a, view: Layout) -> str:
    """What is known of who owns `a`'s memory."""
    first = element_name((0,) * a.ndim)
    if view.owner is not a:
        return f"a view: {first} is byte {view.offset} of its owner"
    if a.base is None:
        return "owns its memory"
    return (f"does not own its memory; its owner, a {type(_chain_end(a)).__name__}, "
            f"does not show its bytes")


def _memory_caption(a, view: Layout, frame) -> str:
    if frame is not None:
        start, stop = frame.span
        return f"memory of the base array: bytes {start} to {stop - 1} of its owner"
    if view.owner is a and a.base is not None:
        return f"memory: the {view.buffer_nbytes:,} bytes this array spans (its owner is hidden)"
    return f"memory: the {view.owner_type} that owns it, {view.buffer_nbytes:,} bytes"


def _chain_end(a: np.ndarray):
    """The last object of `a`'s ``.base`` chain."""
    obj = a
    while getattr(obj, "base", None) is not None:
        obj = obj.base
    return obj


def _stride_steps(view: Layout):
    """(axis, stride) of every axis with a neighbour, smallest step lowest.

    Zero strides come last, on the highest levels, so that their labels, which run to the
    right of the first element, sit above every other arrow.
    """
    axes = [(k, s) for k, (n, s) in enumerate(zip(view.shape, view.strides, strict=True)) if n > 1]
    return sorted(axes, key=lambda ks: (ks[1] == 0, abs(ks[1]), ks[0]))


def _axis_labels(ax, grid: GridPlan, x0, top):
    """Label the grid's last two axes with the colours the stride arrows use."""
    if grid.a.ndim == 0 or grid.a.size == 0:
        return
    ndim = grid.a.ndim
    y = top - (0.25 if ndim >= 3 else 0)
    ax.text(x0 + 0.35 + grid.panel_width + 0.08, y - 0.2, f"axis {ndim - 1} →", family=FONT,
            fontsize=7.5, color=axis_colour(ndim - 1), va="center")
    if ndim >= 2:
        ax.text(x0, y - 0.35 - grid.panel_height - 0.05, f"axis {ndim - 2} ↓", family=FONT,
                fontsize=7.5, color=axis_colour(ndim - 2), va="top")


def _arithmetic(view: Layout, index) -> str:
    terms = "".join(f" + {i}×{s}" for i, s in zip(index, view.strides, strict=True))
    return (f"{element_name(index)}: {view.offset}{terms} = byte "
            f"{view.element_offset(index)} of the owner")
