"""The claims of notebooks/02_array_interface.ipynb, checked against NumPy in depth.

The lesson shows each claim on one example with one or two asserts; these tests try the
variants, so that a NumPy release that behaves differently fails CI instead of misleading a
learner.
"""

import array
import ctypes
import gc
import subprocess
import sys
import weakref

import numpy as np
import pytest

import memlayout

REQUIRED = {"shape", "typestr", "version"}


def c_order_strides(shape, itemsize):
    """The strides a reader computes for a C-contiguous array from its shape and itemsize."""
    strides, step = [], itemsize
    for length in reversed(shape):
        strides.append(step)
        step *= length
    return tuple(reversed(strides))


def grid():
    return np.arange(24, dtype=np.int64).reshape(2, 3, 4)


VIEWS = {
    "owner": lambda g: g,
    "a[1:]": lambda g: g[1:],
    "a[::2]": lambda g: g[::2],
    "a[:, ::2]": lambda g: g[:, ::2],
    "a[:, :1]": lambda g: g[:, :1],
    "a[:, 1:2, :]": lambda g: g[:, 1:2, :],
    "a[..., ::-1]": lambda g: g[..., ::-1],
    "a.T": lambda g: g.T,
    "a[0]": lambda g: g[0],
    "a[0, 0]": lambda g: g[0, 0],
    "a[None]": lambda g: g[None],
    "a[:, None]": lambda g: g[:, None],
    "a[:0]": lambda g: g[:0],
    "a[0, 0, 0:1]": lambda g: g[0, 0, 0:1],
    "a[:, :, 1]": lambda g: g[:, :, 1],
    "a.reshape(6, 4)": lambda g: g.reshape(6, 4),
    "np.asfortranarray(a)": lambda g: np.asfortranarray(g),
    "a[1, ::2, ::3]": lambda g: g[1, ::2, ::3],
    "0-d": lambda g: np.array(5),
}


def test_numpy_exports_the_three_required_keys_and_data_strides_descr():
    for make in VIEWS.values():
        keys = make(grid()).__array_interface__.keys()
        assert keys == REQUIRED | {"data", "strides", "descr"}
        assert not keys & {"mask", "offset"}
    assert grid().__array_interface__["version"] == 3


def test_the_read_only_flag_is_the_opposite_of_writeable():
    a = grid()
    assert a.__array_interface__["data"][1] is False
    frozen = a.copy()
    frozen.flags.writeable = False
    assert frozen.__array_interface__["data"][1] is True
    assert np.frombuffer(bytes(16), dtype=np.uint8).__array_interface__["data"][1] is True
    assert np.broadcast_to(a, (2, 2, 3, 4)).__array_interface__["data"][1] is True


def test_the_data_pointer_is_the_address_of_the_first_element():
    a = grid()
    for make in VIEWS.values():
        view = make(a)
        assert view.__array_interface__["data"][0] == view.ctypes.data
    assert a[1:].ctypes.data - a.ctypes.data == a.strides[0]


@pytest.mark.parametrize("name", VIEWS)
def test_strides_are_none_exactly_when_the_array_is_c_contiguous(name):
    view = VIEWS[name](grid())
    exported = view.__array_interface__["strides"]
    assert (exported is None) == view.flags.c_contiguous
    if exported is not None:
        assert exported == view.strides


C_CONTIGUOUS = [name for name, make in VIEWS.items() if make(grid()).flags.c_contiguous]


@pytest.mark.parametrize("name", C_CONTIGUOUS)
def test_c_order_strides_from_the_shape_reach_the_same_elements_when_strides_are_none(name):
    view = VIEWS[name](grid())
    assert view.__array_interface__["strides"] is None
    computed = c_order_strides(view.shape, view.itemsize)
    rebuilt = np.lib.stride_tricks.as_strided(view, view.shape, computed)
    assert np.array_equal(rebuilt, view)


def test_contiguity_ignores_the_stride_of_an_axis_of_length_1():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    row = a[::2]
    assert row.shape == (1, 3) and row.strides == (48, 8)
    assert row.flags.c_contiguous and row.__array_interface__["strides"] is None
    b = np.zeros((3, 4), dtype=np.float32)
    assert b[::3].strides == (48, 4) and b[::3].__array_interface__["strides"] is None
    odd = np.lib.stride_tricks.as_strided(a, (3, 1), (8, 12345 * 8))
    assert odd.flags.c_contiguous and odd.__array_interface__["strides"] is None


def test_the_lessons_exercise_views_export_what_the_solution_says():
    b = np.zeros((3, 4), dtype=np.float32)
    exported = [v.__array_interface__["strides"] for v in (b[1:], b[:, 1:], b.T, b[::2], b[::3])]
    assert exported == [None, (16, 4), (4, 16), (32, 4), None]


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.uint8, np.bool, np.complex128, ">f8",
                                   "<u2", np.int8, "S5", "m8[s]"])
