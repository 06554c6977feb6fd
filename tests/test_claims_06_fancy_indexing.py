"""The claims of 06_fancy_indexing, checked against NumPy in more depth than the lesson shows.

The lesson's check cells state each claim in one or two asserts; the variants live here, so
that a NumPy release that changes any of them fails CI instead of misleading a learner.
"""

import numpy as np
import pytest

import memlayout

MiB = 2**20
KiB64 = 2**16


@pytest.fixture(scope="module")
def x_and_idx():
    rng = np.random.default_rng(42)
    x = rng.random(8 * 2**20)
    idx = rng.integers(0, x.size, size=1_000_000, dtype=np.int64)
    return x, idx


def tens():
    return np.arange(10, dtype=np.int64) * 10


def test_a_slice_is_a_view_and_an_index_list_a_gather():
    a = tens()
    sel_slice, sel_list = memlayout.index_layout(a, np.s_[2:8:2]), memlayout.index_layout(a, [7, 2, 2, 5])
    assert sel_slice.kind == "view" and sel_slice.copied_bytes == 0 and np.shares_memory(a[2:8:2], a)
    assert sel_slice.source_offsets.tolist() == [16, 32, 48]
    by_list = a[[7, 2, 2, 5]]
    assert sel_list.kind == "copy" and not np.shares_memory(by_list, a)
    assert sel_list.copied_bytes == by_list.nbytes == 4 * a.itemsize == 32
    assert sel_list.source_offsets.tolist() == [7 * 8, 2 * 8, 2 * 8, 5 * 8]
    by_list[0] = -1  # writes into the new buffer only
    assert a[7] == 70


def test_unequal_steps_fit_no_single_stride():
    offsets = memlayout.index_layout(tens(), [7, 2, 2, 5]).source_offsets.tolist()
    assert np.diff(offsets).tolist() == [-40, 0, 24]
    start, stride = offsets[0], offsets[1] - offsets[0]  # the only candidate pair
    assert [start + k * stride for k in range(len(offsets))] != offsets


def test_the_form_of_the_index_decides_not_its_values():
    a = tens()
    sel_even = memlayout.index_layout(a, [2, 4, 6])
    assert len(set(np.diff(sel_even.source_offsets).tolist())) == 1  # a stride would fit
    assert sel_even.kind == "copy" and not np.shares_memory(a[[2, 4, 6]], a)
    mask = a % 20 == 0
    assert memlayout.index_layout(a, mask).kind == "copy" and not np.shares_memory(a[mask], a)
    assert np.array_equal(a[mask], a[::2]) and np.shares_memory(a[::2], a)


@pytest.mark.parametrize(("expr", "kind"), [
    ("g[1]", "view"), ("g[1, 2]", "scalar"), ("g[(1, 2)]", "scalar"), ("g[[1, 2]]", "copy"),
    ("g[1:3, ::2]", "view"), ("g[:, [0, 1, 2]]", "copy"), ("g[g > 3]", "copy"),
    ("g[[True, False, True]]", "copy"), ("g[..., 0]", "view"), ("g[None, 1]", "view"),
    ("g[np.int64(2)]", "view"),
])
def test_exercise_1_kinds(expr, kind):
    g = np.arange(12, dtype=np.int64).reshape(3, 4)
    result = eval(expr, {"g": g, "np": np})
    if kind == "scalar":
        assert not isinstance(result, np.ndarray) and isinstance(result, np.integer)
    else:
        assert isinstance(result, np.ndarray) and np.shares_memory(result, g) == (kind == "view")


def test_a_gather_allocates_picked_elements_times_itemsize(x_and_idx):
    x, idx = x_and_idx
    assert idx.dtype == np.intp
    with memlayout.peak_memory() as m_gather:
        picked = x[idx]
    assert not np.shares_memory(picked, x) and abs(m_gather.peak - 8_000_000) < MiB


