"""The claims of notebooks/04_views_and_copies.ipynb, checked against NumPy in more cases than the
lesson shows.

The lesson states each claim with one or two asserts a learner reads at a glance; the variants
live here, so that a NumPy release that behaves differently fails CI instead of misleading a
learner.
"""

import warnings

import numpy as np
import pytest

import memlayout

OVERHEAD = 2**16  # bytes of array objects and bookkeeping that peak_memory may also see


def is_view(result, of):
    """The lesson's answer format: "view" when result shares a byte with `of`, else "copy"."""
    return "view" if np.shares_memory(result, of) else "copy"


@pytest.mark.parametrize("index", [np.s_[:, 1:4:2], np.s_[::-1], np.s_[1], np.s_[None, 1:], np.s_[..., 2]])
def test_basic_indexing_returns_a_view(index):
    a = np.arange(10, dtype=np.int64).reshape(2, 5)
    assert np.shares_memory(a[index], a)


def test_one_integer_per_axis_returns_a_numpy_scalar():
    a = np.arange(10, dtype=np.int64)
    assert isinstance(a[3], np.int64) and not isinstance(a[3], np.ndarray)
    assert isinstance(a.reshape(2, 5)[1, 2], np.int64)


def test_a_slice_starts_at_its_offset_and_writes_through():
    a = np.arange(10, dtype=np.int64)
    v = a[2:8:2]
    assert v.strides == (16,) and memlayout.layout(v).offset == 16
    v[1] = -1
    assert a[4] == -1 and memlayout.layout(v).element_offset((1,)) == 32


def test_a_2d_slice_keeps_the_row_stride_and_doubles_the_column_stride():
    b = np.arange(12, dtype=np.int64).reshape(3, 4)
    corner = b[1:, ::2]
    assert np.shares_memory(corner, b)
    assert corner.strides == (32, 16) and memlayout.layout(corner).offset == 32


def test_interleaved_slices_overlap_in_half_open_bounds_and_share_no_byte():
    a = np.arange(10, dtype=np.int64)
    evens, odds = a[::2], a[1::2]
    even_bytes = set(memlayout.layout(evens).element_offsets().tolist())
    odd_bytes = set(memlayout.layout(odds).element_offsets().tolist())
    (lo_e, hi_e), (lo_o, hi_o) = memlayout.layout(evens).span, memlayout.layout(odds).span
    assert (lo_e, hi_e, lo_o, hi_o) == (0, 72, 8, 80)
    assert lo_e < hi_o and lo_o < hi_e
    assert not even_bytes & odd_bytes
    assert even_bytes | odd_bytes == set(range(0, a.nbytes, a.itemsize))
    assert np.may_share_memory(evens, odds) and not np.shares_memory(evens, odds)


def test_bounds_are_half_open_as_byte_bounds_reports_them():
    a = np.arange(10, dtype=np.int64)
    low, high = np.lib.array_utils.byte_bounds(a[::2])
    assert high - low == 72 == 8 * a.itemsize + a.itemsize  # one past the last element's last byte
    assert not np.may_share_memory(a[:5], a[5:])  # [0, 40) and [40, 80) touch, never overlap


def test_shares_memory_with_no_work_allowed_gives_up():
    a = np.arange(10, dtype=np.int64)
    with pytest.raises(np.exceptions.TooHardError):
        np.shares_memory(a[::2], a[1::2], max_work=0)
    assert not np.shares_memory(a[:5], a[5:], max_work=0)  # bounds apart: decided without work


@pytest.mark.parametrize("dtype", [np.int64, np.float32])
def test_base_collapses_over_plain_views_to_the_owner(dtype):
    b = np.arange(12, dtype=dtype).reshape(3, 4)
    corner = b[1:, ::2]
    assert corner.base is not b and corner.base is b.base and b.base.flags.owndata
    assert corner[1:].base is b.base


def test_base_stops_at_an_array_whose_base_is_not_an_array():
    raw = bytes(range(8))
    codes = np.frombuffer(raw, dtype=np.uint8)
    assert codes.base is raw and not codes.flags.owndata and not codes.flags.writeable
    assert codes[2:].base is codes and codes[2:][1:].base is codes


def test_base_stops_at_an_array_of_another_type(tmp_path):
    mapped = np.memmap(tmp_path / "numbers.bin", dtype=np.int64, mode="w+", shape=(8,))
    assert type(mapped[2:]) is np.memmap
    assert mapped[2:].base is mapped and mapped[2:][1:].base is mapped
    assert not isinstance(mapped.base, np.ndarray)
    plain = np.asarray(mapped)  # an ndarray whose base is the memmap: the type differs, the chain stops
    assert type(plain) is np.ndarray and plain.base is mapped
    assert plain[1:].base is plain and plain[1:][1:].base is plain
    del plain

    class Tagged(np.ndarray):
        pass

    tagged = np.arange(6).view(Tagged)
    assert type(tagged.base) is np.ndarray
    assert tagged[2:].base is tagged and tagged[2:][1:].base is tagged
    del mapped