def test_typestr_is_byte_order_kind_and_itemsize(dtype):
    dtype = np.dtype(dtype)
    typestr = np.zeros(2, dtype=dtype).__array_interface__["typestr"]
    assert typestr == dtype.str
    assert typestr[1] == dtype.kind
    assert int(typestr[2:].split("[")[0]) == dtype.itemsize
    if dtype.itemsize == 1 or dtype.kind in "SV":
        assert typestr[0] == "|"
    else:
        assert typestr[0] in "<>"
        assert dtype.byteorder in "<>=|"


def test_typestr_names_the_native_order_explicitly():
    a = np.zeros(2, dtype=np.int64)
    assert a.dtype.byteorder == "="
    assert a.__array_interface__["typestr"][0] == {"little": "<", "big": ">"}[sys.byteorder]


def test_a_big_endian_array_computes_right_values_from_reversed_bytes():
    big = np.array([1.5, 2.0], dtype=">f8")
    assert (big * 2).tolist() == [3.0, 4.0]
    assert big.tobytes()[:8] == np.array(1.5, dtype="<f8").tobytes()[::-1]


def test_descr_of_a_plain_dtype_is_one_unnamed_entry():
    for dtype in (np.int64, np.float32, np.uint8):
        assert np.zeros(1, dtype=dtype).__array_interface__["descr"] == [("", np.dtype(dtype).str)]


def test_descr_lists_fields_and_aligned_padding():
    packed = np.zeros(2, dtype=[("id", "<i4"), ("x", "<f8")])
    assert packed.__array_interface__["typestr"] == "|V12"
    assert packed.__array_interface__["descr"] == [("id", "<i4"), ("x", "<f8")]
    assert np.dtype(packed.__array_interface__["descr"]) == packed.dtype
    aligned = np.zeros(2, dtype=np.dtype([("id", "<i4"), ("x", "<f8")], align=True))
    assert aligned.__array_interface__["descr"] == [("id", "<i4"), ("", "|V4"), ("x", "<f8")]
    assert aligned.itemsize == 16 and aligned.dtype.fields["x"][1] == 8


@pytest.mark.parametrize("make", [lambda a: a[1:], lambda a: a[:, 1:], lambda a: a[::-1, 2:],
                                  lambda a: a.T[1:], lambda a: a[1::2, ::3]])
def test_a_views_pointer_distance_from_its_owner_is_memlayouts_offset(make):
    owner = np.arange(24, dtype=np.int32).reshape(4, 6).copy()  # owns its buffer
    view = make(owner)
    assert view.ctypes.data - owner.ctypes.data == memlayout.layout(view).offset
    assert memlayout.layout(view).owner is owner


def test_the_offset_is_the_same_in_fresh_processes():
    probe = ("import numpy as np\n"
             "a = np.arange(6, dtype=np.int64).reshape(2, 3)\n"
             "print(a[1:].__array_interface__['data'][0] - a.__array_interface__['data'][0])\n")
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert [int(run.stdout) for run in runs] == [24, 24]


def test_a_memoryview_reports_the_arrays_facts():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    m = memoryview(a)
    assert (m.itemsize, m.shape, m.strides, m.nbytes) == (a.itemsize, a.shape, a.strides, a.nbytes)
    assert m.readonly is False and m.obj is a and m.c_contiguous
    assert np.dtype(m.format) == a.dtype
    gappy = memoryview(a[:, ::2])
    assert gappy.strides == (24, 16) and not gappy.c_contiguous


def test_frombuffer_shares_a_bytearray_both_ways():
    raw = bytearray(16)
    x = np.frombuffer(raw, dtype="<i8")
    raw[0] = 7
    assert x[0] == 7
    x[1] = 258
    assert list(raw[8:10]) == [2, 1]
    assert memlayout.find_owner(x) is raw and x.flags.writeable


def test_frombuffer_keeps_a_memoryview_for_a_source_that_must_be_told_the_loan_ended():
    sources = {"bytes": bytes(16), "bytearray": bytearray(16), "array.array": array.array("q", [0, 0]),
               "ndarray": np.zeros(2, dtype=np.int64)}
    over = {name: np.frombuffer(source, dtype=np.uint8) for name, source in sources.items()}
    assert over["bytes"].base is sources["bytes"] and not over["bytes"].flags.writeable
    assert over["ndarray"].base is sources["ndarray"] and over["ndarray"].flags.writeable
    for name in ("bytearray", "array.array"):
        assert isinstance(over[name].base, memoryview) and over[name].base.obj is sources[name]
        assert over[name].flags.writeable


def test_a_borrowed_bytearray_cannot_resize_until_the_array_is_gone():
    raw = bytearray(16)
    x = np.frombuffer(raw, dtype=np.uint8)
    with pytest.raises(BufferError):
        raw.append(0)
    del x
    gc.collect()
    raw.append(0)
    assert len(raw) == 17


def test_an_array_over_bytes_is_read_only():
    frozen = np.frombuffer(bytes(range(16)), dtype="<i8")
    with pytest.raises(ValueError, match="read-only"):
        frozen[0] = 1


