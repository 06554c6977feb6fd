"""Achieved memory bandwidth of an operation, next to this machine's copy bandwidth.

An operation on a large array is usually limited by how fast memory can deliver bytes,
not by arithmetic. :func:`bandwidth` turns a timing into GB/s from the bytes the
operation must move, and compares it with :func:`copy_bandwidth`: a plain copy that
moves the same number of bytes, the reference for "as fast as memory goes" on this
machine at that size (a working set that fits in cache moves faster than one that does
not). Both are wall-clock timings, so they vary from run to run; show them, do not
compare them for equality.
"""

from __future__ import annotations

import functools
import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from memlayout.measure._units import exact_size
from memlayout.model._checks import (
    got,
    require_callable,
    require_int,
    require_positive_real,
)

#: Default size of the array :func:`copy_bandwidth` copies: larger than most CPU caches,
#: small enough for a room of learners on one JupyterHub.
COPY_NBYTES = 64 * 1024**2
#: Largest copy :func:`copy_bandwidth` makes (it allocates twice this).
MAX_COPY_NBYTES = 4 * 1024**3


@dataclass(frozen=True)
class Bandwidth:
    """A timing of an operation turned into bytes per second.

    Attributes
    ----------
    nbytes : int
        Bytes the operation must move (read plus written).
    seconds : float
        Best (smallest) wall-clock time of one call.
    reference_gbps : float
        GB/s of a plain copy moving the same bytes, from :func:`copy_bandwidth`.

    Examples
    --------
    >>> Bandwidth(nbytes=2 * 10**9, seconds=0.5, reference_gbps=8.0)
    4.0 GB/s (1.9 GiB in 500.0 ms); a copy moving as many bytes: 8.0 GB/s
    """

    nbytes: int
    seconds: float
    reference_gbps: float

    def __post_init__(self) -> None:
        require_int(self.nbytes, "nbytes", "Bandwidth", minimum=1)
        require_positive_real(self.seconds, "seconds", "Bandwidth")
        require_positive_real(self.reference_gbps, "reference_gbps", "Bandwidth")

    @property
    def gbps(self) -> float:
        """Achieved bandwidth in GB/s (10⁹ bytes per second)."""
        return self.nbytes / self.seconds / 1e9

    @property
    def fraction_of_copy(self) -> float:
        """Achieved bandwidth as a fraction of the copy's (1.0: as fast as the copy).

        An in-place operation can pass 1.0: it reads and writes the same cache lines, so
        it touches half the distinct memory of a copy moving as many bytes.
        """
        return self.gbps / self.reference_gbps

    def __repr__(self) -> str:
        return (f"{self.gbps:.1f} GB/s ({exact_size(self.nbytes)} in "
                f"{self.seconds * 1e3:.1f} ms); a copy moving as many bytes: "
                f"{self.reference_gbps:.1f} GB/s")


