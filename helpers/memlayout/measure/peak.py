"""Peak and retained memory of a block of code, measured with :mod:`tracemalloc`.

NumPy reports every array buffer it allocates to tracemalloc (in the domain
``np.lib.tracemalloc_domain``), so the traced total rises by ``x.nbytes`` when an
operation makes a new array and falls when the array is freed. :func:`peak_memory`
records the highest point of that total inside a ``with`` block, which is what an
implicit temporary costs even though nothing names it afterwards.
"""

from __future__ import annotations

import os
import threading
import tracemalloc
from dataclasses import dataclass

import numpy as np

from memlayout.measure._units import approx_size, exact_size

#: Frames stored per allocation when :func:`peak_memory` starts tracing itself: enough to
#: reach the learner's line from inside NumPy's Python wrappers (``np.ones`` and friends).
TRACE_FRAMES = 16

_NUMPY_DIR = os.path.dirname(np.__file__)
_NUMPY_DOMAIN_ID = np.lib.tracemalloc_domain


@dataclass(frozen=True)
class Allocation:
    """NumPy buffers allocated by one source line: total bytes, how many, and the line.

    Examples
    --------
    >>> Allocation(size=8 * 1024**2, count=1, where="lesson.py:3")
    8 MiB in 1 buffer at lesson.py:3
    """

    size: int
    count: int
    where: str

    def __repr__(self) -> str:
        plural = "" if self.count == 1 else "s"
        return f"{exact_size(self.size)} in {self.count} buffer{plural} at {self.where}"


class PeakMemory:
    """Peak and retained memory of a ``with`` block; make one with :func:`peak_memory`.

    Attributes (set when the block exits; ``None`` while it runs)
    -------------------------------------------------------------
    peak : int
        The most bytes allocated above the level at entry, at any moment inside the
        block: the maximum of tracemalloc's traced total (NumPy buffers *and* Python
        objects) minus its value at entry. Never negative.
    retained : int
        Traced bytes at exit minus traced bytes at entry. Negative when the block freed
        more than it allocated (possible only if tracing was already on at entry).
    buffers : tuple of Allocation
        NumPy buffers allocated inside the block and still alive at exit, grouped by the
        source line that allocated them, largest first. Temporaries freed inside the
        block are not listed (they show only in `peak`).

    Notes
    -----
    The printed form rounds both numbers with :func:`~memlayout.measure._units.approx_size`:
    MiB to one decimal, and ``≈ 0 B`` below 64 KiB, because the interpreter's own
    allocations (frames, small objects, IPython's machinery) add a few KiB that vary run
    to run. The attributes keep the exact counts.
    """

    def __init__(self) -> None:
        self.peak: int | None = None
        self.retained: int | None = None
        self.buffers: tuple[Allocation, ...] = ()
        self._base = 0
        self._high = 0
        self._session = -1
        self._before: dict | None = None
        self._entered = False

    def __enter__(self) -> PeakMemory:
        with _LOCK:
            if self._entered:
                raise RuntimeError("a peak_memory() result measures one block; "
                                   "call memlayout.peak_memory() again for another")
            self._entered = True
            if tracing_on := tracemalloc.is_tracing():
                _fold_peaks()
            else:
                tracemalloc.start(TRACE_FRAMES)
                _STATE.session += 1
                _STATE.owns_tracing, _STATE.owner_blocks = True, 0
            _STATE.owner_blocks += _STATE.owns_tracing
            self._session = _STATE.session
            # Traced before the block: only a block that did not start tracing has any.
            self._before = _numpy_buffers_by_line() if tracing_on else None
            _STATE.open_blocks.append(self)
            tracemalloc.reset_peak()
            self._base = self._high = tracemalloc.get_traced_memory()[0]
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        with _LOCK:
            intact = tracemalloc.is_tracing() and self._session == _STATE.session
            if intact:
                current = tracemalloc.get_traced_memory()[0]
                _fold_peaks()
                self.peak = self._high - self._base
                self.retained = current - self._base
                self.buffers = _new_buffers(self._before, _numpy_buffers_by_line())
            self._before = None
            _STATE.open_blocks.remove(self)
            _release_tracing(self)
            if tracemalloc.is_tracing():
                tracemalloc.reset_peak()  # hide this bookkeeping from the blocks still open
        if not intact and exc_type is None:
            raise RuntimeError("tracemalloc was stopped inside a peak_memory() block, "
                               "so its peak is unknown")
        # An exception from the block propagates unchanged: the learner sees their own error.

    def __repr__(self) -> str:
        if self.peak is None:
            return "peak_memory (block still running)"
        return f"peak {approx_size(self.peak)}, retained {approx_size(self.retained)}"


