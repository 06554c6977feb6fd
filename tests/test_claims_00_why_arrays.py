"""The claims of notebooks/00_why_arrays.ipynb, checked against CPython and NumPy in depth.

The lesson shows each claim on one example with one or two asserts; these tests try the
variants, so that a Python or NumPy release that behaves differently fails CI instead of
misleading a learner.
"""

import ctypes
import math
import struct
import sys
import timeit

import numpy as np
import pytest

POINTER = struct.calcsize("P")
INTP = np.dtype(np.intp).itemsize


class PyArrayObject(ctypes.Structure):
    """NumPy 2's PyArrayObject_fields (numpy/ndarraytypes.h), as the lesson's deeper part spells it."""

    _fields_ = [
        ("ob_refcnt", ctypes.c_ssize_t), ("ob_type", ctypes.c_void_p),
        ("data", ctypes.c_void_p), ("nd", ctypes.c_int),
        ("dimensions", ctypes.POINTER(ctypes.c_ssize_t)), ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
        ("base", ctypes.c_void_p), ("descr", ctypes.c_void_p), ("flags", ctypes.c_int),
        ("weakreflist", ctypes.c_void_p), ("_buffer_info", ctypes.c_void_p),
        ("mem_handler", ctypes.c_void_p),
    ]


@pytest.mark.parametrize("value", [1.5, -0.0, 1e300, float("inf"), 2.0**-1074])
def test_a_float_is_refcount_type_pointer_and_double_at_bytes_0_8_16(value):
    x = float(str(value))  # a new object, not a shared constant
    address = id(x)
    assert sys.getsizeof(x) == float.__basicsize__ == 3 * 8
    assert ctypes.c_ssize_t.from_address(address).value == sys.getrefcount(x) - 1
    assert ctypes.c_void_p.from_address(address + 8).value == id(float)
    assert struct.pack("d", ctypes.c_double.from_address(address + 16).value) == struct.pack("d", x)


def test_a_new_reference_adds_one_to_the_count_in_the_objects_memory():
    x = float("2.5")
    count = ctypes.c_ssize_t.from_address(id(x))
    before = count.value
    y = x
    assert count.value == before + 1
    del y
    assert count.value == before


@pytest.mark.parametrize("n", [0, 1, 3, 10, 1000])
def test_tolist_makes_one_pointer_slot_per_element(n):
    items = np.arange(n, dtype=np.float64).tolist()
    assert sys.getsizeof(items) == sys.getsizeof([]) + n * POINTER


def test_getsizeof_of_a_list_ignores_the_objects_it_points_to():
    small = [0] * 100
    big = [10**100] * 100
    assert sys.getsizeof(small) == sys.getsizeof(big)
    assert sys.getsizeof(10**100) > sys.getsizeof(0)


def test_append_reserves_spare_slots_so_sizes_grow_in_steps():
    grown, sizes = [], []
    for _ in range(50):
        grown.append(0.5)
        sizes.append(sys.getsizeof(grown))
    assert sizes[0] > sys.getsizeof([]) + POINTER
    assert len(set(sizes)) < len(sizes) / 3
    assert sizes == sorted(sizes)


def test_repeating_a_list_repeats_one_pointer():
    row = [1.5] * 3
    assert row[0] is row[1] is row[2]


@pytest.mark.parametrize(("dtype", "code"), [(np.float64, "d"), (np.float32, "f"), (np.int32, "i"),
                                             (np.int64, "q"), (np.uint8, "B")])
def test_a_buffer_holds_the_values_packed_as_c_types(dtype, code):
    values = [0, 1, 2, 3, 5]
    a = np.array(values, dtype=dtype)
    assert a.tobytes() == struct.pack(f"={len(values)}{code}", *values)
    assert a.nbytes == len(values) * struct.calcsize(f"={code}")


def test_a_list_of_floats_costs_32_bytes_per_element_by_getsizeof():
    n = 100_000
    as_list = np.random.default_rng(0).random(n).tolist()
    assert len({id(v) for v in as_list}) == n
    total = sys.getsizeof(as_list) + sum(sys.getsizeof(v) for v in as_list)
    assert total == sys.getsizeof([]) + n * (POINTER + 24)


def test_floats_made_one_after_another_lie_32_bytes_apart():
    ids = np.array([id(v) for v in np.random.default_rng(1).random(10_000).tolist()], dtype=np.int64)
    distances, counts = np.unique(np.diff(ids), return_counts=True)
    assert distances[np.argmax(counts)] == 32


def test_the_ndarray_struct_is_96_bytes():
    assert np.ndarray.__basicsize__ == ctypes.sizeof(PyArrayObject) == 96


@pytest.mark.parametrize("ndim", range(6))
def test_getsizeof_of_an_owner_is_96_plus_16_per_axis_plus_its_buffer(ndim):
    a = np.zeros((2,) * ndim, dtype=np.float64)
    assert a.flags.owndata
    assert sys.getsizeof(a) == 96 + 2 * INTP * ndim + a.nbytes


@pytest.mark.parametrize("make_view", [
    lambda a: a[1:], lambda a: a[::2], lambda a: a.reshape(4, 25), lambda a: a.reshape(4, 25).T,
    lambda a: a.view(np.int64), lambda a: a[None, :, None], lambda a: np.frombuffer(a, dtype=np.uint8),
])
def test_getsizeof_of_an_array_that_owns_no_buffer_is_its_header_alone(make_view):
    owner = np.zeros(100, dtype=np.float64)
    view = make_view(owner)
    assert not view.flags.owndata
    assert sys.getsizeof(view) == 96 + 2 * INTP * view.ndim


