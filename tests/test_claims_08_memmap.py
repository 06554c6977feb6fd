"""The claims of notebooks/08_memmap.ipynb, checked in more cases than the lesson shows.

The lesson states each claim with one or two asserts a learner reads at a glance; the variants
live here, so that a NumPy (or Dask, or kernel) that behaves differently fails CI instead of
misleading a learner. Claims about the page cache need a cold file, which only a Linux disk
gives: those tests skip elsewhere, and on a tmpfs, where the tmpfs test runs instead.
"""

import inspect
import math
import mmap
import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import memlayout

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")

OVERHEAD = 64 * 1024  # bytes of small arrays and bookkeeping that peak_memory may also see
PAGE = mmap.PAGESIZE
LINUX = sys.platform == "linux"
SEES_PAGES = sys.platform.startswith(("linux", "darwin"))


def filesystem_type(path):
    """The type of the Linux file system that holds `path` ("ext4", "tmpfs", …), or None."""
    mounts = Path("/proc/mounts")
    if not mounts.exists():
        return None
    path = os.path.realpath(path)
    best, kind = "", None
    for line in mounts.read_text().splitlines():
        fields = line.split()
        point = fields[1].replace("\\040", " ")
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def cold_memmap(path, values):
    """Write `values` to `path`, drop it from the page cache, and map it; skip if it stays cached."""
    if not hasattr(os, "posix_fadvise"):
        pytest.skip(f"no posix_fadvise on {sys.platform}: no way to start from a cold file")
    values.tofile(path)
    assert memlayout.drop_from_page_cache(path)
    mm = np.memmap(path, dtype=values.dtype, mode="r")
    if memlayout.residency(mm).resident:
        pytest.skip(f"{path.parent} is on {filesystem_type(path)}: its pages cannot be dropped")
    return mm


def read_ahead_kb(path):
    """The read_ahead_kb of the Linux disk holding `path`, or None (as the lesson finds it)."""
    device = os.stat(path).st_dev
    block = Path(f"/sys/dev/block/{os.major(device)}:{os.minor(device)}")
    for setting in (block / "queue" / "read_ahead_kb", block.parent / "queue" / "read_ahead_kb"):
        if setting.exists():
            return int(setting.read_text())
    return None


# ------------------------------------------------------------------- a file seen as an array

def test_a_memmap_is_an_ndarray_over_an_mmap_of_the_whole_file(tmp_path):
    path = tmp_path / "grid.i8"
    np.arange(12, dtype=np.int64).tofile(path)
    grid = np.memmap(path, dtype=np.int64, mode="r", shape=(3, 4))
    lay = memlayout.layout(grid)
    assert isinstance(grid, np.ndarray) and isinstance(grid.base, mmap.mmap)
    assert (lay.owner_type, lay.buffer_nbytes, lay.offset) == ("mmap", 96, 0)
    assert grid.strides == (32, 8) and np.shares_memory(grid[:, 1], grid)
    assert memlayout.layout(grid[:, 1]).element_offsets().tolist() == [8, 40, 72]


def test_np_memmap_defaults_to_mode_r_plus_and_uint8():
    parameters = inspect.signature(np.memmap).parameters
    assert parameters["mode"].default == "r+"
    assert parameters["dtype"].default is np.uint8


# ------------------------------------------------------------------------------------ modes

def test_mode_r_refuses_a_write_and_leaves_the_file(tmp_path):
    path = tmp_path / "r.i8"
    np.arange(4, dtype=np.int64).tofile(path)
    mm = np.memmap(path, dtype=np.int64, mode="r")
    assert not mm.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        mm[0] = 100
    del mm
    assert np.fromfile(path, dtype=np.int64).tolist() == [0, 1, 2, 3]


