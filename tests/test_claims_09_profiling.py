"""The claims of 09_profiling, checked in depth against IPython, cProfile, line_profiler and NumPy.

The lesson's check cells state each claim in one or two asserts a learner reads at a glance;
the variants, and the facts its prose takes from these tools, are checked here, so that a release
that behaves differently fails CI instead of misleading a learner.
"""

import cProfile
import inspect
import io
import json
import math
import os
import platform
import pstats
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magics.execution import TimeitResult
from IPython.utils.capture import capture_output
from line_profiler import LineProfiler

import memlayout

MiB = 2**20


@pytest.fixture(scope="module")
def shell():
    return InteractiveShell.instance()


def timeit_magic(shell, line, **names):
    """Run ``%timeit <line>`` in `shell` with `names` in its namespace; return (result, printed)."""
    shell.user_ns.update(names)
    with capture_output() as captured:
        result = shell.run_line_magic("timeit", line)
    return result, captured.stdout


# ---------------------------------------------------------------- %timeit


def test_timeit_prints_the_mean_and_std_of_the_per_loop_times(shell):
    t, printed = timeit_magic(shell, "-o -r 7 -n 10 sum(values)", values=list(range(1000)))
    assert isinstance(t, TimeitResult)
    assert (t.repeat, t.loops, len(t.timings)) == (7, 10, 7)
    assert np.allclose(t.timings, np.array(t.all_runs) / t.loops)
    assert t.best == min(t.timings) and t.worst == max(t.timings)
    assert math.isclose(t.average, np.mean(t.timings)) and math.isclose(t.stdev, np.std(t.timings))
    line = printed.strip().splitlines()[-1].replace("+-", "±")  # IPython's ASCII fallback
    assert line.endswith(" per loop (mean ± std. dev. of 7 runs, 10 loops each)")
    mean, spread = (seconds(text) for text in line.split(" per loop")[0].split(" ± "))
    assert math.isclose(mean, t.average, rel_tol=0.01) and math.isclose(spread, t.stdev, rel_tol=0.01)


UNITS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "μs": 1e-6, "us": 1e-6, "ns": 1e-9}


def seconds(text):
    """'1.23 ms' -> 0.00123: a time as %timeit prints it, in seconds."""
    value, unit = text.split()
    return float(value) * UNITS[unit]


def test_timeit_with_n_calls_the_statement_runs_times_loops_and_no_more(shell):
    calls = []
    t, printed = timeit_magic(shell, "-o -q -r 4 -n 25 calls.append(1)", calls=calls)
    assert printed == ""  # -q prints nothing
    assert len(calls) == t.repeat * t.loops == 100


def test_timeit_without_n_tries_powers_of_ten_until_a_run_lasts_a_fifth_of_a_second(shell):
    t, _ = timeit_magic(shell, "-o -q -r 1 time.sleep(0.03)", time=time)
    # 1 loop lasts 0.03 s, 10 loops 0.3 s: the first count past 0.2 s
    assert t.loops == 10


# ---------------------------------------------------------------- cProfile and pstats


def load(seed, rows=2048):
    return np.random.default_rng(seed).normal(20.0, 5.0, size=(rows, 1024))


def normalise(x):
    return (x - x.mean(axis=0)) / x.std(axis=0)


def column_ranges(z):
    ranges = np.empty(z.shape[1])
    for j in range(z.shape[1]):
        column = z[:, j]
        ranges[j] = column.max() - column.min()
    return ranges


def summarise(ranges, limit=8.0):
    return int(np.count_nonzero(ranges > limit)), round(float(ranges.max()), 3)


def pipeline(seed):
    raw = load(seed)
    z = normalise(raw)
    ranges = column_ranges(z)
    return summarise(ranges)


def profile(func, *args):
    profiler = cProfile.Profile()
    profiler.runcall(func, *args)
    return pstats.Stats(profiler)


@pytest.fixture(scope="module")
def pipeline_stats():
    return profile(pipeline, 42)


def test_the_outermost_function_has_the_largest_cumtime(pipeline_stats):
    cumtime = {name: row[3] for (_, _, name), row in pipeline_stats.stats.items()}
    assert max(cumtime, key=cumtime.get) == "pipeline"


