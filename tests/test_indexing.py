"""Tests of ``memlayout.index_layout()``: what an index does to memory.

Checked: basic indexing (slices, negative steps, integers on some axes, None, Ellipsis,
empty slices) gives kind ``'view'`` with no copied bytes and a result that shares memory
with the source; integer arrays and boolean masks give ``'copy'``, no shared memory and
``copied_bytes == result.nbytes``; an integer per axis gives ``'scalar'``. For every
result element, ``source_offsets`` is checked without the model's formula: for a view,
against the address of the element itself minus the owner's first byte; for a copy, by
reading the owner's bytes at that offset and finding the element's (distinct) value there.
Hypothesis draws random sources (views with negative steps) and random indices of the
three kinds; a second property test draws any index NumPy has rules for (integers of every
kind, slices, None, ``...``, integer arrays and lists that broadcast, masks of any number of
axes, boolean scalars, 0-d arrays, and invalid ones) over sources of 0 to 4 axes (empty,
transposed, flipped, broadcast) and checks the model against NumPy itself: the same error or
none, the shape, the kind, every offset, which elements are picked and which bytes.
Also: any size (a gather of 10⁷ elements is described in a few MiB), object arrays holding
lists, NumPy integer scalars, and non-arrays and bad indices refused clearly.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.array_utils import byte_bounds

from memlayout import index_layout

MIB = 1024**2


def owner_address(owner) -> int:
    if isinstance(owner, np.ndarray):
        return byte_bounds(owner)[0]
    return np.frombuffer(owner, np.uint8).__array_interface__["data"][0]


def value_at(owner, offset: int, dtype) -> object:
    """The item of `dtype` stored at byte `offset` of the owner's buffer."""
    raw = owner.reshape(-1).view(np.uint8) if isinstance(owner, np.ndarray) else owner
    return np.ndarray((), dtype, buffer=raw, offset=offset)[()]


def check_view_offsets(sel) -> None:
    """Each element of a view sits at its source offset: compare addresses."""
    start = owner_address(sel.source.owner)
    for idx in np.ndindex(sel.result.shape):
        element = sel.result[idx + (...,)]
        assert element.__array_interface__["data"][0] - start == sel.source_offsets[idx]


def check_copied_values(sel) -> None:
    """Each copied element's value is the one stored at its source offset."""
    for idx in np.ndindex(sel.result.shape):
        stored = value_at(sel.source.owner, int(sel.source_offsets[idx]), sel.source.dtype)
        assert stored == sel.result[idx]


def source() -> np.ndarray:
    """A view with distinct values, negative steps and an owner larger than itself."""
    return np.arange(120, dtype=np.int32).reshape(8, 15)[::-1, 2::3]


@pytest.mark.parametrize("index", [
    np.s_[1:, ::2], np.s_[::-1], np.s_[..., 1], np.s_[None, 2], np.s_[3], np.s_[:, ::-2],
    np.s_[-1, None, 1:4], np.s_[...], np.s_[np.int64(2)],
])
def test_basic_indexing_is_a_view(index):
    a = source()
    sel = index_layout(a, index)
    assert sel.kind == "view"
    assert sel.copied_bytes == 0
    np.testing.assert_array_equal(sel.result, a[index])
    assert np.shares_memory(sel.result, a)
    assert sel.source.owner is a.base  # NumPy collapses the chain to the arange
    assert sel.source_offsets.shape == sel.result.shape
    check_view_offsets(sel)


@pytest.mark.parametrize("index", [np.s_[2:2], np.s_[:, 3:1], np.s_[5:1, ::-1], np.s_[0, :0]])
def test_empty_slices_are_views(index):
    a = source()
    sel = index_layout(a, index)
    assert sel.result.size == 0
    assert sel.kind == "view" and sel.copied_bytes == 0
    assert sel.source_offsets.shape == sel.result.shape == a[index].shape