def test_an_r_plus_write_reaches_readers_before_flush_and_survives_del(tmp_path):
    path = tmp_path / "edit.i8"
    np.arange(12, dtype=np.int64).tofile(path)
    edit = np.memmap(path, dtype=np.int64, mode="r+", shape=(3, 4))
    edit[1] = -1
    assert np.fromfile(path, dtype=np.int64)[4:8].tolist() == [-1] * 4  # no flush yet
    with open(path, "rb") as f:  # a plain read() sees it too
        assert np.frombuffer(f.read(), dtype=np.int64)[4] == -1
    del edit  # no flush at all
    assert np.fromfile(path, dtype=np.int64).tolist() == [0, 1, 2, 3, -1, -1, -1, -1, 8, 9, 10, 11]


def test_flush_of_an_r_plus_map_keeps_the_values(tmp_path):
    path = tmp_path / "flush.i8"
    np.zeros(4, dtype=np.int64).tofile(path)
    mm = np.memmap(path, dtype=np.int64, mode="r+")
    mm[:] = 7
    assert mm.flush() is None
    assert np.fromfile(path, dtype=np.int64).tolist() == [7] * 4


def test_copy_on_write_keeps_the_file_and_other_maps_unchanged(tmp_path):
    path = tmp_path / "cow.i8"
    np.arange(12, dtype=np.int64).tofile(path)
    draft = np.memmap(path, dtype=np.int64, mode="c", shape=(3, 4))
    draft[0] = 1000
    draft.flush()
    other = np.memmap(path, dtype=np.int64, mode="r", shape=(3, 4))
    assert draft[0].tolist() == [1000] * 4
    assert other[0].tolist() == [0, 1, 2, 3]
    assert np.fromfile(path, dtype=np.int64)[:4].tolist() == [0, 1, 2, 3]
    del draft, other
    assert np.fromfile(path, dtype=np.int64)[:4].tolist() == [0, 1, 2, 3]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="RssAnon is Linux's")
def test_each_written_copy_on_write_page_costs_a_private_page_of_ram(tmp_path):
    def private_ram():
        line = next(t for t in Path("/proc/self/status").read_text().splitlines() if t.startswith("RssAnon:"))
        return int(line.split()[1]) * 1024

    path = tmp_path / "cow.f8"
    np.zeros(2**20, dtype=np.float64).tofile(path)  # 8 MiB
    cow = np.memmap(path, dtype=np.float64, mode="c")
    before = private_ram()
    with memlayout.peak_memory() as m:
        cow[:: PAGE // 8] = 1.0
    gained = private_ram() - before
    assert abs(gained - cow.nbytes) < 2**20  # one private page per page written
    assert m.peak < OVERHEAD  # which peak_memory, counting NumPy's buffers, does not see
    assert np.count_nonzero(np.fromfile(path, dtype=np.float64)) == 0
    del cow


def test_w_plus_truncates_an_existing_file_to_the_shape(tmp_path):
    path = tmp_path / "old.i8"
    np.arange(12, dtype=np.int64).tofile(path)
    replaced = np.memmap(path, dtype=np.int64, mode="w+", shape=(2,))
    assert path.stat().st_size == 16 and replaced.tolist() == [0, 0]
    replaced[0] = 99
    del replaced
    assert np.fromfile(path, dtype=np.int64).tolist() == [99, 0]


def test_w_plus_needs_a_shape_and_creates_no_file_without_one(tmp_path):
    path = tmp_path / "no_shape.i8"
    with pytest.raises(ValueError, match="shape must be given"):
        np.memmap(path, dtype=np.int64, mode="w+")
    assert not path.exists()


@pytest.mark.parametrize(("mode", "expected"), [("r", [10, 20, 30, 40]), ("r+", [99, 20, 30, 40]),
                                              ("c", [10, 20, 30, 40]), ("w+", [99, 0, 0, 0])])
def test_exercise_1_what_each_mode_leaves_on_disk(tmp_path, mode, expected):
    path = tmp_path / "ex1.i8"
    np.array([10, 20, 30, 40], dtype=np.int64).tofile(path)
    mm = np.memmap(path, dtype=np.int64, mode=mode, shape=(4,))
    try:
        mm[0] = 99
    except ValueError:
        assert mode == "r"
    del mm
    assert np.fromfile(path, dtype=np.int64).tolist() == expected


@pytest.mark.skipif(sys.platform == "win32", reason="no fcntl module on Windows")
def test_f_fullfsync_is_a_macos_fcntl():
    import fcntl

    assert hasattr(fcntl, "F_FULLFSYNC") == (sys.platform == "darwin")


# ---------------------------------------------------------------------------- the .npy file

@pytest.mark.parametrize("shape", [(1000, 8), (3,), (2, 3, 4), ()])
def test_npy_data_starts_after_a_header_padded_to_64_bytes(tmp_path, shape):
    path = tmp_path / "a.npy"
    a = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)
    np.save(path, a)
    with open(path, "rb") as f:
        assert f.read(6) == b"\x93NUMPY"
        f.seek(0)
        assert np.lib.format.read_magic(f) == (1, 0)
        assert np.lib.format.read_array_header_1_0(f) == (shape, False, np.dtype(np.float64))
        header_length = f.tell()
    assert header_length % 64 == 0
    assert path.stat().st_size == header_length + a.nbytes
    if a.size:
        mapped = np.load(path, mmap_mode="r")
        assert isinstance(mapped, np.memmap) and mapped.offset == header_length
        assert memlayout.layout(mapped).offset == header_length % mmap.ALLOCATIONGRANULARITY