def test_ncalls_counts_each_step_once_and_the_loop_1024_times(pipeline_stats):
    calls = {name: row[1] for (_, _, name), row in pipeline_stats.stats.items()}
    assert all(calls[step] == 1 for step in ("pipeline", "load", "normalise", "column_ranges", "summarise"))
    assert calls["_amin"] == 1024 and calls["_amax"] == 1024 + 1  # one max more, in summarise
    assert sum(n for name, n in calls.items() if "'reduce' of 'numpy.ufunc'" in name) >= 2 * 1024


def test_operators_have_no_row_of_their_own(pipeline_stats):
    names = [name for (_, _, name) in pipeline_stats.stats]
    assert not any(op in name for name in names for op in ("__sub__", "subtract", "__truediv__", "divide"))


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


def test_a_recursive_function_shows_all_calls_over_primitive_calls():
    stats = profile(depth, 2)
    ((primitive, ncalls, *_),) = [row for (_, _, name), row in stats.stats.items() if name == "depth"]
    assert (ncalls, primitive) == (3, 1)
    out = io.StringIO()
    stats.stream = out
    stats.print_stats("depth")
    assert re.search(r"^\s+3/1\s", out.getvalue(), re.MULTILINE)


def test_the_two_percall_columns_are_tottime_per_call_and_cumtime_per_primitive_call():
    # Hand-made numbers, so that the two divisions give different, readable results.
    stats = profile(depth, 2)
    key = next(key for key in stats.stats if key[2] == "depth")
    stats.stats = {key: (2, 8, 4.0, 6.0, {})}  # 2 primitive calls of 8, tottime 4 s, cumtime 6 s
    stats.total_calls, stats.prim_calls, stats.total_tt = 8, 2, 4.0
    out = io.StringIO()
    stats.stream = out
    stats.print_stats()
    row = next(line for line in out.getvalue().splitlines() if "(depth)" in line).split()
    assert row[:5] == ["8/2", "4.000", "0.500", "6.000", "3.000"]  # 4 / 8 and 6 / 2


# ---------------------------------------------------------------- line_profiler


@pytest.fixture(scope="module")
def z():
    return normalise(load(42))


def test_line_profiler_counts_the_loop_test_once_more_and_finds_the_reduction_line(z):
    line_prof = LineProfiler(column_ranges)
    line_prof.runcall(column_ranges, z)
    ((entries),) = line_prof.get_stats().timings.values()
    hits = {lineno: nhits for lineno, nhits, _ in entries}
    source, first = inspect.getsourcelines(column_ranges)
    line_of = {text.strip(): first + i for i, text in enumerate(source)}
    assert hits[line_of["for j in range(z.shape[1]):"]] == z.shape[1] + 1
    assert hits[line_of["ranges[j] = column.max() - column.min()"]] == z.shape[1]
    spent = {lineno: total for lineno, _, total in entries}
    assert max(spent, key=spent.get) == line_of["ranges[j] = column.max() - column.min()"]


def reductions(func, *args):
    """How many times ufunc.reduce (behind .max(), .min(), np.ptp) runs during func(*args)."""
    return sum(row[1] for (_, _, name), row in profile(func, *args).stats.items() if "reduce" in name)


def test_one_reduction_per_axis_replaces_2048(z):
    assert z[:, 0].strides == (1024 * 8,)  # a column steps one row, 8 KiB, per element
    assert reductions(column_ranges, z) == 2 * z.shape[1]
    assert reductions(lambda a: a.max(axis=0) - a.min(axis=0), z) == 2
    assert reductions(np.ptp, z, 0) == 2
    assert np.array_equal(column_ranges(z), np.ptp(z, axis=0))


