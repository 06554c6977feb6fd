"""The claims of notebooks/03_strides.ipynb, checked against NumPy in more cases than the lesson shows.

The lesson states each claim with one or two asserts a learner reads at a glance; the variants
live here, so that a NumPy release that behaves differently fails CI instead of misleading a
learner.
"""

import mmap
import platform
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided, sliding_window_view

import memlayout

LINE = 64
PAGE = 4_096
OVERHEAD = 64 * 1024  # bytes of array objects and bookkeeping that peak_memory may also see


def blocks_read(x, block):
    """Number of block-sized pieces of its owner's buffer that x's elements fall in."""
    return np.unique(memlayout.layout(x).element_offsets().ravel() // block).size


def real_blocks(x, block):
    """The same count from the elements' real addresses."""
    lay = memlayout.layout(x)
    return np.unique((x.ctypes.data - lay.offset + lay.element_offsets()) // block).size


@pytest.fixture(scope="module")
def strided():
    """The lesson's three 8 MiB float64 arrays: contiguous, every 2nd and every 8th column."""
    rng = np.random.default_rng(42)
    half_wide = rng.random((1_024, 2_048))
    wide = rng.random((1_024, 8_192))
    return {"dense": rng.random((1_024, 1_024)), "every_2nd": half_wide[:, ::2], "every_8th": wide[:, ::8]}


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (5,), (2, 1, 3)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_element_offset_is_the_sum_of_index_times_stride(shape, order):
    a = np.zeros(shape, dtype=np.int64, order=order)
    lay = memlayout.layout(a)
    for index in np.ndindex(shape):
        element = a[tuple(slice(i, i + 1) for i in index)]
        expected = sum(i * s for i, s in zip(index, a.strides, strict=True))
        assert lay.element_offset(index) == expected == element.ctypes.data - a.ctypes.data


def test_reshape_of_arange_is_a_view_of_the_1d_owner():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    assert not a.flags.owndata and a.base.shape == (12,)
    assert memlayout.find_owner(a) is a.base


def test_a_slice_with_step_one_keeps_the_strides_and_moves_the_offset():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    corner = a[1:, 1:]
    assert corner.strides == a.strides
    assert memlayout.layout(corner).offset == 40 == corner.ctypes.data - a.ctypes.data
    assert corner[1, 2] == a.ravel()[88 // a.itemsize]


def test_c_and_f_order_hold_the_same_values_with_other_strides():
    c_order = np.arange(12, dtype=np.int64).reshape(3, 4)
    f_order = np.asfortranarray(c_order)
    assert np.array_equal(c_order, f_order)
    assert not np.shares_memory(c_order, f_order)  # asfortranarray copied
    assert (c_order.strides, f_order.strides) == ((32, 8), (8, 24))
    assert c_order.flags.c_contiguous and not c_order.flags.f_contiguous
    assert f_order.flags.f_contiguous and not f_order.flags.c_contiguous
    assert c_order.ravel(order="K").tolist() == list(range(12))
    assert f_order.ravel(order="K").tolist() == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]


def test_a_contiguous_array_with_one_axis_is_both_c_and_f():
    line = np.arange(4, dtype=np.int64)
    assert line.flags.c_contiguous and line.flags.f_contiguous


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (6, 1, 2)])
def test_transpose_reverses_strides_and_turns_c_order_into_f_order(shape):
    a = np.zeros(shape, dtype=np.int16)
    assert a.T.strides == a.strides[::-1] and a.T.shape == shape[::-1]
    assert a.T.flags.f_contiguous and np.shares_memory(a.T, a)


@pytest.mark.parametrize("shape", [(12,), (2, 6), (6, 2), (4, 3), (2, 2, 3), (1, 12), (3, 4, 1)])
def test_every_reshape_of_a_c_contiguous_array_is_a_view(shape):
    c_order = np.arange(12, dtype=np.int64).reshape(3, 4)
    assert np.shares_memory(c_order.reshape(shape), c_order)
    assert c_order.reshape(shape, copy=False).shape == shape