def bandwidth(func: Callable[[], object], nbytes: int, *, repeat: int = 5,
              timer: Callable[[], float] = time.perf_counter,
              reference_gbps: float | None = None) -> Bandwidth:
    """Time `func` and report the bandwidth it achieves moving `nbytes` bytes.

    Parameters
    ----------
    func : callable
        Called with no arguments, once to warm up and then `repeat` times.
    nbytes : int
        Bytes one call must move between memory and the CPU, counting reads and writes:
        ``x *= 2`` on an 8 MiB ``x`` reads 8 MiB and writes 8 MiB, so 16 MiB.
    repeat : int
        Timed calls; the fastest counts, as the one least disturbed by other work.
    timer : callable
        Clock returning seconds; :func:`time.perf_counter` unless testing.
    reference_gbps : float, optional
        Bandwidth to compare with; by default that of a copy moving the same `nbytes`
        (``copy_bandwidth(nbytes // 2)``: it reads half and writes half).

    Returns
    -------
    Bandwidth
        ``.gbps``, ``.seconds``, ``.fraction_of_copy`` and a one-line summary.

    Examples
    --------
    >>> import numpy as np
    >>> import memlayout
    >>> x = np.ones(8 * 1024**2)                                    # 64 MiB
    >>> memlayout.bandwidth(lambda: np.multiply(x, 2, out=x), 2 * x.nbytes)  # doctest: +SKIP
    9.7 GB/s (128 MiB in 13.8 ms); a copy moving as many bytes: 11.4 GB/s
    """
    require_callable(func, "func", "bandwidth",
                     "; wrap the operation in a lambda: lambda: np.add(x, 1, out=x)")
    nbytes = require_int(nbytes, "nbytes", "bandwidth", minimum=1)
    repeat = require_int(repeat, "repeat", "bandwidth", minimum=1)
    require_callable(timer, "timer", "bandwidth")
    if reference_gbps is not None:
        reference_gbps = require_positive_real(reference_gbps, "reference_gbps", "bandwidth")
    seconds = _best_seconds(func, repeat, timer)
    if seconds <= 0:
        raise ValueError("memlayout.bandwidth(): the timer measured no time; the operation is "
                         "too small to time, use arrays of several MiB")
    reference = copy_bandwidth(max(nbytes // 2, 8)) if reference_gbps is None \
        else reference_gbps
    return Bandwidth(nbytes=nbytes, seconds=seconds, reference_gbps=reference)


def copy_bandwidth(nbytes: int = COPY_NBYTES) -> float:
    """Measure this machine's memory bandwidth for a plain copy of `nbytes`, in GB/s.

    Copies a `nbytes` array into another with ``np.copyto`` (reading `nbytes` and writing
    `nbytes`, so ``2 * nbytes`` moved per copy) and keeps the fastest of five copies. Each
    size is measured once per process; later calls return the same number.

    Parameters
    ----------
    nbytes : int
        Size of the copied array; by default 64 MiB. Compare an operation with a copy of
        the same working set: a set that fits in the CPU's cache moves faster.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If `nbytes` is not a whole number of bytes from 1 to :data:`MAX_COPY_NBYTES`.

    Notes
    -----
    Counting a copy as two passes over the data is the usual convention (STREAM's), but
    writing to memory that is not in cache first reads it, so a copy really moves about
    three passes' worth; an in-place operation, which reads and writes the same lines,
    can therefore report somewhat more than 100 % of the copy bandwidth.

    Examples
    --------
    >>> import memlayout
    >>> memlayout.copy_bandwidth()                               # doctest: +SKIP
    11.4
    """
    nbytes = require_int(nbytes, "nbytes", "copy_bandwidth", minimum=1)
    if nbytes > MAX_COPY_NBYTES:
        raise ValueError(f"memlayout.copy_bandwidth(): nbytes must be at most "
                         f"{MAX_COPY_NBYTES:,} ({exact_size(MAX_COPY_NBYTES)}: it allocates "
                         f"twice that), not {nbytes:,}")
    return _copy_bandwidth(max(nbytes // 8, 1))


@functools.cache
def _copy_bandwidth(count: int) -> float:
    """GB/s of the fastest of five copies of `count` float64 (measured once per count)."""
    source = np.ones(count)
    target = np.empty_like(source)
    seconds = _best_seconds(lambda: np.copyto(target, source), 5, time.perf_counter)
    return 2 * source.nbytes / seconds / 1e9


def _best_seconds(func: Callable[[], object], repeat: int,
                  timer: Callable[[], float]) -> float:
    """Call `func` once untimed (page faults, caches), then return its fastest of `repeat`."""
    func()
    best = float("inf")
    for _ in range(repeat):
        start = _seconds(timer())
        func()
        best = min(best, _seconds(timer()) - start)
    return best


def _seconds(value) -> float:
    """A timer's reading as a float, or a TypeError saying what the timer returned."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"memlayout.bandwidth(): timer must return seconds as a number, "
                        f"not {got(value)}")
    return float(value)