def test_kernprof_lv_profiles_a_script_and_saves_its_lprof(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("@profile\ndef f(n):\n    total = 0\n    for i in range(n):\n        total += i\n"
                      "    return total\n\n\nf(1000)\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "kernprof", "-lv", script.name], cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    assert "Line #" in run.stdout and "total += i" in run.stdout
    lprof = tmp_path / "script.py.lprof"
    assert lprof.is_file()
    again = subprocess.run([sys.executable, "-m", "line_profiler", lprof.name], cwd=tmp_path,
                           capture_output=True, text=True, check=True)
    assert "total += i" in again.stdout


# ---------------------------------------------------------------- peak memory


@pytest.fixture(scope="module")
def data():
    return np.random.default_rng(42).normal(size=(2048, 1024))


def peak(func, *args):
    with memlayout.peak_memory() as measured:
        result = func(*args)
    return measured.peak, result


def test_normalise_peaks_at_two_results(data):
    assert 2 * data.nbytes <= peak(normalise, data)[0] < 2 * data.nbytes + 128 * 1024


def test_mean_and_std_first_still_peak_at_two_results(data):
    mean, std = data.mean(axis=0), data.std(axis=0)
    assert peak(lambda x: (x - mean) / std, data)[0] >= 2 * data.nbytes


@pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="temporary elision needs backtrace()")
def test_the_quotient_is_not_elided_because_std_has_another_shape(data):
    mean, std = data.mean(axis=0), data.std(axis=0)
    full_std = np.broadcast_to(std, data.shape).copy()  # the temporary's shape: elided
    assert peak(lambda x: (x - mean) / full_std, data)[0] < 1.1 * data.nbytes


def test_in_place_division_alone_still_peaks_at_two_when_std_runs_after_the_subtraction(data):
    def late_std(x):
        z = x - x.mean(axis=0)
        z /= x.std(axis=0)  # x.std's 16 MiB of deviations while z is alive
        return z

    assert peak(late_std, data)[0] >= 2 * data.nbytes


def test_subtract_then_divide_in_place_peaks_at_one_result(data):
    def lean(x):
        mean, std = x.mean(axis=0), x.std(axis=0)
        z = x - mean
        z /= std
        return z

    lean_peak, result = peak(lean, data)
    assert lean_peak < 1.1 * data.nbytes
    assert np.array_equal(result, normalise(data))


def scale_rows(x):
    squares = x**2
    norms = np.sqrt(squares.sum(axis=1, keepdims=True))
    return x / norms


def test_a_name_keeps_a_temporary_alive_and_doubles_the_peak(data):
    assert peak(scale_rows, data)[0] >= 2 * data.nbytes

    def without_a_name(x):
        return x / np.sqrt((x**2).sum(axis=1, keepdims=True))

    def with_del(x):
        squares = x**2
        norms = np.sqrt(squares.sum(axis=1, keepdims=True))
        del squares
        return x / norms

    def with_vecdot(x):
        return x / np.sqrt(np.vecdot(x, x))[:, np.newaxis]

    expected = scale_rows(data)
    for lean in (without_a_name, with_del, with_vecdot):
        lean_peak, result = peak(lean, data)
        assert lean_peak < 1.25 * data.nbytes, lean.__name__
        assert np.allclose(result, expected), lean.__name__


def test_dividing_in_place_has_a_low_peak_but_overwrites_the_callers_array(data):
    x = data.copy()

    def in_place(x):
        x /= np.sqrt(np.vecdot(x, x))[:, np.newaxis]
        return x

    in_place_peak, result = peak(in_place, x)
    assert in_place_peak < 0.1 * data.nbytes
    assert np.allclose(result, scale_rows(data)) and not np.array_equal(x, data)


def test_a_tracemalloc_snapshot_names_the_line_of_each_new_numpy_buffer(data):
    numpy_buffers = [tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)]
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot().filter_traces(numpy_buffers)
        scores = normalise(data)
        after = tracemalloc.take_snapshot().filter_traces(numpy_buffers)
    finally:
        tracemalloc.stop()
    growth = after.compare_to(before, "lineno")
    source, first = inspect.getsourcelines(normalise)
    assert growth[0].size_diff == scores.nbytes
    assert growth[0].traceback[0].lineno == first + 1  # normalise's return line
    assert Path(growth[0].traceback[0].filename) == Path(__file__)


# ---------------------------------------------------------------- the worked example: astype


def test_astype_copies_even_to_the_same_dtype():
    log = load(7, rows=64)
    assert log.dtype == np.float64
    assert not np.shares_memory(log.astype(np.float64), log)
    assert np.shares_memory(log.astype(np.float64, copy=False), log)
    assert np.shares_memory(np.asarray(log, dtype=np.float64), log)
    log32 = log.astype(np.float32)
    assert not np.shares_memory(np.asarray(log32, dtype=np.float64), log32)
    assert log[-32:].nbytes * 128 == load(7, rows=4096).nbytes  # 0.25 MiB of 32 MiB


