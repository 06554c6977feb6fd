"""The lattice of element starts ``offset + Σ i[k] · strides[k]`` of a strided array.

Private arithmetic of the model layer, shared by :mod:`~memlayout.model.layout` (which
bytes an array reaches) and :mod:`~memlayout.model.index` (which bytes an index picks).
Every function works on the lattice without listing its elements, so its cost depends
on the question asked, not on the array's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Lattice:
    """The distinct element starts of an array, as positive steps along its moving axes.

    Axes of length 1 and axes of stride 0 move no element to a new byte and are left out;
    negative strides are turned positive (`flipped`) by starting from the element with the
    lowest address (`base`). Axes are sorted by step, largest first.

    Attributes
    ----------
    axes : tuple of int
        The array's axis behind each step.
    lengths, steps : tuple of int
        Length and (positive) stride in bytes of each of those axes.
    flipped : tuple of bool
        True where the array's stride is negative: lattice index ``i`` is array index
        ``n - 1 - i`` there.
    base : int
        Byte offset of the lowest element start.
    """

    axes: tuple[int, ...]
    lengths: tuple[int, ...]
    steps: tuple[int, ...]
    flipped: tuple[bool, ...]
    base: int

    @classmethod
    def of(cls, shape, strides, offset: int) -> Lattice:
        """The lattice of an array of `shape` and `strides` whose element ``[0, …, 0]`` is at `offset`."""
        base = offset
        moving = []
        for axis, (n, s) in enumerate(zip(shape, strides, strict=True)):
            if n == 1 or s == 0:
                continue
            if s < 0:
                base += s * (n - 1)
            moving.append((abs(s), axis, n, s < 0))
        moving.sort(key=lambda item: (-item[0], item[1]))
        return cls(axes=tuple(m[1] for m in moving), lengths=tuple(m[2] for m in moving),
                   steps=tuple(m[0] for m in moving), flipped=tuple(m[3] for m in moving),
                   base=base)

    def nested(self, itemsize: int) -> bool:
        """True when no two elements overlap: each step clears everything the smaller ones reach."""
        reach = itemsize
        for n, s in zip(reversed(self.lengths), reversed(self.steps), strict=True):
            if s < reach:
                return False
            reach = s * (n - 1) + reach
        return True

    def greatest_starts(self, limits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each limit, the largest element start ``<= limit`` of a nested lattice.

        Returns the starts and a boolean array that is False where no start is that low.
        Greedy descent is exact only when the lattice is :meth:`nested`.
        """
        limits = np.asarray(limits, dtype=np.int64)
        remaining = limits - self.base
        found = remaining >= 0
        remaining = np.maximum(remaining, 0)
        starts = np.full(limits.shape, self.base, dtype=np.int64)
        for n, s in zip(self.lengths, self.steps, strict=True):
            i = np.minimum(n - 1, remaining // s)
            starts += i * s
            remaining -= i * s
        return starts, found

    def starts_between(self, lo: int, hi: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Every element start in ``[lo, hi)``, with its index along each lattice axis.

        Works level by level on arrays, largest step first, keeping only the partial sums
        that can still land in the range, so it costs in proportion to the number of
        starts found (times the number of axes), however large the lattice is. A start
        reached by several indices (overlapping strides) is listed once per index.

        Returns
        -------
        starts : numpy.ndarray of int64
        indices : tuple of numpy.ndarray
            One array per lattice axis (in the order of `axes`), aligned with `starts`.
        """
        partial = np.array([self.base], dtype=np.int64)
        indices: list[np.ndarray] = []
        reach_after = np.cumsum([0, *((n - 1) * s for n, s in
                                      zip(reversed(self.lengths), reversed(self.steps),
                                          strict=True))])[::-1][1:]
        for n, s, reach in zip(self.lengths, self.steps, reach_after, strict=True):
            first = np.maximum(0, -((partial + int(reach) - lo) // s))
            last = np.minimum(n - 1, (hi - 1 - partial) // s)
            counts = np.maximum(last - first + 1, 0)
            owner = np.repeat(np.arange(partial.size), counts)
            step_index = first[owner] + np.arange(owner.size) - np.repeat(
                np.cumsum(counts) - counts, counts)
            partial = partial[owner] + step_index * s
            indices = [column[owner] for column in indices] + [step_index]
        inside = (partial >= lo) & (partial < hi)
        return partial[inside], tuple(column[inside] for column in indices)
