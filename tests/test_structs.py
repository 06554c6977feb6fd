"""Tests of ``memlayout.dtype_layout()``: the bytes of one item, fields and padding.

Checked: aligned and packed structs (padding positions and sizes, itemsize equal to
NumPy's), nested structs flattened to dotted names, subarray fields, byte order of
big-endian, little-endian and single-byte fields, plain dtypes as one segment, union-like
fields that overlap (dict form with offsets), and bad input. Hypothesis builds random
structured dtypes (list form with align True/False, and dict form with free offsets) and
checks that the segments tile ``[0, itemsize)``, that every field starts where
``dtype.fields`` says, and that the padding is exactly the bytes no field view touches
(read from ``byte_bounds`` of each field of a one-item array, independently of the code).
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.array_utils import byte_bounds

from memlayout import dtype_layout

NATIVE = "little" if sys.byteorder == "little" else "big"


def spans(lay):
    return [(s.name, s.start, s.stop) for s in lay.segments]


def test_aligned_struct_has_padding_before_the_wide_field_and_at_the_end():
    dt = np.dtype([("flag", np.uint8), ("value", np.float64), ("tag", np.int16)], align=True)
    lay = dtype_layout(dt)
    assert spans(lay) == [("flag", 0, 1), ("(padding)", 1, 8), ("value", 8, 16),
                          ("tag", 16, 18), ("(padding)", 18, 24)]
    assert lay.itemsize == dt.itemsize == 24
    assert lay.padding_bytes == 13
    assert lay.alignment == dt.alignment == 8
    assert [s.name for s in lay.fields] == ["flag", "value", "tag"]
    assert all(s.is_padding and s.dtype is None for s in lay.segments if s.name == "(padding)")


def test_packed_struct_has_no_padding():
    dt = np.dtype([("flag", np.uint8), ("value", np.float64), ("tag", np.int16)])
    lay = dtype_layout(dt)
    assert spans(lay) == [("flag", 0, 1), ("value", 1, 9), ("tag", 9, 11)]
    assert lay.itemsize == dt.itemsize == 11
    assert lay.padding_bytes == 0
    assert [s.nbytes for s in lay.segments] == [1, 8, 2]


def test_nested_struct_is_flattened_with_dotted_names():
    point = np.dtype([("x", np.float32), ("y", np.float32)], align=True)
    dt = np.dtype([("id", np.int16), ("pos", point), ("box", [("lo", point), ("hi", point)])],
                  align=True)
    lay = dtype_layout(dt)
    assert [s.name for s in lay.fields] == ["id", "pos.x", "pos.y", "box.lo.x", "box.lo.y",
                                            "box.hi.x", "box.hi.y"]
    assert spans(lay)[:3] == [("id", 0, 2), ("(padding)", 2, 4), ("pos.x", 4, 8)]
    pos = dt.fields["pos"][1]
    hi = dt.fields["box"][1] + dt.fields["box"][0].fields["hi"][1]
    by_name = {s.name: s for s in lay.fields}
    assert by_name["pos.y"].start == pos + point.fields["y"][1]
    assert by_name["box.hi.y"].start == hi + 4
    assert by_name["box.hi.y"].dtype == np.float32
    assert lay.segments[-1].stop == dt.itemsize


def test_subarray_field_is_one_segment():
    dt = np.dtype([("n", np.uint8), ("v", np.float32, (3,))])
    lay = dtype_layout(dt)
    assert spans(lay) == [("n", 0, 1), ("v", 1, 13)]
    v = lay.segments[1]
    assert v.dtype.shape == (3,) and v.dtype.base == np.float32
    assert v.nbytes == 12
    assert v.byteorder == NATIVE


def test_byte_order_of_each_field():
    dt = np.dtype([("be", ">i4"), ("le", "<i4"), ("native", "=f8"), ("byte", "u1"),
                   ("text", "S3"), ("wide", ">U2")], align=True)
    lay = dtype_layout(dt)
    orders = {s.name: s.byteorder for s in lay.segments}
    assert orders == {"be": "big", "le": "little", "native": NATIVE, "byte": "n/a",
                      "text": "n/a", "wide": "big", "(padding)": "n/a"}


@pytest.mark.parametrize("dtype", [np.float64, "i2", np.dtype(">f4"), np.uint8, "S5",
                                   np.complex64, np.dtype((np.int32, (2, 3)))])
def test_plain_dtype_is_one_segment(dtype):
    dt = np.dtype(dtype)
    lay = dtype_layout(dtype)
    assert lay.dtype == dt
    assert spans(lay) == [("", 0, dt.itemsize)]
    assert lay.segments[0].dtype == dt
    assert lay.padding_bytes == 0 and lay.itemsize == dt.itemsize


def test_union_like_fields_overlap_and_are_all_listed():
    dt = np.dtype({"names": ["as_int", "as_float", "low_byte"],
                   "formats": ["<u4", "<f4", "u1"], "offsets": [0, 0, 0], "itemsize": 4})
    lay = dtype_layout(dt)
    assert sorted(spans(lay)) == [("as_float", 0, 4), ("as_int", 0, 4), ("low_byte", 0, 1)]
    assert lay.padding_bytes == 0


def test_fields_with_explicit_offsets_leave_gaps_as_padding():
    dt = np.dtype({"names": ["a", "b", "c"], "formats": ["u1", "<i4", "<i2"],
                   "offsets": [6, 0, 2], "itemsize": 12})
    lay = dtype_layout(dt)
    assert spans(lay) == [("b", 0, 4), ("c", 2, 4), ("(padding)", 4, 6), ("a", 6, 7),
                          ("(padding)", 7, 12)]
    assert lay.padding_bytes == 7


@pytest.mark.parametrize("bad", ["no such type", 3.5, object(), [1, 2], 5])
def test_bad_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match=r"dtype_layout\(\): dtype must be a dtype"):
        dtype_layout(bad)


def test_none_is_not_taken_for_float64():
    # np.dtype(None) is float64; a learner who passes None has lost their dtype
    with pytest.raises(TypeError, match="not None .*float64"):
        dtype_layout(None)


@pytest.mark.parametrize(("bad", "why"), [
    ([("a", "f8"), ("a", "i4")], "more than once"),
    ({"names": ["a"], "formats": ["f8"], "offsets": [-1]}, "negative"),
    ((np.int32, 10**10), "shape"),
])
def test_a_structured_dtype_numpy_refuses_is_a_value_error_with_numpys_reason(bad, why):
    with pytest.raises(ValueError, match=rf"dtype_layout\(\): NumPy refuses the dtype .*{why}"):
        dtype_layout(bad)


# ---------------------------------------------------------------------------------------
# Random structured dtypes
# ---------------------------------------------------------------------------------------

LEAVES = [np.dtype(d) for d in ("u1", "<i2", ">i4", "<f8", "<c8", "S3")]
LEAVES.append(np.dtype(("<f4", (2,))))
NAMES = st.text("abcdefgh", min_size=1, max_size=3)


def field_lists(children):
    return st.lists(st.tuples(NAMES, children), min_size=1, max_size=4,
                    unique_by=lambda field: field[0])


struct_specs = st.recursive(st.sampled_from(LEAVES), field_lists, max_leaves=8)


@st.composite
def structured_dtypes(draw):
    spec = draw(field_lists(struct_specs))
    align = draw(st.booleans())
    return np.dtype([(name, child if isinstance(child, np.dtype) else np.dtype(child, align=align))
                     for name, child in spec], align=align)


def leaf_bytes(dt: np.dtype) -> dict[str, tuple[int, int]]:
    """Byte range of every leaf field, read from the field views of a one-item array."""
    raw = np.zeros(dt.itemsize, np.uint8)
    item = raw.view(dt)
    start = raw.__array_interface__["data"][0]
    found = {}

    def walk(view, prefix):
        if view.dtype.names is None:
            low, high = byte_bounds(view[0, ...])
            found[prefix] = (low - start, high - start)
            return
        for name in view.dtype.names:
            walk(view[name], f"{prefix}.{name}" if prefix else name)

    walk(item, "")
    return found


def check_padding_is_unused_bytes(lay, fields):
    used = np.zeros(lay.itemsize, bool)
    for low, high in fields.values():
        used[low:high] = True
    padding = np.zeros(lay.itemsize, bool)
    for seg in lay.segments:
        if seg.is_padding:
            assert not padding[seg.start:seg.stop].any()
            padding[seg.start:seg.stop] = True
    np.testing.assert_array_equal(padding, ~used)
    assert lay.padding_bytes == int((~used).sum())


@settings(max_examples=100, deadline=None)
@given(structured_dtypes())
def test_segments_of_random_structs_tile_the_item(dt):
    lay = dtype_layout(dt)
    assert lay.itemsize == dt.itemsize
    segments = lay.segments
    # no gap, no overlap: each segment starts where the previous one stops
    assert segments[0].start == 0
    assert segments[-1].stop == dt.itemsize
    for before, after in zip(segments[:-1], segments[1:], strict=True):
        assert after.start == before.stop
    assert all(s.nbytes > 0 for s in segments)
    assert not any(a.is_padding and b.is_padding for a, b in zip(segments[:-1], segments[1:], strict=True))

    fields = leaf_bytes(dt)
    assert {s.name: (s.start, s.stop) for s in lay.fields} == fields
    assert len(lay.fields) == len(fields)
    for name in dt.names:
        own = [s.start for s in lay.fields if s.name == name or s.name.startswith(name + ".")]
        assert min(own) == dt.fields[name][1]
    check_padding_is_unused_bytes(lay, fields)


@st.composite
def union_dtypes(draw):
    """Dict-form dtypes whose fields sit at free offsets and may overlap."""
    count = draw(st.integers(1, 4))
    formats = [draw(st.sampled_from(LEAVES)) for _ in range(count)]
    offsets = [draw(st.integers(0, 12)) for _ in range(count)]
    end = max(o + f.itemsize for o, f in zip(offsets, formats, strict=True))
    return np.dtype({"names": [f"f{k}" for k in range(count)], "formats": formats,
                     "offsets": offsets, "itemsize": end + draw(st.integers(0, 4))})


@settings(max_examples=150, deadline=None)
@given(union_dtypes())
def test_segments_of_overlapping_fields_cover_the_item(dt):
    lay = dtype_layout(dt)
    fields = leaf_bytes(dt)
    assert {s.name: (s.start, s.stop) for s in lay.fields} == fields
    for name in dt.names:
        assert fields[name][0] == dt.fields[name][1]
    starts = [s.start for s in lay.segments]
    assert starts == sorted(starts)
    check_padding_is_unused_bytes(lay, fields)
