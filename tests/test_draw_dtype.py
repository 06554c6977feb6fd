"""memlayout.show_dtype: the labels a learner reads, padding, byte order, and bounded size."""

from __future__ import annotations

import re

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from matplotlib.text import Text

import memlayout
from memlayout.drawing._style import CELL

FLAG_VALUE = [("flag", np.uint8), ("value", np.float64)]

# name: (dtype, labels the figure must show, whether it has padding)
CASES = {
    "plain": (np.float64, ["<f8 = 1.0", "offset 0, 8 bytes", "little-endian",
                           "one float64 value ('<f8')"], False),
    "packed": (np.dtype(FLAG_VALUE), ["flag: |u1 = 100", "offset 0, 1 byte", "value: <f8 = 1.0",
                                      "offset 1, 8 bytes", "9 bytes per item"], False),
    "aligned": (np.dtype(FLAG_VALUE, align=True),
                ["flag: |u1", "value: <f8", "offset 8, 8 bytes", "offset 1",
                 "16 bytes per item: 9 in fields, 7 padding"], True),
    "nested": (np.dtype([("id", "<i4"), ("pos", [("x", "<f4"), ("y", "<f4")]), ("ok", "?")],
                        align=True),
               ["id: <i4 = 1,000,000", "pos.x: <f4", "offset 4, 4 bytes", "pos.y: <f4",
                "offset 8, 4 bytes", "ok: |b1 (bool) = True", "offset 12, 1 byte", "offset 13"], True),
    "subarray": (np.dtype([("v", "<f8", (3,)), ("n", "<i2")]),
                 ["v: 3×<f8 = 1.0 each", "offset 0, 24 bytes", "n: <i2 = 1,000", "offset 24, 2 bytes"],
                 False),
    "big-endian": (np.dtype([("a", ">i4"), ("b", "<i4")]),
                   ["a: >i4", "big-endian", "b: <i4", "little-endian", "offset 4, 4 bytes"], False),
    "object": (np.dtype(object), ["|O (object)", "pointer to a Python object"], False),
    "huge subarray": (np.dtype([("id", "<i4"), ("x", "<f8", (1000,))]),
                      ["x: 1000×<f8", "offset 4, 8,000 bytes", "8,004 bytes per item"], False),
    "unicode": (np.dtype("<U100"), ["<U100 = 'aé€'", "400 bytes per item", "4 bytes per character"],
                False),
    "complex": (np.dtype("<c8"), ["<c8 = (1+2j)", "real, then imaginary part, each little-endian"],
                False),
    "datetime": (np.dtype("<M8[D]"), ["<M8[D] = 2000-01-01"], False),
}


