"""memlayout.explore: the live explorer's callbacks, its facts, its pictures, its static output."""

import gc
import re
import sys
import weakref

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import memlayout
from memlayout.interactive import explorer as explorer_module
from memlayout.interactive.explorer import WIDGET_VIEW
from memlayout.interactive.parse import parse_index, parse_shape
from memlayout.interactive.state import picture
from memlayout.interactive.windows import Window, index_text, steps, window_slice, windows_of


@pytest.fixture
def a():
    return np.arange(12, dtype=np.int64).reshape(3, 4)


@pytest.fixture
def ex(a):
    return memlayout.explore(a)


def texts(fig):
    """What a figure says, in drawing order: two figures drawn alike say the same."""
    return [t.get_text() for t in fig.findobj(lambda artist: hasattr(artist, "get_text"))]


def facts_line(ex, start):
    return next(line for line in ex.facts.splitlines() if line.startswith(start))


# --- the index box -----------------------------------------------------------------------

def test_an_index_is_drawn_over_a_memory_with_its_facts(ex, a):
    before = ex.controls.picture.value
    ex.controls.index.value = "[::2, 1:]"
    assert ex.error == "" and ex.controls.message.value == ""
    assert ex.code == "a[::2, 1:]"
    assert texts(ex.figure()) == texts(memlayout.show(a[::2, 1:], base=a, title="b = a[::2, 1:]"))
    assert ex.controls.picture.value != before
    shown = ex.controls.facts.value
    for fact in ("shape (2, 3)", "strides (64, 8)", "b[0, 0] is byte 8 of the memory a is in",
                 "C_CONTIGUOUS False", "F_CONTIGUOUS False", "OWNDATA False", "WRITEABLE True",
                 "np.shares_memory(a, b) → True"):
        assert fact in shown


def test_an_index_array_is_drawn_as_a_gather(ex, a):
    ex.controls.index.value = "[[2, 0]]"
    assert texts(ex.figure()) == texts(memlayout.show_index(a, [2, 0]))
    assert "np.shares_memory(a, b) → False: b is a copy" in ex.facts
    assert "OWNDATA True" in ex.facts
    assert "b is in new memory, not a's: a buffer of 64 B" in ex.facts
    assert "which b.base owns" not in ex.facts  # a gather owns its buffer


def test_a_mask_is_drawn_as_a_gather(ex, a):
    ex.controls.index.value = "[[True, False, True]]"
    assert texts(ex.figure()) == texts(memlayout.show_index(a, [True, False, True]))
    assert facts_line(ex, "shape") .startswith("shape (2, 4)")


def test_one_element_is_a_scalar_copy_with_the_view_that_would_not_copy(ex, a):
    ex.controls.index.value = "[1, 2]"
    assert ex.result == 6 and not isinstance(ex.result, np.ndarray)
    assert texts(ex.figure()) == texts(memlayout.show_index(a, (1, 2)))
    assert "b is a NumPy scalar, np.int64(6)" in ex.facts
    assert "a[1, 2, ...] would be a 0-d view" in ex.facts


@pytest.mark.parametrize(("typed", "strides"), [
    ("::-1", (-32, 8)), ("[None, :, 1]", (0, 32)), ("[..., 1]", (32,)),
    ("[np.newaxis]", (0, 32, 8)), ("[:]", (32, 8)), ("", (32, 8)),
])
def test_every_kind_of_basic_index_is_a_view(ex, typed, strides):
    ex.controls.index.value = typed
    assert ex.error == ""
    assert ex.result.strides == strides
    assert f"strides {strides}" in ex.facts and "np.shares_memory(a, b) → True" in ex.facts


