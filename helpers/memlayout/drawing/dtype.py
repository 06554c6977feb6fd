"""The bytes of one item of a dtype, drawn as strips of byte cells holding a real item's bytes.

Each byte of the item is a cell, numbered from the item's first byte and showing, in hex,
what that byte holds in an example item (1,000,000 in an integer, 1.0 in a float, 'aé€' in
a string), so byte order is seen, not only named. Fields are coloured by their name (the
same name, the same colour, in every row of one figure) and labelled with name, dtype
(``dtype.str``) and offset; padding is hatched; the least and most significant byte of
every number is marked. Several dtypes are stacked on one byte scale to compare them
(packed against ``align=True``); a wide item folds into lines of 16 bytes.

All layout facts come from :func:`memlayout.dtype_layout`; this module only places them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from memlayout.drawing._style import CELL, FIELD_COLOURS, FONT, PALETTE, cell, new_figure, text_width
from memlayout.drawing._text import drawable
from memlayout.model._checks import MAX_DRAWN_CELLS, require_int, require_names, require_optional_str
from memlayout.model.dtype import DtypeLayout, Segment, dtype_layout

#: Fields longer than this many bytes are drawn as their first and last bytes and a break.
_LONG = 24
#: Width of a break mark, in cells.
_GAP_COLUMNS = 3
#: A row of at most this many cells is drawn on one line; a wider one folds into lines of
#: ``_FOLD`` cells.
_ONE_LINE = 24
_FOLD = 16
#: Most fields drawn one above the other where fields overlap (a union).
_MAX_LANES = 4

_MARGIN = 0.3
_LABEL_SIZE = 8
_BYTE_SIZE = 7
_LINE = 0.14  # height of one line of 8-point text, in inches
_NUMBERS = 0.24  # band for byte numbers under the cells
_CHARACTERS = 0.17  # band for the characters of a string under the byte numbers
_HEADER = 0.32  # band for a row's summary line
_LINE_GAP = 0.12  # between two lines of one folded row


def show_dtype(*dtypes, labels=None, title=None, max_cells: int = 24) -> Figure:
    """Draw the bytes of one item of each dtype: fields, offsets, padding, byte order.

    One row per dtype. A row is a strip of byte cells numbered from 0, the item's first
    (lowest-addressed) byte. Each cell shows, in hex, the byte an example item holds there:
    every integer field holds 1,000,000 (1,000 or 100 if it is smaller), every float 1.0,
    a complex number 1+2j, a string 'aé€' (its characters and their code units are written
    under the cells), a bool True. Each field is a span coloured by its name (the same in
    every row of the figure, so a reordered struct compares at a glance) and labelled with
    its dotted name, its dtype (``dtype.str``: ``'<f8'``, ``'>i4'``, ``'3×<f8'`` for a
    subarray), its value and its offset; padding is hatched and labelled ``padding``;
    ``LSB`` and ``MSB`` mark the least and most significant byte of each number. A long
    double of x86-64 shows its 10 value bytes and 6 bytes of padding. Rows share one byte
    scale, so the same byte of two dtypes sits in the same column; a row wider than 24
    cells folds into lines of 16.

    Fields longer than 24 bytes show their first and last bytes around a break mark that
    gives the bytes left out, a row wider than `max_cells` cells leaves out whole fields in
    its middle, and at most 4 overlapping fields of a union are drawn, so a figure costs the
    same for a 16-byte struct, a 1 MB subarray and a 400-field union. Rows with breaks are
    no longer on the common byte scale.

    Parameters
    ----------
    *dtypes : numpy.dtype or anything ``np.dtype()`` accepts, except None
        One or more dtypes, plain or structured (nested, aligned, with subarrays).
    labels : sequence of str, optional
        A name for each row, written before its summary (``'packed'``, ``'align=True'``).
    title : str, optional
        A title above all rows.
    max_cells : int, default 24
        Width of a row, in byte cells, beyond which fields in its middle are left out
        (8 to 1,024). Raise it to see every field of a larger struct; the first and last
        field are always drawn.

    Returns
    -------
    matplotlib.figure.Figure
        Built without pyplot; it displays once in Jupyter.

    Raises
    ------
    TypeError
        If no dtype is given, an argument does not describe a dtype (None included: NumPy
        would read it as float64), or `labels`, `title` or `max_cells` has the wrong type.
    ValueError
        If `labels` does not give one label per dtype, or `max_cells` is not from 8 to 1,024.

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
    >>> fig = memlayout.show_dtype(np.dtype(">i4"))
    >>> [t.get_text() for t in fig.axes[0].texts if len(t.get_text()) == 2]
    ['00', '0f', '42', '40']
    """
    if not dtypes:
        raise TypeError("show_dtype() needs at least one dtype, e.g. show_dtype(np.float64)")
    layouts = [dtype_layout(d) for d in dtypes]
    labels = [drawable(label) for label in
              require_names(labels, len(layouts), "labels", "show_dtype", "dtype") or [None] * len(layouts)]
    require_optional_str(title, "title", "show_dtype")
    title = drawable(title)
    max_cells = require_int(max_cells, "max_cells", "show_dtype", minimum=8, maximum=MAX_DRAWN_CELLS)
    colours = _colours_by_name(layouts)
    rows = [_Row(lay, label, max_cells, colours) for lay, label in zip(layouts, labels, strict=True)]
    notes = ["Cells are bytes, numbered from the item's first (lowest-addressed) byte;",
             "each shows in hex what the byte holds in an example item."]
    if any(row.has_markers for row in rows):
        notes.append("LSB / MSB: least / most significant byte of each number.")
    title_height = 0.4 if title else 0.0
    note_height = 0.12 + _LINE * len(notes)
    width = 2 * _MARGIN + max(
        max(row.width for row in rows),
        text_width(str(title or ""), 11),
        max(text_width(note, _LABEL_SIZE) for note in notes))
    height = title_height + sum(row.height for row in rows) + note_height + 0.1
    fig, ax = new_figure(width, height)
    y = height - title_height
    if title:
        ax.text(_MARGIN, height - 0.15, title, ha="left", va="top", fontsize=11,
                weight="bold", family=FONT, color=PALETTE["text"])
    for row in rows:
        row.draw(ax, y)
        y -= row.height
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


class _Example:
    """The bytes of an example item, field by field, for the cells to show.

    Each field holds the example value of its kind; a subarray holds it in every element.
    Only one element of each field is ever built, so a 1 MB subarray costs nothing.
    """

    def __init__(self, seg: Segment) -> None:
        self.seg = seg
        value = None if seg.is_padding else _example_value(seg.dtype.base)
        self.value = value
        self.pattern = None if value is None else np.array(value, dtype=seg.dtype.base).tobytes()

    def byte(self, byte: int) -> str:
        """Hex text of item byte `byte` of this field, or '' for padding inside a number."""
        if self.pattern is None:
            return ""
        within = (byte - self.seg.start) % len(self.pattern)
        if within % self.seg.scalar_bytes >= self.seg.value_bytes:
            return ""
        return f"{self.pattern[within]:02x}"

    def characters(self):
        """Yield (first byte, size, text) of each character of a string field, else nothing."""
        base = None if self.seg.is_padding else self.seg.dtype.base
        if base is None or base.kind not in "SU":
            return
        unit = 4 if base.kind == "U" else 1
        text = self.value + "\0" * (base.itemsize // unit - len(self.value)) if unit == 4 \
            else self.value.decode() + "\0" * (base.itemsize - len(self.value))
        for start in range(self.seg.start, self.seg.stop, base.itemsize):
            for k, char in enumerate(text):
                shown = "\\0" if char == "\0" else char
                yield start + k * unit, unit, f"{shown!s}" if unit == 1 else f"{shown} U+{ord(char):04X}"

    @property
    def text(self) -> str:
        """The value as the label writes it, or '' where no value is shown."""
        if self.value is None:
            return ""
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            return f"{self.value:,}"
        if isinstance(self.value, (bool, float, complex, str, bytes)):
            return repr(self.value)
        return str(self.value)


def _example_value(base: np.dtype):
    """The value every field of dtype `base` holds in the example item (None: not shown)."""
    kind = base.kind
    if kind == "b":
        return True
    if kind in "iu":
        return next(v for v in (1_000_000, 1_000, 100) if v <= np.iinfo(base).max)
    if kind == "f":
        return 1.0
    if kind == "c":
        return 1 + 2j
    if kind == "U":
        return "aé€"[:base.itemsize // 4]
    if kind == "S":
        return b"abc"[:base.itemsize]
    if kind == "m":
        return np.timedelta64(1_000, np.datetime_data(base)[0]) if base.str[-1] == "]" else None
    if kind == "M":
        return np.datetime64("2000-01-01", np.datetime_data(base)[0]) if base.str[-1] == "]" else None
    return None  # objects hold addresses, void items raw bytes: nothing to show


@dataclass
class _Line:
    """One line of a folded row: item bytes ``[start, stop)``, from column `column`."""

    start: int
    stop: int
    column: float
    labels: list[_Label]
    level_bottoms: list[float]
    characters: bool

    @property
    def label_height(self) -> float:
        return self.level_bottoms[-1]


class _Row:
    """Geometry of the row that draws `lay`, computed before any drawing.

    Heights and widths are in inches; the row is drawn below a given top y.
    """

    def __init__(self, lay: DtypeLayout, label: str | None, max_cells: int, colours) -> None:
        self.lay = lay
        self.colours = colours
        self.gaps = _choose_gaps(lay, max_cells)
        self.scale = _Scale(self.gaps)
        lanes = _lanes(lay.segments)
        self.hidden = sum(1 for lane in lanes.values() if lane >= _MAX_LANES)
        self.lanes = {seg: lane for seg, lane in lanes.items() if lane < _MAX_LANES}
        self.nlanes = max(self.lanes.values(), default=0) + 1
        self.shown = [s for s in self.lanes if next(self.scale.runs(s.start, s.stop), None)
                      or any(g.segment is s for g in self.gaps)]
        self.examples = {s: _Example(s) for s in self.shown}
        summary = _summary(lay) + (f" · {self.hidden:,} more overlapping fields not drawn"
                                   if self.hidden else "")
        self.header = summary if label is None else f"{label}: {summary}"
        self.lines = [self._line(start, stop) for start, stop in self._fold()]
        self.has_markers = any(s.scalar_bytes > 1 and not s.is_padding for s in self.shown)
        self.width = max(text_width(self.header, 9) + 0.05,  # bold runs a little wider
                         *(self._line_width(line) for line in self.lines))
        self.height = _HEADER + sum(self._line_height(line) for line in self.lines) \
            + _LINE_GAP * (len(self.lines) - 1)

    def _fold(self) -> list[tuple[int, int]]:
        """Byte ranges of the lines: the whole item, or lines of ``_FOLD`` cells.

        A break mark is never split between two lines.
        """
        total = self.scale.column(self.lay.itemsize)
        if total <= _ONE_LINE:
            return [(0, self.lay.itemsize)]
        cuts = [0]
        used = 0.0
        units = [("run", a, b) for a, b in self.scale.runs(0, self.lay.itemsize)]
        units += [("gap", g.start, g.stop) for g in self.gaps]
        for kind, a, b in sorted(units, key=lambda u: u[1]):
            if kind == "gap":
                if used + _GAP_COLUMNS > _FOLD and used:
                    cuts.append(a)
                    used = 0.0
                used += _GAP_COLUMNS
                continue
            while a < b:
                if used >= _FOLD:
                    cuts.append(a)
                    used = 0.0
                take = min(b - a, int(_FOLD - used))
                a += take
                used += take
        return list(zip(cuts, [*cuts[1:], self.lay.itemsize], strict=True))

    def _line(self, start: int, stop: int) -> _Line:
        column = self.scale.column(start)
        firsts = [s for s in self.shown if start <= self._first_drawn(s) < stop]
        labels = self._place_labels(firsts, column)
        nlevels = max((lab.level for lab in labels), default=-1) + 1
        bottoms = [0.0]
        for level in range(nlevels):
            lines = max(len(lab.lines) for lab in labels if lab.level == level)
            bottoms.append(bottoms[-1] + _LINE * lines + 0.1)
        characters = any(start <= b < stop for s in self.shown
                         for b, *_ in self.examples[s].characters())
        return _Line(start, stop, column, labels, bottoms, characters)

    def _first_drawn(self, seg: Segment) -> int:
        run = next(self.scale.runs(seg.start, seg.stop), None)
        gap = next((g.start for g in self.gaps if g.segment is seg), None)
        return min(b for b in (run and run[0], gap) if b is not None)

    def _line_width(self, line: _Line) -> float:
        cells = (self.scale.column(line.stop) - line.column) * CELL
        labels = max((lab.x - _MARGIN + 0.05 + _lines_width(lab.lines) for lab in line.labels),
                     default=0.0)
        return max(cells, labels)

    def _line_height(self, line: _Line) -> float:
        return (line.label_height + 0.12 + self.nlanes * CELL + self._numbers_height(line)
                + (_CHARACTERS if line.characters else 0))

    def _numbers_upright(self, line: _Line) -> bool:
        """Whether the byte numbers of `line` fit their cells written across."""
        return text_width(str(line.stop - 1), _BYTE_SIZE) + 0.04 < CELL

    def _numbers_height(self, line: _Line) -> float:
        if self._numbers_upright(line):
            return _NUMBERS
        return text_width(str(line.stop - 1), _BYTE_SIZE) + 0.1

    def x(self, byte: int, line: _Line) -> float:
        """Inches from the figure's left edge to where `byte` begins on `line`."""
        return _MARGIN + (self.scale.column(byte) - line.column) * CELL

    def _place_labels(self, segments, column: float) -> list[_Label]:
        """Stack labels so that none overlaps another or crosses another's leader line.

        Labels hang to the right of a leader at their segment's first byte. Placed from
        the rightmost leader leftwards, each goes one level above every label whose
        leader its text would cover. Fields of upper lanes (unions) have their leader a
        little further right, all of them left of the text in the first cell they cross.
        """
        anchors = {seg: _MARGIN + (self.scale.column(seg.start) - column) * CELL + 0.04
                   + 0.025 * self.lanes[seg] for seg in segments}
        placed: list[_Label] = []
        for seg, x in sorted(anchors.items(), key=lambda item: item[1], reverse=True):
            lines = _label_lines(seg, self.examples[seg])
            right = x + 0.05 + _lines_width(lines) + 0.12
            covered = [lab.level for lab in placed if x <= lab.x <= right]
            placed.append(_Label(seg, lines, max(x, _MARGIN), max(covered, default=-1) + 1))
        return placed

    def draw(self, ax, top: float) -> None:
        """Draw the row with its top edge at `top` inches."""
        ax.text(_MARGIN, top - 0.1, self.header, ha="left", va="top", fontsize=9,
                weight="bold", family=FONT, color=PALETTE["text"])
        y = top - _HEADER
        for line in self.lines:
            y -= self._line_height(line)
            self._draw_line(ax, line, y)
            y -= _LINE_GAP

    def _draw_line(self, ax, line: _Line, y0: float) -> None:
        y_numbers = y0 + (_CHARACTERS if line.characters else 0)
        y_cells = y_numbers + self._numbers_height(line)
        upright = self._numbers_upright(line)
        for seg in self.shown:
            if seg.start < line.stop and seg.stop > line.start:
                self._draw_segment(ax, seg, line, y_cells + self.lanes[seg] * CELL)
        for gap in self.gaps:
            if gap.segment is None and line.start <= gap.start < line.stop:
                self._draw_break(ax, gap, line, y_cells, self.nlanes * CELL, PALETTE["padding"])
        for a, b in self.scale.runs(line.start, line.stop):
            for byte in range(a, b):
                ax.text(self.x(byte, line) + CELL / 2, y_cells - 0.04, str(byte), ha="center",
                        va="top", fontsize=_BYTE_SIZE, family=FONT, color=PALETTE["muted"],
                        rotation=0 if upright else 90)
        for seg in self.shown:
            for byte, size, text in self.examples[seg].characters():
                if line.start <= byte < line.stop and next(self.scale.runs(byte, byte + size), None):
                    ax.text((self.x(byte, line) + self.x(byte + size, line)) / 2, y0, text,
                            ha="center", va="bottom", fontsize=_BYTE_SIZE, family=FONT,
                            color=PALETTE["text"])
        labels_y = y_cells + self.nlanes * CELL + 0.12
        for lab in line.labels:
            self._draw_label(ax, lab, line, y_cells, labels_y)

    def _draw_segment(self, ax, seg: Segment, line: _Line, y: float) -> None:
        face = self.colours[seg.name] if not seg.is_padding else PALETTE["padding"]
        edge = PALETTE["unused_edge"] if seg.is_padding else PALETTE["edge"]
        start, stop = max(seg.start, line.start), min(seg.stop, line.stop)
        example = self.examples[seg]
        for a, b in self.scale.runs(start, stop):
            for byte in range(a, b):
                text = example.byte(byte)
                if seg.is_padding or (not text and example.pattern):  # bytes nothing reads
                    cell(ax, self.x(byte, line), y, face=PALETTE["padding"],
                         edge=PALETTE["unused_edge"], hatch="///")
                else:
                    cell(ax, self.x(byte, line), y, face=face, edge=edge)
                self._draw_byte(ax, seg, byte, text, self.x(byte, line), y)
            self._draw_element_edges(ax, seg, line, a, b, y)
        for gap in self.gaps:
            if gap.segment is seg and line.start <= gap.start < line.stop:
                self._draw_break(ax, gap, line, y, CELL, face)
        x0, x1 = self.x(start, line), self.x(stop, line)
        ax.add_artist(Rectangle((x0, y), x1 - x0, CELL, fill=False, edgecolor=edge,
                               linewidth=0.8 if seg.is_padding else 2.0))

    def _draw_byte(self, ax, seg: Segment, byte: int, text: str, x: float, y: float) -> None:
        """Write a byte's hex value, and LSB or MSB if it is an end of a number."""
        mark = _order_mark(seg, byte)
        if text:
            ax.text(x + CELL / 2, y + (0.64 if mark else 0.5) * CELL, text, ha="center",
                    va="center", fontsize=8, family=FONT, color=PALETTE["text"])
        if mark:
            ax.text(x + CELL / 2, y + 0.06, mark, ha="center", va="bottom", fontsize=6,
                    family=FONT, color=PALETTE["text"])

    def _draw_element_edges(self, ax, seg: Segment, line: _Line, a: int, b: int, y: float) -> None:
        """Draw a bold line between the elements of a subarray field within ``[a, b)``."""
        if seg.is_padding or not seg.dtype.shape:
            return
        size = seg.dtype.base.itemsize
        first = seg.start + max(1, -(-(a - seg.start) // size)) * size
        for start in range(first, min(b + 1, seg.stop), size):
            ax.plot([self.x(start, line)] * 2, [y, y + CELL], color=PALETTE["edge"], linewidth=2.0)

    def _draw_break(self, ax, gap: _Gap, line: _Line, y: float, height: float, face: str) -> None:
        x0 = self.x(gap.start, line)
        ax.add_artist(Rectangle((x0, y), _GAP_COLUMNS * CELL, height, facecolor=face,
                               edgecolor=PALETTE["muted"], linewidth=1.0, linestyle=(0, (2, 2))))
        ax.text(x0 + _GAP_COLUMNS * CELL / 2, y + height / 2, gap.text, ha="center",
                va="center", fontsize=7, family=FONT, color=PALETTE["text"], linespacing=1.1)

    def _draw_label(self, ax, lab: _Label, line: _Line, y_cells: float, labels_y: float) -> None:
        top = labels_y + line.level_bottoms[lab.level + 1] - 0.1
        seg_top = y_cells + (self.lanes[lab.segment] + 1) * CELL
        padding = lab.segment.is_padding
        ax.plot([lab.x, lab.x], [seg_top, top], color=PALETTE["muted"] if padding else PALETTE["edge"],
                linewidth=1.0, solid_capstyle="butt")
        ax.text(lab.x + 0.05, top, "\n".join(lab.lines), ha="left", va="top",
                fontsize=_LABEL_SIZE, family=FONT, linespacing=1.2,
                color=PALETTE["muted"] if padding else PALETTE["text"])


def _order_mark(seg: Segment, byte: int) -> str:
    """'LSB' or 'MSB' if `byte` is the least or most significant byte of a number of `seg`."""
    if seg.is_padding or seg.scalar_bytes == 1:
        return ""
    within = (byte - seg.start) % seg.scalar_bytes
    low, high = (0, seg.value_bytes - 1) if seg.byteorder == "little" else (seg.value_bytes - 1, 0)
    return {low: "LSB", high: "MSB"}.get(within, "")


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


def _colours_by_name(layouts) -> dict[str, str]:
    """Fill of every field name, in the order names first appear in the rows.

    A name keeps its colour in every row, so the same field of two dtypes looks the same.
    """
    colours: dict[str, str] = {}
    for lay in layouts:
        for seg in lay.fields:
            colours.setdefault(seg.name, FIELD_COLOURS[len(colours) % len(FIELD_COLOURS)])
    return colours


def _short(dtype) -> str:
    """A dtype as ``dtype.str`` writes it: ``'<f8'``, ``'>i4'``, ``'|b1 (bool)'``, ``'3×<f8'``."""
    base = dtype.base
    text = "struct" if base.names is not None else base.str + (" (bool)" if base.kind == "b" else "")
    if dtype.shape:
        shape = str(dtype.shape[0]) if len(dtype.shape) == 1 else str(dtype.shape)
        return f"{shape}×{text}"
    return text


def _label_lines(seg: Segment, example: _Example) -> tuple[str, ...]:
    """Text of a segment's label: name, dtype and value, offset and size, then byte order."""
    size = f"{seg.nbytes:,} byte{'s' if seg.nbytes != 1 else ''}"
    if seg.is_padding:
        return ("padding", f"offset {seg.start}", size)
    base = seg.dtype.base
    kind = "|O (object)" if base.kind == "O" else _short(seg.dtype)
    head = f"{drawable(seg.name)}: {kind}" if seg.name else kind
    value = f" = {example.text}" + (" each" if seg.dtype.shape else "") if example.text else ""
    lines = [head + value, f"offset {seg.start}, {size}"]
    order = f"{seg.byteorder}-endian"
    if base.kind == "O":
        lines.append("pointer to a Python object")
    elif seg.value_bytes < seg.scalar_bytes:
        lines.append(f"{order}, {seg.value_bytes} value bytes + "
                     f"{seg.scalar_bytes - seg.value_bytes} padding")
    elif seg.scalar_bytes > 1:
        lines.append({"U": f"{order}, 4 bytes per character",
                      "c": f"real, then imaginary part, each {order}"}.get(base.kind, order))
    return tuple(lines)


def _summary(lay: DtypeLayout) -> str:
    """One line of totals: bytes per item, bytes in fields and padding, alignment."""
    if lay.dtype.names is None:
        kind = lay.dtype.kind
        what = ("a pointer to a Python object" if kind == "O"
                else f"one {lay.dtype.name} value ('{lay.dtype.str}')" if kind in "biufcmM"
                else f"one '{lay.dtype.str}' value")
    else:
        padding = f"{lay.padding_bytes:,} padding" if lay.padding_bytes else "no padding"
        what = f"{lay.field_bytes:,} in fields, {padding}"
    size = "1 byte" if lay.itemsize == 1 else f"{lay.itemsize:,} bytes"
    return f"{size} per item: {what} · alignment {lay.alignment}"


def _lines_width(lines) -> float:
    """Width in inches of the longest of `lines` at the label size."""
    return max(text_width(line, _LABEL_SIZE) for line in lines)
