"""The bytes of one item of a dtype, drawn as a strip of byte cells.

Each byte of the item is a cell, numbered from the item's first byte. Fields are coloured
spans labelled with their name, dtype and offset; padding is hatched; the least and most
significant byte of every multi-byte number is marked, so byte order is visible. Several
dtypes are stacked on one byte scale to compare them (packed against ``align=True``).

All layout facts come from :func:`memlayout.dtype_layout`; this module only places them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from memlayout.drawing._style import CELL, FIELD_COLOURS, FONT, PALETTE, cell, new_figure, text_width
from memlayout.model.dtype import DtypeLayout, Segment, dtype_layout

#: Fields longer than this many bytes are drawn as their first and last bytes and a break.
_LONG = 24
#: Width of a break mark, in cells.
_GAP_COLUMNS = 3
#: Edge of every field's cells and outline; fields differ by their fill.
_FIELD_EDGE = "#4D4D4D"

_MARGIN = 0.3
_LABEL_SIZE = 8
_BYTE_SIZE = 6.5
_LINE = 0.14  # height of one line of 8-point text, in inches


def show_dtype(*dtypes, labels=None, title=None, max_cells: int = 24) -> Figure:
    """Draw the bytes of one item of each dtype: fields, offsets, padding, byte order.

    One row per dtype. A row is a strip of byte cells numbered from 0, the item's first
    (lowest-addressed) byte. Each field is a coloured span labelled with its dotted name,
    its dtype (``'f8'``, ``'>i4'``, ``'3×f8'`` for a subarray) and its offset; padding is
    hatched and labelled ``padding``; ``LSB`` and ``MSB`` mark the least and most
    significant byte of each multi-byte number. Rows share one byte scale, so the same
    byte of two dtypes sits in the same column.

    Fields longer than 24 bytes show their first and last bytes around a break mark that
    gives the bytes left out, and a row wider than `max_cells` cells leaves out whole
    fields in its middle, so a figure costs the same for a 16-byte struct and a 1 MB
    subarray. Such rows are no longer on the common byte scale.

    Parameters
    ----------
    *dtypes : numpy.dtype or anything ``np.dtype()`` accepts
        One or more dtypes, plain or structured (nested, aligned, with subarrays).
    labels : sequence of str, optional
        A name for each row, written before its summary (``'packed'``, ``'align=True'``).
    title : str, optional
        A title above all rows.
    max_cells : int, default 24
        Width of a row, in byte cells, beyond which fields in its middle are left out.
        Raise it to see every field of a larger struct; the first and last field are
        always drawn.

    Returns
    -------
    matplotlib.figure.Figure
        Built without pyplot; it displays once in Jupyter.

    Raises
    ------
    TypeError
        If no dtype is given, or an argument does not describe a dtype.
    ValueError
        If `labels` does not give one label per dtype, or `max_cells` is below 8.

    See Also
    --------
    memlayout.dtype_layout : the facts drawn here, as data.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> fields = [("flag", np.uint8), ("value", np.float64)]
    >>> fig = memlayout.show_dtype(np.dtype(fields), np.dtype(fields, align=True),
    ...                            labels=["packed", "align=True"])
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("align"))
    ['align=True: 16 bytes per item: 9 in fields, 7 padding · alignment 8']
    >>> fig = memlayout.show_dtype(np.dtype([("x", np.float64, (1000,))]))
    >>> len(fig.axes[0].patches) < 40
    True
    """
    if not dtypes:
        raise TypeError("show_dtype() needs at least one dtype, e.g. show_dtype(np.float64)")
    layouts = [dtype_layout(d) for d in dtypes]
    if labels is None:
        labels = [None] * len(layouts)
    elif isinstance(labels, str) or len(labels) != len(layouts):
        raise ValueError(f"show_dtype() got {len(layouts)} dtype(s); give labels as a list "
                         f"with one string per dtype, not {labels!r}")
    if not isinstance(max_cells, int) or max_cells < 8:
        raise ValueError(f"show_dtype() needs max_cells to be an int of at least 8, not {max_cells!r}")
    rows = [_Row(lay, label, max_cells) for lay, label in zip(layouts, labels, strict=True)]
    notes = ["Cells are bytes, numbered from the item's first (lowest-addressed) byte."]
    if any(row.has_markers for row in rows):
        notes.append("LSB / MSB: least / most significant byte of each number.")
    title_height = 0.45 if title else 0.0
    note_height = 0.12 + _LINE * len(notes)
    width = 2 * _MARGIN + max(
        max(row.width for row in rows),
        text_width(str(title or ""), 11),
        max(text_width(note, _LABEL_SIZE) for note in notes))
    height = title_height + sum(row.height for row in rows) + note_height + 0.1
    fig, ax = new_figure(width, height)
    y = height - title_height
    if title:
        ax.text(_MARGIN, height - 0.15, str(title), ha="left", va="top", fontsize=11,
                weight="bold", family=FONT, color=PALETTE["text"])
    for row in rows:
        y -= row.height
        row.draw(ax, y)
    ax.text(_MARGIN, 0.1, "\n".join(notes), ha="left", va="bottom", fontsize=_LABEL_SIZE,
            family=FONT, color=PALETTE["muted"], linespacing=1.2)
    return fig


@dataclass(frozen=True)
class _Gap:
    """Bytes ``[start, stop)`` of a row drawn as one break mark reading `text`.

    `segment` is the long field the break belongs to, or None for whole fields left out.
    """

    start: int
    stop: int
    text: str
    segment: Segment | None


class _Scale:
    """Where each byte of a row is drawn, counted in cells, given the row's break marks."""

    def __init__(self, gaps: list[_Gap]) -> None:
        self.gaps = gaps
        self._starts = [g.start for g in gaps]
        self._saved = [0]
        for g in gaps:
            self._saved.append(self._saved[-1] + g.stop - g.start - _GAP_COLUMNS)

    def column(self, byte: int) -> float:
        """Column where `byte` begins; bytes inside a break spread evenly over its mark."""
        i = bisect_left(self._starts, byte)
        if i and byte < self.gaps[i - 1].stop:
            g = self.gaps[i - 1]
            return g.start - self._saved[i - 1] + _GAP_COLUMNS * (byte - g.start) / (g.stop - g.start)
        return byte - self._saved[i]

    def runs(self, start: int, stop: int):
        """Yield the ``(a, b)`` runs of bytes in ``[start, stop)`` outside every break."""
        a = start
        for g in self.gaps[max(bisect_right(self._starts, start) - 1, 0):]:
            if g.start >= stop:
                break
            if g.stop > a:
                if g.start > a:
                    yield a, g.start
                a = g.stop
        if a < stop:
            yield a, stop


