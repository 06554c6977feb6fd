"""memlayout.show_broadcast: what the figure states, which cells are repeats, how it scales.

Also the one model fact the drawing relies on, ``Operand.is_repeat``, checked against the
byte offsets NumPy itself gives the broadcast view.
"""

from __future__ import annotations

import math
import re
import tracemalloc

import numpy as np
import pytest

import memlayout
from memlayout.drawing._style import PALETTE
from memlayout.drawing._summary import format_value

CASES = {
    "column and row": (np.arange(3.0).reshape(3, 1), np.arange(4.0)),
    "3-d and row": (np.arange(24, dtype=np.int64).reshape(2, 3, 4), np.arange(4, dtype=np.int64)),
    "row and scalar": (np.arange(3, dtype=np.int32), 5.0),
    "two stretched": (np.arange(5, dtype=np.int16).reshape(5, 1), np.ones((1, 6), np.float32)),
    "one operand": (np.arange(4, dtype=np.uint8),),
    "three operands": (np.ones((3, 1, 4)), np.zeros((5, 1)), np.int8(3)),
    "0-d only": (np.float64(2.0), 3),
}


def first_visits(shape, strides) -> int:
    """How many indices of a view, in C order, reach a byte offset no earlier index did."""
    offsets = {sum(i * s for i, s in zip(index, strides, strict=True))
               for index in np.ndindex(*shape)}
    return len(offsets)


def count_cells(fig, colour: str, *, hatched: bool | None = None) -> int:
    """Grid cells of `fig` (a FigureReader) filled with `colour`, hatched or not."""
    under_hatch = {id(p) for p in fig.hatched()}
    return sum(1 for p in fig.cells(colour)
               if hatched is None or (id(p) in under_hatch) == hatched)


@pytest.mark.parametrize("arrays", CASES.values(), ids=CASES.keys())
def test_repeat_is_what_numpy_reads_again(arrays):
    plan = memlayout.broadcast_layout(*arrays)
    for a, operand in zip(arrays, plan.operands, strict=True):
        view = np.broadcast_to(a, plan.shape)
        originals = sum(not operand.is_repeat(i) for i in np.ndindex(*plan.shape))
        assert originals == first_visits(view.shape, view.strides) == np.size(a)


@pytest.mark.parametrize("arrays", CASES.values(), ids=CASES.keys())
def test_table_labels_and_cell_counts(arrays, read_figure, no_new_pyplot_figures):
    shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    fig = read_figure(memlayout.show_broadcast(*arrays))
    texts = fig.texts
    assert f"result {shape}" in texts and str(shape) in texts  # the note and the table
    for a in arrays:
        assert str(np.shape(a)) in texts
        assert str(np.broadcast_to(a, shape).strides) in texts
    total = math.prod(shape)
    sizes = [np.size(a) for a in arrays]
    # solid: each operand in memory, and again where the broadcast view reads it first
    assert count_cells(fig, PALETTE["used"], hatched=False) == 2 * sum(sizes)
    assert count_cells(fig, PALETTE["padding"], hatched=True) == sum(
        total - n for n in sizes)
    assert count_cells(fig, PALETTE["copy"]) == total


def test_stretched_axes_are_named_with_their_lengths(read_figure):
    fig = read_figure(memlayout.show_broadcast(np.ones((3, 1)), np.ones(4)))
    assert "axis 1: 1→4" in fig.texts  # a's stretch, beside its arrow
    assert "axis 0: (1)→3" in fig.texts  # b's missing axis, added and stretched
    assert "1→4" in fig.texts and "(1)→3" in fig.texts  # the same in the table
    assert "a strides (8, 0): 3 own elements, 9 repeats" in fig.texts
    assert "b (4,) as (1, 4)" in fig.texts


def test_result_cells_are_blank_without_op(read_figure):
    a, b = np.array([[10.0], [20.0]]), np.array([1.0, 2.0, 3.0])
    fig = read_figure(memlayout.show_broadcast(a, b))
    assert format_value(np.float64(23.0)) not in fig.texts
    assert any("pass op=" in t for t in fig.texts)