def test_the_header_fields_read_through_ctypes_match_the_python_attributes():
    owners_and_views = (np.arange(6.0).reshape(2, 3), np.zeros((4, 5), dtype=np.int8).T[1:], np.zeros(3))
    for a in owners_and_views:
        fields = PyArrayObject.from_address(id(a))
        assert fields.data == a.ctypes.data
        assert fields.nd == a.ndim
        assert tuple(fields.dimensions[k] for k in range(a.ndim)) == a.shape
        assert tuple(fields.strides[k] for k in range(a.ndim)) == a.strides
        assert fields.descr == id(a.dtype)
        assert fields.base == (id(a.base) if a.base is not None else None)
        assert fields.flags == a.flags.num


@pytest.mark.parametrize(("shape", "dtype"),
                         [((2, 3), np.float64), ((3, 4), np.float32), ((2, 3, 4), np.int16)])
def test_an_element_sits_at_the_sum_of_index_times_stride(shape, dtype):
    a = np.arange(math.prod(shape), dtype=dtype).reshape(shape)
    raw = a.tobytes()
    for index in np.ndindex(shape):
        offset = sum(i * s for i, s in zip(index, a.strides, strict=True))
        assert raw[offset:offset + a.itemsize] == a[index].tobytes()


def test_the_ufunc_and_both_loops_compute_the_same_square_roots():
    values = np.random.default_rng(42).random(10_000)
    as_list = values.tolist()
    loop = [math.sqrt(v) for v in as_list]
    assert np.array_equal(np.sqrt(values), loop)
    assert [math.sqrt(v) for v in values] == loop


def best_of(function, number=1, repeat=5):
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number


def test_the_ufunc_is_faster_than_a_python_loop():
    values = np.random.default_rng(42).random(200_000)
    as_list = values.tolist()
    ufunc = best_of(lambda: np.sqrt(values), number=10)
    assert best_of(lambda: [math.sqrt(v) for v in as_list]) > 3 * ufunc
    assert best_of(lambda: [math.sqrt(v) for v in values]) > 3 * ufunc


def test_each_read_of_an_array_element_builds_a_new_scalar():
    values = np.arange(3, dtype=np.float64)
    as_list = values.tolist()
    assert values[0] is not values[0]
    assert as_list[0] is as_list[0]
    boxes = [v for v in values]
    assert len({id(b) for b in boxes}) == len(values) and all(type(b) is np.float64 for b in boxes)


def test_a_copying_loop_adds_one_reference_to_every_float():
    as_list = np.arange(1000, dtype=np.float64).tolist()
    before = [sys.getrefcount(v) for v in as_list[:10]]
    copied = [v for v in as_list]
    assert [sys.getrefcount(v) for v in as_list[:10]] == [b + 1 for b in before]
    assert all(c is v for c, v in zip(copied, as_list, strict=True))


def test_a_numpy_float64_has_a_floats_layout_but_getsizeof_adds_the_itemsize():
    x = np.float64(1.5)
    assert isinstance(x, float)
    assert type(x).__basicsize__ == float.__basicsize__ == 24
    assert sys.getsizeof(x) == 24 + x.itemsize


def test_numpy_reports_the_simd_loops_it_dispatches():
    simd = np.show_config(mode="dicts")["SIMD Extensions"]
    assert simd["baseline"], "this NumPy was built with no SIMD baseline"
    targets = np.lib.introspect.opt_func_info(func_name="^(sqrt|add)$", signature="float64")
    assert targets.keys() == {"sqrt", "add"}
    for loops in targets.values():
        for loop in loops.values():
            assert loop["current"] and loop["current"].split("(")[0] in (
                *loop["available"].split(), "baseline")


def test_a_scattered_list_holds_the_same_values_with_far_apart_objects():
    rng = np.random.default_rng(3)
    values = rng.random(100_000)
    perm = rng.permutation(values.size)
    created_shuffled = values[perm].tolist()
    scattered = [0.0] * values.size
    for k, slot in enumerate(perm):
        scattered[slot] = created_shuffled[k]
    assert scattered == values.tolist()
    ids = np.array([id(v) for v in scattered[:10_000]], dtype=np.int64)
    assert np.median(np.abs(np.diff(ids))) > 100_000


def test_a_constant_is_referenced_by_its_name_and_by_the_compiled_code():
    namespace = {"ctypes": ctypes}
    exec(compile("x = 1.5\ncount = ctypes.c_ssize_t.from_address(id(x)).value", "cell", "exec"), namespace)
    assert namespace["count"] == 2


def test_both_loops_box_every_result_in_a_new_float():
    values = np.arange(1000, dtype=np.float64)
    for items in (values, values.tolist()):
        roots = [math.sqrt(v) for v in items]
        assert all(type(r) is float for r in roots) and len({id(r) for r in roots}) == len(roots)


def test_a_loop_that_computes_nothing_is_slower_than_the_ufunc():
    values = np.random.default_rng(42).random(200_000)
    as_list = values.tolist()
    assert best_of(lambda: [v for v in as_list]) > best_of(lambda: np.sqrt(values), number=10)


def test_summing_a_scattered_list_is_slower_than_summing_it_in_creation_order():
    rng = np.random.default_rng(3)
    values = rng.random(1_000_000)
    perm = rng.permutation(values.size)
    as_list = values.tolist()
    created_shuffled = values[perm].tolist()
    scattered = [0.0] * values.size
    for k, slot in enumerate(perm):
        scattered[slot] = created_shuffled[k]
    del created_shuffled
    assert best_of(lambda: sum(scattered), repeat=3) > best_of(lambda: sum(as_list), repeat=3)