def test_a_mask_allocates_what_it_keeps_and_a_slice_nothing(x_and_idx):
    x, _ = x_and_idx
    low = x < 0.5
    with memlayout.peak_memory() as m_mask:
        kept = x[low]
    with memlayout.peak_memory() as m_slice:
        every_other = x[::2]
    assert kept.size == np.count_nonzero(low) and abs(m_mask.peak - kept.nbytes) < MiB
    assert abs(m_mask.peak - x.nbytes / 2) < MiB
    assert np.shares_memory(every_other, x) and m_slice.peak < KiB64


def test_a_list_index_is_converted_to_an_index_array_first(x_and_idx):
    x, idx = x_and_idx
    idx_list = idx[:200_000].tolist()
    with memlayout.peak_memory() as m_list:
        picked = x[idx_list]
    assert abs(m_list.peak - (200_000 * 8 + picked.nbytes)) < KiB64
    assert np.array_equal(picked, x[idx[:200_000]])


def test_writing_through_an_index_allocates_only_for_a_list_or_another_dtype():
    x = np.random.default_rng(3).random(8 * 2**20)
    idx = np.random.default_rng(4).integers(0, x.size, size=1_000_000, dtype=np.int64)
    ones = np.ones(idx.size)
    ones_list = ones[:500_000].tolist()
    halves = np.full(idx.size, 0.5, dtype=np.float32)
    with memlayout.peak_memory() as m_array:
        x[idx] = ones
    with memlayout.peak_memory() as m_scalar:
        x[idx] = 0.0
    with memlayout.peak_memory() as m_list:
        x[idx[:500_000]] = ones_list
    with memlayout.peak_memory() as m_cast:
        x[idx] = halves
    assert m_array.peak < KiB64 and m_scalar.peak < KiB64
    assert abs(m_list.peak - 500_000 * 8) < KiB64
    assert 0 < m_cast.peak < MiB
    assert np.all(x[idx] == 0.5)


def test_a_write_into_a_gathered_temporary_is_lost():
    slots = np.zeros(8, dtype=np.int64)
    slots[[1, 5, 6]] = [10, 50, 60]
    slots[slots == 0] = -1
    assert slots.tolist() == [-1, 10, -1, -1, -1, 50, 60, -1]
    pick = np.array([1, 5, 6])
    slots[pick][0] = 9
    assert slots[1] == 10
    slots[1:7][0] = 9  # a slice is a view
    assert slots[1] == 9
    slots[pick[0]] = 8
    assert slots[1] == 8


def test_a_repeated_index_counts_once_with_plus_equals_and_every_time_with_add_at():
    idx = np.array([0, 1, 1, 3, 3, 3])
    hits = np.zeros(5, dtype=np.int64)
    hits[idx] += 1
    assert hits.tolist() == [1, 1, 0, 1, 0]
    assert np.array_equal(hits, np.isin(np.arange(5), idx))
    hits_at = np.zeros(5, dtype=np.int64)
    assert np.add.at(hits_at, idx, 1) is None
    assert np.array_equal(hits_at, np.bincount(idx, minlength=5))


def test_a_repeated_assignment_keeps_one_of_the_values():
    s = np.zeros(2)
    s[[0, 0]] = [1.0, 2.0]
    assert s[0] in (1.0, 2.0) and s[1] == 0.0


def test_plus_equals_through_an_index_allocates_a_temporary_and_add_at_does_not(x_and_idx):
    x, idx = x_and_idx
    x = x.copy()
    x[idx] = 0.0
    with memlayout.peak_memory() as m_iadd:
        x[idx] += 1.0
    with memlayout.peak_memory() as m_at:
        np.add.at(x, idx, 1.0)
    assert abs(m_iadd.peak - idx.size * x.itemsize) < MiB and m_at.peak < KiB64
    assert np.array_equal(x[idx], 1.0 + np.bincount(idx, minlength=x.size)[idx])


