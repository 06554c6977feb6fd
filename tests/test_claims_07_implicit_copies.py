"""The claims of 07_implicit_copies, checked against NumPy, glibc and numexpr in more depth
than the lesson's own check cells.

Each test is named for the claim it checks. Memory is measured with `memlayout.peak_memory`
(tracemalloc's NumPy domain), so the numbers are exact byte counts, not timings. Claims that
hold only on one platform (elision needs ``backtrace()``; the mmap threshold is glibc's; huge
pages are Linux's) are skipped elsewhere.
"""

import inspect
import json
import math
import os
import platform
import subprocess
import sys
import timeit
import tracemalloc

import numexpr as ne
import numpy as np
import pytest

import memlayout

MiB = 2**20
M = 2**21  # 16 MiB of float64, as in the lesson
GLIBC = sys.platform == "linux" and platform.libc_ver()[0] == "glibc"
ELIDES = sys.platform == "darwin" or GLIBC
needs_elision = pytest.mark.skipif(not ELIDES, reason="NumPy elides only where backtrace() exists")
needs_glibc = pytest.mark.skipif(not GLIBC, reason="the mmap threshold is glibc's")


@pytest.fixture(scope="module")
def arrays():
    """Four float64 arrays of 16 MiB, a float32 and an int32 array of 16 MiB."""
    rng = np.random.default_rng(7)
    a, b, c, d = (rng.random(M) for _ in range(4))
    return {"np": np, "a": a, "b": b, "c": c, "d": d,
            "g": rng.random(2 * M, dtype=np.float32),
            "i32": rng.integers(0, 100, 2 * M, dtype=np.int32)}


def peak(expression, names):
    """Peak bytes allocated while evaluating `expression` (a string) with `names`."""
    eval(expression, names)  # warm up: first-call allocations are not the expression's
    with memlayout.peak_memory() as m:
        eval(expression, names)
    return m.peak


def in_results(expression, names):
    """The peak of `expression` in result-sized buffers of 16 MiB, rounded."""
    return round(peak(expression, names) / (16 * MiB))


# ------------------------------------------------------------------ a new array or in place

def test_rebinding_peaks_at_one_new_array_then_frees_the_old_one():
    tracemalloc.start()  # before x exists, as in the lesson, so that its freeing counts
    try:
        x = np.random.default_rng(1).uniform(0.999, 1.001, 2**22)
        old = x.ctypes.data
        with memlayout.peak_memory() as m:
            x = x * 2
    finally:
        tracemalloc.stop()
    assert abs(m.peak - x.nbytes) < MiB and abs(m.retained) < MiB
    assert x.ctypes.data != old  # made while the old buffer was alive, so it is another one


def test_in_place_and_out_write_into_the_same_buffer_and_allocate_nothing():
    x = np.random.default_rng(1).uniform(0.999, 1.001, 2**22)
    address = x.ctypes.data
    with memlayout.peak_memory() as m_in:
        x *= 2
    with memlayout.peak_memory() as m_out:
        np.multiply(x, 2, out=x)
    assert m_in.peak < MiB and m_out.peak < MiB
    assert x.ctypes.data == address


def test_out_into_another_array_allocates_nothing_and_shares_no_memory():
    x = np.ones(2**22)
    y = np.zeros_like(x)
    with memlayout.peak_memory() as m:
        np.multiply(x, 2, out=y)
    assert m.peak < MiB and not np.shares_memory(x, y) and (y == 2).all()


def test_timeit_of_an_augmented_assignment_raises_unboundlocalerror():
    with pytest.raises(UnboundLocalError):
        timeit.timeit("x *= 2", number=1, globals={"x": np.ones(3)})
    timeit.timeit("np.multiply(x, 2, out=x)", number=1, globals={"x": np.ones(3), "np": np})


# ------------------------------------------------------------------ the allocator