def test_the_lessons_npy_header_is_128_bytes(tmp_path):
    path = tmp_path / "readings.npy"
    np.save(path, np.arange(8000, dtype=np.float64).reshape(1000, 8))
    assert np.load(path, mmap_mode="r").offset == 128
    head = path.read_bytes()[:128]
    assert head[6:8] == b"\x01\x00"  # version 1.0
    assert head[8:10] == b"v\x00" and int.from_bytes(head[8:10], "little") == 118 == 128 - 10
    assert head[127:128] == b"\n"  # the dict literal, padded with spaces, ends in a newline


def test_np_load_mmap_mode_w_plus_empties_the_file_then_raises_type_error(tmp_path):
    path = tmp_path / "throwaway.npy"
    np.save(path, np.arange(3.0))
    with pytest.raises(TypeError):
        np.load(path, mmap_mode="w+")
    assert path.stat().st_size == 0


@pytest.mark.parametrize(("mmap_mode", "writeable"), [("r", False), ("r+", True), ("c", True)])
def test_np_load_mmap_modes_mean_what_they_mean_for_np_memmap(tmp_path, mmap_mode, writeable):
    path = tmp_path / "m.npy"
    np.save(path, np.arange(4.0))
    mapped = np.load(path, mmap_mode=mmap_mode)
    assert mapped.mode == mmap_mode and mapped.flags.writeable == writeable
    if writeable:
        mapped[0] = 100.0
        del mapped
        assert np.load(path)[0] == (100.0 if mmap_mode == "r+" else 0.0)


def test_np_memmap_reads_the_npy_header_as_data_without_offset(tmp_path):
    path = tmp_path / "readings.npy"
    np.save(path, np.arange(8000, dtype=np.float64).reshape(1000, 8))
    raw = np.memmap(path, dtype=np.float64, mode="r")
    aligned = np.memmap(path, dtype=np.float64, mode="r", offset=128, shape=(1000, 8))
    assert raw.shape == (8016,) and not np.array_equal(raw[:8], np.arange(8.0))
    assert np.array_equal(aligned, np.load(path))


