"""``show_index``: what ``a[index]`` does to memory, a window onto ``a`` or a gathered copy.

A view is drawn as a window onto ``a``'s memory: the bytes it uses are coloured and each
carries the view's own index, so the view is seen to be those bytes and nothing else. A
gather is drawn as ``a``'s memory with the picked elements coloured, and the one new
buffer they are copied into, in its memory order, with a line from each source to its copy;
a boolean mask is drawn too. Only the drawn elements are asked about (the model answers
for each in O(1) of the index's size), so a gather of ten elements and of ten million cost
the same.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import ConnectionPatch

from memlayout.drawing._grid import GridPlan
from memlayout.drawing._strip import StripPlan
from memlayout.drawing._style import (
    CELL,
    FONT,
    PALETTE,
    Legend,
    axis_colour,
    cell,
    cell_width,
    new_figure,
    text_width,
)
from memlayout.drawing._summary import GAP, element_name, format_value, summarise
from memlayout.model._checks import MAX_DRAWN_CELLS, require_int, require_ndarray
from memlayout.model.index import Selection, index_layout
from memlayout.model.layout import layout

_MARGIN = 0.25
_LINE = 0.22  # one line of text
_SIZE = 7.5  # font size of the row names and index labels
_NAMES = 0.95  # room left of a strip for the names of its rows
_STRIP_X = _MARGIN + _NAMES
_NUMBERS = 0.3  # byte offsets under a strip
_LINKS = 0.55  # room for the copy lines between the two strips
#: Most copy lines drawn from source cells to the new buffer.
_MAX_LINKS = 12
#: Largest gather whose memory order is read off a one-byte stand-in; a larger N-d result
#: is drawn in C order (1-d results always are).
_PROBE_LIMIT = 1 << 22

_USED = (PALETTE["used"], PALETTE["edge"])
_UNUSED = (PALETTE["unused"], PALETTE["unused_edge"])
_NEW = (PALETTE["copy"], PALETTE["edge"])
_MASK = (PALETTE["padding"], PALETTE["unused_edge"])


def show_index(a: np.ndarray, index, *, max_cells: int = 20) -> Figure:
    """Draw what indexing `a` with `index` does to memory.

    Basic indexing (integers, slices, ``None``, ``...``) gives a view, drawn as a window
    onto `a`'s memory: the bytes the view uses are coloured and labelled with the view's
    own index, and nothing else is drawn, because nothing else exists. Advanced indexing
    (integer arrays, boolean masks) gives a copy: `a`'s picked elements are coloured, the
    mask (if any) is drawn as a row or grid of T and F, and the one new buffer is drawn in
    its memory order with a line from each drawn copy to its source. A 1-d contiguous `a`
    is drawn once, as its memory; an N-d one also as a grid, picked elements coloured.
    Long arrays, indexes and results are summarised (head … tail).

    Parameters
    ----------
    a : numpy.ndarray
        The array to index, of any size.
    index : anything NumPy accepts in ``a[...]``
        Write slices with ``np.s_``: ``show_index(a, np.s_[::2])``.
    max_cells : int
        How many cells to draw per strip before summarising (4 to 1,024).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If `a` is not a NumPy array or `max_cells` is not an int.
    ValueError
        If `max_cells` is not from 4 to 1,024.
    IndexError
        If NumPy would refuse the index.

    See Also
    --------
    memlayout.index_layout : the same facts as data.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> a = np.arange(8, dtype=np.int64)
    >>> fig = memlayout.show_index(a, a % 3 == 0)
    >>> "mask" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    require_ndarray(a, "show_index")
    max_cells = require_int(max_cells, "max_cells", "show_index", minimum=4,
                            maximum=MAX_DRAWN_CELLS)
    sel = index_layout(a, index)
    plan = _IndexPlan(a, index, sel, max_cells)
    return plan.draw()


