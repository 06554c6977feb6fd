"""``show_broadcast``: how operands of different shapes are stretched to one result shape."""

from __future__ import annotations

import math
import string

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from memlayout.drawing._grid import GridPlan
from memlayout.drawing._style import (
    FONT,
    PALETTE,
    Legend,
    axis_colour,
    new_figure,
    text_width,
)
from memlayout.drawing._summary import format_value
from memlayout.drawing._text import drawable
from memlayout.model._checks import require_names
from memlayout.model.broadcast import Broadcast, Operand, broadcast_layout

_MARGIN = 0.25
#: Font size of the table, the labels and the notes.
_SIZE = 8
#: Height of one line of text, in inches.
_LINE = 0.22
#: Room between two operand rows, in inches.
_ROW_GAP = 0.3
#: Summary limits shared by every grid, so the broadcast views and the result line up.
_LIMITS = {"max_rows": 5, "max_cols": 6, "max_panels": 3}
#: How a repeated element (reached through stride 0) is drawn: an outline, hatched.
_REPEAT = (PALETTE["padding"], PALETTE["used"], "///")
_ORIGINAL = (PALETTE["used"], PALETTE["edge"])
_RESULT = (PALETTE["copy"], PALETTE["edge"])


def show_broadcast(*arrays, op: np.ufunc | None = None, names=None) -> Figure:
    """Draw how NumPy stretches `arrays` to one shape, without copying any of them.

    A table at the top lines the shapes up on the right, one column per axis of the
    result: a missing axis is added on the left as ``(1)``, and ``1→4`` marks an axis the
    operand is stretched along, with stride 0. Below, one row per operand: its own
    elements, seen with the added axes (what is in memory), an arrow, and the same
    operand as the operation reads it, broadcast to the result's shape. There the
    operand's own elements are solid and the repeats, which stride 0 reads again from
    the same bytes, are hatched. The last row is the result, the one new array.

    The result's cells are blank unless `op` is given, because the shape rule is the
    lesson and the values would distract from it. With `op`, each drawn cell is computed
    on its own from the operands' elements at its index, so the result, possibly far
    larger than the operands, is never allocated. Large shapes are summarised
    (head … tail) and only the drawn elements are read: a call costs the same for ten
    elements and for a trillion.

    Parameters
    ----------
    *arrays : numpy.ndarray or scalar
        One or more operands; Python and NumPy scalars count as 0-d arrays.
    op : numpy.ufunc, optional
        A ufunc taking one argument per operand (``np.add`` for two), to write the
        result's values into its drawn cells.
    names : sequence of str, optional
        What to call the operands in the figure; ``a``, ``b``, ``c``… by default.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If an operand is not an array or a scalar (a list, say), or `op` is not a ufunc.
    ValueError
        If the shapes cannot be broadcast (the message names both shapes), if `op` does
        not take one argument per operand and return one value, or if `names` does not
        name every operand.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> column = np.arange(3.0).reshape(3, 1)
    >>> row = np.arange(4.0)
    >>> fig = memlayout.show_broadcast(column, row, op=np.add, names=["column", "row"])
    """
    plan = broadcast_layout(*arrays)
    names = [drawable(n) for n in _names(names, len(arrays))]
    _check_op(op, len(arrays))
    views = [np.broadcast_to(a, plan.shape) for a in arrays]
    own = [GridPlan(np.reshape(a, o.padded_shape), **_LIMITS)
           for a, o in zip(arrays, plan.operands, strict=True)]
    stretched = [GridPlan(v, **_LIMITS) for v in views]
    result = GridPlan(np.broadcast_to(np.int8(0), plan.shape),  # a shape that allocates nothing
                      text=_result_text(arrays, views, op), **_LIMITS)
    width = max(p.cell_width for p in [*own, *stretched, result])
    for p in [*own, *stretched, result]:
        p.cell_width = width

    rows = [_OperandRow(name, o, plan.shape, g, s) for name, o, g, s in
            zip(names, plan.operands, own, stretched, strict=True)]
    table = _table(plan, names)
    notes = _footnotes(plan)
    title = "broadcasting " + " with ".join(
        f"{n} {o.shape}" for n, o in zip(names, plan.operands, strict=True)) + f" → {plan.shape}"
    result_label = (f"result = {op.__name__}({', '.join(names)})" if op is not None
                    else "result (values not computed: pass op=)")
    reads = f"as the operation reads it, shape {plan.shape}"
    result_note = [f"result {plan.shape}", f"{_count(math.prod(plan.shape), 'element')},",
                   "the one new array"]

    left = max([r.left_width for r in rows] + [text_width(max(result_note, key=len))])
    gap = max([r.gap_width for r in rows])
    right = max([r.right_width for r in rows] + [result.width, text_width(result_label),
                                                  text_width(reads)])
    entries = _legend_entries()
    fig_width = 2 * _MARGIN + max(
        left + gap + right, _table_width(table), text_width(title, 9),
        text_width(notes), Legend.natural_width(entries))
    fig_height = (2 * _MARGIN + 0.4 + _LINE * len(table) + 0.3 + _LINE + 0.15
                  + sum(r.height for r in rows) + _LINE + max(result.height, 3 * _LINE) + 0.4)
    fig, ax = new_figure(fig_width, fig_height)

    y = fig_height - _MARGIN
    ax.text(_MARGIN, y, title, family=FONT, fontsize=9, va="top", color=PALETTE["text"])
    y -= 0.4
    _draw_table(ax, table, _MARGIN, y)
    y -= _LINE * len(table) + 0.05
    ax.text(_MARGIN, y, notes, family=FONT, fontsize=_SIZE - 1, va="top", color=PALETTE["muted"])
    y -= 0.3
    x_right = _MARGIN + left + gap
    ax.text(_MARGIN, y, "in memory", family=FONT, fontsize=_SIZE, va="top",
            color=PALETTE["muted"])
    ax.text(x_right, y, reads, family=FONT, fontsize=_SIZE, va="top", color=PALETTE["muted"])
    y -= _LINE + 0.15
    for row in rows:
        row.draw(ax, _MARGIN, x_right, y)
        y -= row.height
    for k, line in enumerate(result_note):
        ax.text(_MARGIN, y - _LINE * k, line, family=FONT, fontsize=_SIZE, va="top",
                color=PALETTE["text"])
    ax.text(x_right, y, result_label, family=FONT, fontsize=_SIZE, va="top",
            color=PALETTE["text"])
    result.draw(ax, x_right, y - _LINE, lambda index: _RESULT)
    Legend(entries, fig_width - 2 * _MARGIN).draw(ax, _MARGIN, _MARGIN)
    return fig


