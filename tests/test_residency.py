"""memlayout.residency: pages of a memory-mapped file in RAM, before and after reading it."""

import mmap
import os
import sys
import threading

import numpy as np
import pytest
from matplotlib.figure import Figure

from memlayout import Residency, drop_from_page_cache, residency, show_residency

#: 64 MiB: big enough that the kernel's read-ahead after a small read (up to
#: read_ahead_kb, 8 MiB on common Linux setups) stays well under a quarter of the file.
FILE_BYTES = 64 * 1024**2


@pytest.fixture
def cold_memmap(tmp_path):
    """A read-only memmap of a 64 MiB float64 file that is not in the page cache."""
    if not hasattr(os, "posix_fadvise"):
        pytest.skip(f"os.posix_fadvise is not available on {sys.platform}")
    path = tmp_path / "data.f8"
    np.arange(FILE_BYTES // 8, dtype=np.float64).tofile(path)
    assert drop_from_page_cache(path)
    mm = np.memmap(path, dtype=np.float64, mode="r")
    before = residency(mm)
    if before.resident > before.total // 100:
        pytest.skip(f"the kernel kept {before.resident:,} of {before.total:,} pages cached "
                    "after POSIX_FADV_DONTNEED, so this machine cannot start from a cold file")
    yield mm
    del mm


def test_cold_file_then_small_read_then_full_pass(cold_memmap):
    mm = cold_memmap
    page = mmap.PAGESIZE
    cold = residency(mm)
    assert (cold.total, cold.page_size) == (FILE_BYTES // page, page)
    assert cold.pages.dtype == bool and cold.pages.shape == (cold.total,)

    assert mm[:1000].sum() == 999 * 1000 / 2
    after_slice = residency(mm)
    touched = -(-1000 * 8 // page)
    assert after_slice.pages[:touched].all()
    assert after_slice.resident < after_slice.total // 4  # read-ahead, not the whole file

    assert mm.sum() == mm.size * (mm.size - 1) / 2
    assert residency(mm).resident == residency(mm).total


def test_without_read_ahead_only_touched_pages_come_in(cold_memmap):
    mm = cold_memmap
    mm.base.madvise(mmap.MADV_RANDOM)
    mm[:1000].sum()
    r = residency(mm)
    touched = -(-1000 * 8 // mmap.PAGESIZE)
    assert r.pages[:touched].all()
    # Exactly `touched` here; a kernel caching files in large folios may add a few.
    assert touched <= r.resident <= 64


def test_view_spans_only_its_own_pages(tmp_path):
    path = tmp_path / "data.f8"
    np.zeros(2 * 1024**2).tofile(path)  # 16 MiB
    mm = np.memmap(path, dtype=np.float64, mode="r")
    page_items = mmap.PAGESIZE // 8
    view = mm[page_items // 2: page_items * 3]  # starts mid-page 0, ends at page 3
    assert residency(view).total == 3
    assert residency(mm[::-1]).total == residency(mm).total == mm.nbytes // mmap.PAGESIZE


def test_np_load_mmap_and_frombuffer_on_mmap(tmp_path):
    path = tmp_path / "data.npy"
    np.save(path, np.ones(1024**2))  # 8 MiB
    loaded = np.load(path, mmap_mode="r")
    low, high = np.lib.array_utils.byte_bounds(loaded)  # data starts after the .npy header
    assert residency(loaded).total == (high - 1) // mmap.PAGESIZE - low // mmap.PAGESIZE + 1
    anonymous = mmap.mmap(-1, 8 * 1024**2)
    assert residency(np.frombuffer(anonymous, dtype=np.uint8)).total == 8 * 1024**2 // mmap.PAGESIZE


def test_zero_byte_view_spans_no_pages(tmp_path):
    path = tmp_path / "data.f8"
    np.zeros(1024).tofile(path)
    r = residency(np.memmap(path, dtype=np.float64, mode="r")[5:5])
    assert (r.resident, r.total) == (0, 0)
    assert repr(r) == f"resident 0 of 0 pages ({mmap.PAGESIZE // 1024} KiB each)"


@pytest.mark.parametrize(("bad", "name"), [([1.0, 2.0], "list"), (None, "NoneType")])
def test_non_arrays_are_a_type_error_naming_the_type(bad, name):
    with pytest.raises(TypeError, match=rf"np.memmap.*not .*\(an? {name}\)$"):
        residency(bad)


@pytest.mark.parametrize("array", [np.ones(1024**2), np.ones(0), np.ones(4)[::2]])
def test_arrays_in_ordinary_memory_are_a_value_error_saying_what_to_pass(array):
    with pytest.raises(ValueError, match=r"memory-mapped file.*np\.memmap\(path"):
        residency(array)


def test_other_platforms_get_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "data.f8"
    np.zeros(1024).tofile(path)
    mm = np.memmap(path, dtype=np.float64, mode="r")
    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(NotImplementedError, match="Linux and macOS, not on win32"):
        residency(mm)


def test_repr_counts_with_thousands_separators():
    r = Residency(pages=np.arange(4096) < 3, page_size=4096)
    assert (r.resident, r.total) == (3, 4096)
    assert repr(r) == "resident 3 of 4,096 pages (4 KiB each)"


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_drawing_of_few_pages_has_one_cell_per_page():
    r = Residency(pages=np.array([True, False, False, True]), page_size=4096)
    fig = show_residency(r)
    assert isinstance(fig, Figure)
    texts = _texts(fig)
    assert "resident 2 of 4 pages (4 KiB each)" in texts
    assert "one cell = one page; filled = in RAM" in texts
    assert {"page 0", "page 3", "in RAM (resident)"} <= set(texts)


def test_drawing_of_many_pages_aggregates_into_at_most_max_cells():
    pages = np.zeros(1_000_000, dtype=bool)
    pages[:500] = True
    fig = show_residency(Residency(pages=pages, page_size=4096), max_cells=64)
    texts = _texts(fig)
    assert "one cell = 15,625 pages (61 MiB); filled height = share of its pages in RAM" in texts
    # Every cell draws a background; only resident cells add a fill.
    assert len(fig.axes[0].patches) == 64 + 1 + 2  # 64 backgrounds, 1 partly filled, legend


def test_drawing_is_deterministic():
    r = Residency(pages=np.arange(300) % 7 == 0, page_size=4096)
    first, second = show_residency(r), show_residency(r)
    assert _texts(first) == _texts(second)
    assert [p.get_height() for p in first.axes[0].patches] == [
        p.get_height() for p in second.axes[0].patches]


def test_drawing_zero_pages_says_so():
    fig = show_residency(Residency(pages=np.zeros(0, dtype=bool), page_size=4096))
    assert "(a zero-byte array spans no pages)" in _texts(fig)


def test_drop_from_page_cache_keeps_the_bytes(tmp_path):
    path = tmp_path / "kept.bin"
    values = np.arange(1000, dtype=np.int32)
    values.tofile(path)
    answered = drop_from_page_cache(path)
    assert answered == hasattr(os, "posix_fadvise")
    np.testing.assert_array_equal(np.fromfile(path, dtype=np.int32), values)


def test_drop_from_page_cache_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.bin"):
        drop_from_page_cache(tmp_path / "missing.bin")


@pytest.mark.parametrize("bad", [True, False, 0, 1, 2, 3.5, None, [b"x"]])
def test_drop_from_page_cache_takes_paths_only_and_closes_no_descriptor(bad):
    before = os.fstat(1)  # stdout: drop_from_page_cache(True) used to close it
    with pytest.raises(TypeError, match=r"drop_from_page_cache\(\): path must be the path"):
        drop_from_page_cache(bad)
    assert os.fstat(1).st_ino == before.st_ino


def test_drop_from_page_cache_leaves_an_open_file_open(tmp_path):
    path = tmp_path / "open.bin"
    path.write_bytes(b"1234")
    with open(path, "rb") as f:
        with pytest.raises(TypeError):
            drop_from_page_cache(f.fileno())
        assert f.read() == b"1234"


@pytest.mark.parametrize(("make", "kind"), [
    (lambda tmp: os.devnull, "a character device"),
    (lambda tmp: str(tmp), "a directory"),
])
def test_drop_from_page_cache_names_a_path_that_is_not_a_regular_file(tmp_path, make, kind):
    path = make(tmp_path)
    with pytest.raises(ValueError, match=f"{path!r} is {kind}, not a regular file"):
        drop_from_page_cache(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_drop_from_page_cache_of_a_fifo_refuses_without_opening_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # Opening a FIFO for reading blocks until a writer comes; the check comes first.
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(error=_raised(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "drop_from_page_cache() blocked on a FIFO"
    assert isinstance(outcome["error"], ValueError) and "FIFO" in str(outcome["error"])


def _raised(path):
    try:
        drop_from_page_cache(path)
    except Exception as err:  # the test inspects whatever it was
        return err
    return None


def test_drop_from_page_cache_takes_bytes_paths_and_refuses_nul(tmp_path):
    path = tmp_path / "b.bin"
    path.write_bytes(b"x")
    assert drop_from_page_cache(os.fsencode(path)) == hasattr(os, "posix_fadvise")
    with pytest.raises(ValueError, match="not a valid path"):
        drop_from_page_cache(str(path) + "\0")


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"pages": [True, False]}, TypeError), ({"pages": np.zeros((2, 2), bool)}, ValueError),
    ({"pages": np.zeros(3)}, TypeError), ({"page_size": 0}, ValueError),
    ({"page_size": 4096.0}, TypeError),
])
def test_a_residency_holds_one_flag_per_page(kwargs, error):
    with pytest.raises(error, match="Residency"):
        Residency(**({"pages": np.zeros(3, bool), "page_size": 4096} | kwargs))