def test_op_fills_the_drawn_result_cells(read_figure):
    a, b = np.array([[10.0], [20.0]]), np.array([1.0, 2.0, 3.0])
    fig = read_figure(memlayout.show_broadcast(a, b, op=np.add, names=["col", "row"]))
    assert "result = add(col, row)" in fig.texts
    assert "col (2, 1)" in fig.texts
    values = [t for t in fig.texts if t in {format_value(v) for v in (a + b).ravel()}]
    assert sorted(values) == sorted(format_value(v) for v in (a + b).ravel())


def test_op_promotes_a_python_scalar_as_numpy_does(read_figure):
    a = np.array([1, 2], dtype=np.int8)
    fig = read_figure(memlayout.show_broadcast(a, 127, op=np.add))
    expected = a + 127  # int8 wraps: NEP 50 keeps the Python int weak
    assert format_value(expected[0]) == "-128"
    assert "-128" in fig.texts and "129" not in fig.texts


def test_huge_broadcast_reads_only_the_drawn_elements(read_figure, no_new_pyplot_figures):
    # Any copy of an operand, or one row of the result, would be 800 MB.
    a = np.broadcast_to(np.int64(7), (10**8, 1))
    b = np.broadcast_to(np.int64(2), (10**8,))
    tracemalloc.start()
    try:
        fig = memlayout.show_broadcast(a, b, op=np.multiply)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20
    # summarised: 5 rows and 6 columns of each grid
    fig = read_figure(fig)
    assert count_cells(fig, PALETTE["used"], hatched=False) == 5 + 6 + 5 + 6
    assert count_cells(fig, PALETTE["padding"], hatched=True) == 2 * 30 - 5 - 6
    assert count_cells(fig, PALETTE["copy"]) == 30


def test_huge_result_is_summarised_head_and_tail(read_figure):
    a = np.arange(10**6, dtype=np.int64).reshape(-1, 1)
    b = np.arange(10**6, dtype=np.int64)
    fig = read_figure(memlayout.show_broadcast(a, b, op=np.add))
    assert "(1000000, 1000000)" in fig.texts
    assert "1,000,000,000,000 elements," in fig.texts
    assert "a strides (8, 0): 1,000,000 own elements, 999,999,000,000 repeats" in fig.texts
    assert "1999998" in fig.texts  # the last element of the result, a[-1] + b[-1]
    assert "…" in fig.texts


def test_same_input_same_picture(read_figure):
    arrays = (np.arange(6.0).reshape(2, 3, 1), np.arange(4.0))
    first = read_figure(memlayout.show_broadcast(*arrays, op=np.subtract))
    second = read_figure(memlayout.show_broadcast(*arrays, op=np.subtract))
    assert first.png == second.png
    assert not any(re.search(r"0x[0-9a-f]{6,}", t) for t in first.texts)


def test_incompatible_shapes_raise_the_models_error(no_new_pyplot_figures):
    a, b = np.ones((2, 3)), np.ones(4)
    with pytest.raises(ValueError, match=re.escape("shapes (2, 3) and (4,)")) as raised:
        memlayout.show_broadcast(a, b)
    with pytest.raises(ValueError, match="cannot be broadcast") as expected:
        memlayout.broadcast_layout(a, b)
    assert str(raised.value) == str(expected.value)
    assert raised.traceback[-1].path.parts[-2:] == ("model", "broadcast.py")  # the model


def test_bad_arguments_are_refused_with_a_hint():
    with pytest.raises(TypeError, match="list"):
        memlayout.show_broadcast([1, 2, 3], np.ones(3))
    with pytest.raises(TypeError, match="ufunc"):
        memlayout.show_broadcast(np.ones(3), np.ones(3), op=sum)
    with pytest.raises(ValueError, match="takes 2 arguments"):
        memlayout.show_broadcast(np.ones(3), np.ones(3), np.ones(3), op=np.add)
    with pytest.raises(ValueError, match="2 arrays but 1 names"):
        memlayout.show_broadcast(np.ones(3), np.ones(3), names=["x"])