def test_only_element_wise_single_output_ufuncs_have_a_working_at():
    for ufunc in (np.maximum, np.multiply, np.subtract, np.add):
        target = np.ones(3)
        ufunc.at(target, [0, 0], 2.0)
    with pytest.raises(TypeError, match="signature"):
        np.matmul.at(np.zeros(3), [0], 1.0)
    with pytest.raises(ValueError, match="single output"):
        np.divmod.at(np.zeros(3), [0], 1.0)


def test_index_arrays_broadcast_against_each_other():
    b = np.arange(20, dtype=np.int64).reshape(4, 5)
    assert b[[0, 2], [1, 4]].tolist() == [1, 14]
    rows, cols = np.array([0, 2, 3]), np.array([1, 4])
    with pytest.raises(IndexError, match="could not be broadcast together with shapes"):
        b[rows, cols]
    block = b[rows[:, None], cols]
    assert [ix.shape for ix in np.ix_(rows, cols)] == [(3, 1), (1, 2)]
    assert block.shape == np.broadcast_shapes(rows[:, None].shape, cols.shape) == (3, 2)
    assert np.array_equal(block, b[np.ix_(rows, cols)])
    assert block.tolist() == [[int(b[r, c]) for c in cols] for r in rows]
    sel = memlayout.index_layout(b, np.ix_(rows, cols))
    assert np.array_equal(sel.source_offsets, rows[:, None] * b.strides[0] + cols * b.strides[1])
    assert sel.kind == "copy" and not np.shares_memory(block, b)


def test_exercise_3_sub_grid():
    readings = np.arange(48, dtype=np.int64).reshape(6, 8)
    stations, hours = np.array([1, 3, 4]), np.array([0, 2, 5])
    for index in (np.ix_(stations, hours), (stations[:, None], hours)):
        assert readings[index].tolist() == [[readings[s, h] for h in hours] for s in stations]
    assert readings[stations, hours].shape == (3,)


def test_a_slice_with_an_index_array_is_a_copy():
    b = np.arange(20, dtype=np.int64).reshape(4, 5)
    corners = b[1:3, [0, 4]]
    assert corners.tolist() == [[5, 9], [10, 14]] and not np.shares_memory(corners, b)


@pytest.mark.parametrize(("index", "shape"), [
    ((slice(None), 0, [0, 1]), (2, 2)),           # adjacent: the broadcast axis stays in place
    ((slice(None), [0, 1], [0, 1]), (2, 2)),
    ((0, slice(None), [0, 1]), (2, 3)),           # separated by a slice: broadcast axes first
    (([0, 1], slice(None), [0, 1]), (2, 3)),
    (([[0], [1]], slice(None), [0, 1, 2]), (2, 3, 3)),
])
def test_index_arrays_separated_by_a_slice_put_the_broadcast_axes_first(index, shape):
    assert np.zeros((2, 3, 4))[index].shape == shape


def test_indexing_in_two_steps_keeps_the_order_you_read():
    z = np.zeros((2, 3, 4))
    assert z[0][:, [0, 1]].shape == (3, 2) and np.shares_memory(z[0], z)


def test_a_gather_can_return_a_view_of_its_own_new_buffer():
    b = np.arange(20, dtype=np.int64).reshape(4, 5)
    picked = b[:, [0, 4]]
    assert not picked.flags.owndata and not np.shares_memory(picked, b)
    assert picked.base.shape == (2, 4) and picked.base.flags.owndata
    assert picked.strides == (8, 32) and np.shares_memory(picked, picked.base)
    assert b[[0, 2]].flags.owndata  # gathering whole rows returns the buffer itself