# --- rejected input ----------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "message"), [
    ("[5]", "a[...]: IndexError: index 5 is out of bounds for axis 0 with size 3"),
    ("[1.5]", "a[...]: IndexError: only integers, slices (`:`), ellipsis (`...`)"),
    ("[::0]", "a[...]: ValueError: slice step cannot be zero"),
    ("[0, 0, 0]", "a[...]: IndexError: too many indices for array"),
    ("[[True, False]]", "a[...]: IndexError: boolean index did not match indexed array"),
    ("[::2", "a[...]: ValueError: a[::2 is not valid Python: '[' was never closed"),
    ("[x]", "x (a name) is not one of them"),
    ("[a > 3]", "a > 3 (a comparison) is not one of them"),
    ("[__import__('os').system('touch /tmp/memlayout-explore-ran')]", "(a call) is not one of them"),
    ("[().__class__]", "(an attribute) is not one of them"),
])
def test_a_rejected_index_shows_the_message_and_keeps_the_last_picture(ex, typed, message):
    ex.controls.index.value = "[::2]"
    picture, facts = ex.controls.picture.value, ex.controls.facts.value
    ex.controls.index.value = typed
    assert message in ex.error
    shown = ex.controls.message.value
    assert message.replace("'", "&#x27;").replace(">", "&gt;") in shown
    assert "Traceback" not in shown
    assert ex.controls.picture.value == picture and ex.controls.facts.value == facts
    assert ex.code == "a[::2]"


def test_typed_code_never_runs(ex, tmp_path):
    target = tmp_path / "ran"
    ex.controls.index.value = f"[open({str(target)!r}, 'w')]"
    assert "(a call) is not one of them" in ex.error
    assert not target.exists()


def test_an_accepted_request_clears_the_message(ex):
    ex.controls.index.value = "[7]"
    assert ex.controls.message.value
    ex.controls.index.value = "[1:]"
    assert ex.error == "" and ex.controls.message.value == ""


# --- the toggles -------------------------------------------------------------------------

def test_transpose_reverses_the_strides_and_stays_a_view(ex, a):
    ex.controls.index.value = "[::2]"
    ex.controls.transpose.value = True
    assert ex.code == "a[::2].T"
    assert facts_line(ex, "shape") == "shape (4, 2) · dtype int64 · itemsize 8 B · strides (8, 64)"
    assert "F_CONTIGUOUS False" in ex.facts and "np.shares_memory(a, b) → True" in ex.facts
    assert texts(ex.figure()) == texts(memlayout.show(a[::2].T, base=a, title="b = a[::2].T"))


def test_reshape_is_a_view_when_it_can_be_and_a_copy_when_not(ex, a):
    ex.controls.reshape.value = "4, 3"
    assert ex.code == "a[:].reshape(4, 3)"
    assert ex.result.strides == (24, 8) and "np.shares_memory(a, b) → True" in ex.facts
    ex.controls.index.value = "[:, ::2]"
    ex.controls.reshape.value = "-1"
    assert ex.result.strides == (16,) and "np.shares_memory(a, b) → True" in ex.facts
    ex.controls.index.value = "[:, 1:]"
    assert ex.result.shape == (9,)
    assert "np.shares_memory(a, b) → False: b is a copy" in ex.facts
    # reshape copies, then returns a view of its copy: b is in new memory, yet OWNDATA is False
    assert "b is in new memory, not a's: a buffer of 72 B, b[0] at its byte 0" in ex.facts
    assert "b is a view of that new buffer, which b.base owns: so OWNDATA is False" in ex.facts
    assert texts(ex.figure()) == texts(memlayout.show(
        a[:, 1:].reshape(-1), title="b = a[:, 1:].reshape(-1)  (a copy: new memory, not a's)"))


def test_a_reshape_numpy_refuses_shows_its_message(ex):
    ex.controls.reshape.value = "5"
    assert ex.error == ".reshape: ValueError: cannot reshape array of size 12 into shape (5,)"
    ex.controls.reshape.value = "3 4"
    assert ex.error.startswith(".reshape: ValueError: 3 4 is not valid Python: invalid syntax")


