"""Tests of ``memlayout.layout()`` and ``Layout``: where an array's elements sit in the owner.

The ground truth never uses the model's formula ``offset + Σ index·stride``. An element's
offset is read from NumPy itself: the data address of the 0-d view ``a[idx + (...,)]``
minus the address of the owner's first byte (``byte_bounds(owner)[0]`` for an ndarray owner,
the address of ``np.frombuffer(owner, np.uint8)`` for bytes, mmap and memoryview owners).
Which bytes a view touches is read by writing a marker through the view and looking at
which bytes of the owner changed.

Checked here:
- the owner and offset for every kind of owner (ndarray, as_strided and sliding_window_view
  chains, bytes, bytearray/memoryview, memmap opened at an offset, np.load with mmap_mode,
  field views, .real/.imag, dtype views, 0-d and empty arrays);
- element_offsets() and element_offset() against the ground truth for random views
  (hypothesis: shapes, dtypes, negative steps, transposes, broadcasts, field views);
- c_contiguous / f_contiguous against ``a.flags``, span against ``byte_bounds``,
  zero_stride_axes, overlapping against brute force, in_bounds;
- touches(start, stop) against a byte map, for small arrays and for arrays of more than
  65,536 elements (the nested-strides path and the sliding-window path);
- the lattice of element starts: every start in a byte range, listed without the model's
  offsets, against brute force for arbitrary (overlapping, negative, zero) strides;
- within(): whether one array's bytes are all bytes of another, against byte maps;
- normalise_index(): NumPy integer scalars of every kind, and bad indices refused;
- bad input, O(1) cost on huge broadcasts, frozenness, and a repr without addresses.
"""

from __future__ import annotations

import dataclasses
import mmap
import os
import re
import tempfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.array_utils import byte_bounds
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from memlayout import Layout, find_owner, layout
from memlayout.model._lattice import Lattice
from memlayout.model.layout import _EXACT_LIMIT

PROPERTY = settings(max_examples=120, deadline=None)


def address(a: np.ndarray) -> int:
    """Address of the first byte of element [0, ..., 0], as NumPy reports it."""
    return a.__array_interface__["data"][0]


def owner_start(owner: object) -> int:
    """Address of the owner's first byte, found without the model."""
    if isinstance(owner, np.ndarray):
        return byte_bounds(owner)[0]
    return address(np.frombuffer(owner, np.uint8))


def true_offsets(a: np.ndarray, owner: object) -> np.ndarray:
    """Byte offset from the owner's first byte of every element, read from NumPy's indexing."""
    start = owner_start(owner)
    out = np.empty(a.shape, dtype=np.int64)
    for idx in np.ndindex(a.shape):
        out[idx] = address(a[idx + (...,)]) - start
    return out


def byte_counts(offsets: np.ndarray, itemsize: int, nbytes: int) -> np.ndarray:
    """How many elements cover each byte of an owner of `nbytes` bytes."""
    starts = np.asarray(offsets, dtype=np.int64).ravel()
    covered = (starts[:, None] + np.arange(itemsize)).ravel()
    return np.bincount(covered, minlength=nbytes)


