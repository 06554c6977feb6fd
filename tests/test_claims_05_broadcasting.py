"""The claims of 05_broadcasting, checked against NumPy in more depth than the lesson shows.

The lesson's check cells state each claim in one or two asserts; the variants live here, so
that a NumPy release that changes any of them fails CI instead of misleading a learner.
"""

import sys
import warnings

import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided

import memlayout

MiB = 2**20


def col_and_row():
    return np.array([[0], [10], [20]], dtype=np.int64), np.arange(4, dtype=np.int64)


def test_a_column_and_a_row_pad_and_stretch_as_the_table_says():
    col, row = col_and_row()
    plan = memlayout.broadcast_layout(col, row)
    col_op, row_op = plan.operands
    assert plan.shape == np.broadcast_shapes(col.shape, row.shape) == (col + row).shape == (3, 4)
    assert col_op.padded_shape == (3, 1) and row_op.padded_shape == (1, 4)
    assert col_op.padded == () and row_op.padded == (0,)  # row got an axis on the left
    assert col_op.stretched == (1,) and row_op.stretched == (0,)
    assert col_op.strides == np.broadcast_to(col, (3, 4)).strides == (8, 0)
    assert row_op.strides == np.broadcast_to(row, (3, 4)).strides == (0, 8)


def test_more_axes_stretch_a_column_along_axes_0_and_2():
    block = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    offsets = np.array([[100], [200], [300]], dtype=np.int64)
    plan = memlayout.broadcast_layout(block, offsets)
    block_op, offsets_op = plan.operands
    assert plan.shape == (block + offsets).shape == (2, 3, 4)
    assert offsets_op.padded_shape == (1, 3, 1) and offsets_op.stretched == (0, 2)
    assert offsets_op.strides == np.broadcast_to(offsets, (2, 3, 4)).strides == (0, 8, 0)
    assert block_op.stretched == () and block_op.strides == block.strides == (96, 32, 8)


def test_a_scalar_pads_to_ones_and_stretches_along_every_axis():
    _, row = col_and_row()
    scalar_op = memlayout.broadcast_layout(np.int64(2), row).operands[0]
    assert scalar_op.shape == () and scalar_op.padded_shape == (1,) and scalar_op.stretched == (0,)
    assert np.broadcast_shapes((), (4,)) == (4,) == (row * 2).shape
    assert np.broadcast_shapes((6, 1, 3), ()) == (6, 1, 3)


@pytest.mark.parametrize(("shapes", "result"), [
    (((0,), (1,)), (0,)),
    (((3, 1), (0,)), (3, 0)),
    (((4, 0), (1,)), (4, 0)),
    (((0, 1), (1, 5)), (0, 5)),
])
def test_a_length_1_stretches_to_0(shapes, result):
    assert np.broadcast_shapes(*shapes) == result
    assert (np.ones(shapes[0]) + np.ones(shapes[1])).shape == result


@pytest.mark.parametrize("shapes", [((0,), (3,)), ((5, 4), (5,)), ((3, 4), (3,))])
def test_lengths_that_differ_and_are_not_1_clash(shapes):
    with pytest.raises(ValueError, match="shape mismatch"):
        np.broadcast_shapes(*shapes)


@pytest.mark.parametrize(("shapes", "result"), [
    (((3,), (4, 1)), (4, 3)),
    (((2, 1, 5), (7, 1)), (2, 7, 5)),
    (((8,), (8, 1)), (8, 8)),
    (((6, 1, 3), ()), (6, 1, 3)),
    (((3, 1), (0,)), (3, 0)),
])
def test_exercise_1_shapes(shapes, result):
    assert np.broadcast_shapes(*shapes) == result


def test_the_error_message_lists_the_shapes_without_spaces_in_operand_order():
    with pytest.raises(ValueError, match=r"could not be broadcast together with shapes \(3,4\) \(3,\)"):
        np.ones((3, 4)) + np.array([1.0, 2.0, 3.0])


def test_memlayout_names_the_clashing_axis():
    with pytest.raises(ValueError, match="axis -1 has length 4 in one and 3 in the other"):
        memlayout.broadcast_layout(np.ones((3, 4)), np.ones(3))


def test_a_column_fixes_one_value_per_row():
    grid, per_row = np.ones((3, 4)), np.array([1.0, 2.0, 3.0])
    shifted = grid + per_row[:, None]
    assert shifted.shape == (3, 4)
    assert np.array_equal(shifted[:, 0], 1.0 + per_row) and np.all(shifted == shifted[:, :1])


