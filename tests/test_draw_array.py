"""memlayout.show: what the figure states, which cells it colours, and how it scales."""

from __future__ import annotations

import mmap
import tracemalloc

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch

import memlayout
from memlayout.drawing._style import PALETTE, axis_colour


def used_cells(reader):
    """Cells coloured as used (the highlighted [0, …, 0] cell counts too)."""
    return len(reader.cells(PALETTE["used"])) + len(reader.cells(PALETTE["accent"]))


def test_view_header_arrows_and_offsets(read_figure, no_new_pyplot_figures):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    fig = read_figure(memlayout.show(a[:, ::2], base=a))
    text = fig.all_text
    assert "shape (3, 2)" in text and "strides (32, 16)" in text
    assert "axis 0: +32 B" in fig.texts and "axis 1: +16 B" in fig.texts
    assert "not contiguous" in text
    # the strip shows all 12 owner cells, labelled with their byte offsets
    for offset in range(0, 96, 8):
        assert str(offset) in fig.texts
    # grid: 6 elements coloured; strip: the 6 owner cells the view uses; 6 others grey
    assert used_cells(fig) == 6 + 6
    assert len(fig.cells(PALETTE["unused"])) == 6


def test_owner_of_its_own_memory_is_fully_used(read_figure):
    a = np.arange(6, dtype=np.float32)
    fig = read_figure(memlayout.show(a))
    assert "owns its memory" in fig.all_text
    assert "C-contiguous" in fig.all_text
    assert not fig.cells(PALETTE["unused"])


def test_negative_stride_arrow_points_back(read_figure):
    fig = read_figure(memlayout.show(np.arange(10, dtype=np.int32)[::-3]))
    assert "axis 0: -12 B" in fig.texts
    assert "a view: [0] is byte 36 of its owner" in fig.all_text


def test_zero_strides_are_named(read_figure):
    fig = read_figure(memlayout.show(np.broadcast_to(np.arange(3.0), (4, 3))))
    assert "axis 0: stride 0 (repeats)" in fig.texts
    assert "stride 0 on axis 0" in fig.all_text


def test_index_writes_the_address_arithmetic(read_figure):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    fig = read_figure(memlayout.show(a, index=(2, 1)))
    assert "[2, 1]: 0 + 2×32 + 1×8 = byte 72 of the owner" in fig.texts
    assert len(fig.cells(PALETTE["accent"])) == 2  # the element in the grid and in memory


@pytest.mark.parametrize(("shape", "name"), [((3, 4), "[0, 0]"), ((5,), "[0]"),
                                             ((2, 2, 2), "[0, 0, 0]")])
def test_the_first_element_is_named_for_the_real_number_of_axes(read_figure, shape, name):
    a = np.zeros(shape)[(slice(1, None),) * len(shape)]
    fig = read_figure(memlayout.show(a))
    assert f"a view: {name} is byte" in fig.all_text and f"element {name}" in fig.texts
    assert "…, 0]" not in fig.all_text


def test_every_index_that_reaches_the_highlighted_bytes_is_marked(read_figure):
    windows = np.lib.stride_tricks.sliding_window_view(np.arange(6, dtype=np.int64), 3)
    fig = read_figure(memlayout.show(windows, index=(1, 1)))
    # [0, 2] and [2, 0] read byte 16 too; [1, 1] itself is filled
    assert len(fig.hatched(PALETTE["accent"])) == 2
    assert "same bytes as [1, 1]" in fig.texts
    assert "axis 0: +8 B" in fig.texts and "axis 1: +8 B" in fig.texts


def test_broadcast_repeats_are_hatched_and_stride_zero_is_an_arrow_back(read_figure):
    fig = read_figure(memlayout.show(np.broadcast_to(np.arange(3.0), (4, 3))))
    # rows 1 to 3 re-read row 0: column 0 is the highlighted element's bytes, the rest repeats
    assert len(fig.hatched(PALETTE["accent"])) == 3
    assert len(fig.hatched(PALETTE["used"])) == 6
    assert "repeat: stride 0 reads its bytes again" in fig.texts
    back = [p for p in fig.fig.findobj(FancyArrowPatch)
            if p.get_edgecolor() == mcolors.to_rgba(axis_colour(0))]
    assert len(back) == 1
    (x0, y0), (x1, y1) = back[0]._posA_posB
    assert x0 == x1 and y0 > y1, "stride 0 comes straight back down into the cell it left"