def peak_memory() -> PeakMemory:
    """Measure the peak and retained memory of a ``with`` block.

    The object returned is also the one the ``with`` statement yields; after the block
    it holds `peak` and `retained` (exact ints, in bytes), `buffers` (NumPy buffers
    still alive, with the line that allocated them) and prints as
    ``peak 8.0 MiB, retained 0 B``-style text that is the same on every run.

    Blocks may nest, overlap in any order (an outer block may end first) and run in
    several threads at once: each reports its own true peak, including what other
    blocks and threads allocated meanwhile, since tracemalloc counts the whole process.
    If tracemalloc was off when the first block began, it is started (keeping 16 frames
    per allocation) and stopped when the last block ends; if it was on, it stays on and
    its traces are kept, but its peak counter (``tracemalloc.get_traced_memory()[1]``)
    is reset, as :func:`tracemalloc.reset_peak` does. If the block raises, the
    exception propagates unchanged, and the numbers measured up to it are kept.

    Returns
    -------
    PeakMemory

    Raises
    ------
    RuntimeError
        At the end of a block inside which tracemalloc was stopped (unless the block
        raised an exception of its own, which then propagates instead).

    Notes
    -----
    What it cannot see: pages of a file-backed ``np.memmap`` (they belong to the
    operating system's page cache; see :func:`memlayout.residency`), memory that C
    libraries allocate without going through NumPy's or Python's allocator (BLAS
    work buffers, for instance), and allocations in other processes. It sees
    allocations of every thread, not only the one running the block. Starting
    tracing makes allocation slower, so do not time code inside the block.

    Cost: entering and leaving a block cost a constant time, plus, to list
    `buffers`, one pass over the NumPy buffers traced at entry (when tracing was
    already on) and at exit; tracemalloc cannot tell old buffers from new any cheaper.

    Examples
    --------
    >>> import numpy as np
    >>> import memlayout
    >>> x = np.ones(1024**2)                  # 8 MiB of float64
    >>> with memlayout.peak_memory() as m:
    ...     y = x * 2                         # a new 8 MiB array
    >>> m
    peak 8.0 MiB, retained 8.0 MiB
    >>> with memlayout.peak_memory() as m:
    ...     x *= 2                            # in place: no new buffer
    >>> m
    peak ≈ 0 B, retained ≈ 0 B
    """
    return PeakMemory()


class _State:
    """What the blocks of this process share: the open ones, and who started tracing."""

    def __init__(self) -> None:
        self.open_blocks: list[PeakMemory] = []
        #: Incremented whenever a block starts tracemalloc: a block whose session is older
        #: saw tracing stopped under it.
        self.session = 0
        #: True while tracing runs because a block started it; it stops with the last of
        #: the `owner_blocks` blocks entered since.
        self.owns_tracing = False
        self.owner_blocks = 0


_STATE = _State()
_LOCK = threading.RLock()  # re-entrant: a __del__ run by the GC may measure too


def _release_tracing(block: PeakMemory) -> None:
    """Stop tracemalloc if a block started it and `block` was the last one of that session."""
    if not (_STATE.owns_tracing and block._session == _STATE.session):
        return
    _STATE.owner_blocks -= 1
    if _STATE.owner_blocks == 0:
        _STATE.owns_tracing = False
        tracemalloc.stop()


def _fold_peaks() -> None:
    """Raise every open block's high-water mark to tracemalloc's peak since its last reset."""
    peak = tracemalloc.get_traced_memory()[1]
    for block in _STATE.open_blocks:
        block._high = max(block._high, peak)


def _numpy_buffers_by_line() -> dict:
    """Bytes and count of the NumPy buffers traced now, by allocating traceback.

    Reads the raw ``(domain, size, traceback, frames)`` tuples that a tracemalloc
    snapshot keeps (``Snapshot.traces._traces``), and adds them up without creating a
    Python object per allocation: with tracing on, each new object is itself traced,
    which makes a plain Python loop over a snapshot some thirty times slower.
    """
    raw = tracemalloc.take_snapshot().traces._traces
    numpy = [trace for trace in raw if trace[0] == _NUMPY_DOMAIN_ID]
    if not numpy:
        return {}
    distinct = {frames: k for k, frames in enumerate(dict.fromkeys(t[2] for t in numpy))}
    codes = np.fromiter(map(distinct.__getitem__, (t[2] for t in numpy)), np.intp, len(numpy))
    sizes = np.fromiter((t[1] for t in numpy), np.int64, len(numpy))
    totals = np.bincount(codes, weights=sizes, minlength=len(distinct))
    counts = np.bincount(codes, minlength=len(distinct))
    return {frames: (int(totals[k]), int(counts[k])) for frames, k in distinct.items()}


def _new_buffers(before: dict | None, after: dict) -> tuple[Allocation, ...]:
    """Group NumPy buffers traced in `after` but not in `before` by line, largest first."""
    before = before or {}
    growth = []
    for frames, (size, count) in after.items():
        old_size, old_count = before.get(frames, (0, 0))
        if size > old_size:
            growth.append((size - old_size, count - old_count, frames))
    growth.sort(key=lambda group: group[0], reverse=True)
    return tuple(Allocation(size, count, _user_line(tracemalloc.Traceback(frames)))
                 for size, count, frames in growth)


def _user_line(traceback: tracemalloc.Traceback) -> str:
    """Return ``file:line`` of the most recent frame outside NumPy's own package."""
    frames = list(traceback)  # oldest first
    outside = [frame for frame in frames if not frame.filename.startswith(_NUMPY_DIR)]
    frame = (outside or frames)[-1]
    return f"{frame.filename}:{frame.lineno}"