@pytest.mark.parametrize("offset", [128, 4096, 38_528, 70_000])
def test_a_memmaps_layout_offset_is_offset_modulo_the_allocation_granularity(tmp_path, offset):
    path = tmp_path / "big.f8"
    np.arange(20_000, dtype=np.float64).tofile(path)
    mm = np.memmap(path, dtype=np.float64, mode="r", offset=offset, shape=(8,))
    assert memlayout.layout(mm).offset == offset % mmap.ALLOCATIONGRANULARITY
    assert mm[0] == offset // 8


def test_open_memmap_writes_a_header_and_a_zero_filled_body(tmp_path):
    path = tmp_path / "created.npy"
    created = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(3, 5))
    assert isinstance(created, np.memmap) and not created.any()
    created[1] = 7.5
    created.flush()
    del created
    back = np.load(path)
    assert path.stat().st_size == 128 + 3 * 5 * 4
    assert back.dtype == np.float32 and back.shape == (3, 5) and back.sum() == 5 * 7.5


# --------------------------------------------------------------------------- pages in RAM

@pytest.mark.skipif(not LINUX, reason="a cold file needs posix_fadvise and a Linux disk")
def test_a_slice_of_a_cold_file_brings_in_only_its_pages(tmp_path):
    signal = cold_memmap(tmp_path / "signal.f8", np.arange(4 * 2**20, dtype=np.float64))
    signal.base.madvise(mmap.MADV_RANDOM)
    with memlayout.peak_memory() as m:
        total = signal[:1000].sum()
    after = memlayout.residency(signal)
    touched = -(-8000 // PAGE)
    assert total == 999 * 1000 / 2 and m.peak < OVERHEAD
    assert after.pages[:touched].all()
    assert touched <= after.resident <= 16  # large folios may add a few neighbours
    with memlayout.peak_memory() as m_all:
        signal.sum()
    assert m_all.peak < OVERHEAD and memlayout.residency(signal).resident == memlayout.residency(signal).total


@pytest.mark.skipif(not LINUX, reason="a cold file needs posix_fadvise and a Linux disk")
def test_read_around_fetches_read_ahead_kb_centred_on_the_fault(tmp_path):
    wave = cold_memmap(tmp_path / "wave.f8", np.arange(4 * 2**20, dtype=np.float64))
    kb = read_ahead_kb(wave.filename)
    if not kb or kb * 1024 // PAGE >= wave.nbytes // PAGE // 2:
        pytest.skip(f"read_ahead_kb {kb}: no disk setting, or a window too large for this file")
    middle = wave.size // 2
    wave[middle : middle + 1000].sum()
    time.sleep(0.3)  # the rest of the window arrives asynchronously
    pages = memlayout.residency(wave).pages
    window = kb * 1024 // PAGE
    first = middle * 8 // PAGE
    before, after = int(pages[:first].sum()), int(pages[first:].sum())
    assert pages[first : first + 2].all()
    assert abs(before - window // 2) <= window // 8 and abs(after - window // 2) <= window // 8


@pytest.mark.skipif(not LINUX, reason="a cold file needs posix_fadvise and a Linux disk")
def test_a_row_read_with_read_ahead_on_brings_in_about_one_window(tmp_path):
    path = tmp_path / "table.npy"
    np.save(path, np.arange(8192 * 1024, dtype=np.float64).reshape(8192, 1024))
    assert memlayout.drop_from_page_cache(path)
    table = np.load(path, mmap_mode="r")
    if memlayout.residency(table).resident > 64:  # np.load read the header's first pages
        pytest.skip(f"{tmp_path} is on {filesystem_type(path)}: its pages cannot be dropped")
    kb = read_ahead_kb(path)
    table[5000].sum()
    time.sleep(0.3)
    resident = memlayout.residency(table).resident
    assert resident >= 3
    if kb:  # whatever read_ahead_kb is, one window and the header's pages, not the file
        assert resident <= 3 + 2 * kb * 1024 // PAGE + 64


def test_exercise_3_row_5000_spans_three_4_kib_pages(tmp_path):
    path = tmp_path / "table.npy"
    np.save(path, np.arange(8192 * 1024, dtype=np.float64).reshape(8192, 1024))
    table = np.load(path, mmap_mode="r")
    row = table[5000]
    first_byte = table.offset + 5000 * table.strides[0]
    assert first_byte == 40_960_128 and row[0] == 5000 * 1024 and np.shares_memory(row, table)
    assert (first_byte // 4096, (first_byte + row.nbytes - 1) // 4096) == (10_000, 10_002)
    assert first_byte // 16_384 == (first_byte + row.nbytes - 1) // 16_384  # one page on a Mac
    if SEES_PAGES:
        last = first_byte + row.nbytes - 1
        assert memlayout.residency(row).total == last // PAGE - first_byte // PAGE + 1


@pytest.mark.skipif(not LINUX, reason="tmpfs is Linux's")
def test_a_tmpfs_file_stays_resident_after_drop_from_page_cache():
    shm = Path("/dev/shm")
    if not shm.is_dir() or filesystem_type(shm) != "tmpfs" or not os.access(shm, os.W_OK):
        pytest.skip("no writable tmpfs at /dev/shm")
    path = shm / f"memlayout_claims_{os.getpid()}.f8"
    try:
        np.arange(2**20, dtype=np.float64).tofile(path)
        assert memlayout.drop_from_page_cache(path) is True  # the request was made ...
        mm = np.memmap(path, dtype=np.float64, mode="r")
        r = memlayout.residency(mm)
        assert r.resident == r.total  # ... and every page is still in RAM: a tmpfs cannot drop them
        del mm
    finally:
        path.unlink(missing_ok=True)


# ------------------------------------------------------------------------- chunks and budget

@pytest.fixture(scope="module")
def sawtooth(tmp_path_factory):
    """A 16 MiB sawtooth .npy file (value i is i % 1024), mapped read-only."""
    path = tmp_path_factory.mktemp("saw") / "sawtooth.npy"
    n = 2**21
    saw = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(n,))
    saw[:] = np.tile(np.arange(1024, dtype=np.float64), n // 1024)
    del saw
    return path, np.load(path, mmap_mode="r")


def test_a_memmap_reduction_allocates_nothing_but_std_a_full_temporary(sawtooth):
    path, saw = sawtooth
    with memlayout.peak_memory() as m_load:
        np.load(path).mean()
    with memlayout.peak_memory() as m_mean:
        mean = saw.mean()
    with memlayout.peak_memory() as m_std:
        std = saw.std()
    with memlayout.peak_memory() as m_square:
        (saw**2).sum()
    assert abs(m_load.peak - saw.nbytes) < OVERHEAD and m_load.retained < OVERHEAD
    assert m_mean.peak < OVERHEAD and mean == 511.5
    assert abs(m_std.peak - saw.nbytes) < OVERHEAD  # saw - saw.mean(), squared in place
    assert math.isclose(std, np.arange(1024.0).std(), rel_tol=1e-12)
    assert abs(m_square.peak - saw.nbytes) < OVERHEAD


def test_chunks_with_one_work_buffer_peak_at_the_buffer(sawtooth):
    _, saw = sawtooth
    chunk = 2**17  # 1 MiB
    with memlayout.peak_memory() as m:
        work = np.empty(chunk)
        squares = 0.0
        for start in range(0, saw.size, chunk):
            part = work[: saw[start : start + chunk].size]
            np.subtract(saw[start : start + chunk], 511.5, out=part)
            np.square(part, out=part)
            squares += float(part.sum())
        del work, part
    assert abs(m.peak - chunk * 8) < OVERHEAD
    assert math.isclose(math.sqrt(squares / saw.size), np.arange(1024.0).std(), rel_tol=1e-12)


def test_exercise_2_chunk_copies_the_size_of_the_budget_overshoot_it_by_a_few_bytes(sawtooth):
    _, saw = sawtooth
    budget = 2 * 2**20
    counts = np.zeros(1024, dtype=np.int64)
    with memlayout.peak_memory() as m:
        for start in range(0, saw.size, budget // 8):
            counts += np.bincount(saw[start : start + budget // 8].astype(np.int64), minlength=1024)
    assert budget < m.peak < budget + OVERHEAD  # prints as "peak 2.0 MiB", yet over the budget
    assert f"{m}".startswith("peak 2.0 MiB")
    assert np.array_equal(counts, np.full(1024, saw.size // 1024))


def test_exercise_2_half_budget_chunks_peak_at_one_chunk_copy(sawtooth):
    _, saw = sawtooth
    budget = 2 * 2**20
    chunk_len = budget // 2 // 8
    with memlayout.peak_memory() as m:
        counts = np.zeros(1024, dtype=np.int64)
        for start in range(0, saw.size, chunk_len):
            counts += np.bincount(saw[start : start + chunk_len].astype(np.int64), minlength=1024)
    assert abs(m.peak - chunk_len * 8) < OVERHEAD and m.peak <= budget
    assert np.array_equal(counts, np.full(1024, saw.size // 1024))


def test_np_bincount_refuses_float_input():
    with pytest.raises(TypeError, match="Cannot cast array data from dtype"):
        np.bincount(np.arange(4.0))


# ----------------------------------------------------------------------------------- Dask

MATRIX = (1024, 2048)  # the 2**21 values of the sawtooth fixture as a matrix
MATRIX_CHUNKS = ((256,) * 4, (128,) * 16)  # 256 KiB each


def chunk_reader(path, shape):
    """The lesson's chunk_of_file, for a file at `path` seen as a matrix of `shape`."""
    def chunk_of_file(block_info=None):
        (top, bottom), (left, right) = block_info[None]["array-location"]
        return np.load(path, mmap_mode="r").reshape(shape)[top:bottom, left:right]
    return chunk_of_file


def test_dask_from_array_copies_a_memmap_into_ram(sawtooth):
    _, saw = sawtooth
    with memlayout.peak_memory() as m:
        copied = da.from_array(saw, chunks=2**18)
    assert abs(m.retained - saw.nbytes) < OVERHEAD  # the whole file, held by the graph
    del copied


def test_dask_chunks_mapped_by_path_are_strided_views_of_the_file(sawtooth):
    path, saw = sawtooth
    lazy = da.map_blocks(chunk_reader(path, MATRIX), chunks=MATRIX_CHUNKS, dtype=np.float64)
    block = lazy.to_delayed()[1, 2].compute()
    lay = memlayout.layout(block)
    assert isinstance(block, np.ndarray) and lay.owner_type == "mmap"
    assert lay.buffer_nbytes == path.stat().st_size
    assert block.strides == (2048 * 8, 8) and not block.flags.c_contiguous
    assert lay.offset == 128 + 256 * 2048 * 8 + 256 * 8
    assert np.array_equal(block, saw.reshape(MATRIX)[256:512, 256:384])
    # a whole-array compute concatenates the chunks into a new array: a copy
    assert memlayout.layout(lazy.blocks[1, 2].compute()).owner_type != "mmap"


def test_dask_std_over_file_chunks_matches_and_stays_near_two_temporaries_per_worker(sawtooth):
    path, saw = sawtooth
    chunk_bytes = 256 * 128 * 8  # 256 KiB
    lazy = da.map_blocks(chunk_reader(path, MATRIX), chunks=MATRIX_CHUNKS, dtype=np.float64)
    with memlayout.peak_memory() as m:
        std = float(lazy.std().compute(num_workers=2))
    assert math.isclose(std, np.arange(1024.0).std(), rel_tol=1e-12)
    assert m.peak <= 2 * 2 * chunk_bytes + 2**20  # two workers, each a chunk's deviations and squares
    assert m.peak < saw.nbytes // 4