@pytest.mark.parametrize("index", [
    [4, 0], np.s_[[0, 2, 2], 1:], np.s_[:, [True, False, True, False, True]],
    np.s_[[[1], [3]], [0, 4]], np.s_[[-1, 0], ::-1], np.array([7, 7, 7]),
])
def test_advanced_indexing_is_a_copy(index):
    a = source()
    sel = index_layout(a, index)
    assert sel.kind == "copy"
    np.testing.assert_array_equal(sel.result, a[index])
    assert not np.shares_memory(sel.result, a)
    assert sel.copied_bytes == sel.result.nbytes > 0
    assert sel.source_offsets.shape == sel.result.shape
    check_copied_values(sel)


def test_boolean_mask_is_a_copy():
    a = source()
    mask = a % 7 == 0
    sel = index_layout(a, mask)
    assert sel.kind == "copy"
    assert sel.copied_bytes == sel.result.nbytes == 4 * int(mask.sum())
    np.testing.assert_array_equal(sel.result, a[mask])
    check_copied_values(sel)


@pytest.mark.parametrize("index", [[], np.zeros((8, 5), bool), np.s_[:, np.array([], int)]])
def test_empty_advanced_selections_are_copies(index):
    sel = index_layout(source(), index)
    assert sel.result.size == 0
    assert sel.kind == "copy"
    assert sel.copied_bytes == 0


def test_an_integer_per_axis_is_a_scalar():
    a = source()
    sel = index_layout(a, (2, -1))
    assert sel.kind == "scalar"
    assert sel.result.shape == () and sel.result == a[2, -1]
    assert sel.copied_bytes == a.itemsize
    owner = sel.source.owner
    element = a[2, -1, ...]
    assert int(sel.source_offsets) == (element.__array_interface__["data"][0]
                                       - owner_address(owner))
    assert value_at(owner, int(sel.source_offsets), a.dtype) == a[2, -1]


def test_indexing_a_struct_item_is_a_scalar():
    z = np.zeros(4, [("x", np.int16), ("y", np.float64)])
    sel = index_layout(z, 2)
    assert sel.kind == "scalar"
    assert int(sel.source_offsets) == 2 * z.itemsize


def test_source_over_bytes():
    raw = bytes(range(40))
    a = np.frombuffer(raw, np.uint8)[3:]
    sel = index_layout(a, [0, 10, 36])
    assert sel.source.owner is raw
    np.testing.assert_array_equal(sel.source_offsets, [3, 13, 39])
    check_copied_values(sel)
    sel = index_layout(a, np.s_[::-9])
    assert sel.kind == "view"
    check_view_offsets(sel)


@pytest.mark.parametrize("thing", [[1, 2, 3], 4.0, None])
def test_non_array_is_a_type_error_with_a_hint(thing):
    with pytest.raises(TypeError, match="np.asarray"):
        index_layout(thing, 0)


@pytest.mark.parametrize("index", [10, np.s_[0, 0, 0], [0, 9], 1.5, (..., ...),
                                   np.uint64(2**63), [[0, 1], [1]], 2**70, {}, [1.5]])
def test_bad_index_is_an_index_error_naming_the_index_and_the_shape(index):
    with pytest.raises(IndexError, match=r"index_layout\(\): index .* an array of shape \(8, 5\)"):
        index_layout(source(), index)


@pytest.mark.parametrize(("index", "error"), [(slice(0.5, 2), TypeError),
                                              (slice(0, 2, 0), ValueError)])
def test_bad_slices_are_the_errors_numpy_raises(index, error):
    with pytest.raises(error, match="slice"):
        index_layout(source(), index)


@pytest.mark.parametrize("index", ["x", ["x", "y"]])
def test_field_names_are_refused_with_a_hint(index):
    a = np.zeros(3, [("x", np.int16), ("y", np.float64)])
    with pytest.raises(IndexError, match=r"field names.*index the field first"):
        index_layout(a, index)


