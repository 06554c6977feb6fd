"""memlayout.show_index: views drawn over the source, gathers drawn into a new buffer."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from matplotlib.patches import ConnectionPatch, Rectangle
from matplotlib.text import Text

import memlayout
from memlayout.drawing._style import CELL, PALETTE


def copy_links(fig):
    return fig.fig.findobj(ConnectionPatch)


def test_slice_is_a_view_with_no_new_buffer(read_figure, no_new_pyplot_figures):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    fig = read_figure(memlayout.show_index(a, np.s_[1:, ::2]))
    assert "a[1:, ::2] is basic indexing: a view of shape (2, 2)" in fig.all_text
    assert "new\nbuffer" not in fig.texts
    assert not copy_links(fig)
    assert not fig.cells(PALETTE["copy"])
    # 4 picked in the source grid and the same 4 in a's memory: the view is no other array
    assert len(fig.cells(PALETTE["used"])) == 8
    for name in ["[0, 0]", "[0, 1]", "[1, 0]", "[1, 1]"]:  # the view's index, on its bytes
        assert name in fig.texts


def test_integer_array_gathers_in_result_order(read_figure):
    v = np.arange(10, dtype=np.int64) * 10
    fig = read_figure(memlayout.show_index(v, [7, 2, 2, 5]))
    assert "advanced indexing (integer array): a copy of shape (4,)" in fig.all_text
    assert "new buffer of 32 bytes" in fig.all_text
    # a repeated index copies the element twice: 4 links, 3 distinct source cells
    assert len(copy_links(fig)) == 4
    assert len(fig.cells(PALETTE["copy"])) == 4  # the result, drawn once: its new buffer
    assert len(fig.cells(PALETTE["used"])) == 3  # a 1-d array is drawn once: its memory


def test_mask_is_named_and_copies(read_figure):
    v = np.arange(10, dtype=np.int64)
    fig = read_figure(memlayout.show_index(v, v % 3 == 0))
    assert "a[mask] is advanced indexing (boolean mask)" in fig.all_text
    assert len(copy_links(fig)) == 4


def test_a_one_dimensional_array_is_drawn_once_as_its_memory(read_figure):
    fig = read_figure(memlayout.show_index(np.arange(10, dtype=np.int64), np.s_[2:8:2]))
    assert len(fig.cells(PALETTE["used"])) == 3 and len(fig.cells(PALETTE["unused"])) == 7
    assert {"index", "a's memory", "byte offset", "view index", "[0]", "[1]", "[2]"} <= set(fig.texts)


def test_a_mask_is_drawn_as_a_row_of_true_and_false(read_figure):
    v = np.arange(10, dtype=np.int64) * 10
    fig = read_figure(memlayout.show_index(v, v % 20 == 0))
    assert "mask" in fig.texts
    assert fig.texts.count("T") == 5 and fig.texts.count("F") == 5
    assert len([c for c in fig.cells(PALETTE["padding"]) if c.get_width() < 1]) == 10  # not the page


def test_a_two_dimensional_mask_is_drawn_beside_the_array(read_figure):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    fig = read_figure(memlayout.show_index(a, a % 3 == 0))
    assert fig.texts.count("T") == 4 and fig.texts.count("F") == 8


@pytest.mark.parametrize(("make", "index"), [
    (lambda: np.zeros((2048, 2048)), (np.arange(0, 2048, 2),)),
    (lambda: np.zeros((2048, 2048)), lambda a: a == 0),
    (lambda: np.arange(10.0), np.zeros(10**7, np.intp)),
], ids=["rows", "mask", "ten million picks"])
def test_huge_indexes_draw_a_bounded_picture(read_figure, make, index):
    a = make()
    index = index(a) if callable(index) else index
    tracemalloc.start()
    try:
        fig = memlayout.show_index(a, index)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"drawing allocated {peak:,} B"
    reader = read_figure(fig)
    assert len(reader.cells(PALETTE["copy"])) <= 20
    assert 0 < len(copy_links(reader)) <= 12


def test_integer_per_axis_returns_a_scalar(read_figure):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    fig = read_figure(memlayout.show_index(a, (1, 2)))
    assert "a[1, 2] names one element: NumPy returns a scalar, a copy of its 8 bytes" in fig.texts


def test_large_gather_draws_a_bounded_number_of_links(read_figure):
    a = np.arange(10**6, dtype=np.float32)
    fig = read_figure(memlayout.show_index(a, np.arange(0, 10**6, 7)))
    assert 0 < len(copy_links(fig)) <= 12


def test_bad_index_is_numpys_error():
    with pytest.raises(IndexError):
        memlayout.show_index(np.arange(3), [5])


def test_non_array_is_refused():
    with pytest.raises(TypeError, match="not a list"):
        memlayout.show_index([1, 2, 3], 0)


def cell_values(fig):
    """Map the centre (x, y) of every drawn cell to the text written in it."""
    texts = {(round(t.get_position()[0], 6), round(t.get_position()[1], 6)): t.get_text()
             for t in fig.fig.findobj(Text)}
    return {(round(p.get_x() + p.get_width() / 2, 6), round(p.get_y() + p.get_height() / 2, 6)):
            texts.get((round(p.get_x() + p.get_width() / 2, 6),
                       round(p.get_y() + p.get_height() / 2, 6)))
            for p in fig.fig.findobj(Rectangle) if p.get_height() >= CELL}


def value_below(cells, x, y):
    """Text of the cell centred at `x` nearest below height `y`."""
    column = [(cy, text) for (cx, cy), text in cells.items() if abs(cx - x) < 1e-6 and cy < y]
    return max(column)[1]


def value_above(cells, x, y):
    """Text of the cell centred at `x` nearest above height `y`."""
    column = [(cy, text) for (cx, cy), text in cells.items() if abs(cx - x) < 1e-6 and cy > y]
    return min(column)[1]


def test_links_join_equal_values_also_for_a_fortran_ordered_result(read_figure):
    b = np.arange(15, dtype=np.int64).reshape(3, 5) * 10
    index = np.s_[1:3, [0, 4]]
    assert b[index].flags.f_contiguous and not b[index].flags.c_contiguous
    fig = read_figure(memlayout.show_index(b, index))
    cells = cell_values(fig)
    links = copy_links(fig)
    assert len(links) == 4
    for link in links:
        (x_from, y_from), (x_to, y_to) = link.xy1, link.xy2
        assert value_above(cells, x_from, y_from) == value_below(cells, x_to, y_to), (
            "a copy line joins two cells holding different values")


def test_two_dimensional_index_arrays_keep_their_shape_in_the_title(read_figure):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    fig = read_figure(memlayout.show_index(a, np.ix_([0, 2], [1, 3])))
    assert "a[[[0], [2]], [[1, 3]]] is advanced indexing (integer array): a copy of shape (2, 2)" \
        in fig.all_text
