"""memlayout.show_index: views drawn over the source, gathers drawn into a new buffer."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.patches import ConnectionPatch

import memlayout
from memlayout.drawing._style import PALETTE


def copy_links(fig):
    return fig.fig.findobj(ConnectionPatch)


def test_slice_is_a_view_with_no_new_buffer(read_figure, no_new_pyplot_figures):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    fig = read_figure(memlayout.show_index(a, np.s_[1:, ::2]))
    assert "a[1:, ::2] is basic indexing: a view of shape (2, 2)" in fig.all_text
    assert "new\nbuffer" not in fig.texts
    assert not copy_links(fig)
    assert not fig.cells(PALETTE["copy"])
    # 4 picked in the source grid, 4 in the result grid, 4 in a's memory
    assert len(fig.cells(PALETTE["used"])) == 12


def test_integer_array_gathers_in_result_order(read_figure):
    v = np.arange(10, dtype=np.int64) * 10
    fig = read_figure(memlayout.show_index(v, [7, 2, 2, 5]))
    assert "advanced indexing (integer array): a copy of shape (4,)" in fig.all_text
    assert "new buffer of 32 bytes" in fig.all_text
    # a repeated index copies the element twice: 4 links, 3 distinct source cells
    assert len(copy_links(fig)) == 4
    assert len(fig.cells(PALETTE["copy"])) == 4 + 4  # result grid and new buffer
    assert len(fig.cells(PALETTE["used"])) == 3 + 3  # source grid and a's memory


def test_mask_is_named_and_copies(read_figure):
    v = np.arange(10, dtype=np.int64)
    fig = read_figure(memlayout.show_index(v, v % 3 == 0))
    assert "a[mask] is advanced indexing (boolean mask)" in fig.all_text
    assert len(copy_links(fig)) == 4


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