@pytest.mark.parametrize("index", [
    (np.int8(-1), np.uint64(1)), (np.uint8(2), np.int16(-5)), np.uint64(1), np.int8(-1),
    (np.intp(0), slice(np.uint8(1), None, np.int8(2))), [np.int8(-1), np.int64(0)],
])
def test_numpy_integer_scalars_index_as_python_integers_do(index):
    a = source()
    sel = index_layout(a, index)
    expected = a[index]
    assert sel.shape == np.shape(expected)
    np.testing.assert_array_equal(sel.result, expected)
    np.testing.assert_array_equal(sel.source_offsets, np.asarray(
        index_layout(a, _as_python(index)).source_offsets))


def _as_python(index):
    """The same index with NumPy integers turned into Python ones."""
    if isinstance(index, tuple):
        return tuple(_as_python(i) for i in index)
    if isinstance(index, list):
        return [int(i) for i in index]
    if isinstance(index, slice):
        return slice(*(None if v is None else int(v) for v in (index.start, index.stop, index.step)))
    return int(index)


def objects() -> np.ndarray:
    """An object array whose elements are a list, an array, a tuple, a dict and None."""
    a = np.empty(5, dtype=object)
    a[:] = [[1, 2], np.arange(3), (4,), {"k": 5}, None]
    return a


@pytest.mark.parametrize("index", [0, -4, np.s_[::2], [0, 1], np.array([True, True, False,
                                                                        False, True])])
def test_object_arrays_holding_lists_and_arrays(index):
    a = objects()
    sel = index_layout(a, index)
    expected = a[index]
    if sel.kind == "scalar":
        assert sel.result.shape == () and sel.result.dtype == object
        assert sel.result[()] is expected  # the very object, not an array made of it
    else:
        assert sel.shape == expected.shape
        assert all(x is y for x, y in zip(sel.result, expected, strict=True))
    np.testing.assert_array_equal(sel.source_offsets,
                                  layout_offsets(a)[index])


def layout_offsets(a):
    from memlayout import layout

    return layout(a).element_offsets()


# ---------------------------------------------------------------------------------------
# Any size: describing a gather costs what is asked, not the size of the result
# ---------------------------------------------------------------------------------------

def traced_peak(func) -> int:
    """Peak bytes that tracemalloc sees while `func` runs (inputs made before)."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def few_questions(sel):
    """What a drawing asks: the first and last elements' sources, a few cells and elements."""
    n = sel.size
    sel.source_index(np.r_[0:8, n - 8:n])
    sel.touched_cells(np.arange(0, 64 * sel.source.itemsize, sel.source.itemsize),
                      sel.source.itemsize)
    sel.picks(tuple(np.arange(4) for _ in sel.source.shape))


@pytest.mark.parametrize(("make_source", "make_index", "shape"), [
    (lambda: np.arange(10.0), lambda: np.zeros(10**7, np.intp), (10**7,)),
    (lambda: np.zeros((2048, 2048)), lambda: np.arange(0, 2048, 2), (1024, 2048)),
    (lambda: np.zeros((2048, 2048)), lambda: np.ones((2048, 2048), bool), (2048 * 2048,)),
    (lambda: np.zeros((2048, 2048)), lambda: np.ix_(np.arange(0, 2048, 2), np.arange(1024)),
     (1024, 1024)),
])
def test_a_huge_selection_costs_a_few_mib_to_describe(make_source, make_index, shape):
    a, index = make_source(), make_index()
    holder = {}

    def describe():
        holder["sel"] = sel = index_layout(a, index)
        few_questions(sel)

    assert traced_peak(describe) <= 20 * MIB
    sel = holder["sel"]
    assert sel.shape == shape and sel.kind == "copy"
    assert sel.copied_bytes == np.prod(shape) * a.itemsize