class _IndexPlan:
    """Geometry and contents of the figure, computed before drawing."""

    def __init__(self, a: np.ndarray, index, sel: Selection, max_cells: int) -> None:
        self.a, self.sel = a, sel
        source = sel.source
        self.copies = sel.kind != "view"
        # The result elements drawn: as the new buffer's cells, or as labels on the view's bytes.
        self.memory_positions = summarise(sel.size, max_cells)
        drawn = [p for p in self.memory_positions if p is not GAP]
        self.c_positions = _c_positions(a, index, sel, drawn)
        origin = sel.source_index(self.c_positions)
        self.origins = source.offset + sum(
            (i * s for i, s in zip(origin, source.strides, strict=True)),
            start=np.zeros(len(drawn), dtype=np.int64))
        anchors = [*self.origins[:4].tolist(), *self.origins[-2:].tolist()]
        if self.copies:
            self.strip = StripPlan(source, source, max_cells=max_cells, extra_anchors=anchors,
                                   touched=sel.touched_cells)
            values = a[origin] if a.ndim else [a[()]] * len(drawn)  # a 0-d a has no axes to index
            self.values = [format_value(v) for v in values]
            self.new_width = cell_width(self.values)
        else:
            self.strip = StripPlan(layout(sel.result), source, max_cells=max_cells,
                                   extra_anchors=anchors)
        self.flat = (a.ndim == 1 and source.strides[0] == source.itemsize
                     and self.strip.unit == source.itemsize)
        self.mask = _mask(index)
        self.grid = None if self.flat else GridPlan(a)
        self.mask_grid = None
        if self.mask is not None and not self.flat:
            self.mask_grid = GridPlan(self.mask, text=lambda idx: "T" if self.mask[idx] else "F")
        self.picked = self._picked_grid_cells()
        self.result_labels = self._result_labels()
        self.header = list(_header(index, sel))

    def _picked_grid_cells(self) -> set[tuple[int, ...]]:
        if self.grid is None:
            return set()
        drawn = list(self.grid.indices())
        if not drawn:
            return set()
        picks = self.sel.picks(tuple(np.array(axis, dtype=np.int64) for axis in zip(*drawn, strict=True)))
        picks = np.broadcast_to(picks, (len(drawn),))  # a 0-d array's one element: one answer
        return {idx for idx, p in zip(drawn, picks.tolist(), strict=True) if p}

    def _result_labels(self) -> dict[int, str]:
        """The view's index written under each drawn cell it uses, by cell (views only)."""
        if self.copies:
            return {}
        labels: dict[int, str] = {}
        centres = self.strip.centres(0)
        for name, byte in zip(self._names(), self.origins.tolist(), strict=True):
            if self.strip.cell_of(byte) in centres:
                labels.setdefault(self.strip.cell_of(byte), name)
        return labels

    # ---- sizes -----------------------------------------------------------------------------

    def _label_band(self, labels, width: float) -> float:
        """Height of a row of index labels: upright if they fit their cells, else turned."""
        longest = max((text_width(t, _SIZE) for t in labels), default=0.0)
        return _LINE if longest + 0.08 < width else longest + 0.1

    def _names(self) -> list[str]:
        """The result index of each drawn result element, as a label."""
        return [element_name(tuple(int(i) for i in np.unravel_index(p, self.sel.shape)))
                for p in self.c_positions.tolist()]

    @property
    def grids_height(self) -> float:
        if self.grid is None:
            return 0.0
        return max(self.grid.height, self.mask_grid.height if self.mask_grid else 0) + 0.25

    @property
    def memory_height(self) -> float:
        top = (_LINE + (CELL + 0.08 if self.mask is not None else 0)) if self.flat else 0
        bottom = self._label_band(self.result_labels.values(), self.strip.cell_width) \
            if self.result_labels else 0
        return top + CELL + _NUMBERS + bottom

    @property
    def copy_height(self) -> float:
        if not self.copies:
            return 0.0
        return _LINKS + self._label_band(self._names(), self.new_width) + CELL + _NUMBERS

    # ---- drawing ---------------------------------------------------------------------------

    def draw(self) -> Figure:
        entries = self._legend_entries()
        grids_width = 0.0 if self.grid is None else self.grid.width + (
            0.4 + self.mask_grid.width if self.mask_grid else 0)
        new_strip = sum(0.35 if p is GAP else self.new_width for p in self.memory_positions) \
            if self.copies else 0.0
        width = 2 * _MARGIN + max(grids_width, _NAMES + max(self.strip.width, new_strip),
                                  *(text_width(line, 8.5) for line in self.header),
                                  Legend.natural_width(entries))
        key = Legend(entries, width - 2 * _MARGIN)
        height = (2 * _MARGIN + _LINE * len(self.header) + 0.15 + self.grids_height
                  + self.memory_height + self.copy_height + 0.1 + key.height)
        fig, ax = new_figure(width, height)
        y = height - _MARGIN
        for line in self.header:
            ax.text(_MARGIN, y, line, family=FONT, fontsize=8.5, va="top", color=PALETTE["text"])
            y -= _LINE
        y -= 0.15
        if self.grid is not None:
            self._draw_grids(ax, y)
            y -= self.grids_height
        y = self._draw_memory(ax, y)
        if self.copies:
            self._draw_copy(ax, y)
        key.draw(ax, _MARGIN, _MARGIN)
        return fig

    def _draw_grids(self, ax, top: float) -> None:
        self.grid.draw(ax, _MARGIN, top, lambda idx: _USED if idx in self.picked else _UNUSED)
        ax.text(_MARGIN, top + 0.02, "a", family=FONT, fontsize=_SIZE, va="top",
                color=PALETTE["muted"])
        if self.mask_grid is not None:
            x = _MARGIN + self.grid.width + 0.4
            self.mask_grid.draw(ax, x, top, lambda idx: _MASK)
            ax.text(x, top + 0.02, "mask", family=FONT, fontsize=_SIZE, va="top",
                    color=PALETTE["muted"])

    def _name(self, ax, y: float, text: str) -> None:
        """Write the name of a row left of the strips, right-aligned, centred on `y`."""
        ax.text(_STRIP_X - 0.1, y, text, family=FONT, fontsize=_SIZE, ha="right", va="center",
                color=PALETTE["muted"])

    def _draw_memory(self, ax, top: float) -> float:
        """Draw a's memory (with its index, and the mask, for a 1-d array); return its bottom."""
        strip = self.strip
        centres = strip.centres(_STRIP_X)
        y = top
        if self.flat:
            self._name(ax, y - _LINE / 2, "index")
            for c, x in centres.items():
                ax.text(x, y - _LINE / 2, str(c), family=FONT, fontsize=_SIZE, ha="center",
                        va="center", color=axis_colour(0))
            y -= _LINE
            if self.mask is not None:
                y -= CELL + 0.04
                self._name(ax, y + CELL / 2, "mask")
                for c, x in centres.items():
                    cell(ax, x - strip.cell_width / 2, y, "T" if self.mask[c] else "F",
                         face=_MASK[0], edge=_MASK[1], width=strip.cell_width,
                         color=PALETTE["text"] if self.mask[c] else PALETTE["muted"])
                y -= 0.04
        y -= CELL
        self._name(ax, y + CELL / 2, "a's memory")
        strip.draw(ax, _STRIP_X, y, lambda byte, used: _USED if used else _UNUSED)
        self._name(ax, y - 0.12, "byte offset")
        self.strip_bottom = y - _NUMBERS + 0.05
        y -= _NUMBERS
        if self.result_labels:
            band = self._label_band(self.result_labels.values(), strip.cell_width)
            self._name(ax, y - _LINE / 2, "view index")
            upright = band == _LINE
            for c, text in self.result_labels.items():
                ax.text(centres[c], y - (_LINE / 2 if upright else 0.05), text, family=FONT,
                        fontsize=_SIZE, ha="center", va="center" if upright else "top",
                        rotation=0 if upright else 90, color=PALETTE["text"])
            y -= band
        return y

    def _draw_copy(self, ax, top: float) -> None:
        """Draw the new buffer in memory order, its cells' result index, and the copy lines."""
        labels = self._names()
        band = self._label_band(labels, self.new_width)
        upright = band == _LINE
        y_labels = top - _LINKS
        y = y_labels - band - CELL
        itemsize = self.sel.source.itemsize
        self._name(ax, y_labels - band / 2, "result index")
        self._name(ax, y + CELL / 2, "new buffer" if self.sel.kind == "copy" else "the scalar")
        self._name(ax, y - 0.12, "byte offset")
        source_x = self.strip.centres(_STRIP_X)
        x = _STRIP_X
        drawn = iter(zip(labels, self.values, self.origins.tolist(), strict=True))
        links = 0
        for m in self.memory_positions:
            if m is GAP:
                ax.text(x + 0.175, y + CELL / 2, "…", ha="center", va="center", family=FONT,
                        fontsize=11, color=PALETTE["muted"])
                x += 0.35
                continue
            label, value, origin = next(drawn)
            centre = x + self.new_width / 2
            cell(ax, x, y, value, face=_NEW[0], edge=_NEW[1], width=self.new_width)
            ax.text(centre, y - 0.05, str(m * itemsize), ha="center", va="top", family=FONT,
                    fontsize=7, color=PALETTE["muted"],
                    rotation=0 if text_width(str(m * itemsize), 7) + 0.04 < self.new_width else 90)
            ax.text(centre, y_labels - (band / 2 if upright else 0.05), label, family=FONT,
                    fontsize=_SIZE, ha="center", va="center" if upright else "top",
                    rotation=0 if upright else 90, color=PALETTE["text"])
            start = source_x.get(self.strip.cell_of(origin))
            if start is not None and links < _MAX_LINKS:
                ax.add_artist(ConnectionPatch((start, self.strip_bottom), (centre, y_labels),
                                              "data", "data", arrowstyle="-|>", lw=0.8,
                                              color=PALETTE["muted"], mutation_scale=7))
                links += 1
            x += self.new_width

    def _legend_entries(self):
        entries = [(*_USED, None, "used by the view" if not self.copies else "picked by the index")]
        if not all(self.strip.used.values()) or self.picked != set(self.grid.indices() if self.grid else ()):
            entries.append((*_UNUSED, None, "not used"))
        if self.copies:
            entries.append((*_NEW, None, "new memory: the copy"))
        return entries