def test_view_reinterprets_the_same_bytes(ex, a):
    ex.controls.view.value = "int32"
    assert ex.code == "a[:].view(np.int32)"
    assert facts_line(ex, "shape") == "shape (3, 8) · dtype int32 · itemsize 4 B · strides (32, 4)"
    assert texts(ex.figure()) == texts(memlayout.show(a.view(np.int32), base=a,
                                                      title="b = a[:].view(np.int32)"))
    ex.controls.index.value = "[:, ::2]"
    assert ex.error.startswith(".view: ValueError: To change to a dtype of a different size")
    assert ex.code == "a[:].view(np.int32)"


def test_broadcast_to_repeats_with_stride_zero_and_is_read_only(ex):
    ex.controls.index.value = "[0]"
    ex.controls.broadcast_to.value = "3, 4"
    assert ex.code == "np.broadcast_to(a[0], (3, 4))"
    assert ex.result.strides == (0, 8)
    assert "WRITEABLE False" in ex.facts
    assert "np.shares_memory(a, b) → True: b is a view, it reads (read-only) a's bytes" in ex.facts
    ex.controls.broadcast_to.value = "3, 5"
    assert ex.error.startswith("np.broadcast_to: ValueError: operands could not be broadcast")


def test_steps_apply_in_order_index_T_reshape_view_broadcast(ex, a):
    c = ex.controls
    c.index.value, c.transpose.value, c.reshape.value = "[1:]", True, "8"
    c.view.value, c.broadcast_to.value = "int16", "2, 32"
    assert ex.code == "np.broadcast_to(a[1:].T.reshape(8).view(np.int16), (2, 32))"
    expected = np.broadcast_to(a[1:].T.reshape(8).view(np.int16), (2, 32))
    assert ex.result.shape == expected.shape and ex.result.strides == expected.strides
    assert "np.shares_memory(a, b) → False" in ex.facts  # the reshape copied


def test_reset_switches_every_step_off(ex):
    c = ex.controls
    c.index.value, c.transpose.value, c.view.value = "[::2]", True, "uint8"
    c.reset.click()
    assert (c.index.value, c.transpose.value, c.reshape.value, c.view.value,
            c.broadcast_to.value) == ("", False, "", "", "")
    assert ex.code == "a[:]" and ex.error == ""


# --- the sliders -------------------------------------------------------------------------

def test_a_step_slider_writes_the_index_and_redraws(ex):
    before = ex.controls.picture.value
    ex.controls.steps[1].value = 2
    assert ex.controls.index.value == "[:, ::2]"
    assert ex.result.strides == (32, 16) and "strides (32, 16)" in ex.controls.facts.value
    assert ex.controls.picture.value != before


def test_a_negative_step_walks_the_window_backwards(ex):
    ex.controls.windows[0].value = (1, 3)
    ex.controls.steps[0].value = -1
    assert ex.controls.index.value == "[:0:-1]"
    assert ex.result[:, 0].tolist() == [8, 4]
    assert "strides (-32, 8)" in ex.facts


def test_a_range_slider_writes_start_and_stop(ex):
    ex.controls.windows[1].value = (1, 3)
    assert ex.controls.index.value == "[:, 1:3]"
    assert ex.result.shape == (3, 2)


def test_the_sliders_follow_plain_slices_and_stand_still_otherwise(ex):
    c = ex.controls
    c.index.value = "[1:, ::-2]"
    assert [w.value for w in c.windows] == [(1, 3), (0, 4)]
    assert [s.value for s in c.steps] == [1, -2]
    assert c.index.value == "[1:, ::-2]"  # following does not rewrite what was typed
    c.index.value = "[0]"
    assert all(w.disabled for w in c.windows) and c.hint.value
    c.index.value = "[::2]"
    assert not any(w.disabled for w in c.windows) and c.hint.value == ""


def test_a_zero_dimensional_array_has_no_sliders():
    ex = memlayout.explore(np.array(5.0))
    assert ex.code == "a[...]" and ex.result.shape == ()
    assert ex.controls.windows == [] and ex.controls.hint.value == ""
    ex.controls.index.value = "[None]"
    assert ex.result.shape == (1,)