def test_a_slice_of_a_new_array_is_a_copy_that_owns_nothing():
    n = np.arange(6, dtype=np.int64)
    doubled_tail = (n * 2)[1:]
    assert doubled_tail.base is not None and not doubled_tail.flags.owndata
    assert not np.shares_memory(doubled_tail, n)
    assert memlayout.layout(doubled_tail).offset == 8 and memlayout.find_owner(doubled_tail).shape == (6,)


def test_an_owner_is_shared_by_its_views_and_a_copy_is_not():
    a = np.arange(10, dtype=np.int64)
    v = a[2:8:2]
    piece = a[2:5].copy()
    assert a.base is None and a.flags.owndata and np.shares_memory(a, v)
    assert piece.base is None and piece.flags.owndata and not np.shares_memory(piece, a)


def test_find_owner_follows_base_to_the_end():
    b = np.arange(12, dtype=np.int64).reshape(3, 4)
    raw = bytes(range(8))
    codes = np.frombuffer(raw, dtype=np.uint8)
    piece = b[1].copy()
    assert memlayout.find_owner(b[1:, ::2]) is b.base
    assert memlayout.find_owner(codes[2:][1:]) is raw
    assert memlayout.find_owner(piece) is piece
    assert memlayout.layout(b[1:, ::2]).buffer_nbytes == 96


def test_asarray_returns_its_input_and_array_copies():
    x = np.arange(4, dtype=np.float64)
    assert np.asarray(x) is x and np.array(x, copy=None) is x
    assert not np.shares_memory(np.array(x), x) and not np.shares_memory(np.array(x, copy=True), x)
    assert not np.shares_memory(np.asarray(x, dtype=np.float32), x)
    m = np.arange(6, dtype=np.int64).reshape(2, 3)
    assert not np.shares_memory(np.asarray(m, order="F"), m)
    assert np.asarray([0.0, 1.0]).flags.owndata


@pytest.mark.parametrize("make", [
    lambda x: np.array(x, dtype=np.float32, copy=False),
    lambda x: np.array([0.0, 1.0, 2.0], copy=False),
    lambda x: np.asarray(x, order="F").reshape(2, 2).T.reshape(-1, copy=False),
])
def test_copy_false_raises_where_a_copy_is_needed(make):
    x = np.arange(4, dtype=np.float64)
    with pytest.raises(ValueError, match="copy"):
        make(x)


def test_the_copy_false_error_names_the_numpy_2_replacement():
    with pytest.raises(ValueError, match=r"np\.asarray\(obj\)"):
        np.array(np.arange(4.0), dtype=np.float32, copy=False)


def test_copy_is_c_ordered_and_np_copy_keeps_the_order():
    m = np.arange(6, dtype=np.int64).reshape(2, 3)
    assert m.T.copy().strides == (16, 8) and m.T.copy().flags.c_contiguous
    assert np.copy(m.T).strides == np.array(m.T).strides == m.T.strides == (8, 24)
    assert not np.shares_memory(m.T.copy(), m) and not np.shares_memory(np.copy(m.T), m)


def test_reshape_of_an_f_ordered_transpose_must_copy():
    m = np.arange(6, dtype=np.int64).reshape(2, 3)
    visits = memlayout.layout(m.T).element_offsets().ravel()
    assert visits.tolist() == [0, 24, 8, 32, 16, 40]
    assert m.T.flags.f_contiguous and not m.T.flags.c_contiguous
    assert np.shares_memory(m.reshape(3, 2), m) and not np.shares_memory(m.T.reshape(-1), m)
    with pytest.raises(ValueError, match="copy"):
        m.T.reshape(-1, copy=False)
    assert np.shares_memory(m.reshape(-1, copy=False), m)


def test_one_stride_per_axis_not_contiguity_decides_reshape():
    h = np.arange(12, dtype=np.int64).reshape(3, 4)
    assert np.shares_memory(h[:, ::2].reshape(-1), h) and h[:, ::2].reshape(-1).strides == (16,)
    assert not np.shares_memory(h[:, :2].reshape(-1), h)
    assert not h[:, ::2].flags.c_contiguous


def test_ravel_flatten_and_reshape_minus_one_keep_their_promises():
    a = np.arange(10, dtype=np.int64)
    m = np.arange(6, dtype=np.int64).reshape(2, 3)
    table = {name: {method: is_view(f(x), base) for method, f in
                    {"reshape(-1)": lambda y: y.reshape(-1), "ravel()": np.ravel,
                     "flatten()": lambda y: y.flatten()}.items()}
             for name, (x, base) in {"m": (m, m), "m.T": (m.T, m), "a[::2]": (a[::2], a)}.items()}
    assert table == {
        "m": {"reshape(-1)": "view", "ravel()": "view", "flatten()": "copy"},
        "m.T": {"reshape(-1)": "copy", "ravel()": "copy", "flatten()": "copy"},
        "a[::2]": {"reshape(-1)": "view", "ravel()": "copy", "flatten()": "copy"},
    }
    assert a[::2].ravel().flags.c_contiguous and m.T.ravel().flags.c_contiguous


