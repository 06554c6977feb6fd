"""Peak and retained memory of a block of code, measured with :mod:`tracemalloc`.

NumPy reports every array buffer it allocates to tracemalloc (in the domain
``np.lib.tracemalloc_domain``), so the traced total rises by ``x.nbytes`` when an
operation makes a new array and falls when the array is freed. :func:`peak_memory`
records the highest point of that total inside a ``with`` block, which is what an
implicit temporary costs even though nothing names it afterwards.
"""

from __future__ import annotations

import os
import tracemalloc
from dataclasses import dataclass

import numpy as np

from memlayout.measure._units import approx_size, exact_size

#: Frames stored per allocation when :func:`peak_memory` starts tracing itself: enough to
#: reach the learner's line from inside NumPy's Python wrappers (``np.ones`` and friends).
TRACE_FRAMES = 16

_NUMPY_DIR = os.path.dirname(np.__file__)
_NUMPY_DOMAIN = tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)

#: Blocks being measured right now, outermost first.
_open_blocks: list[PeakMemory] = []


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
        self._started_tracing = False
        self._before: tracemalloc.Snapshot | None = None
        self._entered = False

    def __enter__(self) -> PeakMemory:
        if self._entered:
            raise RuntimeError("a peak_memory() result measures one block; "
                               "call memlayout.peak_memory() again for another")
        self._entered = True
        self._started_tracing = not tracemalloc.is_tracing()
        if self._started_tracing:
            tracemalloc.start(TRACE_FRAMES)
        else:
            _fold_peak_into_open_blocks()
            self._before = _numpy_snapshot()
        _open_blocks.append(self)
        tracemalloc.reset_peak()
        self._base = self._high = tracemalloc.get_traced_memory()[0]
        return self

    def __exit__(self, *exc_info) -> None:
        if not tracemalloc.is_tracing():
            _open_blocks.remove(self)
            raise RuntimeError("tracemalloc was stopped inside a peak_memory() block, "
                               "so its peak is unknown")
        current = tracemalloc.get_traced_memory()[0]
        _fold_peak_into_open_blocks()
        _open_blocks.remove(self)
        self.peak = self._high - self._base
        self.retained = current - self._base
        self.buffers = _new_numpy_buffers(self._before)
        self._before = None
        if self._started_tracing:
            tracemalloc.stop()
        else:
            # Hide this bookkeeping (the snapshots) from the blocks around this one.
            tracemalloc.reset_peak()

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

    Blocks may nest: each reports its own true peak, including what happened before
    an inner block started. If tracemalloc was off at entry, it is started (keeping
    16 frames per allocation) and stopped at exit; if it was on, it stays on and its
    traces are kept, but its peak counter (``tracemalloc.get_traced_memory()[1]``) is
    reset, as :func:`tracemalloc.reset_peak` does.

    Returns
    -------
    PeakMemory

    Notes
    -----
    What it cannot see: pages of a file-backed ``np.memmap`` (they belong to the
    operating system's page cache; see :func:`memlayout.residency`), memory that C
    libraries allocate without going through NumPy's or Python's allocator (BLAS
    work buffers, for instance), and allocations in other processes. It sees
    allocations of every thread, not only the one running the block. Starting
    tracing makes allocation slower, so do not time code inside the block.

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


def _fold_peak_into_open_blocks() -> None:
    """Raise every open block's high-water mark to tracemalloc's peak since its last reset."""
    peak = tracemalloc.get_traced_memory()[1]
    for block in _open_blocks:
        block._high = max(block._high, peak)


def _numpy_snapshot() -> tracemalloc.Snapshot:
    """Return the NumPy array buffers traced right now."""
    return tracemalloc.take_snapshot().filter_traces([_NUMPY_DOMAIN])


def _new_numpy_buffers(before: tracemalloc.Snapshot | None) -> tuple[Allocation, ...]:
    """Group NumPy buffers traced now but not in `before` by line, largest first."""
    after = _numpy_snapshot()
    if before is None:
        groups = [(s.size, s.count, s.traceback) for s in after.statistics("traceback")]
    else:
        groups = [(d.size_diff, d.count_diff, d.traceback)
                  for d in after.compare_to(before, "traceback") if d.size_diff > 0]
    groups.sort(key=lambda group: group[0], reverse=True)
    return tuple(Allocation(size, count, _user_line(traceback))
                 for size, count, traceback in groups)


def _user_line(traceback: tracemalloc.Traceback) -> str:
    """Return ``file:line`` of the most recent frame outside NumPy's own package."""
    frames = list(traceback)  # oldest first
    outside = [frame for frame in frames if not frame.filename.startswith(_NUMPY_DIR)]
    frame = (outside or frames)[-1]
    return f"{frame.filename}:{frame.lineno}"
