"""memlayout.peak_memory: peak and retained bytes of a block, nesting, tracing left as found.

Also: blocks that end in any order and blocks in several threads at once, buffers of a
nested block among many live traced arrays, and the learner's own exception always being
the one that propagates.
"""

import threading
import tracemalloc

import numpy as np
import pytest

from memlayout import peak_memory
from memlayout.measure._units import NOISE_FLOOR, approx_size, exact_size

MIB = 1024**2
#: Allowed difference between a measured and an expected size: the interpreter's own
#: allocations inside a block are a few hundred bytes; the printed text hides 64 KiB.
TOLERANCE = NOISE_FLOOR


@pytest.fixture
def x():
    """An 8 MiB float64 array."""
    return np.ones(MIB)


@pytest.fixture(autouse=True)
def _tracing_off():
    """Each test starts with tracemalloc off and leaves it off."""
    assert not tracemalloc.is_tracing()
    yield
    tracemalloc.stop()


def test_new_array_peaks_at_its_size(x):
    with peak_memory() as m:
        y = x * 2
    assert m.peak == pytest.approx(8 * MIB, abs=TOLERANCE)
    assert m.retained == pytest.approx(y.nbytes, abs=TOLERANCE)
    assert repr(m) == "peak 8.0 MiB, retained 8.0 MiB"


@pytest.mark.parametrize("operation", [
    pytest.param(lambda x: x.__imul__(2), id="x *= 2"),
    pytest.param(lambda x: np.add(x, 1, out=x), id="np.add(x, 1, out=x)"),
    pytest.param(lambda x: x[::2], id="slice"),
])
def test_in_place_and_views_allocate_nothing(x, operation):
    with peak_memory() as m:
        operation(x)
    assert 0 <= m.peak < TOLERANCE
    assert abs(m.retained) < TOLERANCE
    assert repr(m) == "peak ≈ 0 B, retained ≈ 0 B"


def test_temporary_shows_in_peak_not_in_retained(x):
    with peak_memory() as m:
        total = float((x * 2).sum())
    assert total == 2 * x.size
    assert m.peak == pytest.approx(8 * MIB, abs=TOLERANCE)
    assert abs(m.retained) < TOLERANCE


def test_fancy_indexing_copies_the_selected_elements():
    x = np.ones(2 * MIB)  # 16 MiB
    idx = np.arange(0, x.size, 2)  # intp, so NumPy converts nothing
    with peak_memory() as m:
        picked = x[idx]
    assert picked.nbytes == idx.size * x.itemsize == 8 * MIB
    assert m.peak == pytest.approx(idx.size * x.itemsize, abs=TOLERANCE)


def test_rebinding_frees_the_old_array_only_if_it_was_traced():
    tracemalloc.start()
    x = np.ones(MIB)  # traced, so freeing it counts
    with peak_memory() as m:
        x = x * 2
    assert m.peak == pytest.approx(8 * MIB, abs=TOLERANCE)
    assert abs(m.retained) < TOLERANCE
    del x


def test_buffers_name_the_line_that_allocated_them(x):
    with peak_memory() as m:
        y = x * 2
        z = np.zeros(2 * MIB)
    assert [(b.size, b.count) for b in m.buffers] == [(z.nbytes, 1), (y.nbytes, 1)]
    assert all(b.where.startswith(__file__ + ":") for b in m.buffers)
    assert repr(m.buffers[0]).startswith("16 MiB in 1 buffer at ")


def test_inner_block_keeps_outer_peak():
    with peak_memory() as outer:
        big = np.ones(2 * MIB)  # 16 MiB, freed before the inner block
        del big
        with peak_memory() as inner:
            small = np.ones(MIB)  # 8 MiB
            del small
    assert outer.peak == pytest.approx(16 * MIB, abs=TOLERANCE)
    assert inner.peak == pytest.approx(8 * MIB, abs=TOLERANCE)


def test_outer_block_sees_inner_peak():
    with peak_memory() as outer:
        with peak_memory() as inner:
            big = np.ones(3 * MIB)  # 24 MiB
            del big
        small = np.ones(MIB)
        del small
    assert inner.peak == pytest.approx(24 * MIB, abs=TOLERANCE)
    assert outer.peak == pytest.approx(24 * MIB, abs=TOLERANCE)


def test_tracing_off_is_left_off(x):
    with peak_memory():
        x * 2
    assert not tracemalloc.is_tracing()


def test_tracing_on_is_left_on_with_its_traces():
    tracemalloc.start(3)
    before = np.ones(MIB)
    with peak_memory() as m:
        y = before * 2
    assert tracemalloc.is_tracing()
    assert tracemalloc.get_traceback_limit() == 3
    assert tracemalloc.get_object_traceback(before) is not None
    assert m.peak == pytest.approx(y.nbytes, abs=TOLERANCE)
    assert [b.size for b in m.buffers] == [y.nbytes]


