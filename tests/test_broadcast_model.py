"""Tests of ``memlayout.broadcast_layout()``: how operands line up under broadcasting.

Checked, for random mutually broadcastable shapes (hypothesis) and hand-picked cases:
the result shape equals ``np.broadcast_shapes``; each operand's strides equal those of
``np.broadcast_to``; ``padded_shape`` / ``padded`` add length-1 axes on the left; an
axis is ``stretched`` exactly when the operand is missing or has length 1 there and the
result's length is not 1 (the code's definition), which on axes longer than 1 means stride
0 while the operand's own stride is kept everywhere else; an operand that already has a
zero stride (itself a broadcast) is not stretched by a second broadcast. Scalars count as
0-d operands; lists and strings are refused with a TypeError; incompatible shapes raise a
ValueError naming both shapes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from memlayout import broadcast_layout


def operand_of_shape(shape, transpose: bool) -> np.ndarray:
    """A float32 array of `shape` whose strides are C order, or reversed order when asked."""
    if transpose:
        return np.zeros(shape[::-1], np.float32).T
    return np.zeros(shape, np.float32)


@settings(max_examples=150, deadline=None)
@given(hnp.mutually_broadcastable_shapes(num_shapes=3, min_side=0, max_side=4, max_dims=4),
       st.lists(st.booleans(), min_size=3, max_size=3))
def test_random_compatible_shapes(shapes, transposed):
    arrays = [operand_of_shape(s, t) for s, t in zip(shapes.input_shapes, transposed, strict=True)]
    result = broadcast_layout(*arrays)
    assert result.shape == np.broadcast_shapes(*shapes.input_shapes) == shapes.result_shape
    ndim = len(result.shape)
    for a, op in zip(arrays, result.operands, strict=True):
        assert op.shape == a.shape
        added = ndim - a.ndim
        assert op.padded_shape == (1,) * added + a.shape
        assert op.padded == tuple(range(added))
        assert op.strides == np.broadcast_to(a, result.shape).strides
        assert op.stretched == tuple(k for k in range(ndim)
                                     if op.padded_shape[k] == 1 and result.shape[k] != 1)
        if not math.prod(result.shape):
            continue  # NumPy gives empty arrays all-zero strides: nothing more to compare
        for k, n in enumerate(result.shape):
            if k in op.stretched:
                if n > 1:
                    assert op.strides[k] == 0
            elif k >= added:
                # the operand keeps its own stride on an axis it already had
                assert op.strides[k] == a.strides[k - added] or a.shape[k - added] == 1
            if n > 1:
                assert (k in op.stretched) == (op.strides[k] == 0)


def test_column_and_row():
    column = np.arange(3, dtype=np.int64).reshape(3, 1)
    row = np.arange(4, dtype=np.int32)
    result = broadcast_layout(column, row)
    assert result.shape == (3, 4)
    first, second = result.operands
    assert (first.stretched, first.strides, first.padded) == ((1,), (8, 0), ())
    assert (second.stretched, second.strides, second.padded) == ((0,), (0, 4), (0,))
    assert second.padded_shape == (1, 4)


def test_an_operand_that_is_already_broadcast_is_not_stretched_again():
    repeated = np.broadcast_to(np.arange(3.0)[:, None], (3, 4))
    assert repeated.strides == (8, 0)
    result = broadcast_layout(repeated, np.ones(4))
    assert result.operands[0].stretched == ()
    assert result.operands[0].strides == (8, 0)
    assert result.operands[1].stretched == (0,)


def test_axes_of_length_one_everywhere_are_not_stretched():
    result = broadcast_layout(np.ones((1, 5)), np.ones((1, 1)))
    assert result.shape == (1, 5)
    assert [op.stretched for op in result.operands] == [(), (1,)]


def test_single_operand_is_unchanged():
    a = np.ones((2, 3))[:, ::-1]
    result = broadcast_layout(a)
    assert result.shape == (2, 3)
    assert result.operands[0].strides == a.strides
    assert result.operands[0].stretched == ()


@pytest.mark.parametrize("scalar", [5, 2.5, 1j, True, np.float32(1.5), np.int8(3)])
def test_scalars_are_zero_dimensional_operands(scalar):
    result = broadcast_layout(np.ones((2, 3)), scalar)
    assert result.shape == (2, 3)
    op = result.operands[1]
    assert op.shape == ()
    assert op.padded_shape == (1, 1)
    assert op.stretched == (0, 1)
    assert op.strides == (0, 0)


def test_only_scalars():
    result = broadcast_layout(1, 2.0)
    assert result.shape == ()
    assert all(op.stretched == () and op.strides == () for op in result.operands)


@pytest.mark.parametrize("bad", [[1, 2, 3], "abc", None, (1, 2)])
def test_non_arrays_are_refused_with_a_hint(bad):
    with pytest.raises(TypeError) as info:
        broadcast_layout(np.ones(3), bad)
    assert type(bad).__name__ in str(info.value)
    assert "np.asarray" in str(info.value)


def test_no_operand_is_a_type_error():
    with pytest.raises(TypeError, match="at least one array"):
        broadcast_layout()


@pytest.mark.parametrize(("shapes", "clash"), [
    ([(3, 4), (5,)], [(3, 4), (5,)]),
    ([(2, 3), (3, 2)], [(2, 3), (3, 2)]),
    ([(3, 1), (1, 4), (5,)], [(1, 4), (5,)]),
    ([(0,), (2,)], [(0,), (2,)]),
    ([(4, 1, 3), (2, 1), (7, 1, 1)], [(4, 1, 3), (7, 1, 1)]),
])
def test_incompatible_shapes_name_both_shapes(shapes, clash):
    with pytest.raises(ValueError, match="shape"):
        np.broadcast_shapes(*shapes)
    with pytest.raises(ValueError, match="cannot be broadcast") as info:
        broadcast_layout(*(np.zeros(s) for s in shapes))
    for shape in clash:
        assert str(shape) in str(info.value)


@settings(max_examples=100, deadline=None)
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_side=1, max_side=4, min_dims=1),
       st.data())
def test_random_incompatible_shapes(shapes, data):
    long_axes = [k for k, n in enumerate(shapes.result_shape) if n > 1]
    if not long_axes:
        long_axes = [len(shapes.result_shape) - 1]
    axis = data.draw(st.sampled_from(long_axes))
    n = shapes.result_shape[axis]
    bad = list(shapes.result_shape)
    bad[axis] = n + 1 if n > 1 else 2
    bad = tuple(bad)
    if n == 1:  # make the clash: the first operand gets length 3 on that axis
        first = list((1,) * (len(bad) - len(shapes.input_shapes[0])) + shapes.input_shapes[0])
        first[axis] = 3
        operands = [tuple(first), bad]
    else:
        operands = [*shapes.input_shapes, bad]
    with pytest.raises(ValueError, match="shape"):
        np.broadcast_shapes(*operands)
    with pytest.raises(ValueError, match="cannot be broadcast") as info:
        broadcast_layout(*(np.zeros(s, np.uint8) for s in operands))
    assert str(bad) in str(info.value)


@pytest.mark.parametrize("bad", [[1, 2, 3], "abc", None, {1: 2}])
def test_an_operand_that_is_not_an_array_is_named(bad):
    with pytest.raises(TypeError, match=r"broadcast_layout\(\): operand 1 must be a NumPy "
                                        r"array or a scalar, not .*np\.asarray"):
        broadcast_layout(np.ones(3), bad)