def test_a_square_array_takes_the_wrong_axis_without_an_error():
    square = np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0], [100.0, 200.0, 300.0]])
    row_means = square.mean(axis=1)
    wrong = square - row_means
    assert wrong.shape == (3, 3) and not np.allclose(wrong.mean(axis=1), 0)
    assert np.array_equal(wrong, square - row_means[None, :])
    means_col = square.mean(axis=1, keepdims=True)
    assert means_col.shape == (3, 1) and np.allclose((square - means_col).mean(axis=1), 0)


def test_an_in_place_operator_cannot_grow_its_target():
    acc = np.zeros((3, 1))
    with pytest.raises(ValueError, match="non-broadcastable output operand"):
        acc += np.ones(4)
    assert acc.shape == (3, 1) and np.broadcast_shapes(acc.shape, (4,)) == (3, 4)


def test_none_is_newaxis_and_adds_a_length_1_axis_as_a_view():
    x = np.arange(5, dtype=np.float64)
    assert np.newaxis is None
    assert x[:, None].shape == (5, 1) and x[np.newaxis, :].shape == (1, 5)
    assert np.shares_memory(x[:, None], x) and np.shares_memory(x[None, :], x)


def test_the_stride_of_a_new_axis_is_0_from_none_and_8_from_reshape():
    x = np.arange(5, dtype=np.float64)
    assert x[:, None].strides == (8, 0) and x[None, :].strides == (0, 8)
    for other in (x.reshape(5, 1), np.expand_dims(x, 1)):
        assert np.shares_memory(other, x) and other.strides == (8, 8)
        assert np.array_equal(other, x[:, None])
        assert memlayout.layout(other).element_offset((3, 0)) == 3 * 8
    assert memlayout.layout(x[:, None]).element_offset((3, 0)) == 3 * 8


def test_an_outer_operation_is_the_outer_product():
    left, right = np.arange(1, 4, dtype=np.int64), np.arange(1, 6, dtype=np.int64)
    table = left[:, None] * right
    assert table.shape == (3, 5) and np.array_equal(table, np.outer(left, right))


def test_broadcast_to_is_as_strided_with_zero_strides_made_read_only():
    v = np.array([1.0, 2.0, 3.0])
    rows = np.broadcast_to(v, (1000, 3))
    by_hand = as_strided(v, shape=(1000, 3), strides=(0, 8), writeable=False)
    assert rows.strides == by_hand.strides == (0, 8) and np.array_equal(rows, by_hand)
    assert not rows.flags.writeable and not by_hand.flags.writeable
    assert np.shares_memory(rows, v) and memlayout.find_owner(rows) is v


def test_broadcast_to_counts_nbytes_it_does_not_hold():
    v = np.array([1.0, 2.0, 3.0])
    rows = np.broadcast_to(v, (1000, 3))
    rows_layout = memlayout.layout(rows)
    assert rows_layout.zero_stride_axes == (0,)
    assert rows.nbytes == 24_000 and rows_layout.buffer_nbytes == v.nbytes == 24
    assert rows_layout.element_offset((999, 1)) == rows_layout.element_offset((0, 1)) == 8
    billion = np.broadcast_to(v, (10**9, 3))
    assert billion.nbytes == 24 * 10**9 and memlayout.layout(billion).buffer_nbytes == 24


def test_broadcast_to_refuses_a_write_and_a_copy_is_c_ordered():
    v = np.array([1.0, 2.0, 3.0])
    rows = np.broadcast_to(v, (1000, 3))
    with pytest.raises(ValueError, match="read-only"):
        rows[0, 0] = -1.0
    copy = rows.copy()
    copy[0, 0] = -1.0
    assert copy.strides == (24, 8) and copy.flags.writeable and not np.shares_memory(copy, v)
    assert memlayout.layout(copy).buffer_nbytes == 24_000 and copy[1, 0] == 1.0 and v[0] == 1.0


def test_np_array_of_a_stretched_array_keeps_the_stride_order():
    rows = np.broadcast_to(np.array([1.0, 2.0, 3.0]), (1000, 3))
    assert np.array(rows).strides == (8, 8000) and np.array(rows).flags.f_contiguous


def test_broadcast_arrays_returns_views_with_zero_strides():
    col, row = col_and_row()
    col_b, row_b = np.broadcast_arrays(col, row)
    assert col_b.shape == row_b.shape == (3, 4)
    assert col_b.strides == (8, 0) and row_b.strides == (0, 8)
    assert np.shares_memory(col_b, col) and np.shares_memory(row_b, row)


