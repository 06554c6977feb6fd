"""``show_index``: what ``a[index]`` does to memory, a view over ``a`` or a gathered copy."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import ConnectionPatch

from memlayout.drawing._grid import GridPlan
from memlayout.drawing._strip import StripPlan
from memlayout.drawing._style import CELL, FONT, PALETTE, new_figure, text_width
from memlayout.model._checks import MAX_DRAWN_CELLS, require_int, require_ndarray
from memlayout.model.index import index_layout
from memlayout.model.layout import layout

_MARGIN = 0.25
_LABEL = 0.8  # room left of a strip for its name
_GAP = 0.45  # between two parts of the figure
#: Where the source grid starts, so that its first column stands above the first byte cell
#: (GridPlan keeps 0.35 in for row labels left of its cells).
_GRID_X = _MARGIN + _LABEL - 0.35
#: Most copy lines drawn from source cells to the new buffer.
_MAX_LINKS = 12
#: Largest array drawn: the drawing still traces every selected element.
_MAX_SOURCE_SIZE = 1 << 22


def show_index(a: np.ndarray, index, *, max_cells: int = 20) -> Figure:
    """Draw what indexing `a` with `index` does to memory.

    Basic indexing (integers, slices, ``None``, ``...``) is drawn as a view: the result's
    elements are picked out of `a`'s own buffer and nothing is copied. Advanced indexing
    (integer arrays, boolean masks) is drawn as a gather: the picked elements are copied,
    in the result's order, into a new buffer, with a line from each source cell to its copy.

    Parameters
    ----------
    a : numpy.ndarray
        The array to index (at most 4,194,304 elements).
    index : anything NumPy accepts in ``a[...]``
        Write slices with ``np.s_``: ``show_index(a, np.s_[::2])``.
    max_cells : int
        How many buffer cells to draw per strip before summarising.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If `a` is not a NumPy array.
    ValueError
        If `a` has more than 4,194,304 elements, or `max_cells` is not from 1 to 1,024.
    IndexError
        If NumPy refuses the index (its own message).

    See Also
    --------
    memlayout.index_layout : the same facts as data.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> a = np.arange(8, dtype=np.int64)
    >>> fig = memlayout.show_index(a, a % 3 == 0)
    """
    require_ndarray(a, "show_index")
    max_cells = require_int(max_cells, "max_cells", "show_index", minimum=1,
                            maximum=MAX_DRAWN_CELLS)
    if a.size > _MAX_SOURCE_SIZE:
        raise ValueError(f"memlayout.show_index() draws arrays of up to {_MAX_SOURCE_SIZE:,} "
                         f"elements; this one has {a.size:,}: index a smaller array")
    sel = index_layout(a, index)
    picked = set(sel.source_offsets.ravel().tolist())
    source = sel.source

    def grid_style(idx):
        if source.element_offset(idx) in picked:
            return PALETTE["used"], PALETTE["edge"]
        return PALETTE["unused"], PALETTE["unused_edge"]

    source_grid = GridPlan(a)
    result = sel.result
    result_grid = GridPlan(result)
    if sel.kind == "view":
        source_strip = StripPlan(layout(result), source, max_cells=max_cells)
        new_strip = None
    else:
        source_strip = StripPlan(source, max_cells=max_cells, selected=sel.source_offsets.ravel())
        new_strip = StripPlan(layout(result), max_cells=max_cells)

    grids_width = _GRID_X - _MARGIN + source_grid.width + 1.2 + result_grid.width
    strips_width = _LABEL + max(source_strip.width, new_strip.width if new_strip else 0)
    lines = list(_header(a, index, sel))
    width = 2 * _MARGIN + max(grids_width, strips_width, max(text_width(line, 8.5) for line in lines))
    strip_block = CELL + 0.35
    height = (2 * _MARGIN + 0.22 * len(lines) + 0.2 + max(source_grid.height, result_grid.height)
              + _GAP + strip_block + (_GAP + 0.2 + strip_block if new_strip else 0))
    fig, ax = new_figure(width, height)

    y = height - _MARGIN
    for line in lines:
        ax.text(_MARGIN, y, line, family=FONT, fontsize=8.5, va="top", color=PALETTE["text"])
        y -= 0.22
    y -= 0.2
    source_grid.draw(ax, _GRID_X, y, grid_style)
    arrow_x = _GRID_X + source_grid.width + 0.15
    ax.annotate("", xy=(arrow_x + 0.75, y - 0.5), xytext=(arrow_x, y - 0.5),
                arrowprops={"arrowstyle": "-|>", "color": PALETTE["muted"]})
    ax.text(arrow_x + 0.37, y - 0.42, _index_text(index), family=FONT, fontsize=7,
            ha="center", va="bottom", color=PALETTE["muted"])
    result_face = (PALETTE["used"], PALETTE["edge"]) if sel.kind == "view" \
        else (PALETTE["copy"], PALETTE["edge"])
    result_grid.draw(ax, arrow_x + 0.9, y, lambda idx: result_face)

    y -= max(source_grid.height, result_grid.height) + _GAP
    strip_y = y - CELL
    ax.text(_MARGIN, strip_y + CELL / 2, "a's\nmemory", family=FONT, fontsize=7, va="center",
            color=PALETTE["muted"])
    source_x = source_strip.draw(ax, _MARGIN + _LABEL, strip_y, _strip_style)
    if new_strip is not None:
        new_y = strip_y - 0.35 - _GAP - 0.2 - CELL
        ax.text(_MARGIN, new_y + CELL / 2, "new\nbuffer", family=FONT, fontsize=7,
                va="center", color=PALETTE["text"])
        new_x = new_strip.draw(ax, _MARGIN + _LABEL, new_y,
                               lambda byte, used: (PALETTE["copy"], PALETTE["edge"]))
        _draw_links(ax, sel.source_offsets.ravel(), new_strip.view.element_offsets().ravel(),
                    source_strip, source_x, strip_y - 0.3, new_strip, new_x, new_y + CELL)
    return fig


def _strip_style(byte, used):
    if used:
        return PALETTE["used"], PALETTE["edge"]
    return PALETTE["unused"], PALETTE["unused_edge"]


def _draw_links(ax, sources, targets, source_strip, source_x, y_from, new_strip, new_x, y_to):
    """Join each drawn source cell to the cell of the new buffer its value was copied to.

    `sources` and `targets` hold, for each result element in index order, the byte it was
    read from and the byte it was written to (a result may be in C or Fortran order).
    """
    drawn = 0
    for byte, target in zip(sources.tolist(), targets.tolist(), strict=True):
        x_from = source_x.get(source_strip.cell_of(byte))
        x_to = new_x.get(new_strip.cell_of(target))
        if x_from is None or x_to is None:
            continue
        ax.add_artist(ConnectionPatch((x_from, y_from), (x_to, y_to), "data", "data",
                                      arrowstyle="-|>", color=PALETTE["muted"], lw=0.8,
                                      mutation_scale=7))
        drawn += 1
        if drawn == _MAX_LINKS:
            break


def _header(a, index, sel):
    text = f"a{_index_text(index)}"
    if sel.kind == "view":
        yield f"{text} is basic indexing: a view of shape {sel.result.shape} into a's memory"
        yield "no bytes are copied; writing to the view writes to a"
    elif sel.kind == "scalar":
        yield f"{text} names one element: NumPy returns a scalar, a copy of its {sel.result.nbytes} bytes"
    else:
        kind = "boolean mask" if sel.by_mask else "integer array"
        yield f"{text} is advanced indexing ({kind}): a copy of shape {sel.result.shape}"
        yield (f"{sel.result.size} elements are gathered into a new buffer of "
               f"{sel.copied_bytes:,} bytes; writing to it leaves a unchanged")


def _index_text(index) -> str:
    """Write `index` as it would appear between brackets, shortened for a label."""
    items = index if isinstance(index, tuple) else (index,)
    parts = []
    for i in items:
        if isinstance(i, slice):
            part = ":".join("" if v is None else str(v) for v in (i.start, i.stop, i.step))
            parts.append(part[:-1] if part.endswith(":") and i.step is None else part)
        elif i is Ellipsis:
            parts.append("...")
        elif i is None:
            parts.append("None")
        elif isinstance(i, (np.ndarray, list)):
            arr = np.asarray(i)
            if arr.dtype == bool:
                parts.append("mask")
            elif arr.size <= 6:
                parts.append(str(arr.tolist()))
            elif arr.ndim == 1:
                values = [str(v) for v in arr.tolist()]
                parts.append("[" + ", ".join([*values[:2], "…", *values[-2:]]) + "]")
            else:
                parts.append(f"<{'×'.join(map(str, arr.shape))} array>")
        else:
            parts.append(str(i))
    text = "[" + ", ".join(parts) + "]"
    return text if len(text) <= 40 else text[:39] + "…"
