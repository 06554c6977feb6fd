"""Tests of ``memlayout.index_layout()``: what an index does to memory.

Checked: basic indexing (slices, negative steps, integers on some axes, None, Ellipsis,
empty slices) gives kind ``'view'`` with no copied bytes and a result that shares memory
with the source; integer arrays and boolean masks give ``'copy'``, no shared memory and
``copied_bytes == result.nbytes``; an integer per axis gives ``'scalar'``. For every
result element, ``source_offsets`` is checked without the model's formula: for a view,
against the address of the element itself minus the owner's first byte; for a copy, by
reading the owner's bytes at that offset and finding the element's (distinct) value there.
Hypothesis draws random sources (views with negative steps) and random indices of the
three kinds. Also: too-large arrays, non-arrays and bad indices are refused clearly.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.array_utils import byte_bounds

from memlayout import index_layout
from memlayout.model.index import MAX_SOURCE_SIZE


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


def test_too_large_array_is_refused_with_a_clear_message():
    a = np.broadcast_to(np.uint8(0), (MAX_SOURCE_SIZE + 1,))
    with pytest.raises(ValueError, match="elements") as info:
        index_layout(a, np.s_[::2])
    message = str(info.value)
    assert f"{MAX_SOURCE_SIZE:,}" in message
    assert f"{MAX_SOURCE_SIZE + 1:,}" in message


@pytest.mark.parametrize("thing", [[1, 2, 3], 4.0, None])
def test_non_array_is_a_type_error_with_a_hint(thing):
    with pytest.raises(TypeError, match="np.asarray"):
        index_layout(thing, 0)


@pytest.mark.parametrize("index", [10, np.s_[0, 0, 0], [0, 9], 1.5])
def test_bad_index_is_an_index_error(index):
    with pytest.raises(IndexError):
        index_layout(source(), index)


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
