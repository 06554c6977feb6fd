"""The claims of 01_dtypes, checked in depth against NumPy.

The lesson's check cells state each claim in one or two asserts a learner reads at a glance;
the variants, and every fact its prose states, are checked here, so that a NumPy release that
behaves differently fails CI instead of misleading a learner.
"""

import itertools
import struct
import sys
import warnings
from fractions import Fraction

import numpy as np
import pytest

import memlayout

POINTER = struct.calcsize("P")
SIZED = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64,
         np.float16, np.float32, np.float64, np.complex64, np.complex128]
SENSOR_FIELDS = [("active", np.bool), ("reading", np.float64), ("channel", np.int16),
                 ("gain", np.float32), ("status", np.uint8)]
RAW = np.array([[255, 0, 0, 255], [0, 128, 255, 64]], dtype=np.uint8)
RGBA = np.dtype([("r", np.uint8), ("g", np.uint8), ("b", np.uint8), ("a", np.uint8)])


def no_warning(operation):
    """Return operation(), failing if it warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return operation()


# --- Sizes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [*SIZED, np.bool, "U7", "S7", np.dtypes.StringDType()], ids=str)
@pytest.mark.parametrize("shape", [(4,), (1000, 3), (2, 3, 4), (0,)])
def test_nbytes_is_elements_times_itemsize(shape, dtype):
    a = np.zeros(shape, dtype=dtype)
    assert a.nbytes == a.size * a.itemsize


@pytest.mark.parametrize("t", SIZED, ids=lambda t: t.__name__)
def test_the_number_in_a_name_counts_bits_and_the_itemsize_bytes(t):
    d = np.dtype(t)
    assert d.name.endswith(str(8 * d.itemsize))


def test_a_complex_number_holds_two_floats():
    assert np.dtype(np.complex64).itemsize == 2 * np.dtype(np.float32).itemsize
    assert np.dtype(np.complex128).itemsize == 2 * np.dtype(np.float64).itemsize


def test_np_bool_is_the_numpy_2_name_and_takes_one_byte():
    assert np.bool is np.bool_ and np.bool is not bool
    assert np.dtype(bool).type is np.bool and np.dtype(np.bool).name == "bool"
    assert np.dtype(np.bool).itemsize == 1 and np.ones(8, dtype=np.bool).nbytes == 8  # a byte, not a bit


@pytest.mark.parametrize(("dtype", "kind"), [
    (np.bool, "b"), (np.int8, "i"), (np.int64, "i"), (np.uint8, "u"), (np.uint64, "u"),
    (np.float16, "f"), (np.float64, "f"), (np.complex64, "c"), ("U3", "U"), ("S3", "S"),
    (np.dtypes.StringDType(), "T"), ([("flag", np.uint8), ("value", np.float64)], "V"),
], ids=str)
def test_kind_codes(dtype, kind):
    assert np.dtype(dtype).kind == kind


def test_the_default_integer_is_intp_as_wide_as_a_pointer():
    assert np.array([3, 1, 4]).dtype == np.intp and np.int_ is np.intp
    assert np.dtype(np.intp).itemsize == POINTER
    assert np.array([0.5]).dtype == np.float64
    assert np.arange(6, dtype=np.int64).nbytes == 48


def test_scalars_have_a_dtype_and_an_itemsize_too():
    assert np.float64(1.62).nbytes == 8 and np.float32(1.62).nbytes == 4


# --- Byte order ----------------------------------------------------------------------------

@pytest.fixture
def little():
    return np.array([1, 256, 1_000_000], dtype="<i4")


def test_little_and_big_endian_hold_the_same_values_in_reversed_bytes(little):
    big = little.astype(">i4")
    assert np.array_equal(little, big)
    assert little.tobytes().hex(" ", 4) == "01000000 00010000 40420f00"
    assert big.tobytes().hex(" ", 4) == "00000001 00000100 000f4240"
    assert hex(1_000_000) == "0xf4240"


def test_native_order_is_the_machines():
    native = np.dtype("i4")
    assert native.isnative and native.byteorder == "="
    assert np.dtype("<i4").isnative == (sys.byteorder == "little")


def test_a_view_with_the_other_byte_order_rereads_the_bytes(little):
    reread = little.view(">i4")
    assert np.shares_memory(reread, little) and reread.tobytes() == little.tobytes()
    assert reread.tolist() == [2**24, 0x00010000, 0x40420F00] == [16_777_216, 65_536, 1_078_071_040]


def test_astype_and_byteswap_keep_the_values_in_new_bytes(little):
    swapped = little.dtype.newbyteorder()
    converted = little.byteswap().view(swapped)
    assert swapped == np.dtype(">i4")
    assert not np.shares_memory(converted, little) and np.array_equal(converted, little)
    assert converted.tobytes() == little.astype(">i4").tobytes()
    assert not np.shares_memory(little.astype(">i4"), little)


def test_the_array_method_newbyteorder_is_gone(little):
    assert not hasattr(little, "newbyteorder") and hasattr(little.dtype, "newbyteorder")
    with pytest.raises(AttributeError):
        little.newbyteorder()


def test_big_endian_data_computes_to_native_results():
    from_file = np.frombuffer(bytes.fromhex("00000001 0000000a"), dtype=">i4")
    assert from_file.tolist() == [1, 10] and not from_file.dtype.isnative
    assert (from_file * 2).dtype.isnative and (from_file * 2).tolist() == [2, 20]


# --- Structured dtypes ---------------------------------------------------------------------

def test_align_true_lays_out_a_c_struct():
    fields = [("flag", np.uint8), ("value", np.float64)]
    packed, aligned = np.dtype(fields), np.dtype(fields, align=True)
    assert packed.itemsize == 9 and packed.fields["value"][1] == 1
    assert aligned.itemsize == 16 and aligned.fields["value"][1] == 8 == np.dtype(np.float64).alignment
    assert memlayout.dtype_layout(packed).padding_bytes == 0
    assert memlayout.dtype_layout(aligned).padding_bytes == 7
    assert memlayout.dtype_layout(aligned).field_bytes == 9
    assert np.zeros(1_000_000, dtype=aligned).nbytes == 16_000_000


def test_align_true_matches_the_c_compiler():
    # struct module's native mode ("@") uses the C compiler's alignment, without tail padding
    aligned = np.dtype([("flag", np.uint8), ("value", np.float64)], align=True)
    assert struct.calcsize("@Bd") == aligned.fields["value"][1] + 8
    assert struct.calcsize("@Bd0d") == aligned.itemsize  # "0d" pads the end to double alignment


@pytest.mark.skipif(POINTER != 8, reason="the text names the alignments of a 64-bit machine")
@pytest.mark.parametrize(("t", "alignment"), [(np.float64, 8), (np.int32, 4), (np.uint8, 1)])
def test_alignments_the_text_names(t, alignment):
    assert np.dtype(t).alignment == alignment


def test_sensor_takes_32_bytes_for_16_of_fields():
    sensor = np.dtype(SENSOR_FIELDS, align=True)
    assert sensor.itemsize == 32 and memlayout.dtype_layout(sensor).padding_bytes == 16
    assert memlayout.dtype_layout(sensor).field_bytes == 16


@pytest.mark.parametrize("order", ["largest first", "smallest first"])
def test_sensor_reordered_has_no_padding(order):
    fields = sorted(SENSOR_FIELDS, key=lambda f: np.dtype(f[1]).alignment, reverse=order == "largest first")
    reordered = np.dtype(fields, align=True)
    assert reordered.itemsize == 16 and memlayout.dtype_layout(reordered).padding_bytes == 0
    assert reordered.isalignedstruct


@pytest.mark.parametrize("types", list(itertools.combinations_with_replacement(
    [np.float64, np.float32, np.int16, np.uint8, np.complex64], 3)), ids=str)
def test_largest_alignment_first_leaves_padding_only_at_the_end(types):
    fields = sorted(((f"f{i}", t) for i, t in enumerate(types)),
                    key=lambda f: np.dtype(f[1]).alignment, reverse=True)
    d = np.dtype(fields, align=True)
    gaps = [s for s in memlayout.dtype_layout(d).segments if s.is_padding]
    field_bytes = sum(np.dtype(t).itemsize for t in types)
    assert all(s.start == field_bytes for s in gaps)  # no gap between fields
    assert d.itemsize % d.alignment == 0 and d.itemsize - field_bytes < d.alignment


def test_smallest_first_can_leave_gaps():
    d = np.dtype([("a", np.uint8), ("b", np.int16), ("c", np.float64)], align=True)
    assert memlayout.dtype_layout(d).padding_bytes == 5  # 1 after a, 4 after b


def test_padding_at_the_end_remains():
    tail = np.dtype([("value", np.float64), ("flag", np.uint8)], align=True)
    assert tail.itemsize == 16 and tail.fields["flag"][1] == 8
    assert memlayout.dtype_layout(tail).padding_bytes == 7


def test_a_field_is_a_view_that_steps_over_whole_records():
    aligned = np.dtype([("flag", np.uint8), ("value", np.float64)], align=True)
    records = np.zeros(4, dtype=aligned)
    values = records["value"]
    assert np.shares_memory(values, records) and values.strides == (16,)
    assert memlayout.layout(values).offset == 8
    values[1] = 1.5
    assert records[1]["value"] == 1.5  # a write through the field lands in the record


def test_nested_structs_align_by_the_inner_structs_alignment():
    point = np.dtype([("x", np.float32), ("y", np.float32)], align=True)
    particle = np.dtype([("id", np.uint16), ("pos", point), ("mass", np.float64)], align=True)
    assert point.alignment == 4 and particle.fields["pos"][1] == 4
    assert particle.itemsize == 24 and memlayout.dtype_layout(particle).padding_bytes == 6
    packed_point = np.dtype([("x", np.float32), ("y", np.float32)])
    loose = np.dtype([("id", np.uint16), ("pos", packed_point), ("mass", np.float64)], align=True)
    assert packed_point.alignment == 1 and loose.fields["pos"][1] == 2


# --- NEP 50 --------------------------------------------------------------------------------

F32 = np.array([0.5, 1.5], dtype=np.float32)
U8 = np.array([1, 2, 3], dtype=np.uint8)
I8 = np.array([1, 2], dtype=np.int8)
I16 = np.array([1, 2], dtype=np.int16)


@pytest.mark.parametrize(("expression", "dtype"), [
    # weak Python scalars take the NumPy operand's dtype when their kind is not higher
    ("U8 + 1", np.uint8), ("I8 + 1", np.int8), ("F32 * 2.5", np.float32), ("F32 + 1.0", np.float32),
    ("np.float32(1) + 1.0", np.float32), ("np.int8(1) + 1", np.int8), ("np.uint8(1) + 2", np.uint8),
    # a higher kind: the default precision
    ("U8 * 1.5", np.float64), ("I16 * 1.0", np.float64), ("np.int8(1) + 1.0", np.float64),
    ("np.bool(True) + 1", np.int64), ("True + np.uint8(2)", np.uint8),
    # float to complex keeps the precision
    ("np.float32(1) + 1j", np.complex64), ("F32 + 1j", np.complex64),
    # strong NumPy scalars and arrays: the smallest dtype that holds both
    ("F32 * np.float64(2.5)", np.float64), ("F32 * np.array([2.0, 4.0]).mean()", np.float64),
    ("U8 * np.float32(1.5)", np.float32), ("U8 * np.float16(1.5)", np.float16),
    ("U8 + np.int8(1)", np.int16), ("U8 + np.int16(1)", np.int16), ("I8 + np.int16(1)", np.int16),
    ("np.int8(1) + np.int16(1)", np.int16), ("np.float32(1) + np.float64(1)", np.float64),
    ("U8 + np.int64(1)", np.int64), ("F32 + np.int64(3)", np.float64),
    # no common integer type: a float; an int64 with any float: float64
    ("np.int64(1) + np.uint64(1)", np.float64), ("np.int64(1) + np.float32(1)", np.float64),
    ("np.int64(1) + np.float16(1)", np.float64),
])
def test_nep50_result_dtypes(expression, dtype):
    assert eval(expression).dtype == dtype  # noqa: S307 - fixed expressions from this list


def test_an_element_of_an_array_is_a_strong_numpy_scalar():
    scale = np.array([0.5, 2.5, 1.0]).max()
    assert type(scale) is np.float64
    image = np.ones((1000, 1000), dtype=np.float32)
    assert (image * scale).nbytes == 2 * image.nbytes == 8_000_000
    assert (image * float(scale)).dtype == (image * np.float32(scale)).dtype == np.float32


def test_result_type_agrees_with_the_operators():
    assert np.result_type(np.int64, np.uint64) == np.float64
    assert np.result_type(np.int64, np.float32) == np.float64  # float32 does not hold every int64
    assert np.result_type(np.uint8, np.int8) == np.int16


def test_float64_does_not_hold_every_int64_or_uint64():
    assert np.float64(2**63 + 1) == np.float64(2**63)
    assert np.iinfo(np.uint64).max > 2**53 and np.iinfo(np.int64).min < -(2**53)


@pytest.mark.parametrize("expression", ["I8 + 300", "np.int8(1) + 300", "U8 * 1000", "U8 + 256"])
def test_a_python_int_out_of_range_raises_overflow_error(expression):
    with pytest.raises(OverflowError, match="out of bounds"):
        eval(expression)  # noqa: S307 - fixed expressions from this list


def test_the_wider_type_asked_for_explicitly():
    assert (I8.astype(np.int16) + 300).tolist() == [301, 302]
    assert np.int16(np.int8(1)) + 300 == 301


def test_an_array_result_out_of_range_wraps_silently():
    wrapped = no_warning(lambda: np.array([100], dtype=np.int8) + 100)
    assert wrapped.tolist() == [-56] and wrapped.dtype == np.int8
    assert no_warning(lambda: np.array([100], dtype=np.uint8) + 200).tolist() == [44]


def test_a_scalar_result_out_of_range_wraps_with_a_warning():
    with pytest.warns(RuntimeWarning, match="overflow encountered in scalar add"):
        assert np.int8(100) + 100 == -56


def test_a_python_float_out_of_float32_range_overflows_to_inf():
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert np.isinf(F32 * 1e200).all()


# --- The scalar type hierarchy ---------------------------------------------------------------

def test_the_scalar_hierarchy():
    assert np.float64.mro() == [np.float64, np.floating, np.inexact, np.number, np.generic, float, object]
    assert issubclass(np.complex128, complex) and issubclass(np.str_, str)
    assert isinstance(np.array([1.62])[0], float)
    assert not isinstance(np.float32(1), float) and not isinstance(np.int64(1), int)
    assert not isinstance(np.bool(True), bool)


@pytest.mark.parametrize(("t", "floating", "integer"), [
    (np.float64, True, False), (np.float32, True, False), (np.int64, False, True), (np.uint8, False, True)])
def test_issubdtype_and_isdtype_ask_the_kind(t, floating, integer):
    assert np.issubdtype(t, np.floating) == floating == np.isdtype(t, "real floating")
    assert np.issubdtype(t, np.integer) == integer == np.isdtype(t, "integral")


# --- Limits and precision ----------------------------------------------------------------------

@pytest.mark.parametrize("t", [np.int8, np.int16, np.int32, np.int64])
def test_signed_limits(t):
    bits = np.iinfo(t).bits
    assert np.iinfo(t).min == -(2 ** (bits - 1)) and np.iinfo(t).max == 2 ** (bits - 1) - 1


@pytest.mark.parametrize("t", [np.uint8, np.uint16, np.uint32, np.uint64])
def test_unsigned_limits(t):
    assert np.iinfo(t).min == 0 and np.iinfo(t).max == 2 ** np.iinfo(t).bits - 1


@pytest.mark.parametrize(("t", "significant_bits", "digits"),
                         [(np.float16, 11, 3), (np.float32, 24, 6), (np.float64, 53, 15)])
def test_finfo(t, significant_bits, digits):
    info = np.finfo(t)
    assert info.nmant + 1 == significant_bits and info.eps == 2.0 ** -(significant_bits - 1)
    assert info.precision == digits
    one = t(1)
    assert one + info.eps > one and one + info.eps / 2 == one


def test_float32_is_half_the_bytes_and_rounds_by_at_most_half_a_step():
    temps = np.random.default_rng(42).normal(loc=15.0, scale=8.0, size=1_000_000)
    temps32 = temps.astype(np.float32)
    assert temps32.nbytes * 2 == temps.nbytes and not np.shares_memory(temps32, temps)
    rel_err = np.abs(temps32.astype(np.float64) - temps) / np.abs(temps)
    assert 0 < rel_err.max() <= np.finfo(np.float32).eps / 2
    assert np.abs(temps32.astype(np.float64) - temps).max() < 2e-6


def test_the_float32_nearest_a_tenth():
    tenth32 = np.float32(0.1)
    assert repr(tenth32) == "np.float32(0.1)"
    assert repr(np.float64(tenth32)) == "np.float64(0.10000000149011612)"
    assert 1.4e-9 < abs(Fraction(float(tenth32)) - Fraction(1, 10)) < 1.5e-9
    assert 0 < abs(Fraction(0.1) - Fraction(1, 10)) < Fraction(1, 10**17)


def test_float32_does_not_hold_every_integer_above_2_to_the_24():
    assert np.float32(2**24 - 1) != np.float32(2**24)
    assert np.float32(16_777_217) == np.float32(16_777_216)


def test_the_smallest_uint_is_min_scalar_type():
    assert [np.min_scalar_type(v) for v in (0, 255, 256, 4095, 65_536, 2**40)] == [
        np.uint8, np.uint8, np.uint16, np.uint16, np.uint32, np.uint64]
    assert 4000 * 3000 * 8 == 96_000_000 and 4000 * 3000 * 2 == 24_000_000


# --- Strings ---------------------------------------------------------------------------------

def test_u_strings_take_4_bytes_per_character_padded_to_the_longest():
    names = np.array(["Ada", "Grace", "Katherine"])
    assert names.dtype == np.dtype("U9") and names.itemsize == 36 and names.nbytes == 108
    assert np.str_("numpy").nbytes == 20 and np.dtype("U3").itemsize == 12


def test_a_u_array_cuts_a_longer_string_silently():
    names = np.array(["Ada", "Grace", "Katherine"])
    no_warning(lambda: names.__setitem__(0, "Margaret Hamilton"))
    assert names[0] == "Margaret " and names.dtype == np.dtype("U9")


def test_s_strings_take_1_byte_per_character_and_hold_only_ascii_text():
    assert np.dtype("S3").itemsize == 3 and np.bytes_(b"a").dtype == np.dtype("S1")
    assert np.array([b"NaCl"]).dtype == np.dtype("S4")
    with pytest.raises(UnicodeEncodeError):
        np.array(["Zoë"], dtype="S3")


def test_stringdtype_takes_16_bytes_per_element_and_cuts_nothing():
    text = np.array(["Ada", "Margaret Hamilton", "x" * 1000], dtype=np.dtypes.StringDType())
    assert text.itemsize == 2 * POINTER == 16 and text.nbytes == 48
    assert text[1] == "Margaret Hamilton" and len(text[2]) == 1000


def retained_per_element(strings):
    """Bytes a StringDType array of `strings` keeps allocated, per element."""
    with memlayout.peak_memory() as m:
        arr = np.array(strings, dtype=np.dtypes.StringDType())
    per_element = m.retained / arr.size
    del arr
    return per_element


@pytest.mark.parametrize(("text", "inside"), [
    ("x" * 15, True), ("x" * 16, False), ("é" * 7, True), ("é" * 8, False)])  # é: 2 bytes of UTF-8
def test_stringdtype_keeps_up_to_15_bytes_inside_the_element(text, inside):
    per_element = retained_per_element([text] * 100_000)
    if inside:
        assert per_element < 17
    else:
        assert per_element > 32


@pytest.mark.parametrize(("length", "length_bytes"), [(16, 1), (100, 1), (255, 1), (256, 8), (1000, 8)])
def test_a_long_string_goes_to_the_arena_after_its_length(length, length_bytes):
    """Past 15 bytes a string is stored in the arena after its length (1 byte, 8 past 255 bytes);
    the arena grows by a quarter whenever it fills, so it holds at most 25 % spare room."""
    arena = retained_per_element(["x" * length] * 100_000) - 2 * POINTER
    stored = length + length_bytes
    assert stored <= arena <= 1.25 * stored + 0.5


def test_a_view_shares_the_arena_and_a_copy_has_its_own():
    text = np.array(["x" * 100] * 10, dtype=np.dtypes.StringDType())
    assert text[::2].dtype is text.dtype and text.copy().dtype is not text.dtype


def test_long_strings_take_many_times_what_nbytes_says():
    ratio = retained_per_element(["x" * 100] * 100_000) / retained_per_element(["x" * 15] * 100_000)
    assert 8 < ratio < 10


# --- .view(dtype) puzzles --------------------------------------------------------------------

def test_four_bytes_viewed_as_one_record_keep_an_axis_of_length_1():
    raw = RAW.copy()
    records = raw.view(RGBA)
    assert records.shape == (2, 1) and np.shares_memory(records, raw)
    pixels = records[:, 0]
    assert pixels.shape == (2,) and np.shares_memory(pixels, raw)
    assert pixels["b"].tolist() == [0, 255] and pixels.reshape(2).base is not None
    pixels["g"][0] = 7
    assert raw[0, 1] == 7  # a view: the write lands in raw's buffer


def test_four_bytes_viewed_as_a_little_endian_uint32():
    assert RAW.view("<u4")[1, 0] == 0x40FF8000 and RAW.view(">u4")[1, 0] == 0x0080FF40
    assert RAW.view("<u4").shape == (2, 1) and RAW.view(np.int16).shape == (2, 2)


def test_a_transposed_array_cannot_be_viewed_with_a_wider_dtype():
    assert RAW.T.strides == (1, 4)
    with pytest.raises(ValueError, match="last axis must be contiguous"):
        RAW.T.view(np.int16)
    assert RAW.T.view(np.int8).shape == (4, 2)  # the same itemsize is allowed
    columns = np.ascontiguousarray(RAW.T).view("<u2")
    assert columns.shape == (4, 1) and columns.ravel().tolist() == [255, 32768, 65280, 16639]


# --- Names NumPy 2 removed -------------------------------------------------------------------

@pytest.mark.parametrize(("name", "replacement"), [
    ("float_", "np.float64"), ("complex_", "np.complex128"), ("unicode_", "np.str_"),
    ("string_", "np.bytes_"), ("sctypes", "explicitly")])
def test_removed_names_say_what_to_write_instead(name, replacement):
    with pytest.raises(AttributeError, match=replacement.replace(".", r"\.")):
        getattr(np, name)


def test_float128_exists_only_where_long_double_takes_16_bytes():
    assert hasattr(np, "float128") == (np.dtype(np.longdouble).itemsize == 16)
    assert hasattr(np, "complex256") == (np.dtype(np.clongdouble).itemsize == 32)
    info = np.finfo(np.longdouble)
    assert info.eps <= np.finfo(np.float64).eps
    assert info.nmant in {52, 63, 112, 105}
    if hasattr(np, "float128"):
        assert np.float128 is np.longdouble