def texts(fig) -> list[str]:
    """Every non-empty text of the figure, one string per Text artist."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def all_text(fig) -> str:
    return "\n".join(texts(fig))


def byte_cells(fig) -> list[Rectangle]:
    """The filled one-byte cells (break marks are wider; field outlines are not filled)."""
    return [p for p in fig.findobj(Rectangle)
            if p.get_fill() and p.get_width() == pytest.approx(CELL) and p.get_height() == CELL]


@pytest.mark.parametrize("name", CASES)
def test_labels_of_each_case(name, read_figure, no_new_pyplot_figures):
    dtype, expected, has_padding = CASES[name]
    fig = read_figure(memlayout.show_dtype(dtype))
    for label in expected:
        assert label in fig.all_text, f"{label!r} missing from the {name} figure"
    assert ("padding" in fig.all_text.splitlines()) == has_padding


@pytest.mark.parametrize("name", CASES)
def test_no_text_overlaps_another_or_leaves_the_figure(name):
    fig = memlayout.show_dtype(CASES[name][0])
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.findobj(Text) if t.get_text()]
    page = fig.bbox
    for i, box in enumerate(boxes):
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
        for other in boxes[i + 1:]:
            assert not box.overlaps(other), f"texts overlap in the {name} figure"


def test_small_item_has_one_cell_per_byte_numbered_from_zero():
    fig = memlayout.show_dtype(np.dtype(FLAG_VALUE, align=True))
    assert len(byte_cells(fig)) == 16
    numbers = [t.get_text() for t in fig.findobj(Text) if t.get_fontsize() == 7 and t.get_text().isdigit()]
    assert numbers == [str(b) for b in range(16)]


def hex_cells(fig) -> list[str]:
    """The hex byte values of a one-line row, from left to right."""
    texts = [t for t in fig.findobj(Text) if re.fullmatch("[0-9a-f]{2}", t.get_text())
             and t.get_fontsize() == 8]
    return [t.get_text() for t in sorted(texts, key=lambda t: t.get_position()[0])]


@pytest.mark.parametrize(("dtype", "values"), [
    ("<i4", ["40", "42", "0f", "00"]),  # 1,000,000 = 0x000f4240, least significant byte first
    (">i4", ["00", "0f", "42", "40"]),
    ("<f8", ["00", "00", "00", "00", "00", "00", "f0", "3f"]),  # 1.0
    ("?", ["01"]),
    ("<U2", ["61", "00", "00", "00", "e9", "00", "00", "00"]),  # 'aé' in UTF-32
])
def test_cells_hold_the_bytes_of_a_real_item(dtype, values):
    assert hex_cells(memlayout.show_dtype(dtype)) == values
    assert np.array(_example(dtype), dtype=dtype).tobytes().hex() == "".join(values)


def _example(dtype):
    return {"i": 1_000_000, "f": 1.0, "b": True, "U": "aé"}[np.dtype(dtype).kind]


def test_string_characters_are_written_under_their_code_units(read_figure):
    fig = read_figure(memlayout.show_dtype("<U3", "S3"))
    for text in ["a U+0061", "é U+00E9", "€ U+20AC", "a", "b", "c"]:
        assert text in fig.texts


@pytest.mark.skipif(np.finfo(np.longdouble).nmant != 63, reason="long double is not x87 here")
def test_x87_long_double_has_ten_value_bytes_and_six_padding():
    fig = memlayout.show_dtype(np.longdouble)
    assert hex_cells(fig) == ["00"] * 7 + ["80", "ff", "3f"]  # 1.0: MSB 3f at byte 9
    assert order_marks(fig) == ["LSB", "MSB"]
    assert "little-endian, 10 value bytes + 6 padding" in all_text(fig)
    mark = next(t for t in fig.findobj(Text) if t.get_text() == "MSB")
    nine = next(t for t in fig.findobj(Text) if t.get_text() == "9" and t.get_fontsize() == 7)
    assert mark.get_position()[0] == pytest.approx(nine.get_position()[0])
    hatched = [p for p in byte_cells(fig) if p.get_hatch()]
    assert len(hatched) == 6


def field_faces(fig, names) -> dict[str, set[str]]:
    """Fills of each field named in `names`, found under the leader line of its labels."""
    faces = {}
    for label in fig.findobj(Text):
        name = label.get_text().split(":")[0]
        if name not in names:
            continue
        x = label.get_position()[0] - 0.05
        cell = min((p for p in byte_cells(fig) if p.get_x() <= x < p.get_x() + p.get_width()
                    and p.get_y() < label.get_position()[1]),
                   key=lambda p: label.get_position()[1] - p.get_y())
        faces.setdefault(name, set()).add(mcolors.to_hex(cell.get_facecolor()))
    return faces


def test_fields_keep_their_colour_by_name_across_dtypes():
    fields = [("a", "u1"), ("b", "<f8"), ("c", "<i2"), ("d", "<f4")]
    fig = memlayout.show_dtype(np.dtype(fields, align=True), np.dtype(fields[::-1], align=True))
    rows = [t.get_position()[1] for t in fig.findobj(Text) if "bytes per item" in t.get_text()]
    assert len(rows) == 2
    faces = field_faces(fig, {"a", "b", "c", "d"})
    # each name has one fill in both rows, and no two names share one
    assert sorted(faces) == ["a", "b", "c", "d"] and all(len(f) == 1 for f in faces.values())
    assert len(set.union(*faces.values())) == 4


def test_a_wide_struct_folds_into_lines_of_sixteen_bytes():
    sensor = np.dtype([("active", "?"), ("reading", "<f8"), ("channel", "<i2"), ("gain", "<f4"),
                       ("status", "u1")], align=True)
    fig = memlayout.show_dtype(sensor, max_cells=32)
    width, height = fig.get_size_inches() * fig.dpi
    assert width < 800 and height < 500
    lefts = sorted({round(p.get_x(), 6) for p in byte_cells(fig)})
    assert len(lefts) == 16  # 32 bytes on two lines of 16
    assert len(byte_cells(fig)) == 32


def test_none_is_not_a_dtype():
    with pytest.raises(TypeError, match="not None"):
        memlayout.show_dtype(None)


def test_a_huge_union_draws_a_few_lanes_and_says_how_many_are_left_out(read_figure):
    union = np.dtype({"names": [f"f{i}" for i in range(400)], "formats": ["<f8"] * 400,
                      "offsets": [0] * 400})
    fig = read_figure(memlayout.show_dtype(union))
    assert "396 more overlapping fields not drawn" in fig.all_text
    assert len(byte_cells(fig.fig)) == 4 * 8


def order_marks(fig) -> list[str]:
    """LSB / MSB marks from left to right."""
    marks = [t for t in fig.findobj(Text) if t.get_text() in ("LSB", "MSB")]
    return [t.get_text() for t in sorted(marks, key=lambda t: t.get_position()[0])]


@pytest.mark.parametrize(("dtype", "marks"), [
    (">i4", ["MSB", "LSB"]),
    ("<i4", ["LSB", "MSB"]),
    ("<c8", ["LSB", "MSB", "LSB", "MSB"]),  # real and imaginary part, each its own number
    ("u1", []),
])
def test_byte_order_marks_the_most_significant_end(dtype, marks):
    assert order_marks(memlayout.show_dtype(dtype)) == marks


def test_compared_dtypes_share_the_byte_scale():
    packed, aligned = np.dtype(FLAG_VALUE), np.dtype(FLAG_VALUE, align=True)
    fig = memlayout.show_dtype(packed, aligned, labels=["packed", "align=True"], title="Padding")
    text = all_text(fig)
    assert "packed: 9 bytes per item: 9 in fields, no padding" in text
    assert "align=True: 16 bytes per item: 9 in fields, 7 padding" in text
    assert "Padding" in texts(fig)
    left_edges = {round(p.get_x(), 6) for p in byte_cells(fig)}
    assert len(byte_cells(fig)) == 9 + 16 and len(left_edges) == 16


@pytest.mark.parametrize("dtype", [
    np.dtype([("x", "<f8", (10**6,))]),
    np.dtype("<U100000"),
    np.dtype([(f"f{i}", "<f8") for i in range(2000)]),
    np.dtype({"names": ["a", "b"], "formats": [("<f8", (1000,)), ("<f8", (500,))],
              "offsets": [0, 0]}),
])
def test_huge_items_are_summarised(dtype, read_figure):
    # The drawing's cost follows the cells it draws; benchmarks/ times it, no test does.
    fig = read_figure(memlayout.show_dtype(dtype))
    assert len(byte_cells(fig.fig)) <= 64
    assert fig.fig.get_figwidth() < 16
    assert "more" in fig.all_text  # the break mark says what it leaves out
    assert str(dtype.itemsize - 1) in fig.texts  # the last byte is drawn


def test_many_fields_say_how_many_are_left_out():
    fig = memlayout.show_dtype(np.dtype([(f"f{i}", "<f8") for i in range(50)]))
    text = all_text(fig)
    assert "f0: <f8" in text and "f49: <f8" in text and "f25: <f8" not in text
    assert "48 more fields\n384 bytes" in texts(fig)


def test_max_cells_shows_every_field_of_a_larger_struct():
    dtype = np.dtype([("name", "S10"), ("pos", [("x", "<f4"), ("y", "<f4"), ("z", "<f4")]),
                      ("flags", "u1", (3,)), ("t", ">f8")], align=True)
    assert "pos.y: <f4" not in all_text(memlayout.show_dtype(dtype))
    fig = memlayout.show_dtype(dtype, max_cells=48)
    for label in ["name: |S10 = b'abc'", "pos.x: <f4", "pos.y: <f4", "pos.z: <f4",
                  "flags: 3×|u1 = 100 each", "t: >f8"]:
        assert label in all_text(fig)
    assert len(byte_cells(fig)) == 40


def test_same_dtype_draws_the_same_figure(read_figure):
    dtype = np.dtype([("id", "<i4"), ("x", "<f8", (1000,))], align=True)
    assert read_figure(memlayout.show_dtype(dtype)).png == read_figure(memlayout.show_dtype(dtype)).png


@pytest.mark.parametrize("bad", [3.5, "not a dtype", [1, 2]])
def test_bad_input_raises_type_error_naming_it(bad):
    with pytest.raises(TypeError, match=re.escape(f"not {bad!r}")):
        memlayout.show_dtype(bad)


def test_no_dtype_or_wrong_labels_are_explained():
    with pytest.raises(TypeError, match="at least one dtype"):
        memlayout.show_dtype()
    with pytest.raises(ValueError, match="got 2 dtypes but 1 labels"):
        memlayout.show_dtype(np.int8, np.int16, labels=["only one"])
    with pytest.raises(ValueError, match="labels as a list with one string per dtype, not 'x'"):
        memlayout.show_dtype(np.int8, labels="x")
    with pytest.raises(ValueError, match="max_cells must be an int from 8 to 1024, not 2"):
        memlayout.show_dtype(np.int8, max_cells=2)


@pytest.mark.parametrize(("dtype", "scalar_bytes"), [
    ("<f8", 8), (">i2", 2), ("u1", 1), ("<c16", 8), ("<U3", 4), ("S3", 1), ("O", 1),
    (np.dtype(("<f4", (3,))), 4),
])
def test_model_scalar_bytes(dtype, scalar_bytes):
    (segment,) = memlayout.dtype_layout(dtype).segments
    assert segment.scalar_bytes == scalar_bytes


def test_model_field_bytes_counts_overlapping_fields_once():
    union = np.dtype({"names": ["a", "b"], "formats": ["<i4", "<f8"], "offsets": [0, 0]})
    assert memlayout.dtype_layout(union).field_bytes == 8
    assert memlayout.dtype_layout(np.dtype(FLAG_VALUE, align=True)).field_bytes == 9


def test_a_one_byte_item_is_written_in_the_singular(read_figure):
    fig = read_figure(memlayout.show_dtype(np.int8))
    assert any(t.startswith("1 byte per item") for t in fig.texts)
    assert not any("1 bytes" in t for t in fig.texts)