def test_np_array_of_a_transpose_then_reshape_copies_twice():
    m = np.arange(6, dtype=np.int64).reshape(2, 3)
    kept_order = np.array(m.T)
    c_ordered = np.array(m.T, order="C")
    assert kept_order.flags.f_contiguous and not np.shares_memory(kept_order.reshape(-1), kept_order)
    assert c_ordered.flags.c_contiguous and np.shares_memory(c_ordered.reshape(-1), c_ordered)
    assert np.array_equal(m.T.flatten(), kept_order.reshape(-1))


def test_exercise_view_or_copy_answers():
    g = np.arange(24, dtype=np.int64).reshape(4, 6)
    made = {
        "g[2]": g[2], "g[:, 2]": g[:, 2], "g[[0, 2]]": g[[0, 2]], "g[g > 10]": g[g > 10],
        "g.T": g.T, "g.T.reshape(-1)": g.T.reshape(-1), "g.reshape(6, 4)": g.reshape(6, 4),
        "g[:, :3].reshape(-1)": g[:, :3].reshape(-1), "g[:, ::3].reshape(-1)": g[:, ::3].reshape(-1),
        "g.ravel()": g.ravel(), "g.flatten()": g.flatten(), "np.asarray(g)": np.asarray(g),
        "np.array(g)": np.array(g), "g + 0": g + 0,
    }
    views = {e for e, y in made.items() if is_view(y, g) == "view"}
    assert views == {"g[2]", "g[:, 2]", "g.T", "g.reshape(6, 4)", "g[:, ::3].reshape(-1)", "g.ravel()",
                     "np.asarray(g)"}
    steps = set(np.diff(memlayout.layout(g.T).element_offsets().ravel()).tolist())
    assert steps == {48, -136}
    assert set(np.diff(memlayout.layout(g[:, :3]).element_offsets().ravel()).tolist()) == {8, 32}
    assert set(np.diff(memlayout.layout(g[:, ::3]).element_offsets().ravel()).tolist()) == {24}


def test_rescaling_a_view_in_place_changes_the_caller_without_a_warning():
    def rescale(x):
        x -= x.min()
        x /= x.max()
        return x

    readings = np.array([12.0, 15.0, 11.0, 19.0, 30.0, 26.0, 22.0, 28.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        morning = rescale(readings[:4])
    assert caught == []
    assert np.shares_memory(morning, readings)
    assert readings.tolist() == [0.125, 0.5, 0.0, 1.0, 30.0, 26.0, 22.0, 28.0]


@pytest.mark.parametrize("safe", [
    lambda values, limit: np.minimum(values, limit),
    lambda values, limit: np.clip(values, None, limit),
    lambda values, limit: np.where(values > limit, limit, values),
])
def test_ufuncs_that_cap_write_a_new_array(safe):
    series = np.array([14.0, 31.0, 18.0, 25.0, 9.0, 40.0, 22.0])
    clipped = safe(series[1:6], 20.0)
    assert series.tolist() == [14.0, 31.0, 18.0, 25.0, 9.0, 40.0, 22.0]
    assert not np.shares_memory(clipped, series)
    assert clipped.tolist() == [20.0, 18.0, 20.0, 9.0, 20.0]


@pytest.mark.parametrize("make", [np.copy, lambda x: np.array(x, copy=True)])
def test_a_copy_of_read_only_data_is_writeable(make):
    codes = np.frombuffer(bytes(range(8)), dtype=np.uint8)
    assert make(codes).flags.writeable and not np.shares_memory(make(codes), codes)


def test_asarray_and_ascontiguousarray_return_a_contiguous_array_itself():
    codes = np.frombuffer(bytes(range(8)), dtype=np.uint8)
    assert np.asarray(codes) is codes and np.ascontiguousarray(codes) is codes
    a = np.arange(10, dtype=np.int64)
    assert np.ascontiguousarray(a[::2]) is not a and not np.shares_memory(np.ascontiguousarray(a[::2]), a)


def test_a_copy_costs_its_bytes_and_a_slice_nothing():
    big = np.ones(8 * 2**20, dtype=np.float64)
    with memlayout.peak_memory() as m_slice:
        half = big[::2]
    with memlayout.peak_memory() as m_copy:
        dup = big.copy()
    assert np.shares_memory(half, big) and m_slice.peak < OVERHEAD
    assert not np.shares_memory(dup, big)
    assert abs(m_copy.peak - big.nbytes) < 2**20 and abs(m_copy.retained - big.nbytes) < 2**20


def test_a_reshape_that_copies_peaks_at_a_buffer_and_retains_nothing():
    big = np.ones(8 * 2**20, dtype=np.float64)
    grid = big.reshape(4096, 2048)
    with memlayout.peak_memory() as m_flat:
        total = grid.T.reshape(-1).sum()
    with memlayout.peak_memory() as m_view:
        total_view = grid.T.sum()
    assert np.shares_memory(grid, big)
    assert abs(m_flat.peak - big.nbytes) < 2**20 and m_flat.retained < OVERHEAD
    assert m_view.peak < OVERHEAD and total_view == total == big.size