# ---------------------------------------------------------------- page faults and huge pages


def transparent_huge_pages():
    """The kernel's THP mode, the bracketed word of /sys/.../enabled, or None off Linux."""
    path = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    if not path.is_file():
        return None
    return re.search(r"\[(\w+)\]", path.read_text()).group(1)


def vm_flags(address):
    """The VmFlags of the mapping of this process that holds `address` (Linux /proc/self/smaps)."""
    current = None
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and not head.endswith(":"):
            low, high = (int(part, 16) for part in head.split("-"))
            current = low <= address < high
        elif current and line.startswith("VmFlags:"):
            return line.split()[1:]
    raise LookupError("no mapping holds the address")


@pytest.mark.skipif(sys.platform != "linux" or transparent_huge_pages() is None,
                    reason="NumPy advises huge pages on Linux with transparent huge pages only")
def test_numpy_advises_huge_pages_for_buffers_of_4_mib_or_more():
    big = np.empty(4 * MiB, dtype=np.uint8)
    assert "hg" in vm_flags(big.ctypes.data + 2 * MiB)  # VM_HUGEPAGE: madvise(MADV_HUGEPAGE) was called


FIRST_TOUCH = """
import json, resource
import numpy as np

def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

fresh = np.empty(5 * 2**20, dtype=np.float64)  # 40 MiB
begin, end = fresh.ctypes.data, fresh.ctypes.data + fresh.nbytes
huge = end // 2**21 - -(-begin // 2**21)
counts = []
for value in (1.0, 2.0):
    before = faults()
    fresh[:] = value
    counts.append(faults() - before)
print(json.dumps({"counts": counts, "huge": huge, "small": (fresh.nbytes - huge * 2**21) // 4096}))
"""


@pytest.mark.skipif(sys.platform != "linux" or transparent_huge_pages() in (None, "never"),
                    reason="needs Linux with transparent huge pages")
def test_a_first_write_faults_once_per_huge_page_and_per_4_kib_page_at_the_ends():
    # A fresh process: in a long-lived one, np.empty may recycle memory that is already mapped.
    run = subprocess.run([sys.executable, "-c", FIRST_TOUCH], capture_output=True, text=True, check=True)
    touch = json.loads(run.stdout)
    (first, second), huge, small = touch["counts"], touch["huge"], touch["small"]
    assert (huge, small) == (19, 512)  # the buffer never starts on a multiple of 2 MiB
    assert huge + small <= first < 10_240 // 4  # huge pages: far fewer faults than 10 240 of 4 KiB
    assert second < 8


FIXED_ALERTS_FAULTS = """
import resource
import numpy as np

def recent_alerts_fixed(log, window=32, limit=2.0):
    recent = log[-window:].astype(np.float64)
    centred = recent - recent.mean(axis=0)
    z = centred / recent.std(axis=0)
    return np.count_nonzero(np.abs(z) > limit, axis=0)

log = np.random.default_rng(7).normal(20.0, 5.0, size=(4096, 1024))
recent_alerts_fixed(log)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    recent_alerts_fixed(log)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
"""


@pytest.mark.skipif(sys.platform != "linux" or platform.libc_ver()[0] != "glibc",
                    reason="glibc's mmap threshold")
def test_the_fixed_alerts_fault_on_every_call_in_a_new_python_until_glibc_keeps_its_blocks():
    def faults_per_call(**malloc):
        env = {**os.environ, **malloc}
        run = subprocess.run([sys.executable, "-c", FIXED_ALERTS_FAULTS], capture_output=True,
                             text=True, check=True, env=env)
        return float(run.stdout)

    assert faults_per_call() >= 64  # at least one 256 KiB array gets fresh 4 KiB pages each call
    kept = faults_per_call(MALLOC_MMAP_THRESHOLD_=str(MiB), MALLOC_TRIM_THRESHOLD_=str(256 * MiB))
    assert kept < 4  # blocks recycled from glibc's heap: no faults


# ---------------------------------------------------------------- BLAS


def test_show_config_records_the_blas_and_lapack_this_numpy_calls():
    config = np.show_config(mode="dicts")
    dependencies = config["Build Dependencies"]
    assert dependencies["blas"]["found"] and dependencies["lapack"]["found"]
    assert isinstance(dependencies["blas"]["name"], str) and dependencies["blas"]["name"]