# --- what is stored where widgets cannot run ---------------------------------------------

def test_the_output_holds_the_widget_a_png_and_the_facts(ex):
    data, metadata = ex._repr_mimebundle_()
    assert set(data) == {WIDGET_VIEW, "image/png", "text/plain"}
    assert data[WIDGET_VIEW]["model_id"] == ex.controls.box.model_id
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert data["text/plain"] == ex.facts
    assert set(metadata["image/png"]) == {"width", "height"}


def test_the_static_output_is_the_same_on_every_run(a):
    first, second = memlayout.explore(a, "[::2]"), memlayout.explore(a.copy(), "[::2]")
    (one, _), (two, _) = first._repr_mimebundle_(), second._repr_mimebundle_()
    assert one["text/plain"] == two["text/plain"] and one["image/png"] == two["image/png"]
    assert one[WIDGET_VIEW] != two[WIDGET_VIEW]  # model ids: what nbval leaves out
    assert not re.search(r"0x[0-9a-f]{6,}|[0-9a-f]{32}", one["text/plain"])


def test_the_static_output_shows_the_current_request(ex, a):
    ex.controls.index.value = "[::2]"
    data, _ = ex._repr_mimebundle_()
    assert data["text/plain"].startswith("b = a[::2]\n")


def test_without_ipywidgets_the_explorer_is_static(monkeypatch, a):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    monkeypatch.delitem(sys.modules, "memlayout.interactive.controls", raising=False)
    ex = memlayout.explore(a, "[1:]")
    assert ex.controls is None
    data, _ = ex._repr_mimebundle_()
    assert set(data) == {"image/png", "text/plain"}
    assert data["text/plain"].endswith("(install ipywidgets for the live explorer)")


# --- reusing pictures --------------------------------------------------------------------

def test_a_picture_is_reused_until_a_changes(monkeypatch, ex, a):
    drawn = []
    monkeypatch.setattr(explorer_module, "picture", lambda *args: drawn.append(args) or picture(*args))
    c = ex.controls
    c.index.value = "[::2]"
    first = bytes(c.picture.value)
    c.index.value = ""
    c.index.value = "[::2]"
    assert len(drawn) == 1 and bytes(c.picture.value) == first
    a[0, 0] = 99
    c.index.value = ""
    c.index.value = "[::2]"
    assert len(drawn) == 3 and bytes(c.picture.value) != first
    assert "99" in texts(ex.figure())


def test_a_rejected_request_redraws_nothing(monkeypatch):
    big = np.zeros(2 * explorer_module.CACHE_MAX_NBYTES, np.uint8)  # too big to fingerprint
    ex = memlayout.explore(big)
    drawn = []
    monkeypatch.setattr(explorer_module, "picture", lambda *args: drawn.append(args) or picture(*args))
    ex.controls.index.value = "[::2]"
    assert len(drawn) == 1
    ex.controls.view.value = "complex128"  # a[::2] has a step: its last axis is not contiguous
    assert ex.error.startswith(".view: ValueError")
    ex.controls.index.value = f"[{big.size}]"
    assert ex.error.startswith("a[...]: IndexError")
    assert len(drawn) == 1 and ex.code == "a[::2]"


def test_a_redraw_frees_its_figure_and_leaves_the_collector_as_it_was(monkeypatch, ex):
    figures = []

    def drawn(*args):
        fig = picture(*args)
        figures.append(weakref.ref(fig))
        return fig

    monkeypatch.setattr(explorer_module, "picture", drawn)
    ex.controls.index.value = "[::2]"
    assert gc.isenabled() and figures[0]() is None  # collected with the young objects
    gc.disable()
    try:
        ex.controls.index.value = "[1:]"
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- explore()'s arguments ---------------------------------------------------------------