def touched_by_writing(view: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Boolean map of the owner's bytes that change when a marker is written through `view`."""
    raw = owner.ravel(order="K").view(np.uint8)
    assert np.shares_memory(raw, owner)
    raw[...] = 0
    view[...] = np.frombuffer(b"\x01" * view.dtype.itemsize, view.dtype)[0]
    return raw != 0


def truth_touches(byte_map: np.ndarray, start: int, stop: int) -> bool:
    """Whether the owner range [start, stop) holds a touched byte."""
    return bool(byte_map[max(start, 0):max(stop, 0)].any())


def truth_cells(byte_map: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """For each range [start, start + width), whether it holds a touched byte (vectorised)."""
    before = np.concatenate([[0], np.cumsum(byte_map)])
    low = np.clip(starts, 0, byte_map.size)
    high = np.clip(starts + width, 0, byte_map.size)
    return before[high] - before[low] > 0


def check_touches(lay: Layout, byte_map: np.ndarray, ranges, starts=None) -> None:
    """touches() on each range, and touched_cells() on `starts` (the ranges' starts if None)."""
    for start, stop in ranges:
        assert lay.touches(start, stop) == truth_touches(byte_map, start, stop), (start, stop)
    if starts is None:
        starts = [start for start, _ in ranges]
    starts = np.asarray(starts, dtype=np.int64)
    for width in (1, 2, lay.itemsize, 3 * lay.itemsize):
        np.testing.assert_array_equal(lay.touched_cells(starts, width),
                                      truth_cells(byte_map, starts, width), err_msg=str(width))


# ---------------------------------------------------------------------------------------
# Owners and offsets
# ---------------------------------------------------------------------------------------

def test_array_that_owns_its_data_is_its_own_owner():
    a = np.arange(6, dtype=np.int64)
    lay = layout(a)
    assert lay.owner is a
    assert find_owner(a) is a
    assert (lay.offset, lay.buffer_nbytes, lay.owner_type) == (0, 48, "ndarray")
    assert (lay.shape, lay.strides, lay.itemsize, lay.dtype) == ((6,), (8,), 8, np.int64)
    assert (lay.ndim, lay.size, lay.nbytes) == (1, 6, 48)
    np.testing.assert_array_equal(lay.element_offsets(), np.arange(0, 48, 8))


def test_view_of_view_reaches_the_original_owner():
    a = np.arange(24, dtype=np.int16).reshape(4, 6).copy()
    v = a[1:, ::-2].T[1:]
    lay = layout(v)
    assert lay.owner is a
    assert lay.offset == address(v) - address(a)
    np.testing.assert_array_equal(lay.element_offsets(), true_offsets(v, a))


def test_as_strided_owner_is_the_original_array_not_the_helper():
    a = np.arange(10, dtype=np.float64)
    v = as_strided(a[2:], shape=(3, 4), strides=(16, 8))
    assert type(v.base).__name__ == "DummyArray"  # the helper really is in the chain
    lay = layout(v)
    assert lay.owner is a
    assert lay.offset == 16
    assert lay.buffer_nbytes == a.nbytes
    np.testing.assert_array_equal(lay.element_offsets(), true_offsets(v, a))


def test_sliding_window_view_owner_is_the_original_array():
    a = np.arange(12, dtype=np.int32)
    v = sliding_window_view(a[1:], 4)
    lay = layout(v)
    assert lay.owner is a
    assert lay.offset == 4
    assert lay.overlapping
    np.testing.assert_array_equal(lay.element_offsets(), true_offsets(v, a))


def test_frombuffer_bytes_owner_is_the_bytes_object():
    raw = bytes(range(16))
    v = np.frombuffer(raw, np.uint8)[2:]
    lay = layout(v)
    assert lay.owner is raw
    assert (lay.offset, lay.buffer_nbytes, lay.owner_type) == (2, 16, "bytes")
    np.testing.assert_array_equal(lay.element_offsets(), true_offsets(v, raw))
    # the owner byte at each offset is the element's value
    assert [raw[o] for o in lay.element_offsets()] == v.tolist()


def test_frombuffer_bytes_with_wider_dtype_and_step():
    raw = bytes(range(32))
    v = np.frombuffer(raw, np.int16)[1::3]
    lay = layout(v)
    assert lay.owner is raw
    np.testing.assert_array_equal(lay.element_offsets(), [2, 8, 14, 20, 26])
    np.testing.assert_array_equal(lay.element_offsets(), true_offsets(v, raw))


def test_bytearray_owner_is_found_through_the_memoryview_numpy_keeps():
    data = bytearray(range(20))
    v = np.frombuffer(data, np.uint16)[::-3]
    assert any(isinstance(obj, memoryview) for obj in (v.base, getattr(v.base, "base", None)))
    lay = layout(v)
    assert lay.owner is data
    assert lay.buffer_nbytes == 20
    np.testing.assert_array_equal(lay.element_offsets(), [18, 12, 6, 0])
    np.testing.assert_array_equal(lay.element_offsets(), true_offsets(v, data))


def test_memoryview_of_a_slice_counts_offsets_from_the_exposed_object():
    data = bytearray(range(16))
    v = np.frombuffer(memoryview(data)[4:], np.int16)[1:]
    lay = layout(v)
    assert lay.owner is data
    assert lay.buffer_nbytes == 16
    assert lay.offset == 4 + 2
    np.testing.assert_array_equal(lay.element_offsets(), true_offsets(v, data))


def test_memoryview_of_an_array_view_leads_to_the_array_that_owns_it():
    a = np.arange(6, dtype=np.int64)
    v = np.asarray(memoryview(a[1:]))
    lay = layout(v)
    assert lay.owner is a
    assert lay.offset == 8


@pytest.mark.parametrize("offset", [0, 12, mmap.ALLOCATIONGRANULARITY + 8,
                                    2 * mmap.ALLOCATIONGRANULARITY + 100])
def test_memmap_opened_at_an_offset(offset):
    values = np.arange(4 * mmap.ALLOCATIONGRANULARITY, dtype=np.int32)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.bin")
        values.tofile(path)
        m = np.memmap(path, dtype=np.int32, mode="r", offset=offset, shape=(50,))
        lay = layout(m)
        assert isinstance(lay.owner, mmap.mmap)
        assert lay.owner_type == "mmap"
        assert lay.offset == offset % mmap.ALLOCATIONGRANULARITY
        assert lay.buffer_nbytes == len(lay.owner) == lay.offset + m.nbytes
        np.testing.assert_array_equal(lay.element_offsets(), true_offsets(m, lay.owner))

        part = m[5::-2]
        part_lay = layout(part)
        assert part_lay.owner is lay.owner
        assert part_lay.offset == lay.offset + 5 * 4
        np.testing.assert_array_equal(part_lay.element_offsets(), true_offsets(part, lay.owner))
        # the file bytes at the reported offsets hold the elements' values
        mapped_from = offset - offset % mmap.ALLOCATIONGRANULARITY
        file_bytes = values.tobytes()
        for value, off in zip(part.tolist(), part_lay.element_offsets().tolist(), strict=True):
            at = mapped_from + off
            assert np.frombuffer(file_bytes[at:at + 4], np.int32)[0] == value
        del m, part, lay, part_lay


def test_np_load_mmap_offset_is_the_header_length():
    data = np.arange(30, dtype=np.float64).reshape(5, 6)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.npy")
        np.save(path, data)
        with open(path, "rb") as f:
            np.lib.format.read_magic(f)
            np.lib.format.read_array_header_1_0(f)
            header = f.tell()
        loaded = np.load(path, mmap_mode="r")
        lay = layout(loaded)
        assert isinstance(lay.owner, mmap.mmap)
        assert lay.offset == header
        assert lay.buffer_nbytes == os.path.getsize(path)
        view = loaded[::-2, 1]
        np.testing.assert_array_equal(layout(view).element_offsets(),
                                      true_offsets(view, lay.owner))
        np.testing.assert_array_equal(layout(view).element_offsets(),
                                      header + np.array([24, 12, 0]) * 8 + 8)
        del loaded, view, lay


def test_field_view_offset_is_the_field_offset():
    dt = np.dtype([("x", np.int8), ("y", np.float64), ("z", np.int16)], align=True)
    z = np.zeros(5, dt)
    for name in dt.names:
        lay = layout(z[name])
        assert lay.owner is z
        assert lay.offset == dt.fields[name][1]
        assert lay.strides == (dt.itemsize,)
        assert lay.dtype == dt.fields[name][0]
        np.testing.assert_array_equal(
            lay.element_offsets(), dt.fields[name][1] + dt.itemsize * np.arange(5))
        np.testing.assert_array_equal(lay.element_offsets(), true_offsets(z[name], z))
        assert not lay.c_contiguous and not lay.overlapping


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_real_and_imag_views(dtype):
    c = np.zeros((2, 3), dtype)
    half = np.dtype(dtype).itemsize // 2
    for part, start in ((c.real, 0), (c.imag, half)):
        lay = layout(part)
        assert lay.owner is c
        assert lay.offset == start
        assert lay.itemsize == half
        np.testing.assert_array_equal(lay.element_offsets(), true_offsets(part, c))
        np.testing.assert_array_equal(lay.element_offsets(),
                                      start + 2 * half * np.arange(6).reshape(2, 3))
        assert lay.span == (start, c.nbytes - half + start)


def test_dtype_view_as_bytes():
    a = np.arange(6, dtype=np.int32).reshape(2, 3).copy()
    v = a.view(np.uint8)
    lay = layout(v)
    assert lay.owner is a
    assert lay.shape == (2, 12)
    np.testing.assert_array_equal(lay.element_offsets(), np.arange(24).reshape(2, 12))


def test_zero_dimensional_arrays():
    scalar = np.array(2.5)
    lay = layout(scalar)
    assert lay.owner is scalar
    assert (lay.shape, lay.ndim, lay.size, lay.offset) == ((), 0, 1, 0)
    assert lay.element_offsets().shape == ()
    assert lay.element_offset(()) == 0
    assert lay.c_contiguous and lay.f_contiguous and not lay.overlapping
    assert lay.span == (0, 8)

    a = np.arange(10, dtype=np.int64)
    picked = a[7, ...]
    assert picked.ndim == 0
    lay = layout(picked)
    assert lay.owner is a
    assert lay.offset == 56 == int(lay.element_offsets())
    assert lay.touches(56, 57) and not lay.touches(48, 56) and not lay.touches(64, 80)


@pytest.mark.parametrize(("make", "shape"), [
    (lambda a: np.empty((0, 3)), (0, 3)),
    (lambda a: a[5:5], (0, 4)),
    (lambda a: a[:, 2:2], (10, 0)),
    (lambda a: a[8:2:-1, ::-1][:0], (0, 4)),
    (lambda a: np.broadcast_to(a[1], (0, 4)), (0, 4)),
])
def test_empty_arrays(make, shape):
    a = np.arange(40, dtype=np.int64).reshape(10, 4).copy()
    v = make(a)
    lay = layout(v)
    assert lay.owner is (v if v.base is None else a)
    assert lay.shape == shape and lay.size == 0 and lay.nbytes == 0
    assert lay.offset == address(v) - owner_start(lay.owner)
    assert lay.element_offsets().shape == shape
    assert lay.span == (lay.offset, lay.offset)
    assert lay.c_contiguous and lay.f_contiguous
    assert not lay.overlapping and lay.in_bounds
    assert not any(lay.touches(s, s + 8) for s in range(-8, 330, 4))


# ---------------------------------------------------------------------------------------
# Random views: element offsets, contiguity, span, zero strides, overlap, touches
# ---------------------------------------------------------------------------------------

STRUCT = np.dtype([("x", np.int16), ("y", np.float64), ("z", np.uint8, (2,))], align=True)
DTYPES = [np.dtype(np.uint8), np.dtype(np.int16), np.dtype(">f4"), np.dtype(np.float64),
          np.dtype(np.complex128), STRUCT]
STEPS = st.sampled_from([-3, -2, -1, 1, 2, 3])
BOUNDS = st.one_of(st.none(), st.integers(-6, 6))


def random_owner(draw) -> np.ndarray:
    dtype = draw(st.sampled_from(DTYPES))
    shape = tuple(draw(st.lists(st.integers(0, 5), max_size=3)))
    return np.zeros(shape, dtype, order=draw(st.sampled_from("CF")))


@st.composite
def random_views(draw):
    """An owner array and a view of it built by a random chain of view operations."""
    owner = random_owner(draw)
    return owner, view_chain(draw, owner)


@st.composite
def two_views(draw):
    """An owner array and two views of it, each built by its own random chain."""
    owner = random_owner(draw)
    return owner, view_chain(draw, owner), view_chain(draw, owner)


def view_chain(draw, owner: np.ndarray) -> np.ndarray:
    """A view of `owner` made by a random chain of view operations."""
    view = owner
    for op in draw(st.lists(st.sampled_from(
            ["slice", "transpose", "broadcast", "field", "complex", "bytes", "int", "newaxis"]),
            max_size=4)):
        if op == "slice" and view.ndim:
            view = view[tuple(slice(draw(BOUNDS), draw(BOUNDS), draw(STEPS))
                              for _ in range(view.ndim))]
        elif op == "transpose":
            view = view.transpose(draw(st.permutations(range(view.ndim))))
        elif op == "broadcast":
            lead = tuple(draw(st.lists(st.integers(0, 3), max_size=1)))
            grown = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in view.shape)
            view = np.broadcast_to(view, lead + grown)
        elif op == "field" and view.dtype.names:
            view = view[draw(st.sampled_from(view.dtype.names))]
        elif op == "complex" and view.dtype.kind == "c":
            view = view.imag if draw(st.booleans()) else view.real
        elif op == "bytes" and view.ndim and view.strides[-1] == view.itemsize:
            view = view.view(np.uint8)
        elif op == "int" and view.ndim and view.shape[0]:
            view = view[draw(st.integers(-view.shape[0], view.shape[0] - 1)), ...]
        elif op == "newaxis":
            view = view[None]
    return view


@PROPERTY
@given(random_views())
def test_element_offsets_agree_with_numpy_indexing(case):
    owner, view = case
    lay = layout(view)
    truth = true_offsets(view, owner)
    assert lay.owner is owner
    assert (lay.shape, lay.strides, lay.dtype) == (view.shape, view.strides, view.dtype)
    assert lay.buffer_nbytes == owner.nbytes
    assert lay.offset == address(view) - owner_start(owner)
    offsets = lay.element_offsets()
    assert offsets.shape == view.shape
    assert np.issubdtype(offsets.dtype, np.integer)
    np.testing.assert_array_equal(offsets, truth)
    for idx in np.ndindex(view.shape):
        assert lay.element_offset(idx) == truth[idx]
        negative = tuple(i - n for i, n in zip(idx, view.shape, strict=True))
        assert lay.element_offset(negative) == truth[idx]


@PROPERTY
@given(random_views())
def test_derived_facts_of_random_views(case):
    owner, view = case
    lay = layout(view)
    start = owner_start(owner)
    truth = true_offsets(view, owner)

    assert lay.c_contiguous == view.flags.c_contiguous
    assert lay.f_contiguous == view.flags.f_contiguous
    assert lay.in_bounds
    if view.size:
        low, high = byte_bounds(view)
        assert lay.span == (low - start, high - start)
    else:
        assert lay.span == (lay.offset, lay.offset)

    if view.size:
        # an axis repeats memory exactly when moving along it never changes the offset
        repeating = tuple(k for k, n in enumerate(view.shape)
                          if n > 1 and not np.diff(truth, axis=k).any())
        assert lay.zero_stride_axes == repeating

    counts = byte_counts(truth, view.itemsize, owner.nbytes)
    assert lay.overlapping == bool(counts.max(initial=0) > 1)

    touched = counts > 0
    nbytes = owner.nbytes
    singles = [(b, b + 1) for b in range(-2, nbytes + 2, max(1, nbytes // 50))]
    wide = [(b, b + w) for b in range(-3, nbytes + 3, max(1, nbytes // 10))
            for w in (2, view.itemsize, 3 * view.itemsize)]
    check_touches(lay, touched, singles + wide + [(0, nbytes), (nbytes, nbytes + 8)],
                  starts=range(-3, nbytes + 3))


@st.composite
def strided_arrays(draw):
    """A 512-byte owner and an as_strided array with arbitrary (in-bounds) strides."""
    itemsize = draw(st.sampled_from([1, 2, 4, 8]))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    strides = tuple(draw(st.lists(st.integers(-12, 12), min_size=len(shape),
                                  max_size=len(shape))))
    first = 200 + draw(st.integers(0, 7))
    owner = np.zeros(512, np.uint8)
    start = owner[first:first + itemsize].view(np.dtype(f"u{itemsize}"))
    return owner, as_strided(start, shape=shape, strides=strides)


@PROPERTY
@given(strided_arrays())
def test_as_strided_offsets_and_small_touches(case):
    owner, view = case
    lay = layout(view)
    assert lay.owner is owner
    truth = true_offsets(view, owner)
    np.testing.assert_array_equal(lay.element_offsets(), truth)
    assert lay.in_bounds
    touched = byte_counts(truth, view.itemsize, owner.nbytes) > 0
    ranges = [(b, b + w) for b in range(80, 340, 5) for w in (1, 3)]
    check_touches(lay, touched, ranges, starts=range(80, 340))


@PROPERTY
@given(strided_arrays())
def test_overlapping_matches_brute_force_for_any_strides(case):
    owner, view = case
    counts = byte_counts(true_offsets(view, owner), view.itemsize, owner.nbytes)
    assert layout(view).overlapping == bool(counts.max() > 1)


def test_overlapping_is_false_for_interleaved_but_disjoint_strides():
    """Offsets {0, 2, 4} + {0, 3} = 0, 3, 2, 5, 4, 7: six distinct single bytes."""
    owner = np.zeros(16, np.uint8)
    view = as_strided(owner, shape=(3, 2), strides=(2, 3))
    assert sorted(layout(view).element_offsets().ravel().tolist()) == [0, 2, 3, 4, 5, 7]
    assert not layout(view).overlapping


def test_overlapping_and_zero_stride_axes_of_broadcasts():
    a = np.arange(3, dtype=np.float32)
    lay = layout(np.broadcast_to(a, (4, 2, 3)))
    assert lay.zero_stride_axes == (0, 1)
    assert lay.overlapping
    lay = layout(np.broadcast_to(a[:, None], (3, 5)))
    assert lay.zero_stride_axes == (1,)
    # length-1 and empty axes repeat nothing
    assert layout(np.broadcast_to(a, (1, 3))).zero_stride_axes == ()
    assert not layout(np.broadcast_to(a, (1, 3))).overlapping
    assert layout(np.broadcast_to(a, (0, 3))).zero_stride_axes == ()
    assert not layout(a).overlapping and layout(a).zero_stride_axes == ()


def test_in_bounds_is_false_for_as_strided_past_either_end():
    owner = np.zeros(4, np.float64)
    assert not layout(as_strided(owner, shape=(10,), strides=(8,))).in_bounds
    assert not layout(as_strided(owner[2:], shape=(5,), strides=(-8,))).in_bounds
    assert layout(as_strided(owner[3:], shape=(4,), strides=(-8,))).in_bounds


# ---------------------------------------------------------------------------------------
# touches() on arrays of more than 65,536 elements
# ---------------------------------------------------------------------------------------

def sample_ranges(lay: Layout, nbytes: int, seed: int):
    """Ranges at the span's ends, in its middle and outside it, of several widths."""
    rng = np.random.default_rng(seed)
    low, high = lay.span
    edges = list(range(low - 40, low + 80)) + list(range(high - 80, high + 40))
    anywhere = rng.integers(-16, nbytes + 16, size=3000).tolist()
    ranges = [(b, b + 1) for b in edges + anywhere]
    widths = rng.integers(1, 4 * lay.itemsize, size=1000).tolist()
    ranges += [(b, b + w) for b, w in zip(anywhere[:1000], widths, strict=True)]
    ranges += [(low, high), (low - 10, low), (high, high + 10)]
    return ranges


NESTED_VIEWS = {
    "rows reversed, columns every 3rd": (np.float32, (600, 800), lambda a: a[::-2, ::3]),
    "transposed, negative step": (np.float32, (600, 800), lambda a: a[5:, ::-2].T),
    "3-d, three kinds of step": (np.int16, (60, 10, 800), lambda a: a[::-1, 2:, ::-5]),
    "imag part, gaps inside": (np.complex128, (400, 500), lambda a: a.imag[::-1, ::2]),
    "field of a struct": (np.dtype([("a", "u1"), ("b", "<i4")]), (90000,),
                          lambda a: a["b"][::-1]),
    "Fortran order, sliced": (np.uint16, (700, 600), lambda a: np.asfortranarray(a)[1:, 2:][::2]),
}


@pytest.mark.parametrize("name", NESTED_VIEWS)
def test_touches_large_nested_views(name):
    dtype, shape, make = NESTED_VIEWS[name]
    base = np.zeros(shape, dtype)
    view = make(base)
    owner = find_owner(view)
    assert view.size > _EXACT_LIMIT
    lay = layout(view)
    assert not lay.overlapping
    touched = touched_by_writing(view, owner)
    by_offsets = byte_counts(lay.element_offsets(), lay.itemsize, owner.nbytes) > 0
    np.testing.assert_array_equal(by_offsets, touched)
    check_touches(lay, touched, sample_ranges(lay, owner.nbytes, seed=len(name)))


def test_touches_large_broadcast_drops_zero_stride_axes():
    owner = np.zeros(1000, np.float64)
    source = owner[::-3]
    view = np.broadcast_to(source, (200, source.size))
    assert view.size > _EXACT_LIMIT
    lay = layout(view)
    touched = touched_by_writing(source, owner)
    check_touches(lay, touched, sample_ranges(lay, owner.nbytes, seed=1))


SLIDING_WINDOWS = {
    "1-d windows of a contiguous array": (72000, lambda o: o, 3),
    "2-d windows of a contiguous array": (14400, lambda o: o.reshape(120, 120), (3, 4)),
    "windows of every 2nd element": (72000, lambda o: o[3::2], 5),
}


@pytest.mark.parametrize("name", SLIDING_WINDOWS)
def test_touches_large_sliding_windows(name):
    """The lattice of the strides' common divisor is exactly the set of element starts."""
    size, make, window = SLIDING_WINDOWS[name]
    owner = np.zeros(size, np.float64)
    source = make(owner)
    view = sliding_window_view(source, window, writeable=True)
    assert view.size > _EXACT_LIMIT
    lay = layout(view)
    assert lay.owner is owner and lay.overlapping
    touched = touched_by_writing(view, owner)
    check_touches(lay, touched, sample_ranges(lay, owner.nbytes, seed=7))


@pytest.mark.parametrize("make", [
    lambda: np.array(7, np.int16),
    lambda: np.zeros(10)[::-2],
    lambda: np.zeros(200000, np.float32)[::-3],
    lambda: sliding_window_view(np.zeros(70000), 3),
], ids=["0-d", "small", "large nested", "large sliding window"])
def test_touches_of_an_empty_range_is_false(make):
    lay = layout(make())
    low, high = lay.span
    for start in (low, low + 1, (low + high) // 2, high - 1):
        assert not lay.touches(start, start), start
        assert not lay.touches(start + 1, start), start
    starts = np.array([low, low + 1, high - 1])
    assert not lay.touched_cells(starts, 0).any()


def test_touches_large_interleaved_strides_never_misses_a_touched_byte():
    """Element starts {0, 2, 4, ...} + {0, 3}: byte 1 and byte 200000 belong to no element.

    The strides interleave and the array is past the exact limit, so touches() answers on
    the lattice of the strides' common divisor (1 here): it may say True for a byte between
    elements (as documented), but never False for a byte an element holds.
    """
    owner = np.zeros(300000, np.uint8)
    view = as_strided(owner, shape=(100000, 2), strides=(2, 3))
    assert view.size > _EXACT_LIMIT
    lay = layout(view)
    touched = touched_by_writing(view, owner)
    assert not touched[1] and not touched[200000]
    for start in (0, 1, 2, 3, 199999, 200000, 200001, 200003):
        if touched[start]:
            assert lay.touches(start, start + 1), f"byte {start} is used but touches() says no"


# ---------------------------------------------------------------------------------------
# element_offset errors, bad input, cost, repr
# ---------------------------------------------------------------------------------------

def test_element_offset_accepts_an_int_for_one_axis():
    lay = layout(np.arange(10, dtype=np.int32)[::-2])
    assert lay.element_offset(0) == 36
    assert lay.element_offset(np.int64(-1)) == 4


@pytest.mark.parametrize("index", [(1,), (1, 2, 3), (3, 0), (0, -5), (0, 1.0), (True, 0)])
def test_element_offset_refuses_bad_indices(index):
    lay = layout(np.zeros((3, 4)))
    with pytest.raises(IndexError):
        lay.element_offset(index)


@pytest.mark.parametrize("thing", [[1, 2, 3], 3, 2.5, None, "abc", np.float64(1.0)])
def test_layout_of_a_non_array_is_a_type_error_with_a_hint(thing):
    with pytest.raises(TypeError) as info:
        layout(thing)
    message = str(info.value)
    assert type(thing).__name__ in message
    assert "np.asarray" in message


class ForeignBuffer:
    """Exposes another array's memory through __array_interface__ only."""

    def __init__(self, array):
        self.__array_interface__ = array.__array_interface__
        self.keep = array


def test_owner_exposing_only_array_interface_is_located():
    source = np.arange(4, dtype=np.int64)
    exporter = ForeignBuffer(source[1:])
    lay = layout(np.asarray(exporter)[::2])
    assert lay.owner is exporter
    assert (lay.offset, lay.buffer_nbytes, lay.strides) == (0, 24, (16,))


def test_owner_that_is_a_dlpack_capsule_falls_back_to_the_last_array():
    a = np.arange(5, dtype=np.int64)
    d = np.from_dlpack(a[1:])
    lay = layout(d[2:])
    assert isinstance(lay.owner, np.ndarray)
    assert lay.offset == 16 and lay.buffer_nbytes == 32
    assert find_owner(d[2:]) is lay.owner


def test_non_contiguous_memoryview_leads_to_its_bytearray():
    data = bytearray(16)
    a = np.asarray(memoryview(data)[::2])
    assert find_owner(a) is data
    assert layout(a).element_offsets().tolist() == list(range(0, 16, 2))


def test_layout_is_o1_for_a_huge_broadcast():
    huge = np.broadcast_to(np.arange(4, dtype=np.float64)[::-1], (10**5, 10**5, 4))
    lay = layout(huge)
    assert lay.size == 4 * 10**10
    assert lay.span == (0, 32)
    assert lay.zero_stride_axes == (0, 1)
    assert lay.overlapping and lay.in_bounds
    assert not lay.c_contiguous and not lay.f_contiguous
    assert lay.touches(8, 9) and not lay.touches(32, 40)


def test_layout_is_frozen_and_shares_owner():
    a = np.arange(6)
    lay = layout(a[::2])
    with pytest.raises(dataclasses.FrozenInstanceError):
        lay.offset = 8
    assert lay.shares_owner(layout(a[1:]))
    assert not lay.shares_owner(layout(a.copy()))


def build_for_repr():
    owner = np.arange(24, dtype=np.int64).reshape(4, 6)
    return owner, owner[1:, ::-2]


def test_repr_has_no_addresses_and_is_the_same_for_arrays_built_alike():
    first = build_for_repr()
    second = build_for_repr()
    assert address(first[1]) != address(second[1])
    text = repr(layout(first[1]))
    assert text == repr(layout(second[1]))
    assert "0x" not in text
    assert all(int(n) < 2**32 for n in re.findall(r"\d+", text))
    assert text == ("Layout(shape=(3, 3), strides=(48, -16), dtype=int64, offset=88, "
                    "owner=ndarray of 192 B)")


def test_repr_of_a_memmap_layout_has_no_addresses():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.bin")
        np.zeros(100, np.uint8).tofile(path)
        m = np.memmap(path, dtype=np.uint8, mode="r", offset=10, shape=(20,))
        text = repr(layout(m[::3]))
        del m
    assert "0x" not in text and all(int(n) < 2**32 for n in re.findall(r"\d+", text))
    assert "offset=10" in text and "mmap of 30 B" in text


# ---------------------------------------------------------------------------------------
# The lattice of element starts, within(), normalise_index()
# ---------------------------------------------------------------------------------------

@PROPERTY
@given(strided_arrays(), st.integers(150, 260), st.integers(0, 40))
def test_starts_between_lists_every_element_start_in_the_range(case, lo, width):
    owner, view = case
    lay = layout(view)
    truth = true_offsets(view, owner)
    starts, steps = Lattice.of(lay.shape, lay.strides, lay.offset).starts_between(lo, lo + width)
    # every distinct element (zero-stride and length-1 axes fold onto index 0) once
    moving = [k for k, (n, s) in enumerate(zip(view.shape, view.strides, strict=True))
              if n > 1 and s != 0]
    index = tuple(slice(None) if k in moving else 0 for k in range(view.ndim))
    expected = truth[index].ravel()
    assert sorted(starts.tolist()) == sorted(e for e in expected.tolist() if lo <= e < lo + width)
    assert all(len(column) == starts.size for column in steps)


@PROPERTY
@given(two_views())
def test_within_agrees_with_the_bytes_each_view_touches(case):
    owner, a, b = case
    mine = byte_counts(true_offsets(a, owner), a.itemsize, owner.nbytes) > 0
    theirs = byte_counts(true_offsets(b, owner), b.itemsize, owner.nbytes) > 0
    assert layout(a).within(layout(b)) == bool(not (mine & ~theirs).any())


def test_within_needs_the_same_owner():
    a = np.arange(6)
    assert not layout(a).within(layout(a.copy()))
    assert layout(a[:0]).within(layout(a[3:]))  # no bytes: trivially inside
    assert not layout(a[2:]).within(layout(a[:0]))


def test_within_of_a_large_array_in_a_gapless_base():
    a = np.zeros(10**6, np.uint8)
    assert layout(a[3::3]).within(layout(a[1:].view(np.int8)))
    assert not layout(a[:10]).within(layout(a[1:]))


@pytest.mark.parametrize("index", [
    (np.int8(-1), np.uint64(1)), (np.int64(2), np.int16(-3)), [np.uint8(0), 1],
    np.array([2, 1]), (np.intp(-1), np.uint32(1)),
])
def test_normalise_index_takes_numpy_integers_of_every_kind(index):
    assert layout(np.zeros((3, 4))).normalise_index(index) in {(2, 1), (0, 1)}


@pytest.mark.parametrize("index", [..., 1.5, "ab", None, (0, ...), np.s_[0:1, 0],
                                   (np.float64(0), 0), np.array([[0, 1]])])
def test_normalise_index_refuses_what_is_not_one_integer_per_axis(index):
    with pytest.raises(IndexError, match="index"):
        layout(np.zeros((3, 4))).normalise_index(index)



@pytest.mark.parametrize(("method", "args", "match"), [
    ("touches", (0.5, 2), "start"), ("touches", (0, "8"), "stop"),
    ("touched_cells", (["a"], 2), "starts"), ("touched_cells", ([0], 2.0), "width"),
    ("within", (np.zeros(3),), "Layout"), ("shares_owner", (None,), "Layout"),
])
def test_layout_methods_name_a_bad_argument(method, args, match):
    with pytest.raises(TypeError, match=match):
        getattr(layout(np.zeros(4)), method)(*args)


# The drawings rely on these checks.

def test_show_refuses_a_base_that_does_not_hold_the_arrays_bytes():
    import memlayout

    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    with pytest.raises(ValueError, match="b holds only bytes"):
        memlayout.show(a[0], base=a[2])
    with pytest.raises(ValueError, match="different owners"):
        memlayout.show(a[0], base=a.copy())
    assert memlayout.show(a[:, 1], base=a[:, :2]) is not None


@pytest.mark.parametrize("index", [(np.int8(-1), np.uint64(1)), (2, np.int16(-3)),
                                   (np.uint8(2), 1)])
def test_show_highlights_an_element_named_with_numpy_integers(index):
    import memlayout

    fig = memlayout.show(np.arange(12, dtype=np.int64).reshape(3, 4), index=index)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "[2, 1]: 0 + 2×32 + 1×8 = byte 72 of the owner" in texts