PROBE = """
import json, resource, sys
import numpy as np

def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

found = {}
for mib in (16, 31, 32, 64):
    x = np.ones(mib * 2**17)
    for _ in range(2):  # warm up: the first free raises glibc's threshold
        x * 2
    before = faults()
    for _ in range(5):
        x * 2
    found[mib] = (faults() - before) / 5
found["zeros"] = not np.empty(2**22).any()
print(json.dumps(found))
"""


def probe(**env):
    """Page faults per `x * 2` for arrays of 16, 31, 32 and 64 MiB, in a fresh Python."""
    run = subprocess.run([sys.executable, "-c", PROBE], env={**os.environ, **env},
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def huge_pages_enabled():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[never]" not in f.read()
    except OSError:
        return False


@needs_glibc
def test_glibc_recycles_blocks_under_32_mib_and_maps_fresh_pages_from_32_mib():
    found = probe()
    assert found["16"] < 1 and found["31"] < 1  # from the heap: no page faults
    assert found["32"] >= 16 and found["64"] >= 32  # at least one fault per 2 MiB, every call
    assert found["zeros"]  # fresh pages from the kernel are zero-filled


@needs_glibc
def test_a_raised_mmap_threshold_recycles_32_mib_too():
    found = probe(MALLOC_MMAP_THRESHOLD_=str(2**30), MALLOC_TRIM_THRESHOLD_=str(2**31))
    assert found["32"] < 1 and found["64"] < 1


TRIM_PROBE = """
import json, resource
import numexpr as ne
import numpy as np

def faults_per_call(statement):
    for _ in range(2):
        eval(statement, names)  # warm up: the first free raises glibc's thresholds
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        eval(statement, names)
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5

ne.set_num_threads(1)
rng = np.random.default_rng(8)
names = {"np": np, "ne": ne, **{k: rng.random(2**21) for k in "abcd"}}
print(json.dumps({s: faults_per_call(s) for s in
                  ["a*b + 1", "(a - b)**2 + (c - d)**2", "ne.evaluate('(a - b)**2 + (c - d)**2')"]}))
"""


def trim_probe(**env):
    """Page faults per call of one and of two 16 MiB temporaries, and of numexpr, in a fresh Python."""
    run = subprocess.run([sys.executable, "-c", TRIM_PROBE], env={**os.environ, **env},
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


@needs_glibc
def test_two_16_mib_temporaries_freed_together_are_trimmed_and_faulted_in_again():
    found = trim_probe()
    assert found["a*b + 1"] < 1  # one 16 MiB temporary: recycled from the heap
    assert found["(a - b)**2 + (c - d)**2"] >= 32 * MiB // (2 * MiB)  # 32 MiB trimmed: >= 1 fault per 2 MiB
    assert found["ne.evaluate('(a - b)**2 + (c - d)**2')"] < 1  # numexpr's one result is recycled
    kept = trim_probe(MALLOC_MMAP_THRESHOLD_=str(2**30), MALLOC_TRIM_THRESHOLD_=str(2**31))
    assert kept["(a - b)**2 + (c - d)**2"] < 1


@needs_glibc
@pytest.mark.skipif(not huge_pages_enabled(), reason="transparent huge pages are off")
def test_huge_pages_make_528_faults_of_8193():
    with_huge = probe()["32"]
    without = probe(NUMPY_MADVISE_HUGEPAGE="0")["32"]
    assert without >= 32 * MiB // 4096  # one fault per 4 KiB page
    assert 16 <= with_huge <= 16 + 2 * 512  # ~16 huge pages, 4 KiB pages at the unaligned ends


# ------------------------------------------------------------------ temporaries and elision

def test_named_steps_keep_three_results(arrays):
    a, b, c, d = (arrays[k] for k in "abcd")
    with memlayout.peak_memory() as m:
        ab = a * b
        cd = c * d
        r = ab + cd
    assert abs(m.peak - 3 * a.nbytes) < MiB and abs(m.retained - 3 * a.nbytes) < MiB
    del ab, cd, r


def test_one_expression_peaks_at_two_results_where_numpy_elides(arrays):
    assert in_results("a*b + c*d", arrays) == (2 if ELIDES else 3)


def test_ufuncs_called_as_functions_never_elide(arrays):
    assert in_results("np.add(np.multiply(a, b), np.multiply(c, d))", arrays) == 3
    assert in_results("np.add(a*b, 1)", arrays) == 2


@needs_elision
@pytest.mark.parametrize(("expression", "buffers"), [
    ("a*b + 1", 1), ("1 + a*b", 1), ("a*b * 2", 1), ("2 * (a*b)", 1),  # commutative: either side
    ("a*b - a", 1), ("a - a*b", 2), ("a*b / a", 1), ("a / (a*b)", 2),  # not commutative: left only
    ("-(a*b)", 1), ("+(a*b)", 1), ("abs(a*b)", 1), ("(a*b)**2", 1),  # unary operators elide
    ("(a*b)**0.5", 1), ("(a*b)**-1", 1), ("(a*b)**3", 2),  # ** elides only as square, sqrt, reciprocal
    ("np.negative(a*b)", 2), ("np.abs(a*b)", 2), ("np.sqrt(a*b)", 2),  # ufunc calls do not
])
def test_elision_by_operator(arrays, expression, buffers):
    assert in_results(expression, arrays) == buffers


@needs_elision
@pytest.mark.parametrize(("expression", "buffers"), [
    ("g*2 + 2.5", 2), ("g*2 + 2", 2),  # a Python scalar tested as float64 / int64: not safe to float32
    ("g*2 + np.float32(2.5)", 1),
    ("i32*2 + 1", 2), ("i32*2 + np.int32(1)", 1),
    ("a*b + 2.5", 1), ("a*b + 2", 1),  # int64 and float64 cast safely to float64
])
def test_elision_needs_a_safe_cast_of_the_scalar(arrays, expression, buffers):
    assert in_results(expression, arrays) == buffers


def test_the_result_dtype_is_not_the_safe_cast_test(arrays):
    assert (arrays["g"] * 2 + 2.5).dtype == np.float32  # NEP 50: float32, yet not elided
    assert not np.can_cast(np.asarray(2.5), np.float32, "safe")


@needs_elision
def test_the_other_operand_must_have_the_temporarys_shape(arrays):
    assert in_results("a*b + a[np.newaxis]", arrays) == 2
    assert in_results("a*b + a", arrays) == 1


@needs_elision
def test_a_memmap_product_is_a_view_and_is_not_elided(arrays, tmp_path):
    mm = np.memmap(tmp_path / "a.dat", dtype=np.float64, mode="w+", shape=(M,))
    product = mm * 2
    assert type(product) is np.ndarray and not product.flags.owndata
    assert in_results("mm*2 + 1", {**arrays, "mm": mm}) == 2
    del product, mm


@needs_elision
def test_a_temporary_of_a_subclass_is_not_elided(arrays):
    class Sub(np.ndarray):
        pass

    s = arrays["a"].view(Sub)
    assert in_results("s*2 + 1", {**arrays, "s": s}) == 2


@needs_elision
def test_elision_starts_at_exactly_256_kib():
    rng = np.random.default_rng(3)
    for n, buffers in [(2**15 - 1, 2), (2**15, 1)]:
        names = {"p": rng.random(n), "q": rng.random(n)}
        assert round(peak("p*q + 1", names) / names["p"].nbytes) == buffers


def test_preallocated_buffers_allocate_nothing_with_the_same_bits(arrays):
    a, b, c, d = (arrays[k] for k in "abcd")
    r, tmp = np.empty_like(a), np.empty_like(a)
    with memlayout.peak_memory() as m:
        np.multiply(a, b, out=r)
        np.multiply(c, d, out=tmp)
        r += tmp
    assert m.peak < MiB and np.array_equal(r, a * b + c * d)


def test_naming_the_first_product_still_leaves_one_temporary(arrays):
    a, b, c, d = (arrays[k] for k in "abcd")
    with memlayout.peak_memory() as m:
        r = a * b
        r += c * d
    assert abs(m.peak - 2 * a.nbytes) < MiB


def test_the_horner_form_fills_p_with_nothing_allocated(arrays):
    u, p = arrays["a"], np.empty_like(arrays["a"])
    with memlayout.peak_memory() as m:
        np.multiply(u, 3, out=p)
        p += 2
        p *= u
        p += 1
    assert m.peak < MiB and np.allclose(p, 3 * u**2 + 2 * u + 1)


def test_summing_each_product_at_once_halves_the_peak(arrays):
    a, b, c, d = (arrays[k] for k in "abcd")
    with memlayout.peak_memory() as m_late:
        ab, cd = a * b, c * d
        late = ab.sum() + cd.sum()
        del ab, cd
    with memlayout.peak_memory() as m_early:
        early = (a * b).sum() + (c * d).sum()
    assert abs(m_late.peak - 2 * a.nbytes) < MiB and abs(m_early.peak - a.nbytes) < MiB
    assert late == early


# ------------------------------------------------------------------ numexpr

def test_numexpr_allocates_only_the_result_and_nothing_with_out(arrays):
    ne.set_num_threads(1)
    a = arrays["a"]
    with memlayout.peak_memory() as m:
        r = ne.evaluate("a*b + c*d", local_dict=arrays)
    with memlayout.peak_memory() as m_out:
        ne.evaluate("a*b + c*d", local_dict=arrays, out=r)
    assert abs(m.peak - a.nbytes) < MiB and m_out.peak < MiB
    assert np.array_equal(r, arrays["a"] * arrays["b"] + arrays["c"] * arrays["d"])
    assert ne.__BLOCK_SIZE1__ == 1024


def test_numexpr_reads_its_thread_count_from_the_environment_at_import():
    code = ("import logging; logging.basicConfig(level=logging.INFO); "
            "import numexpr; print(numexpr.get_num_threads())")
    unset = {k: v for k, v in os.environ.items()
             if k not in ("NUMEXPR_NUM_THREADS", "NUMEXPR_MAX_THREADS", "OMP_NUM_THREADS")}
    default = subprocess.run([sys.executable, "-c", code], env=unset, capture_output=True, text=True,
                             check=True)
    one = subprocess.run([sys.executable, "-c", code], env={**unset, "NUMEXPR_NUM_THREADS": "1"},
                         capture_output=True, text=True, check=True)
    assert int(default.stdout) == min(ne.detect_number_of_cores(), 16)
    assert "defaulting to" in default.stderr  # logged at INFO: silent unless logging is configured
    assert int(one.stdout) == 1 and one.stderr == ""


def test_numpys_float64_sin_and_cos_are_the_c_librarys():
    x = np.random.default_rng(6).uniform(-100, 100, 10_000)
    assert np.array_equal(np.sin(x), [math.sin(v) for v in x])  # math.sin calls the C library
    assert np.array_equal(np.cos(x), [math.cos(v) for v in x])


# ------------------------------------------------------------------ out= beyond ufuncs, cumprod

@pytest.mark.parametrize("func", [np.cumprod, np.cumsum, np.sum, np.mean, np.clip, np.take, np.dot])
def test_functions_that_are_not_ufuncs_take_out(func):
    assert "out" in inspect.signature(func).parameters


def test_cumprod_with_out_allocates_nothing_and_is_a_dependency_chain():
    factors = np.random.default_rng(2).uniform(0.999, 1.001, 2**22)
    buf = np.empty_like(factors)
    with memlayout.peak_memory() as m:
        running = np.cumprod(factors)
    with memlayout.peak_memory() as m_out:
        np.cumprod(factors, out=buf)
    assert abs(m.peak - factors.nbytes) < MiB and m_out.peak < MiB
    assert np.array_equal(buf, running) and 0.01 < running.min() and running.max() < 100
    assert np.array_equal(running[1:], running[:-1] * factors[1:])  # each from the one before


@needs_elision
def test_two_x_plus_48_on_the_strided_view_allocates_one_buffer():
    strided = np.random.default_rng(4).uniform(0.999, 1.001, (400, 12_000))[:, ::20]
    result_bytes = 400 * 600 * 8
    assert round(peak("2*strided + 48", {"strided": strided}) / result_bytes) == 1


def test_cumprod_of_a_strided_view_copies_it_first():
    rng = np.random.default_rng(4)
    contig = rng.uniform(0.999, 1.001, (400, 600))
    strided = rng.uniform(0.999, 1.001, (400, 12_000))[:, ::20]
    assert strided.strides == (12_000 * 8, 20 * 8) and not strided.flags.c_contiguous
    with memlayout.peak_memory() as m_contig:
        np.cumprod(contig)
    with memlayout.peak_memory() as m_strided:
        np.cumprod(strided)
    assert abs(m_contig.peak - contig.nbytes) < 2**16
    assert abs(m_strided.peak - 2 * contig.nbytes) < 2**16


# ------------------------------------------------------------------ promotion

def test_mixed_dtypes_promote_and_convert_in_chunks():
    f32, f64 = np.ones(M, dtype=np.float32), np.ones(M, dtype=np.float64)
    with memlayout.peak_memory() as m:
        mixed = f32 + f64
    assert mixed.dtype == np.float64 and mixed.nbytes == 2 * f32.nbytes
    assert 0 <= m.peak - mixed.nbytes < MiB
    assert np.getbufsize() == 8192


def test_nep50_python_scalars_are_weak_numpy_scalars_are_not():
    f32, i64 = np.ones(3, dtype=np.float32), np.ones(3, dtype=np.int64)
    assert (f32 + 2.5).dtype == np.float32
    assert (f32 + np.float64(2.5)).dtype == np.float64
    assert (i64 * 0.5).dtype == np.float64  # a float's kind is higher than an integer's
    assert isinstance(np.ones(3).mean(), np.float64)


def test_in_place_keeps_the_dtype_under_same_kind_casting():
    f32 = np.ones(M, dtype=np.float32)
    with memlayout.peak_memory() as m:
        f32 *= np.float64(2)
    assert f32.dtype == np.float32 and f32[0] == 2.0 and m.peak < MiB
    counts = np.ones(4, dtype=np.int64)
    with pytest.raises(TypeError, match="same_kind"):
        counts *= 1.5
    assert counts.tolist() == [1, 1, 1, 1] and (counts * 1.5).dtype == np.float64


@pytest.fixture(scope="module")
def signal():
    """Exercise 2's data: 16 MiB of float32, and its mean and deviation as np.float64 scalars."""
    values = np.random.default_rng(5).random(2 * M, dtype=np.float32)
    return values, values.mean(dtype=np.float64), values.std(dtype=np.float64)


@pytest.mark.parametrize(("code", "dtype", "peak_mib"), [
    ("r = (s - mean) / std", np.float64, 32),  # np.float64 scalars are strong; the division elided
    ("r = ((s - mean) / std).astype(np.float32)", np.float32, 48),  # float64 steps, then a copy
    ("r = (s - float(mean)) / float(std)", np.float32, 32),  # Python floats block the elision
    ("r = (s - np.float32(mean)) / np.float32(std)", np.float32, 16),  # float32 scalars elide
    ("r = s - np.float32(mean); r /= std", np.float32, 16),  # in place: one result on any platform
])
def test_exercise_2_float32_pipelines(signal, code, dtype, peak_mib):
    s, mean, std = signal
    names = {"np": np, "s": s, "mean": mean, "std": std}
    exec(code, names)
    assert names["r"].dtype == dtype
    assert np.allclose(names["r"], (s - mean) / std, atol=1e-6)
    del names["r"]
    with memlayout.peak_memory() as m:
        exec(code, names)
    if ELIDES or code.endswith("r /= std"):
        assert round(m.peak / MiB) == peak_mib
