"""Every public function of memlayout, called with generated arguments, valid and not.

Each call must either succeed or raise a TypeError, ValueError or IndexError with a
message; any other exception, any warning (the suite turns warnings into errors, see
``filterwarnings`` in pyproject.toml) or a call that runs for more than ``HANG`` seconds
fails the test. The arguments mix what a learner means to pass (arrays of every dtype
and layout, views, broadcasts, object arrays holding lists, NumPy integer scalars,
indices of every kind, dtypes, memory maps, files) with what a learner passes by
mistake (None, strings, floats, huge integers, Ellipsis, lists, functions ...).

The result classes (Layout, Selection, DtypeLayout, Segment, Broadcast, Operand,
PeakMemory) are fuzzed through the functions that build them and through their
methods; Bandwidth and Residency, whose docstrings build them directly, are fuzzed
directly too. The drawings are called through their public signatures only, and each
figure they return is rendered, as Jupyter would.

Examples are derandomised so that ``make test`` is the same on every machine; raise
``EXAMPLES`` (or drop ``derandomize``) to search further.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from matplotlib.figure import Figure
from numpy.lib.stride_tricks import sliding_window_view

import memlayout

#: Seconds a single call may take before it counts as a hang.
HANG = 20
#: Examples per function: model and measuring functions are cheap, drawings are not.
EXAMPLES = 80
DRAWING_EXAMPLES = 40
FUZZ = settings(max_examples=EXAMPLES, deadline=10_000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DRAWING_FUZZ = settings(FUZZ, max_examples=DRAWING_EXAMPLES)
ALLOWED = (TypeError, ValueError, IndexError)


class Hang(Exception):
    """A call ran longer than HANG seconds."""


def call(func, *args, allowed=ALLOWED, **kwargs):
    """Call `func`; return its result, or None if it refused its arguments as allowed."""
    def alarm(signum, frame):
        raise Hang(f"{getattr(func, '__name__', func)} ran for more than {HANG} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG)
    message = None
    try:
        result = func(*args, **kwargs)
        if isinstance(result, Figure):
            result.savefig(io.BytesIO(), format="png", dpi=30)
    except allowed as err:
        result, message = None, f"{type(err).__name__}: {err}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert message is None or message.split(":", 1)[1].strip(), f"{message} has no message"
    return result


# -- what a learner passes by mistake --------------------------------------------------

JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(),
    st.text(st.characters(codec="latin-1"), max_size=4), st.sampled_from(["\n", "a\tb", "\x1f"]),
    st.binary(max_size=3),
    st.just(Ellipsis),
    st.lists(st.integers(-3, 3), max_size=3), st.tuples(st.integers(-3, 3)),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
    st.sampled_from([np.int8(-1), np.uint64(1), np.float16(1.5), np.bool_(True),
                     np.float64("nan"), 1j, object(), np.add, len, np.float64,
                     np.dtype("i4"), slice(1, None), [[0, 1], [1]], memoryview(b"ab")]),
)

# -- arrays of every dtype and layout ----------------------------------------------------

DTYPES = st.sampled_from([
    np.int8, np.uint64, np.float16, np.float64, np.complex64, np.bool_, ">i4", "<U3",
    "S2", "M8[s]", np.dtype([("x", np.uint8), ("y", "<f4")]),
    np.dtype([("x", np.uint8), ("y", "<f4")], align=True),
])
#: Any printable text, whether the drawings' font (DejaVu Sans Mono) has glyphs for it or not
#: (the drawings write what it lacks as escapes); control characters, which the drawings
#: refuse in titles, come with the junk.
TEXT = st.text(st.characters(exclude_categories=["C"]), max_size=8)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def objects(values) -> np.ndarray:
    """An object array whose elements are whatever is given (lists, arrays, None ...)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


OBJECT_ARRAYS = st.lists(st.one_of(st.none(), st.integers(-3, 3), st.lists(st.integers(), max_size=2),
                                   st.just(np.arange(3)), TEXT),
                         max_size=4).map(objects)


def plain_arrays(dtype):
    """Arrays of `dtype`; strings hold only characters the drawings' font can show."""
    if np.dtype(dtype).kind == "U":
        return hnp.arrays(dtype, SHAPES, elements=TEXT.map(lambda t: t[:3]))
    return hnp.arrays(dtype, SHAPES)


#: Arrays too large to draw element by element, for the "any size" promises.
HUGE = [np.zeros(10**7, np.uint8), np.zeros(10**7, np.uint8)[::-7],
        np.broadcast_to(1.0, (10**6, 10**6)), np.zeros((2048, 2048))[:, ::2],
        sliding_window_view(np.zeros(10**6, np.int16), 1000)]


