"""The physical picture of an array: its owner's buffer as one strip of cells.

One cell stands for the largest run of bytes that every element boundary, stride and
offset respects (the owner's itemsize for a plain slice, one byte for a ``uint8`` view).
A long buffer is summarised around the bytes worth seeing: the first element, its
neighbour along each axis, the last element and the two ends of the buffer.
"""

from __future__ import annotations

import math
from functools import reduce

import numpy as np

from memlayout.drawing._style import CELL, FONT, PALETTE, cell, cell_width, text_width
from memlayout.drawing._summary import GAP, format_value, windows
from memlayout.model.layout import Layout

#: Width of a gap marker in inches.
_GAP_SIZE = 0.35


class StripPlan:
    """Geometry and contents of the strip for `view`, computed before drawing.

    Parameters
    ----------
    view : Layout
        The array whose bytes are highlighted.
    frame : Layout, optional
        An array over the same owner whose bytes and dtype the strip shows (its base).
        By default the whole owner is shown, labelled with the owner's dtype.
    max_cells : int
        How many cells to draw before summarising.
    extra_anchors : iterable of int
        More byte offsets that must be drawn (an element the caller highlights).
    touched : callable, optional
        ``touched(starts, width) -> bool array``: which cells of `width` bytes starting at
        owner bytes `starts` count as used; by default, those `view` reaches
        (:meth:`Layout.touched_cells`). A gather passes :meth:`Selection.touched_cells`,
        so that only the bytes it picked count. Asked for the drawn cells only.
    """

    def __init__(self, view: Layout, frame: Layout | None = None, *, max_cells: int = 32,
                 extra_anchors=(), touched=None) -> None:
        self.view = view
        if frame is None:
            self.start, self.stop = 0, view.buffer_nbytes
            owner = view.owner
            label_dtype = owner.dtype if isinstance(owner, np.ndarray) else None
            self.reader = _byte_reader(owner)
        else:
            self.start, self.stop = frame.span
            label_dtype = frame.dtype
            self.reader = _byte_reader(frame.owner)
        sizes = [view.itemsize, view.offset - self.start, self.stop - self.start,
                 *(s for n, s in zip(view.shape, view.strides, strict=True) if n > 1)]
        if label_dtype is not None:
            sizes.append(label_dtype.itemsize)
        self.unit = reduce(math.gcd, (abs(s) for s in sizes if s), 0) or 1
        self.ncells = (self.stop - self.start) // self.unit
        self.cells = self._choose_cells(max_cells, extra_anchors)
        drawn = np.array([c for c in self.cells if c is not GAP], dtype=np.int64)
        used = (touched or view.touched_cells)(self.start + drawn * self.unit, self.unit)
        self.used = dict(zip(drawn.tolist(), used.tolist(), strict=True))
        label_dtype = next((d for d in (label_dtype, view.dtype)
                            if d is not None and d.itemsize == self.unit), None)
        self.texts = {c: self._label(c, label_dtype) for c in self.used}
        self.cell_width = cell_width(self.texts.values())

    def cell_of(self, byte: int) -> int:
        """Index of the cell that holds owner byte `byte`."""
        return (byte - self.start) // self.unit

    def _choose_cells(self, max_cells, extra_anchors) -> list[int | None]:
        if self.ncells <= max_cells:
            return list(range(self.ncells))
        v = self.view
        anchors = {0, self.ncells - 1}
        if v.size:
            first = v.offset
            last = v.offset + sum(s * (n - 1) for n, s in zip(v.shape, v.strides, strict=True))
            anchors |= {self.cell_of(first), self.cell_of(last)}
            anchors |= {self.cell_of(first + s) for n, s in zip(v.shape, v.strides, strict=True)
                        if n > 1}
        anchors |= {self.cell_of(b) for b in extra_anchors}
        anchors = sorted(a for a in anchors if 0 <= a < self.ncells)
        for radius in (3, 2, 1, 0):
            chosen = windows(anchors, self.ncells, radius)
            if len(chosen) <= max_cells:
                break
        return chosen

    def _label(self, c: int, dtype) -> str:
        if dtype is None or self.reader is None:
            return ""
        try:
            return format_value(self.reader(self.start + c * self.unit, dtype))
        except LookupError:
            return ""

    @property
    def width(self) -> float:
        """Width of the strip in inches."""
        return sum(_GAP_SIZE if c is GAP else self.cell_width for c in self.cells)

    def centres(self, x0: float) -> dict[int, float]:
        """x of each drawn cell's centre, by cell index, for a strip starting at `x0`."""
        centres = {}
        x = x0
        for c in self.cells:
            if c is GAP:
                x += _GAP_SIZE
                continue
            centres[c] = x + self.cell_width / 2
            x += self.cell_width
        return centres

    def draw(self, ax, x0: float, y0: float, style) -> dict[int, float]:
        """Draw the strip with its lower-left corner at (`x0`, `y0`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes
        x0, y0 : float
        style : callable
            ``style(byte, used) -> (face, edge)`` for the cell starting at owner byte `byte`.

        Returns
        -------
        dict
            x of each drawn cell's centre, by cell index (as :meth:`centres`).
        """
        centres = self.centres(x0)
        x = x0
        for c in self.cells:
            if c is GAP:
                ax.text(x + _GAP_SIZE / 2, y0 + CELL / 2, "…", ha="center", va="center",
                        family=FONT, fontsize=11, color=PALETTE["muted"])
                x += _GAP_SIZE
                continue
            byte = self.start + c * self.unit
            used = self.used[c]
            face, edge = style(byte, used)
            cell(ax, x, y0, self.texts[c], face=face, edge=edge, width=self.cell_width,
                 color=PALETTE["text"] if used else PALETTE["muted"])
            ax.text(x + self.cell_width / 2, y0 - 0.05, str(byte), ha="center", va="top",
                    family=FONT, fontsize=7, color=PALETTE["muted"],
                    rotation=0 if text_width(str(byte), 7) + 0.04 < self.cell_width else 60)
            x += self.cell_width
        return centres


def _byte_reader(owner):
    """A function ``read(byte, dtype)`` giving the value stored at an owner byte, or None.

    Values are read from the owner's bytes, so a cell shows what is really there. Object
    arrays hold pointers: their cells are labelled only when the owner itself holds
    objects; ``read`` raises LookupError for a value it cannot show.
    """
    if isinstance(owner, np.ndarray):
        if not (owner.flags.c_contiguous or owner.flags.f_contiguous):
            return None
        flat = owner.reshape(-1, order="A")
        if owner.dtype.hasobject:
            return lambda byte, dtype: _read_object(flat, byte, dtype)
        raw = flat.view(np.uint8)
    else:
        try:
            raw = np.frombuffer(owner, dtype=np.uint8)
        except (TypeError, ValueError):
            return None

    def read(byte, dtype):
        if dtype.hasobject:
            raise LookupError("object cells hold pointers; their values are not shown")
        return raw[byte:byte + dtype.itemsize].view(dtype)[0]

    return read


def _read_object(flat: np.ndarray, byte: int, dtype: np.dtype):
    """The object an object array's cell points to; LookupError for any other dtype."""
    if dtype != flat.dtype:
        raise LookupError("only the owner's own objects can be shown")
    return flat[byte // flat.itemsize]