def test_c_reads_memory_order_from_the_data_pointer():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    assert a.ctypes.data == a.__array_interface__["data"][0]
    p = a.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
    assert [p[k] for k in range(6)] == a.ravel().tolist()
    t = a.T
    pt = t.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
    assert t.ctypes.data == a.ctypes.data
    assert [pt[k] for k in range(6)] == [0, 1, 2, 3, 4, 5] != t.ravel().tolist()
    packed = np.ascontiguousarray(t)
    pp = packed.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
    assert [pp[k] for k in range(6)] == t.ravel().tolist() and not np.shares_memory(packed, a)


def test_a_typed_pointer_keeps_the_array_alive_and_an_integer_does_not():
    temp = np.arange(3, dtype=np.int64)
    watcher = weakref.ref(temp)
    typed = temp.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
    bare = temp.ctypes.data
    del temp
    gc.collect()
    assert watcher() is not None
    del typed
    gc.collect()
    assert watcher() is None and isinstance(bare, int)


class Published:
    """An object that publishes a given dictionary as its array interface."""

    def __init__(self, interface, keep=None):
        self.keep = keep
        self.__array_interface__ = interface


def test_a_minimal_dictionary_without_strides_is_read_as_c_contiguous():
    a = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    minimal = {"shape": a.shape, "typestr": a.dtype.str, "version": 3,
               "data": a.__array_interface__["data"]}
    wrapped = np.asarray(Published(minimal, keep=a))
    assert np.shares_memory(wrapped, a) and wrapped.strides == a.strides
    assert np.array_equal(wrapped, a)
    wrapped[0, 0, 0] = 100
    assert a[0, 0, 0] == 100


def test_spelled_out_strides_are_honoured():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    interface = dict(a[:, ::2].__array_interface__)
    wrapped = np.asarray(Published(interface, keep=a))
    assert wrapped.strides == (32, 16) and np.array_equal(wrapped, a[:, ::2])


def test_numpy_refuses_a_dictionary_without_shape_or_typestr_but_not_without_version():
    a = np.arange(6, dtype=np.int64)
    full = {"shape": (6,), "typestr": "<i8", "version": 3, "data": a.__array_interface__["data"]}
    for missing in ("shape", "typestr"):
        with pytest.raises(ValueError, match=missing):
            np.asarray(Published({k: v for k, v in full.items() if k != missing}, keep=a))
    assert np.shares_memory(np.asarray(Published({k: v for k, v in full.items() if k != "version"},
                                                 keep=a)), a)


def test_from_dlpack_and_memoryview_wrap_without_a_copy():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    for wrapped in (np.from_dlpack(a), np.asarray(memoryview(a))):
        assert wrapped.ctypes.data == a.ctypes.data and np.shares_memory(wrapped, a)


def test_updateifcopy_is_gone_and_writebackifcopy_remains():
    a = np.zeros(3)
    assert not hasattr(a.flags, "updateifcopy")
    assert a.flags.writebackifcopy is False
    assert a.flags.owndata and a.flags.aligned and a.ctypes.data % 8 == 0


def test_from_dlpack_copy_false_wraps_and_copy_true_copies():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    assert np.shares_memory(np.from_dlpack(a, copy=False), a)
    copied = np.from_dlpack(a, copy=True)
    assert not np.shares_memory(copied, a) and np.array_equal(copied, a)


def test_an_array_that_warns_on_write_exports_the_read_only_flag_true():
    a = grid()
    warns, _ = np.broadcast_arrays(a[0], a)
    assert warns.__array_interface__["data"][1] is True
    with pytest.warns(FutureWarning, match="writeable"):
        assert warns.flags.writeable


def test_stringdtype_exports_a_typestr_no_reader_decodes():
    strings = np.array(["a", "bc"], dtype=np.dtypes.StringDType())
    interface = strings.__array_interface__
    assert interface["typestr"] == "StringDType()"
    with pytest.raises(TypeError, match="not understood"):
        np.dtype(interface["typestr"])


@pytest.mark.parametrize("typestr", ["<f4", ">f4", "|u1", "<i8", ">c16"])
def test_str_names_the_byte_order_where_byteorder_says_native(typestr):
    dtype = np.dtype(typestr)
    assert dtype.str[0] == typestr[0]
    native = {"little": "<", "big": ">"}[sys.byteorder]
    assert dtype.byteorder == ("=" if typestr[0] == native else typestr[0])


def test_indexing_one_element_gives_a_scalar_outside_the_arrays_buffer():
    a = np.arange(24, dtype=np.int32).reshape(4, 6)
    scalar_pointer = a[2, 3].__array_interface__["data"][0]
    start = a.__array_interface__["data"][0]
    assert not start <= scalar_pointer < start + a.nbytes
    assert a[2:3, 3:4].__array_interface__["data"][0] - start == 4 * (2 * 6 + 3)