@dataclass(frozen=True)
class _Label:
    """The label of one segment: its text lines, anchor x in inches and stacking level."""

    segment: Segment
    lines: tuple[str, ...]
    x: float
    level: int


class _Row:
    """Geometry of the row that draws `lay`, computed before any drawing.

    Heights and widths are in inches; the row is drawn with its bottom at a given y.
    """

    _NUMBERS = 0.28  # band for byte numbers under the cells
    _HEADER = 0.42  # band for the summary line above the labels

    def __init__(self, lay: DtypeLayout, label: str | None, max_cells: int) -> None:
        self.lay = lay
        self.header = _summary(lay) if label is None else f"{label}: {_summary(lay)}"
        self.gaps = _choose_gaps(lay, max_cells)
        self.scale = _Scale(self.gaps)
        self.ncols = self.scale.column(lay.itemsize)
        self.lanes = _lanes(lay.segments)
        self.nlanes = max(self.lanes.values(), default=0) + 1
        self.labels = self._place_labels()
        nlevels = max((lab.level for lab in self.labels), default=-1) + 1
        self.level_bottoms = [0.0]
        for level in range(nlevels):
            lines = max(len(lab.lines) for lab in self.labels if lab.level == level)
            self.level_bottoms.append(self.level_bottoms[-1] + _LINE * lines + 0.1)
        self.has_markers = any(s.scalar_bytes > 1 for s in self._shown())
        label_right = max((lab.x + 0.05 + _lines_width(lab.lines) for lab in self.labels),
                          default=0.0)
        self.width = max(self.ncols * CELL, label_right, text_width(self.header, 9))
        self.height = (self._NUMBERS + self.nlanes * CELL + 0.12
                       + self.level_bottoms[-1] + self._HEADER)

    def x(self, byte: int) -> float:
        """Inches from the figure's left edge to where `byte` begins."""
        return _MARGIN + self.scale.column(byte) * CELL

    def _shown(self) -> list[Segment]:
        """Segments with at least one byte drawn as a cell."""
        return [s for s in self.lay.segments if next(self.scale.runs(s.start, s.stop), None)]

    def _place_labels(self) -> list[_Label]:
        """Stack labels so that none overlaps another or crosses another's leader line.

        Labels hang to the right of a leader at their segment's first byte. Placed from
        the rightmost leader leftwards, each goes one level above every label whose
        leader its text would cover. Fields of upper lanes (unions) have their leader a
        little further right.
        """
        anchors = {seg: self.x(seg.start) + 0.06 + 0.12 * self.lanes[seg] for seg in self._shown()}
        placed: list[_Label] = []
        for seg, x in sorted(anchors.items(), key=lambda item: item[1], reverse=True):
            lines = _label_lines(seg)
            right = x + 0.05 + _lines_width(lines) + 0.12
            covered = [lab.level for lab in placed if x <= lab.x <= right]
            placed.append(_Label(seg, lines, x, max(covered, default=-1) + 1))
        return placed

    def draw(self, ax, y0: float) -> None:
        """Draw the row with its bottom edge at `y0` inches."""
        y_cells = y0 + self._NUMBERS
        colours = _field_colours(self.lay.segments)
        for seg in self._shown():
            self._draw_segment(ax, seg, y_cells + self.lanes[seg] * CELL, colours[seg])
        for gap in self.gaps:
            if gap.segment is None:
                self._draw_break(ax, gap, y_cells, self.nlanes * CELL, PALETTE["unused"])
        for a, b in self.scale.runs(0, self.lay.itemsize):
            for byte in range(a, b):
                ax.text(self.x(byte) + CELL / 2, y_cells - 0.05, str(byte), ha="center",
                        va="top", fontsize=_BYTE_SIZE if byte < 10**7 else 5, family=FONT,
                        color=PALETTE["muted"])
        labels_y = y_cells + self.nlanes * CELL + 0.12
        for lab in self.labels:
            self._draw_label(ax, lab, y_cells, labels_y, colours[lab.segment])
        ax.text(_MARGIN, labels_y + self.level_bottoms[-1] + 0.05, self.header,
                ha="left", va="bottom", fontsize=9, weight="bold", family=FONT,
                color=PALETTE["text"])

    def _draw_segment(self, ax, seg: Segment, y: float, colour: tuple[str, str]) -> None:
        face, edge = colour
        hatch = "///" if seg.is_padding else None
        for a, b in self.scale.runs(seg.start, seg.stop):
            for byte in range(a, b):
                cell(ax, self.x(byte), y, face=face, edge=edge, hatch=hatch)
            self._draw_order_marks(ax, seg, a, b, y)
            self._draw_element_edges(ax, seg, a, b, y, edge)
        for gap in self.gaps:
            if gap.segment is seg:
                self._draw_break(ax, gap, y, CELL, face)
        x0, x1 = self.x(seg.start), self.x(seg.stop)
        ax.add_patch(Rectangle((x0, y), x1 - x0, CELL, fill=False, edgecolor=edge,
                               linewidth=0.8 if seg.is_padding else 2.0))

    def _draw_element_edges(self, ax, seg: Segment, a: int, b: int, y: float, edge: str) -> None:
        """Draw a bold line between the elements of a subarray field within ``[a, b)``."""
        if seg.is_padding or not seg.dtype.shape:
            return
        size = seg.dtype.base.itemsize
        first = seg.start + max(1, -(-(a - seg.start) // size)) * size
        for start in range(first, min(b + 1, seg.stop), size):
            ax.plot([self.x(start)] * 2, [y, y + CELL], color=edge, linewidth=2.0)

    def _draw_order_marks(self, ax, seg: Segment, a: int, b: int, y: float) -> None:
        """Write LSB and MSB in the end cells of every number wholly inside ``[a, b)``."""
        size = seg.scalar_bytes
        if size == 1:
            return
        low, high = ("LSB", "MSB") if seg.byteorder == "little" else ("MSB", "LSB")
        first = seg.start + -(-(a - seg.start) // size) * size
        for start in range(first, b - size + 1, size):
            for byte, text in ((start, low), (start + size - 1, high)):
                ax.text(self.x(byte) + CELL / 2, y + CELL / 2, text, ha="center",
                        va="center", fontsize=6, family=FONT, color=PALETTE["text"])

    def _draw_break(self, ax, gap: _Gap, y: float, height: float, face: str) -> None:
        x0 = self.x(gap.start)
        ax.add_patch(Rectangle((x0, y), _GAP_COLUMNS * CELL, height, facecolor=face,
                               edgecolor=PALETTE["muted"], linewidth=1.0, linestyle=(0, (2, 2))))
        ax.text(x0 + _GAP_COLUMNS * CELL / 2, y + height / 2, gap.text, ha="center",
                va="center", fontsize=7, family=FONT, color=PALETTE["text"],
                linespacing=1.1)

    def _draw_label(self, ax, lab: _Label, y_cells: float, labels_y: float,
                    colour: tuple[str, str]) -> None:
        top = labels_y + self.level_bottoms[lab.level + 1] - 0.1
        seg_top = y_cells + (self.lanes[lab.segment] + 1) * CELL
        padding = lab.segment.is_padding
        ax.plot([lab.x, lab.x], [seg_top, top], color=PALETTE["muted"] if padding else colour[1],
                linewidth=1.0, solid_capstyle="butt")
        ax.text(lab.x + 0.05, top, "\n".join(lab.lines), ha="left", va="top",
                fontsize=_LABEL_SIZE, family=FONT, linespacing=1.2,
                color=PALETTE["muted"] if padding else PALETTE["text"])


def _choose_gaps(lay: DtypeLayout, max_cells: int) -> list[_Gap]:
    """The byte runs of `lay` to draw as break marks, sorted and disjoint.

    A field longer than ``_LONG`` keeps its first and last few numbers. If the row is still
    wider than `max_cells` cells, whole segments between the first and the last are
    left out; if even that is not enough (overlapping fields), the middle bytes are.
    """
    segs = lay.segments
    bounds = sorted({b for s in segs for b in (s.start, s.stop)})
    gaps = {}
    for s in segs:
        keep = s.scalar_bytes * -(-4 // s.scalar_bytes)
        a, b = s.start + keep, s.stop - keep
        if s.nbytes > _LONG and bisect_right(bounds, a) == bisect_left(bounds, b):
            gaps[a, b] = _Gap(a, b, f"{b - a:,} more\nbytes", s)
    gaps = sorted(gaps.values(), key=lambda g: g.start)

    column = _Scale(gaps).column
    total = column(lay.itemsize)
    if total <= max_cells or not segs:
        return gaps
    half = max_cells // 2
    first_end, last_start = segs[0].stop, max(s.start for s in segs)
    inner = [b for b in bounds if first_end <= b <= last_start]
    p = max((b for b in inner if column(b) <= half), default=first_end)
    q = min((b for b in inner if total - column(b) <= half), default=last_start)
    if p < q:
        left_out = [s for s in segs if p <= s.start and s.stop <= q and not s.is_padding]
        text = f"{len(left_out)} more field{'s' if len(left_out) != 1 else ''}\n{q - p:,} bytes"
        gaps = [g for g in gaps if g.stop <= p or g.start >= q] + [_Gap(p, q, text, None)]
        gaps.sort(key=lambda g: g.start)
    if _Scale(gaps).column(lay.itemsize) <= 2 * max_cells:
        return gaps
    a, b = half, lay.itemsize - half
    return [_Gap(a, b, f"{b - a:,} more\nbytes", None)]


def _lanes(segments) -> dict[Segment, int]:
    """Lane of each segment: 0 unless it overlaps an earlier field (a union)."""
    ends: list[int] = []
    lanes = {}
    for seg in segments:
        lane = next((i for i, end in enumerate(ends) if end <= seg.start), len(ends))
        ends[lane:lane + 1] = [seg.stop]
        lanes[seg] = lane
    return lanes


def _field_colours(segments) -> dict[Segment, tuple[str, str]]:
    """Face and edge colour of each segment; neighbouring fields get different colours."""
    colours = {}
    fields = 0
    for seg in segments:
        if seg.is_padding:
            colours[seg] = (PALETTE["padding"], PALETTE["unused_edge"])
        else:
            colours[seg] = (FIELD_COLOURS[fields % len(FIELD_COLOURS)], _FIELD_EDGE)
            fields += 1
    return colours


def _short(dtype) -> str:
    """A dtype as a learner writes it: ``'f8'``, ``'>i4'``, ``'3×f8'``, ``'(2, 3)×bool'``."""
    base = dtype.base
    if base.names is not None:
        text = "struct"
    elif base.kind == "b":
        text = "bool"
    else:
        text = base.str[1:] if base.str[0] == "|" or base.isnative else base.str
    if dtype.shape:
        shape = str(dtype.shape[0]) if len(dtype.shape) == 1 else str(dtype.shape)
        return f"{shape}×{text}"
    return text


def _label_lines(seg: Segment) -> tuple[str, ...]:
    """Text of a segment's label: name and dtype, offset and size, then byte order."""
    size = f"{seg.nbytes:,} byte{'s' if seg.nbytes != 1 else ''}"
    if seg.is_padding:
        return ("padding", f"offset {seg.start}", size)
    base = seg.dtype.base
    kind = "O (object)" if base.kind == "O" else _short(seg.dtype)
    lines = [f"{seg.name}: {kind}" if seg.name else kind, f"offset {seg.start}, {size}"]
    if base.kind == "O":
        lines.append("pointer to a Python object")
    elif seg.scalar_bytes > 1:
        order = f"{seg.byteorder}-endian"
        lines.append({"U": f"{order}, {seg.scalar_bytes} bytes per character",
                      "c": f"real, then imaginary part, each {order}"}.get(base.kind, order))
    return tuple(lines)


def _summary(lay: DtypeLayout) -> str:
    """One line of totals: bytes per item, bytes in fields and padding, alignment."""
    if lay.dtype.names is None:
        kind = lay.dtype.kind
        what = ("a pointer to a Python object" if kind == "O"
                else f"one {lay.dtype.name} value" if kind in "biufcmM"
                else f"one {_short(lay.dtype)} value")
    else:
        padding = f"{lay.padding_bytes:,} padding" if lay.padding_bytes else "no padding"
        what = f"{lay.field_bytes:,} in fields, {padding}"
    size = "1 byte" if lay.itemsize == 1 else f"{lay.itemsize:,} bytes"
    return f"{size} per item: {what} · alignment {lay.alignment}"


def _lines_width(lines) -> float:
    """Width in inches of the longest of `lines` at the label size."""
    return max(text_width(line, _LABEL_SIZE) for line in lines)