def test_the_initial_request_comes_from_the_arguments(a):
    ex = memlayout.explore(a, "[::2]", transpose=True, reshape=(2, 4), view=np.int16,
                           broadcast_to=(3, 2, 16))
    assert ex.code == "np.broadcast_to(a[::2].T.reshape(2, 4).view(np.int16), (3, 2, 16))"
    c = ex.controls
    assert (c.index.value, c.transpose.value, c.reshape.value, c.view.value,
            c.broadcast_to.value) == ("[::2]", True, "2, 4", "int16", "3, 2, 16")


@pytest.mark.parametrize(("args", "kwargs", "error", "message"), [
    (([1, 2],), {}, TypeError, "a must be a NumPy array, not a list"),
    ((np.zeros(3), slice(1)), {}, TypeError, "takes the index as text"),
    ((np.zeros(3),), {"transpose": "yes"}, TypeError, "transpose=...) takes True or False"),
    ((np.zeros(3),), {"reshape": 2.5}, TypeError, "reshape=...) takes an int or a tuple of ints"),
    ((np.zeros(3),), {"view": "no-such-dtype"}, TypeError, "view=...) takes a dtype"),
    ((np.zeros(3),), {"view": "U3"}, ValueError, "view=...) takes one of bool, int8"),
    ((np.zeros(3), "[3]"), {}, IndexError,
     "explore(a, index='[3]'): index 3 is out of bounds for axis 0 with size 3"),
    ((np.zeros(3),), {"reshape": 4}, ValueError,
     "explore(a, reshape=4): cannot reshape array of size 3 into shape (4,)"),
])
def test_bad_arguments_say_which_and_why(args, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        memlayout.explore(*args, **kwargs)


# --- parsing and the slider arithmetic ---------------------------------------------------

@pytest.mark.parametrize(("typed", "index"), [
    ("[::2, 1:]", (slice(None, None, 2), slice(1, None))),
    ("::2, 1:", (slice(None, None, 2), slice(1, None))),
    ("[-1, ..., None]", (-1, Ellipsis, None)),
    ("[[0, -1], [[True]]]", ([0, -1], [[True]])),
    ("[(0, 1)]", (0, 1)),
    ("[1:-1:-2]", slice(1, -1, -2)),
    ("['x']", "x"),
    ("[-1.5]", -1.5),
])
def test_parse_index_rebuilds_what_was_typed(typed, index):
    assert parse_index(typed) == index


def test_parse_shape_takes_integers_only():
    assert parse_shape("2, -1", "reshape") == (2, -1)
    for bad in ("2.0", "x", "(2, (3,))", "True"):
        with pytest.raises(ValueError, match="takes integers separated by commas"):
            parse_shape(bad, "reshape")


@given(st.integers(0, 9), st.data())
def test_every_slider_position_walks_its_window(n, data):
    lo = data.draw(st.integers(0, n))
    hi = data.draw(st.integers(lo, n))
    step = data.draw(st.sampled_from(steps(n)))
    window = Window(lo, hi, step)
    expected = list(range(lo, hi))[::step] if step > 0 else list(range(lo, hi))[::-1][::-step]
    assert np.arange(n)[window_slice(window, n)].tolist() == expected
    typed = index_text([window], (n,))
    assert np.arange(n)[parse_index(typed)].tolist() == expected
    (back,) = windows_of(parse_index(typed), (n,))
    assert np.arange(n)[window_slice(back, n)].tolist() == expected


@given(st.integers(0, 9), st.integers(-12, 12) | st.none(), st.integers(-12, 12) | st.none(),
       st.sampled_from([None, 1, 2, 3, -1, -2, -3]))
def test_a_typed_slice_moves_the_sliders_to_the_same_elements(n, start, stop, step):
    typed = slice(start, stop, step)
    windows = windows_of((typed,), (n,))
    if step is not None and step not in steps(n):
        assert windows is None
    else:
        assert np.arange(n)[window_slice(windows[0], n)].tolist() == np.arange(n)[typed].tolist()