class _OperandRow:
    """One operand's row: its own elements, the stretch arrow, and its broadcast view."""

    def __init__(self, name: str, operand: Operand, shape: tuple[int, ...], own: GridPlan,
                 stretched: GridPlan):
        self.operand, self.own, self.stretched = operand, own, stretched
        self.left_label = f"{name} {operand.shape}" + (
            f" as {operand.padded_shape}" if operand.padded else "")
        count = math.prod(operand.shape)
        self.right_label = (f"{name} strides {operand.strides}: {_count(count, 'own element')}"
                            f", {_count(max(math.prod(shape) - count, 0), 'repeat')}")
        self.notes = [(_stretch_note(operand, k, shape), axis_colour(k))
                      for k in operand.stretched]

    @property
    def left_width(self) -> float:
        return max(self.own.width, text_width(self.left_label))

    @property
    def gap_width(self) -> float:
        return max([1.2] + [text_width(text) + 0.3 for text, _ in self.notes])

    @property
    def right_width(self) -> float:
        return max(self.stretched.width, text_width(self.right_label))

    @property
    def height(self) -> float:
        return _LINE + max(self.own.height, self.stretched.height,
                           0.6 + _LINE * len(self.notes)) + _ROW_GAP

    def draw(self, ax, x_left: float, x_right: float, top: float) -> None:
        for x, label in ((x_left, self.left_label), (x_right, self.right_label)):
            ax.text(x, top, label, family=FONT, fontsize=_SIZE, va="top", color=PALETTE["text"])
        grid_top = top - _LINE + 0.05  # the grid's own margin holds its column indices
        centres = self.own.draw(ax, x_left, grid_top, lambda index: _ORIGINAL)
        self.stretched.draw(ax, x_right, grid_top, lambda index: (
            _REPEAT if self.operand.is_repeat(index) else _ORIGINAL))
        _, y = next(iter(centres.values()), (x_left, grid_top - 0.2))  # level with row 0
        x_from = x_left + self.own.width + 0.1
        x_to = x_right + (0.1 if self.stretched.a.size else -0.05)  # clear of "(no elements…"
        ax.add_artist(FancyArrowPatch((x_from, y), (x_to, y), arrowstyle="-|>",
                                     mutation_scale=10, color=PALETTE["muted"], lw=1))
        ax.text((x_from + x_to) / 2, y + 0.05, "stretch" if self.notes else "as it is",
                family=FONT, fontsize=_SIZE, ha="center", va="bottom", color=PALETTE["muted"])
        for k, (text, colour) in enumerate(self.notes):
            ax.text(x_from + 0.1, y - 0.08 - _LINE * k, text, family=FONT, fontsize=_SIZE,
                    va="top", color=colour)