def test_an_array_whose_owner_is_hidden_does_not_claim_its_memory(read_figure):
    x = np.arange(10.0)
    fig = read_figure(memlayout.show(np.from_dlpack(x[::2])))
    assert "owns its memory" not in fig.all_text
    assert "does not own its memory; its owner, a PyCapsule, does not show its bytes" in fig.all_text


def test_base_must_hold_all_of_the_array():
    a = np.arange(10)
    with pytest.raises(ValueError, match="bytes 40 to 79 of their owner, but b holds only bytes 0 to 39"):
        memlayout.show(a[5:], base=a[:5])


def test_numpy_integers_index_an_element(read_figure):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    fig = read_figure(memlayout.show(a, index=(np.int8(-1), np.uint64(1))))
    assert "[2, 1]: 0 + 2×32 + 1×8 = byte 72 of the owner" in fig.texts


def test_index_must_name_one_element():
    with pytest.raises(IndexError, match="out of range for axis 1"):
        memlayout.show(np.zeros((2, 3)), index=(0, 3))


def test_strip_labels_cells_with_the_view_dtype_when_cells_are_its_items(read_figure):
    a = np.array([1, 258], dtype="<u2")
    fig = read_figure(memlayout.show(a.view(np.uint8)))
    # little-endian: 258 = 0x0102 is stored as the bytes 2, 1
    assert fig.texts.count("2") >= 2 and fig.texts.count("1") >= 2


@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 3, 4), (2, 1, 3, 2), (2, 2, 2, 2, 2),
                                   (1, 2, 1, 2, 1, 2), (3, 0, 2)])
def test_any_number_of_axes_renders(read_figure, shape):
    a = np.arange(np.prod(shape), dtype=np.int64).reshape(shape)
    fig = read_figure(memlayout.show(a))
    assert f"shape {shape}" in fig.all_text


@pytest.mark.parametrize("make", [
    lambda: np.zeros(3, dtype=[("x", "f4"), ("y", "f8")])["y"],
    lambda: np.array(["a", None, 3.5], dtype=object),
    lambda: np.arange(6, dtype=">i4")[::2],
    lambda: (np.arange(4) * (1 + 2j)).imag,
    lambda: np.frombuffer(b"abcdefgh", dtype=np.uint8)[2:],
    lambda: np.lib.stride_tricks.sliding_window_view(np.arange(8.0), 3),
], ids=["field", "object", "big-endian", "imag", "bytes-owner", "windows"])
def test_special_arrays_render(read_figure, make):
    a = make()
    fig = read_figure(memlayout.show(a))
    assert f"shape {a.shape}" in fig.all_text


def test_object_cells_show_objects_not_pointers(read_figure):
    fig = read_figure(memlayout.show(np.array(["a", None, 3.5], dtype=object)))
    assert "None" in fig.texts and "3.5" in fig.texts


def test_memmap_owner(read_figure, tmp_path):
    path = tmp_path / "data.bin"
    np.arange(1000, dtype=np.int32).tofile(path)
    mm = np.memmap(path, dtype=np.int32, mode="r", offset=400, shape=(10,))
    fig = read_figure(memlayout.show(mm[::2]))
    assert "its owner" in fig.all_text
    assert memlayout.layout(mm).owner_type == mmap.mmap.__name__
    del fig, mm


@pytest.mark.parametrize("make", [
    lambda: np.zeros(10**8, np.uint8),
    lambda: np.broadcast_to(1.0, (10**6, 10**6)),
    lambda: np.zeros((4000, 3000))[::7, ::-3].T,
])
def test_huge_arrays_draw_a_bounded_picture_without_copying(read_figure, make):
    a = make()
    tracemalloc.start()
    try:
        fig = memlayout.show(a)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f"drawing allocated {peak:,} B: it read more than it draws"
    reader = read_figure(fig)
    assert len(reader.cells(PALETTE["unused"])) + used_cells(reader) < 200


def test_base_must_share_memory():
    with pytest.raises(ValueError, match="different owners"):
        memlayout.show(np.zeros(3), base=np.zeros(3))


@pytest.mark.parametrize("bad", [[1, 2, 3], 3.0, None, "abc"])
def test_non_arrays_get_a_helpful_type_error(bad):
    with pytest.raises(TypeError, match=rf"not a {type(bad).__name__}.*np\.asarray"):
        memlayout.show(bad)