def test_the_first_and_last_elements_of_a_huge_gather():
    a = np.arange(2048 * 2048, dtype=np.float64).reshape(2048, 2048)
    sel = index_layout(a, np.arange(0, 2048, 2))
    rows, cols = sel.source_index([0, 1, sel.size - 1])
    assert (rows.tolist(), cols.tolist()) == ([0, 0, 2046], [0, 1, 2047])
    assert sel.touched_cells([2 * 2048 * 8, 2048 * 8], 8).tolist() == [True, False]
    mask = a % 3 == 0
    sel = index_layout(a, mask)
    np.testing.assert_array_equal(a[sel.source_index([0, 1, sel.size - 1])],
                                  a[mask][[0, 1, -1]])


def test_selection_methods_check_their_arguments():
    sel = index_layout(source(), [0, 2])
    with pytest.raises(IndexError, match="positions"):
        sel.source_index([sel.size])
    with pytest.raises(TypeError, match="integers"):
        sel.source_index([0.5])
    with pytest.raises(IndexError, match="tuple of 2"):
        sel.picks(np.arange(3))
    with pytest.raises(IndexError, match="axis 1"):
        sel.picks((np.arange(3), np.arange(6)))
    with pytest.raises(TypeError, match="width"):
        sel.touched_cells([0], 2.5)
    assert [column.size for column in sel.source_index([])] == [0, 0]  # nothing asked


# ---------------------------------------------------------------------------------------
# Random sources and indices
# ---------------------------------------------------------------------------------------

STEPS = st.sampled_from([-2, -1, 1, 2, 3])


@st.composite
def sources_and_indices(draw):
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    owner = np.arange(rows * cols * 3, dtype=draw(st.sampled_from(["<i2", ">i4", "<f8"])))
    a = owner.reshape(rows * 3, cols)[::draw(STEPS), ::draw(STEPS)]
    kind = draw(st.sampled_from(["view", "copy", "scalar"]))
    if kind == "view":
        index = tuple(slice(draw(st.none() | st.integers(-4, 4)),
                            draw(st.none() | st.integers(-4, 4)), draw(STEPS))
                      for _ in range(a.ndim))
    elif kind == "copy":
        if draw(st.booleans()):
            index = draw(st.lists(st.booleans(), min_size=a.shape[0], max_size=a.shape[0]))
            index = np.array(index, dtype=bool)
        else:
            index = draw(st.lists(st.integers(-a.shape[0], a.shape[0] - 1), max_size=5))
            index = np.array(index, dtype=np.intp)
    else:
        index = tuple(draw(st.integers(-n, n - 1)) for n in a.shape)
    return owner, a, kind, index


@settings(max_examples=150, deadline=None)
@given(sources_and_indices())
def test_random_indices(case):
    owner, a, kind, index = case
    sel = index_layout(a, index)
    assert sel.kind == kind
    assert sel.source.owner is owner
    np.testing.assert_array_equal(sel.result, a[index])
    assert sel.source_offsets.shape == sel.result.shape
    if kind == "view":
        assert sel.copied_bytes == 0
        if sel.result.size:
            assert np.shares_memory(sel.result, a)
        check_view_offsets(sel)
    else:
        assert sel.copied_bytes == sel.result.nbytes
        assert not np.shares_memory(sel.result, a)
        check_copied_values(sel)


@pytest.mark.parametrize(("index", "by_mask"), [
    (np.array([True, False, True, False, True, False]), True),
    ([True, False, True, False, True, False], True),
    (np.array([0, 2]), False),
    ([0, 2], False),
    (np.s_[::2], False),
])
def test_by_mask_says_whether_a_boolean_array_picked_the_elements(index, by_mask):
    a = np.arange(6, dtype=np.int64)
    assert index_layout(a, index).by_mask is by_mask


# ---------------------------------------------------------------------------------------
# Any index NumPy has rules for, against NumPy itself
# ---------------------------------------------------------------------------------------

@st.composite
def any_source(draw):
    """Distinct int32 values with an offset into their owner, 0 to 4 axes, any layout."""
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=4)))
    size = int(np.prod(shape))
    owner = np.arange(size + 7, dtype=np.int32)
    a = owner[3:3 + size].reshape(shape)
    if a.ndim and draw(st.booleans()):
        a = a.transpose(draw(st.permutations(range(a.ndim))))
    if a.ndim and draw(st.booleans()):
        a = np.flip(a, draw(st.integers(0, a.ndim - 1)))
    if a.ndim and a.shape[-1] == 1 and draw(st.booleans()):
        a = np.broadcast_to(a, a.shape[:-1] + (3,))  # an axis of stride 0
    return a