@st.composite
def arrays(draw):
    """A small array, often a view: reversed, transposed, broadcast, a window, a field;
    now and then a huge one."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(HUGE))
    a = draw(st.one_of(DTYPES.flatmap(plain_arrays), OBJECT_ARRAYS))
    change = draw(st.sampled_from(["none", "reverse", "transpose", "broadcast", "window",
                                   "field", "bytes"]))
    if change == "reverse" and a.ndim:
        a = a[::-1]
    elif change == "transpose":
        a = a.T
    elif change == "broadcast":
        a = np.broadcast_to(a, (2, *a.shape))
    elif change == "window" and a.ndim == 1 and a.size >= 2:
        a = sliding_window_view(a, 2)
    elif change == "field" and a.dtype.names:
        a = a[a.dtype.names[-1]]
    elif change == "bytes" and a.dtype != object and a.ndim and a.flags.c_contiguous:
        a = a.view(np.uint8)
    return a


SCALARS = st.one_of(st.integers(-5, 5), st.floats(-5, 5), st.complex_numbers(max_magnitude=5),
                    st.sampled_from([np.int8(-1), np.uint64(2), np.float16(0.5), np.True_]))
ANYTHING = st.one_of(arrays(), JUNK)


class Arguments:
    """Draws a call's arguments: all meant (half the calls), or all but one, which is junk.

    One mistake at a time is what reaches each check; with every argument free to be
    junk, almost no call would get past the first.
    """

    def __init__(self, data, count: int) -> None:
        self.data = data
        self.wrong = data.draw(st.integers(-count, count - 1), label="junk argument")
        self.drawn = 0

    def __call__(self, meant, junk=JUNK):
        k, self.drawn = self.drawn, self.drawn + 1
        return self.data.draw(junk if k == self.wrong else meant)


def index_items(n: int):
    """One item of an index for an axis of length `n`: valid, out of range, or nonsense."""
    ints = st.integers(-n - 1, n)
    return st.one_of(
        ints, st.integers(max(-n - 1, -128), min(n, 127)).map(np.int8),
        st.integers(0, max(n, 0)).map(np.uint64),
        st.builds(slice, st.none() | ints, st.none() | ints, st.none() | st.sampled_from([1, -1, 2, 0])),
        st.just(None), st.just(Ellipsis), st.booleans(), st.lists(ints, max_size=3),
        st.lists(ints, max_size=4).map(lambda v: np.array(v, dtype=np.intp)),
        (st.lists(st.booleans(), min_size=n, max_size=n).map(lambda v: np.array(v, bool))
         if n <= 64 else st.builds(lambda: np.arange(n) % 3 == 0)),
        JUNK,
    )


@st.composite
def indices(draw, shape):
    items = tuple(draw(index_items(shape[min(k, len(shape) - 1)] if shape else 0))
                  for k in range(draw(st.integers(0, len(shape) + 1))))
    return items[0] if len(items) == 1 and draw(st.booleans()) else items


def element_indices(shape):
    """An index for one element (Layout.element_offset, show(index=)): Python or NumPy ints."""
    if 0 in shape:  # an empty array has no element to name
        return bad_element_indices(shape)
    return st.one_of(
        st.tuples(*(st.integers(-n, n - 1) for n in shape)),
        st.tuples(*(st.integers(0, max(n - 1, 0)).map(np.uint64) for n in shape)),
        st.tuples(*(st.integers(-min(n, 128), -1).map(np.int8) for n in shape)),
    )


def bad_element_indices(shape):
    """Not quite one element: out of range, one axis too many or too few, or junk."""
    return st.one_of(
        st.tuples(*(st.integers(n, n + 2) for n in shape)),
        st.tuples(*(st.integers(-3, 3) for _ in range(len(shape) + 1))),
        st.tuples(*(st.integers(-3, 3) for _ in range(max(len(shape) - 1, 0)))),
        JUNK,
    )


# -- the model -----------------------------------------------------------------------------


@FUZZ
@given(ANYTHING)
def test_layout_and_find_owner(a):
    call(memlayout.find_owner, a)
    lay = call(memlayout.layout, a)
    if lay is not None:
        repr(lay)
        for name in ("c_contiguous", "f_contiguous", "zero_stride_axes", "span", "in_bounds",
                     "overlapping", "nbytes", "owner_type"):
            getattr(lay, name)


@FUZZ
@given(arrays(), st.data())
def test_layout_methods(a, data):
    lay = memlayout.layout(a)
    arg = Arguments(data, 7)
    call(lay.element_offset, arg(element_indices(a.shape), bad_element_indices(a.shape)))
    call(lay.normalise_index, arg(element_indices(a.shape), bad_element_indices(a.shape)))
    if a.size <= 4096:
        call(lay.element_offsets)
    span = st.integers(-8, lay.buffer_nbytes + 8)
    call(lay.touches, arg(span), arg(span))
    call(lay.touched_cells, arg(st.lists(span, max_size=5)), arg(st.integers(-1, 16)))
    other = memlayout.layout(data.draw(st.sampled_from(
        [a, a[..., ::2] if a.ndim else a, np.zeros(3)])))
    call(lay.within, arg(st.just(other)))
    call(lay.shares_owner, arg(st.just(other)))


@FUZZ
@given(arrays(), st.data())
def test_index_layout_and_its_selection(a, data):
    arg = Arguments(data, 5)
    sel = call(memlayout.index_layout, a, arg(indices(a.shape)))
    if sel is None:
        return
    repr(sel)
    assert sel.copied_bytes >= 0
    if sel.size <= 4096:
        call(lambda: sel.result)
        call(lambda: sel.source_offsets)
    call(sel.source_index, arg(st.lists(st.integers(-1, sel.size), max_size=4)))
    coords = st.tuples(*(st.lists(st.integers(0, max(n - 1, 0)), min_size=1, max_size=3)
                         for n in a.shape))
    call(sel.picks, arg(coords))
    call(sel.touched_cells, arg(st.lists(st.integers(-8, 64), max_size=4)),
         arg(st.integers(-1, 16)))


@FUZZ
@given(st.one_of(DTYPES, JUNK, st.text(max_size=6)))
def test_dtype_layout(dtype):
    lay = call(memlayout.dtype_layout, dtype)
    if lay is not None:
        assert lay.padding_bytes + lay.field_bytes == lay.itemsize
        for seg in lay.segments:
            _ = (seg.nbytes, seg.byteorder, seg.scalar_bytes, seg.is_padding)


@FUZZ
@given(st.data())
def test_broadcast_layout_and_its_operands(data):
    arg = Arguments(data, 4)
    operands = [arg(st.one_of(arrays(), SCALARS)) for _ in range(data.draw(st.integers(0, 3)))]
    plan = call(memlayout.broadcast_layout, *operands)
    if plan is None:
        return
    for op in plan.operands:
        call(op.is_repeat, arg(st.tuples(*(st.integers(0, 3) for _ in plan.shape))))


# -- measuring -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files():
    """Paths of every kind: a regular file, a directory, a device, a FIFO, and a memmap."""
    with tempfile.TemporaryDirectory() as tmp:
        regular = Path(tmp) / "data.bin"
        np.arange(1024, dtype=np.float64).tofile(regular)
        fifo = Path(tmp) / "pipe"
        if hasattr(os, "mkfifo"):
            os.mkfifo(fifo)
        mm = np.memmap(regular, dtype=np.float64, mode="r")
        yield {"paths": [regular, str(regular), os.fsencode(regular), tmp, os.devnull,
                         Path(tmp) / "missing.bin"] + ([fifo] if fifo.exists() else []),
               "memmap": mm}
        del mm


def test_drop_from_page_cache(files):
    # A path that names no file gets the operating system's answer, as open() does: a
    # FileNotFoundError (an OSError) that names the path. Everything else is ours.
    @FUZZ
    @given(st.data())
    def fuzz(data):
        path = Arguments(data, 1)(st.sampled_from(files["paths"]))
        call(memlayout.drop_from_page_cache, path, allowed=(*ALLOWED, FileNotFoundError))

    fuzz()


def test_residency_and_show_residency(files):
    mm = files["memmap"]

    @DRAWING_FUZZ
    @given(st.data())
    def fuzz(data):
        arg = Arguments(data, 3)
        measured = call(memlayout.residency, arg(st.sampled_from([mm, mm[::3], mm[5:5], mm[100:]]),
                                                 ANYTHING))
        target = data.draw(st.sampled_from([mm[::2], measured]))
        call(memlayout.show_residency, target, max_cells=arg(st.integers(1, 80), BAD_CELLS),
             title=arg(st.none() | TEXT))

    fuzz()


@FUZZ
@given(st.data())
def test_residency_constructor(data):
    arg = Arguments(data, 2)
    r = call(memlayout.Residency, pages=arg(hnp.arrays(np.bool_, st.integers(0, 100)), ANYTHING),
             page_size=arg(st.integers(-1, 8192)))
    if r is not None:
        repr(r)


def fake_timer():
    ticks = iter(range(10**6))
    return lambda: float(next(ticks))


NOT_INT = JUNK.filter(lambda v: not isinstance(v, int))


@FUZZ
@given(st.data())
def test_bandwidth_and_copy_bandwidth(data):
    small = st.integers(-10, 4096)
    # sizes from 4 KiB to 4 GiB are valid but slow to copy: the fuzz asks for small or huge
    call(memlayout.copy_bandwidth, Arguments(data, 1)(small | st.integers(2**33, 2**70),
                                                      NOT_INT))
    arg = Arguments(data, 5)
    result = call(memlayout.bandwidth, arg(st.sampled_from([lambda: None, lambda: np.ones(8)])),
                  arg(small), repeat=arg(st.integers(-2, 4), NOT_INT),
                  timer=arg(st.builds(fake_timer)), reference_gbps=arg(st.floats(0.1, 100)))
    if result is not None:
        _ = (repr(result), result.gbps, result.fraction_of_copy)
    arg = Arguments(data, 3)
    made = call(memlayout.Bandwidth, arg(small), arg(st.floats(1e-9, 10)), arg(st.floats(0.1, 50)))
    if made is not None:
        repr(made)


@FUZZ
@given(st.lists(st.integers(0, 2**16), max_size=3), st.booleans(), JUNK)
def test_peak_memory(sizes, nested, junk):
    tracing = tracemalloc.is_tracing()
    with contextlib.ExitStack() as stack:
        for size in sizes:
            stack.enter_context(call(memlayout.peak_memory))
            if not nested:
                stack.close()
            np.ones(size)
    call(memlayout.peak_memory, junk)
    repr(call(memlayout.PeakMemory))
    assert tracemalloc.is_tracing() == tracing


@FUZZ
@given(JUNK)
def test_load_ipython_extension(shell):
    call(memlayout.load_ipython_extension, shell)


# -- the drawings (public signatures only) ------------------------------------------------

TITLES = st.none() | TEXT
BAD_CELLS = JUNK | st.sampled_from([0, -1, 1025, 2**40])


@DRAWING_FUZZ
@given(arrays(), st.data())
def test_show(a, data):
    owner = memlayout.find_owner(a)
    bases = [None, a] + ([owner] if isinstance(owner, np.ndarray) else [])
    copy = a.copy() if a.size <= 4096 else np.zeros(3)  # not a's memory
    others = st.sampled_from([np.zeros(3), copy, a[..., :1] if a.ndim else copy])
    arg = Arguments(data, 5)
    call(memlayout.show, arg(st.just(a)), base=arg(st.sampled_from(bases), JUNK | others),
         index=arg(st.none() | element_indices(a.shape), bad_element_indices(a.shape)),
         title=arg(TITLES), max_cells=arg(st.integers(1, 40), BAD_CELLS))


@DRAWING_FUZZ
@given(arrays(), st.data())
def test_show_index(a, data):
    arg = Arguments(data, 3)
    call(memlayout.show_index, arg(st.just(a)), arg(indices(a.shape)),
         max_cells=arg(st.integers(1, 40), BAD_CELLS))


#: ufuncs whose values never warn (no overflow, division or invalid operation): the warnings
#: of np.add on inf and -inf are the drawing's to silence, see the test below.
QUIET_OPS = st.sampled_from([np.equal, np.maximum, np.logical_or, np.negative, np.divmod])


@DRAWING_FUZZ
@given(st.data())
def test_show_broadcast(data):
    arg = Arguments(data, 5)
    operands = [arg(st.one_of(arrays(), SCALARS)) for _ in range(data.draw(st.integers(1, 3)))]
    call(memlayout.show_broadcast, *operands, op=arg(st.none() | QUIET_OPS),
         names=arg(st.none() | st.lists(TEXT, min_size=len(operands),
                                        max_size=len(operands))))


@DRAWING_FUZZ
@given(st.data())
def test_show_dtype(data):
    arg = Arguments(data, 6)
    dtypes = [arg(DTYPES) for _ in range(data.draw(st.integers(1, 3)))]
    call(memlayout.show_dtype, *dtypes,
         labels=arg(st.none() | st.lists(TEXT, min_size=len(dtypes),
                                         max_size=len(dtypes))),
         title=arg(TITLES), max_cells=arg(st.integers(8, 40), BAD_CELLS | st.just(7)))


def test_show_broadcast_values_do_not_warn():
    call(memlayout.show_broadcast, np.array([np.inf]), np.array([-np.inf]), op=np.add)


def drawn_texts(fig):
    """Every text drawn in `fig`."""
    return [t.get_text() for t in fig.axes[0].texts]


def test_values_with_control_characters_are_drawn_escaped_without_a_warning():
    fig = call(memlayout.show, np.array(["a\x1f"]))
    assert "a\\x1f" in drawn_texts(fig)


def test_text_outside_the_font_is_drawn_escaped_without_a_warning():
    fig = call(memlayout.show_dtype, np.int8, title="\u07fd")
    assert "\\u07fd" in drawn_texts(fig)