def test_writing_to_broadcast_arrays_warns_once_and_reaches_the_input():
    col, row = col_and_row()
    col_w, row_w = np.broadcast_arrays(col, row)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        col_w[0, 1] = 100
    assert len(caught) == 1 and issubclass(caught[0].category, DeprecationWarning)
    assert str(caught[0].message).startswith("Numpy has detected that you (may be) writing to an array")
    assert np.all(col_w[0] == 100) and col[0, 0] == 100
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        col_w[1, 2] = 10
    assert again == []
    with warnings.catch_warnings(record=True) as flag_read:
        warnings.simplefilter("always")
        flag = row_w.flags.writeable
    assert flag and len(flag_read) == 1 and issubclass(flag_read[0].category, FutureWarning)
    assert str(flag_read[0].message).startswith("future versions will not create a writeable array")


def test_broadcasting_allocates_only_the_result_and_stretched_copies_triple_it():
    rng = np.random.default_rng(42)
    a, b = rng.standard_normal(2000), rng.standard_normal(2000)
    with memlayout.peak_memory() as m_broadcast:
        gaps = a[:, None] - b[None, :]
    assert gaps.nbytes == 32_000_000 and 0 <= m_broadcast.peak - gaps.nbytes < MiB
    with memlayout.peak_memory() as m_materialised:
        a_full, b_full = (op.copy() for op in np.broadcast_arrays(a[:, None], b[None, :]))
        gaps_full = a_full - b_full
        del a_full, b_full
    assert abs(m_materialised.peak - 3 * gaps.nbytes) < MiB and np.array_equal(gaps, gaps_full)


def test_the_outer_product_blow_up_and_its_chunked_and_identity_cures():
    rng = np.random.default_rng(42)
    n = 2000
    points = rng.standard_normal((n, 3))
    with memlayout.peak_memory() as m_full:
        diff = points[:, None, :] - points[None, :, :]
        np.square(diff, out=diff)
        sq_full = diff.sum(axis=-1)
        del diff
    assert abs(m_full.peak - (96_000_000 + 32_000_000)) < MiB
    out = np.empty((n, n))
    with memlayout.peak_memory() as m_chunked:
        for start in range(0, n, 250):
            block = points[start:start + 250, None, :] - points[None, :, :]
            np.square(block, out=block)
            block.sum(axis=-1, out=out[start:start + 250])
            del block
    assert abs(m_chunked.peak - 12_000_000) < MiB and np.array_equal(out, sq_full)
    with memlayout.peak_memory() as m_no_del:
        for start in range(0, n, 250):
            block = points[start:start + 250, None, :] - points[None, :, :]
        del block
    assert abs(m_no_del.peak - 2 * 12_000_000) < MiB


def test_the_direct_spread_builds_two_tables_and_blocks_stay_in_budget():
    rng = np.random.default_rng(5)
    xs, ys = rng.standard_normal(3000), rng.standard_normal(3000)
    with memlayout.peak_memory() as m_direct:
        direct = np.abs(xs[:, None] - ys).sum(axis=1)
    assert abs(m_direct.peak - 2 * 72_000_000) < MiB  # the differences and their absolute values
    spread = np.zeros(3000)
    with memlayout.peak_memory() as m_blocks:
        for start in range(0, 3000, 200):
            block = xs[start:start + 200, None] - ys
            np.abs(block, out=block)
            spread[start:start + 200] = block.sum(axis=1)
            del block
    assert m_blocks.peak < 8_000_000 and np.allclose(spread, direct)


def test_the_identity_loses_a_unit_near_1e16_unless_the_points_are_centred():
    def identity(p):
        norms = (p * p).sum(axis=1)
        out = p @ p.T
        out *= -2
        out += norms[:, None]
        out += norms[None, :]
        np.maximum(out, 0, out=out)
        return out

    far = np.array([[1e8, 0.0, 0.0], [1e8 + 1.0, 0.0, 0.0]])
    assert np.spacing(1e16) == 2.0
    assert identity(far)[0, 1] == 0.0 and ((far[0] - far[1]) ** 2).sum() == 1.0
    assert identity(far - far.mean(axis=0))[0, 1] == 1.0
    points = np.random.default_rng(42).standard_normal((300, 3))
    direct = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1)
    assert np.allclose(identity(points), direct, rtol=1e-10, atol=1e-10)


def test_the_one_liner_squares_its_temporary_in_place_where_numpy_can_elide_it():
    points = np.random.default_rng(42).standard_normal((2000, 3))
    with memlayout.peak_memory() as m_operator:
        ((points[:, None] - points[None]) ** 2).sum(axis=-1)
    with memlayout.peak_memory() as m_function:  # a ufunc called as a function never elides
        np.square(points[:, None] - points[None]).sum(axis=-1)
    assert abs(m_function.peak - 192_000_000) < MiB  # the difference and its squares
    if sys.platform in ("linux", "darwin"):  # where NumPy can check the C stack (07)
        assert abs(m_operator.peak - 128_000_000) < MiB  # the difference, squared in place
    else:
        assert abs(m_operator.peak - 192_000_000) < MiB