def index_item(draw, n: int):
    """One item of an index for an axis of length `n` (valid or not)."""
    ints = st.integers(-n - 1, n)
    return draw(st.one_of(
        ints, st.sampled_from([np.int8, np.uint8, np.int64, np.uint64]).flatmap(
            lambda t: st.integers(0, max(n - 1, 0)).map(t)),
        st.builds(slice, st.none() | st.integers(-5, 5), st.none() | st.integers(-5, 5),
                  st.none() | st.sampled_from([1, 2, -1, -2, 3])),
        st.just(None), st.just(Ellipsis), st.sampled_from([True, False, np.True_]),
        ints.map(np.array),
        st.lists(ints, max_size=3),
        st.sampled_from([(0,), (1,), (2,), (2, 1), (1, 3), (3, 2)]).flatmap(
            lambda shape: st.lists(ints, min_size=int(np.prod(shape)),
                                   max_size=int(np.prod(shape))).map(
                lambda v: np.array(v, dtype=np.intp).reshape(shape))),
        st.lists(st.booleans(), min_size=n, max_size=n).map(lambda v: np.array(v, bool)),
        st.integers(0, 5).flatmap(lambda m: st.lists(st.booleans(), min_size=n * m,
                                                     max_size=n * m).map(
            lambda v: np.array(v, bool).reshape(n, m))),
        st.lists(st.booleans(), max_size=4).map(lambda v: np.array(v, bool)),
    ))


@st.composite
def any_index(draw, shape):
    length = draw(st.integers(0, len(shape) + 1))
    items = tuple(index_item(draw, shape[min(k, len(shape) - 1)] if shape else 0)
                  for k in range(length))
    return items[0] if len(items) == 1 and draw(st.booleans()) else items


def numpy_kind(a: np.ndarray, index) -> str:
    """NumPy's own answer, from an array of the same shape whose items have no bytes."""
    probe = np.empty(a.shape, dtype=np.dtype([]))
    result = probe[index]
    if not isinstance(result, np.ndarray):
        return "scalar"
    return "view" if result.base is probe else "copy"


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_any_index_is_read_as_numpy_reads_it(data):
    a = data.draw(any_source())
    index = data.draw(any_index(a.shape))
    try:
        expected = a[index]
    except (IndexError, TypeError, ValueError, OverflowError):
        with pytest.raises((IndexError, TypeError, ValueError)):
            index_layout(a, index)
        return
    sel = index_layout(a, index)
    assert sel.shape == np.shape(expected)
    assert sel.kind == numpy_kind(a, index)
    np.testing.assert_array_equal(sel.result, expected)
    lay = sel.source
    offsets = lay.element_offsets()
    np.testing.assert_array_equal(sel.source_offsets, offsets[index])
    ids = np.arange(a.size).reshape(a.shape)[index]  # which element, by position in `a`
    found = sel.source_index(np.arange(sel.size))
    assert np.ravel_multi_index(found, a.shape).tolist() == np.ravel(ids).tolist() \
        if a.ndim else sel.size in (0, 1)
    everything = np.nonzero(np.ones(a.shape, bool)) if a.ndim else ()
    picked = np.isin(np.arange(a.size), np.ravel(ids))
    np.testing.assert_array_equal(np.ravel(sel.picks(everything)), picked)
    taken = np.unique(np.ravel(offsets[index]))
    starts = np.arange(lay.span[0] - 6, lay.span[1] + 6)
    for width in (1, 3, lay.itemsize):
        truth = [bool(np.any((taken < s + width) & (taken + lay.itemsize > s))) for s in starts]
        assert sel.touched_cells(starts, width).tolist() == truth