@pytest.mark.parametrize("shape", [(3, 2, 2), (1, 3, 4), (3, 4, 1), (3, 1, 4), (3, 4)])
def test_reshaping_f_order_that_splits_or_adds_unit_axes_is_a_view(shape):
    f_order = np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4))
    reshaped = f_order.reshape(shape)
    assert np.shares_memory(reshaped, f_order)
    assert np.array_equal(reshaped, np.arange(12).reshape(3, 4).reshape(shape))


@pytest.mark.parametrize("shape", [(2, 6), (12,), (1, 12), (4, 3), (6, 2)])
def test_reshaping_f_order_that_merges_axes_copies(shape):
    f_order = np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4))
    assert not np.shares_memory(f_order.reshape(shape), f_order)
    with pytest.raises(ValueError, match="copy"):
        f_order.reshape(shape, copy=False)


def test_flattening_f_order_steps_plus_24_then_minus_64():
    f_order = np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4))
    visits = memlayout.layout(f_order).element_offsets().ravel()  # C order, as reshape reads
    assert visits[:5].tolist() == [0, 24, 48, 72, 8]
    assert set(np.diff(visits).tolist()) == {24, -64}


def test_views_allocate_nothing_and_a_copy_allocates_the_whole_buffer():
    big = np.zeros((2_048, 2_048), dtype=np.float64)
    with memlayout.peak_memory() as views_only:
        big_t = big.T
        big_r = big.reshape(4_096, 1_024)
    with memlayout.peak_memory() as real_copy:
        big_t_copy = big.T.copy()
    assert np.shares_memory(big_t, big) and np.shares_memory(big_r, big)
    assert views_only.peak < OVERHEAD
    assert big.nbytes <= real_copy.peak < big.nbytes + OVERHEAD
    assert not np.shares_memory(big_t_copy, big)


def test_the_three_arrays_have_one_shape_and_size_and_other_strides(strided):
    assert {a.shape for a in strided.values()} == {(1_024, 1_024)}
    assert {a.nbytes for a in strided.values()} == {8 * 2**20}
    assert [a.strides for a in strided.values()] == [(8_192, 8), (16_384, 16), (65_536, 64)]
    assert strided["dense"].flags.c_contiguous and not strided["every_2nd"].flags.c_contiguous