def test_exception_in_block_propagates_and_stops_tracing(x):
    def fail_after_copy(m):
        with m:
            x * 2
            raise ZeroDivisionError
    m = peak_memory()
    with pytest.raises(ZeroDivisionError):
        fail_after_copy(m)
    assert not tracemalloc.is_tracing()
    assert m.peak == pytest.approx(8 * MIB, abs=TOLERANCE)


def test_blocks_may_end_in_any_order():
    outer, inner = peak_memory(), peak_memory()
    outer.__enter__()
    a = np.ones(MIB)
    inner.__enter__()
    b = np.ones(2 * MIB)
    outer.__exit__(None, None, None)  # the outer block ends first
    assert tracemalloc.is_tracing()   # the inner one is still measuring
    del b
    inner.__exit__(None, None, None)
    assert not tracemalloc.is_tracing()
    assert outer.peak == pytest.approx(24 * MIB, abs=TOLERANCE)
    assert outer.retained == pytest.approx(24 * MIB, abs=TOLERANCE)
    assert inner.peak == pytest.approx(16 * MIB, abs=TOLERANCE)
    assert abs(inner.retained) < TOLERANCE
    assert [buffer.size for buffer in outer.buffers] == [2 * MIB * 8, MIB * 8]
    assert inner.buffers == ()
    del a


def test_two_threads_measure_at_once():
    both_in, both_allocated, both_freed = (threading.Barrier(2) for _ in range(3))
    results, errors = {}, []

    def measure(name, mib):
        try:
            with peak_memory() as m:
                both_in.wait(timeout=30)
                block = np.ones(mib * MIB)
                both_allocated.wait(timeout=30)
                del block
                both_freed.wait(timeout=30)
            results[name] = m
        except Exception as err:  # reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=measure, args=(name, mib))
               for name, mib in (("one", 1), ("two", 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    # tracemalloc counts the whole process: each block saw both arrays at once
    assert results["one"].peak == pytest.approx(24 * MIB, abs=TOLERANCE)
    assert results["two"].peak == pytest.approx(24 * MIB, abs=TOLERANCE)
    assert not tracemalloc.is_tracing()


def test_nested_buffers_leave_out_the_arrays_alive_before_it():
    with peak_memory():
        alive = [np.ones(8) for _ in range(5000)]
        with peak_memory() as inner:
            made = np.zeros(MIB)
    assert [(b.size, b.count) for b in inner.buffers] == [(made.nbytes, 1)]
    assert inner.buffers[0].where.startswith(__file__ + ":")
    del alive


def test_the_learners_exception_wins_even_if_tracing_was_stopped_inside():
    def stop_then_fail():
        with peak_memory():
            tracemalloc.stop()
            raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        stop_then_fail()


def test_stopping_tracing_inside_a_block_is_reported_at_its_end():
    with pytest.raises(RuntimeError, match="stopped inside"), peak_memory():
        tracemalloc.stop()


def test_a_block_started_after_tracing_was_stopped_under_another_is_measured():
    outer = peak_memory()
    outer.__enter__()
    tracemalloc.stop()  # the outer block's measurement is lost ...
    with peak_memory() as inner:  # ... but a new block measures
        y = np.ones(MIB)
    assert inner.peak == pytest.approx(y.nbytes, abs=TOLERANCE)
    with pytest.raises(RuntimeError, match="stopped inside"):
        outer.__exit__(None, None, None)
    assert not tracemalloc.is_tracing()


def test_result_before_exit_and_reuse():
    block = peak_memory()
    with block as m:
        assert m.peak is None
        assert repr(m) == "peak_memory (block still running)"
    with pytest.raises(RuntimeError, match="again"), block:
        pass


@pytest.mark.parametrize(("nbytes", "text"), [
    (0, "≈ 0 B"),
    (NOISE_FLOOR - 1, "≈ 0 B"),
    (-3000, "≈ 0 B"),
    (NOISE_FLOOR, "0.1 MiB"),
    (8 * MIB + 4000, "8.0 MiB"),
    (-8 * MIB, "-8.0 MiB"),
    (3 * 1024**3, "3.00 GiB"),
])
def test_approx_size_is_coarse_enough_to_hide_noise(nbytes, text):
    assert approx_size(nbytes) == text


@pytest.mark.parametrize(("nbytes", "text"), [
    (100, "100 B"), (4096, "4 KiB"), (3 * MIB // 2, "1.5 MiB"), (2 * 1024**3, "2 GiB"),
])
def test_exact_size(nbytes, text):
    assert exact_size(nbytes) == text