def _names(names, count: int) -> list[str]:
    if names is None:
        return list(string.ascii_lowercase[:count]) if count <= 26 else [
            f"x{k}" for k in range(count)]
    return require_names(names, count, "names", "show_broadcast", "array")


def _check_op(op, count: int) -> None:
    if op is None:
        return
    if not isinstance(op, np.ufunc):
        raise TypeError(f"op must be a NumPy ufunc such as np.add, not a {type(op).__name__}")
    if (op.nin, op.nout) != (count, 1):
        raise ValueError(f"op=np.{op.__name__} takes {op.nin} arguments and returns "
                         f"{op.nout} values; the figure needs {count} and 1")


def _result_text(arrays, views, op):
    """``text(index)`` for the result's cells: blank, or `op` of the elements at `index`."""
    if op is None:
        return lambda index: ""
    # Python scalars are passed as they are, so op promotes them as op(*arrays) would.
    weak = [isinstance(a, (int, float, complex)) for a in arrays]

    def text(index):
        # A cell shows inf or nan itself; a floating-point warning would only repeat it.
        with np.errstate(all="ignore"):
            value = op(*(a if w else v[index] for a, v, w in zip(arrays, views, weak, strict=True)))
        return format_value(value)

    return text


def _stretch_note(operand: Operand, axis: int, shape: tuple[int, ...]) -> str:
    return f"axis {axis}: {_length(operand, axis)}→{shape[axis]}"


def _length(operand: Operand, axis: int) -> str:
    """An operand's length along a result axis; ``(1)`` when the axis was added."""
    return "(1)" if axis in operand.padded else str(operand.padded_shape[axis])


def _table(plan: Broadcast, names) -> list[list[tuple[str, str]]]:
    """Rows of (text, colour) cells: name, shape, one column per result axis, strides."""
    axes = range(len(plan.shape))
    header = [("", PALETTE["muted"]), ("shape", PALETTE["muted"]),
              *((f"axis {k}", axis_colour(k)) for k in axes),
              ("strides as broadcast", PALETTE["muted"])]
    table = [header]
    for name, o in zip(names, plan.operands, strict=True):
        entries = [(f"{_length(o, k)}→{plan.shape[k]}", axis_colour(k)) if k in o.stretched
                   else (_length(o, k), PALETTE["text"]) for k in axes]
        table.append([(f"{name}:", PALETTE["text"]), (str(o.shape), PALETTE["text"]),
                      *entries, (str(o.strides), PALETTE["text"])])
    table.append([("result:", PALETTE["text"]), (str(plan.shape), PALETTE["text"]),
                  *((str(n), PALETTE["text"]) for n in plan.shape), ("", PALETTE["text"])])
    return table


def _column_widths(table) -> list[float]:
    return [max(text_width(row[k][0]) for row in table) + 0.3 for k in range(len(table[0]))]


def _table_width(table) -> float:
    return sum(_column_widths(table))


def _draw_table(ax, table, x0: float, top: float) -> None:
    """Names and shapes right-aligned, axis columns centred, strides left-aligned."""
    widths = _column_widths(table)
    last = len(widths) - 1
    for r, row in enumerate(table):
        x = x0
        for k, ((text, colour), w) in enumerate(zip(row, widths, strict=True)):
            anchor, at = (("left", x) if k == last else ("right", x + w - 0.3) if k < 2
                          else ("center", x + w / 2))
            ax.text(at, top - _LINE * r, text, family=FONT, fontsize=_SIZE, va="top",
                    ha=anchor, color=colour)
            x += w


def _footnotes(plan: Broadcast) -> str:
    """What the marks in the table mean, for the marks it uses."""
    notes = []
    if any(o.padded for o in plan.operands):
        notes.append("(1): axis missing, added on the left with length 1")
    stretches = [_stretch_note(o, k, plan.shape) for o in plan.operands for k in o.stretched]
    if stretches:
        example = stretches[0].split(": ")[1]
        notes.append(f"{example}: stretched, stride 0 reads the same elements again")
    return "   ".join(notes)


def _legend_entries():
    return [(*_ORIGINAL, None, "the operand's own element"),
            (*_REPEAT, "repeat: same bytes, read again"),
            (*_RESULT, None, "result: new memory")]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