def test_lines_read_are_an_eighth_a_quarter_and_all_of_the_elements(strided):
    n = strided["dense"].size
    assert [blocks_read(a, LINE) for a in strided.values()] == [n // 8, n // 4, n]


def test_strided_views_spread_over_more_pages(strided):
    pages = [blocks_read(a, PAGE) for a in strided.values()]
    assert pages == [2_048, 4_096, 16_384]


def test_real_addresses_touch_at_most_one_more_line_and_page(strided):
    for name, a in strided.items():
        assert real_blocks(a, PAGE) - blocks_read(a, PAGE) in (0, 1)
        extra_lines = real_blocks(a, LINE) - blocks_read(a, LINE)
        assert extra_lines in ((0,) if name == "every_8th" else (0, 1))


def test_every_8th_spans_almost_all_of_wide(strided):
    every_8th = strided["every_8th"]
    start, stop = memlayout.layout(every_8th).span
    low, high = np.lib.array_utils.byte_bounds(every_8th)
    assert high - low == stop - start == 1_023 * 65_536 + 1_023 * 64 + 8


def test_line_map_marks_one_slot_per_stride(strided):
    slots = np.arange(0, 4 * LINE, 8)
    used = {name: memlayout.layout(a).touched_cells(slots, 8).reshape(4, 8) for name, a in strided.items()}
    assert used["dense"].all()
    assert used["every_2nd"].tolist() == [[True, False] * 4] * 4
    assert used["every_8th"].tolist() == [[True] + [False] * 7] * 4


def test_sum_reads_a_view_in_place_and_cumsum_gathers_it_first(strided):
    dense, every_8th = strided["dense"], strided["every_8th"]
    with memlayout.peak_memory() as sum_view:
        every_8th.sum()
    with memlayout.peak_memory() as cumsum_dense:
        np.cumsum(dense)
    with memlayout.peak_memory() as cumsum_view:
        np.cumsum(every_8th)
    assert sum_view.peak < OVERHEAD
    assert dense.nbytes <= cumsum_dense.peak < dense.nbytes + OVERHEAD
    assert 2 * dense.nbytes <= cumsum_view.peak < 2 * dense.nbytes + OVERHEAD
    assert np.shares_memory(dense.ravel(), dense) and not np.shares_memory(every_8th.ravel(), every_8th)


def test_ascontiguousarray_gathers_a_strided_view_once(strided):
    packed = np.ascontiguousarray(strided["every_8th"])
    assert packed.flags.c_contiguous and packed.strides == strided["dense"].strides
    assert not np.shares_memory(packed, strided["every_8th"])
    assert blocks_read(packed, LINE) * (LINE // 8) == packed.size


def test_sliding_windows_overlap_stay_in_bounds_and_are_read_only():
    x = np.arange(8, dtype=np.int64)
    windows = sliding_window_view(x, 3)
    lay = memlayout.layout(windows)
    assert windows.shape == (6, 3) and windows.strides == (8, 8)
    assert np.shares_memory(windows, x) and lay.overlapping and lay.in_bounds
    assert windows.size * windows.itemsize == 144 and x.nbytes == 64
    assert {lay.element_offset(ij) for ij in [(0, 2), (1, 1), (2, 0)]} == {16}
    assert not windows.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        windows[0, 2] = 100
    assert sliding_window_view(x, 3, writeable=True).flags.writeable


def test_a_mean_over_windows_allocates_only_the_result():
    series = np.arange(1_000_000, dtype=np.float64)
    windows = sliding_window_view(series, 3)
    with memlayout.peak_memory() as reading:
        moving = windows.mean(axis=1)
    assert moving.nbytes == 999_998 * 8
    assert moving.nbytes <= reading.peak < moving.nbytes + OVERHEAD


def test_as_strided_writes_through_every_overlapping_window():
    y = np.arange(6, dtype=np.int64)
    shared = as_strided(y, shape=(4, 3), strides=(8, 8))
    assert shared.flags.writeable
    shared[1, 1] = 99
    assert shared[0, 2] == shared[1, 1] == shared[2, 0] == y[2] == 99


@pytest.mark.parametrize("writeable", [True, False])
def test_as_strided_of_a_read_only_array_is_read_only(writeable):
    frozen = np.arange(6, dtype=np.int64)
    frozen.flags.writeable = False
    assert not as_strided(frozen, shape=(4, 3), strides=(8, 8), writeable=writeable).flags.writeable
    windows = sliding_window_view(np.arange(8, dtype=np.int64), 3)
    assert not as_strided(windows, shape=(4, 3), strides=(8, 8), writeable=writeable).flags.writeable


def test_subtracting_window_means_in_place_goes_wrong_through_overlaps():
    z = np.arange(6, dtype=np.float64)
    z_windows = as_strided(z, shape=(4, 3), strides=(8, 8))
    centred_new = z_windows - z_windows.mean(axis=1, keepdims=True)
    z_windows -= z_windows.mean(axis=1, keepdims=True)
    assert np.allclose(centred_new.mean(axis=1), 0)
    assert not np.allclose(z_windows.mean(axis=1), 0)


def test_as_strided_does_not_check_bounds():
    y = np.arange(6, dtype=np.int64)
    beyond = as_strided(y, shape=(4, 3), strides=(16, 8))  # never indexed
    assert 3 * 16 + 2 * 8 + y.itemsize > y.nbytes
    assert not memlayout.layout(beyond).in_bounds
    assert memlayout.layout(as_strided(y, shape=(4, 3), strides=(8, 8))).in_bounds


def test_setting_strides_is_deprecated_and_a_new_view_replaces_it():
    source = np.arange(12, dtype=np.int64)
    old_style = source[:6]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old_style.strides = (16,)
    assert issubclass(caught[0].category, DeprecationWarning)
    assert str(caught[0].message).startswith("Setting the strides on a NumPy array has been deprecated")
    new_style = as_strided(source, shape=(6,), strides=(16,))
    assert np.array_equal(new_style, old_style) and np.array_equal(source[::2], old_style)
    assert new_style.strides == source[::2].strides == (16,)


def test_exercise_strides_of_an_int16_block():
    block = np.zeros((2, 3, 4), dtype=np.int16)
    assert block.strides == (24, 8, 2)
    assert np.asfortranarray(block).strides == (2, 4, 12)


def test_exercise_byte_offset_of_a_strided_slice():
    board = np.arange(30, dtype=np.int16).reshape(5, 6)
    rows = board[::2, 1:]
    assert memlayout.layout(rows).offset == 2 and rows.strides == (24, 2)
    assert memlayout.layout(rows).element_offset((1, 3)) == 32
    assert rows[1:2, 3:4].ctypes.data - board.ctypes.data == 32
    assert board.ravel()[32 // board.itemsize] == rows[1, 3]


def test_as_strided_with_the_strides_of_a_slice_builds_the_same_view():
    c_order = np.arange(12, dtype=np.int64).reshape(3, 4)
    columns = as_strided(c_order, shape=(3, 2), strides=(32, 16))
    assert np.array_equal(columns, c_order[:, ::2]) and c_order[:, ::2].strides == (32, 16)
    assert np.shares_memory(columns, c_order) and memlayout.layout(columns).in_bounds


def test_merging_an_axis_of_length_1_into_an_f_ordered_neighbour_is_a_view():
    f_order = np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 1, 4))
    assert f_order.flags.f_contiguous
    assert np.shares_memory(f_order.reshape(3, 4), f_order)  # merges axes 1 (length 1) and 2
    assert not np.shares_memory(f_order.reshape(12), f_order)  # merges the axes of lengths 3 and 4


APPLE_SILICON = sys.platform == "darwin" and platform.machine() == "arm64"
X86_64 = platform.machine().lower() in ("x86_64", "amd64")


@pytest.mark.skipif(not (X86_64 or APPLE_SILICON), reason="the lesson names x86-64 and Apple silicon")
def test_the_page_size_is_4_kib_on_x86_64_and_16_kib_on_apple_silicon():
    assert mmap.PAGESIZE == (16_384 if APPLE_SILICON else 4_096)


def transparent_huge_pages():
    """The kernel's THP mode, the bracketed word of /sys/.../enabled, or None off Linux."""
    path = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    if not path.is_file():
        return None
    return re.search(r"\[(\w+)\]", path.read_text()).group(1)


def vm_flags(address):
    """The VmFlags of the mapping of this process that holds `address` (Linux /proc/self/smaps)."""
    current = None
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and not head.endswith(":"):
            low, high = (int(part, 16) for part in head.split("-"))
            current = low <= address < high
        elif current and line.startswith("VmFlags:"):
            return line.split()[1:]
    raise LookupError("no mapping holds the address")


@pytest.mark.skipif(sys.platform != "linux" or transparent_huge_pages() in (None, "never"),
                    reason="NumPy advises huge pages on Linux with transparent huge pages only")
def test_numpy_asks_for_huge_pages_for_the_lessons_wide_array(strided):
    wide = strided["every_8th"].base
    assert wide.nbytes == 64 * 2**20 and wide.flags.owndata
    assert "hg" in vm_flags(wide.ctypes.data + wide.nbytes // 2)  # madvise(MADV_HUGEPAGE) was called
    assert -(-wide.nbytes // 2**21) == 32  # 2 MiB pages, where the kernel grants them