def _c_positions(a, index, sel: Selection, memory_positions: list[int]) -> np.ndarray:
    """The result's C-order position of the elements at `memory_positions` of its buffer.

    A view's "buffer" is its own C order. A gather is written in C order over the result's
    axes with the index arrays' axes first, which NumPy then moves into place; its memory
    order is read off indexing a one-byte stand-in of `a` (up to ``_PROBE_LIMIT`` elements).
    """
    positions = np.array(memory_positions, dtype=np.int64)
    shape = sel.shape
    if sel.kind == "view" or len(shape) < 2 or sel.size > _PROBE_LIMIT:
        return positions
    strides = np.broadcast_to(np.uint8(0), a.shape)[index].strides
    order = sorted(range(len(shape)), key=lambda k: -strides[k])  # outermost axis first
    by_memory = np.unravel_index(positions, [shape[k] for k in order])
    index_c = [None] * len(shape)
    for k, i in zip(order, by_memory, strict=True):
        index_c[k] = i
    return np.ravel_multi_index(index_c, shape).astype(np.int64)


def _mask(index) -> np.ndarray | None:
    """The boolean array in `index` (the mask), or None."""
    for item in index if isinstance(index, tuple) else (index,):
        if isinstance(item, (np.ndarray, list)):
            arr = np.asarray(item)
            if arr.dtype == bool and arr.ndim:
                return arr
    return None


def _header(index, sel: Selection):
    text = f"a{_index_text(index)}"
    if sel.kind == "view":
        yield f"{text} is basic indexing: a view of shape {sel.shape} into a's memory"
        yield "no bytes are copied; writing to the view writes to a"
    elif sel.kind == "scalar":
        yield (f"{text} names one element: NumPy returns a scalar, a copy of its "
               f"{sel.copied_bytes} bytes")
    else:
        kind = "boolean mask" if sel.by_mask else "integer array"
        yield f"{text} is advanced indexing ({kind}): a copy of shape {sel.shape}"
        yield (f"{sel.size:,} element{'s' if sel.size != 1 else ''} gathered into a new buffer "
               f"of {sel.copied_bytes:,} bytes; writing to it leaves a unchanged")


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
                values = [str(v) for v in [*arr[:2].tolist(), "…", *arr[-2:].tolist()]]
                parts.append("[" + ", ".join(values) + "]")
            else:
                parts.append(f"<{'×'.join(map(str, arr.shape))} array>")
        else:
            parts.append(str(i))
    text = "[" + ", ".join(parts) + "]"
    return text if len(text) <= 40 else text[:39] + "…"