def test_take_modes():
    c = np.arange(5, dtype=np.int64) * 100
    b = np.arange(20, dtype=np.int64).reshape(4, 5)
    assert np.array_equal(np.take(c, [4, 0, 4]), c[[4, 0, 4]])
    assert np.take(c, [7, -1], mode="wrap").tolist() == [c[7 % 5], c[-1]]
    assert np.take(c, [7, -1], mode="clip").tolist() == [c[4], c[0]]
    assert np.array_equal(np.take(b, [0, 4], axis=1), b[:, [0, 4]])


def test_take_buffers_out_in_raise_mode_only(x_and_idx):
    x, idx = x_and_idx
    out = np.empty(idx.size)
    with memlayout.peak_memory() as m_raise:
        np.take(x, idx, out=out)
    with memlayout.peak_memory() as m_clip:
        np.take(x, idx, out=out, mode="clip")
    with memlayout.peak_memory() as m_wrap:
        np.take(x, idx, out=out, mode="wrap")
    assert abs(m_raise.peak - out.nbytes) < MiB
    assert m_clip.peak < KiB64 and m_wrap.peak < KiB64
    assert np.array_equal(out, x[idx]) and not np.shares_memory(out, x)


def test_take_leaves_out_untouched_when_an_index_is_out_of_range():
    c = np.arange(5, dtype=np.int64) * 100
    small_out = np.full(3, -7, dtype=np.int64)
    with pytest.raises(IndexError, match="index 9 is out of bounds"):
        np.take(c, [0, 1, 9], out=small_out)
    assert small_out.tolist() == [-7, -7, -7]


def test_compress_and_nonzero():
    b = np.arange(20, dtype=np.int64).reshape(4, 5)
    keep_cols = np.array([True, False, False, True, True])
    kept = np.compress(keep_cols, b, axis=1)
    assert np.array_equal(kept, b[:, keep_cols]) and not np.shares_memory(kept, b)
    big = b > 15
    assert np.array_equal(b[big], b[np.nonzero(big)]) and len(np.nonzero(big)) == b.ndim
    assert [ix.size for ix in np.nonzero(big)] == [np.count_nonzero(big)] * 2


def test_a_mask_counts_first_and_allocates_exactly_the_result(x_and_idx):
    x, _ = x_and_idx
    evens = np.zeros(x.size, dtype=bool)
    evens[::2] = True
    with memlayout.peak_memory() as m_copy:
        half_copy = x[::2].copy()
    with memlayout.peak_memory() as m_evens:
        half_mask = x[evens]
    assert abs(m_copy.peak - x.nbytes // 2) < MiB
    assert 0 <= m_evens.peak - half_mask.nbytes < KiB64
    assert np.array_equal(half_mask, half_copy) and evens.nbytes == x.size


def test_a_mask_is_smaller_than_its_indices_above_one_in_eight(x_and_idx):
    x, _ = x_and_idx
    evens = np.zeros(x.size, dtype=bool)
    evens[::2] = True
    assert np.nonzero(evens)[0].nbytes == 4 * evens.nbytes
    for fraction in (0.05, 0.1, 0.125, 0.2, 0.5):
        sel = x < fraction
        indices = np.nonzero(sel)[0]
        assert (indices.nbytes < sel.nbytes) == (indices.size < sel.size / 8)
        assert np.array_equal(x[sel], x[indices])


def test_a_gather_fills_its_buffer_with_the_index_axes_first():
    z = np.zeros((2, 3, 4))
    adjacent = z[:, [0, 1, 2, 0, 1]]  # index axis in the middle: moved back by a transposed view
    assert adjacent.shape == (2, 5, 4) and not adjacent.flags.owndata
    assert adjacent.base.shape == (5, 2, 4) and adjacent.base.flags.owndata
    last = z[:, :, [0, 3]]
    assert last.shape == (2, 3, 2) and last.base.shape == (2, 2, 3)
    separated = z[0, :, [0, 1]]  # separated by a slice: the index axes stay first, nothing moved
    assert separated.shape == (2, 3) and separated.flags.owndata
    assert z[[0, 1]].flags.owndata  # already first
