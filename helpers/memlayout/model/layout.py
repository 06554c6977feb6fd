"""Where an array's elements sit in the buffer that owns them.

This module is the model layer of memlayout: it imports NumPy only, never matplotlib.
:func:`layout` describes an array by byte offsets *relative to the owner's first byte*,
never by raw addresses, so everything derived from it is the same on every run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce

import numpy as np

from memlayout.model._checks import got, require_int, require_int_array, require_ndarray
from memlayout.model._lattice import Lattice

#: Views with at most this many elements have their used bytes computed element by element.
_EXACT_LIMIT = 1 << 16
#: Most elements of a base array that :meth:`Layout.within` lists to compare bytes exactly.
_WITHIN_LIMIT = 1 << 20


@dataclass(frozen=True, repr=False)
class Layout:
    """Description of one array's place in the buffer that owns its memory.

    Build it with :func:`layout`; every attribute is computed in O(1), only
    :meth:`element_offsets` touches every element.

    Attributes
    ----------
    shape : tuple of int
        The array's shape.
    strides : tuple of int
        Bytes to step in the buffer for one step along each axis (may be 0 or negative).
    dtype : numpy.dtype
        The array's dtype.
    offset : int
        Byte offset of element ``[0, ..., 0]`` from the owner's first byte.
    buffer_nbytes : int
        Size in bytes of the owner's buffer.
    owner : object
        The object that holds the memory: the ndarray at the end of the ``.base`` chain, or
        the ``bytes``, ``mmap.mmap``, ``memoryview`` ... an array was made from.
    """

    shape: tuple[int, ...]
    strides: tuple[int, ...]
    dtype: np.dtype
    offset: int
    buffer_nbytes: int
    owner: object = field(repr=False, compare=False)

    @property
    def itemsize(self) -> int:
        """Bytes of one element."""
        return self.dtype.itemsize

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return len(self.shape)

    @property
    def size(self) -> int:
        """Number of elements."""
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        """Bytes the elements would take if each were stored once (``size * itemsize``)."""
        return self.size * self.itemsize

    @property
    def owner_type(self) -> str:
        """Name of the owner's type, e.g. ``'ndarray'``, ``'bytes'``, ``'mmap'``."""
        return type(self.owner).__name__

    @property
    def c_contiguous(self) -> bool:
        """True when the elements fill one block in row-major (C) order, as ``flags``."""
        return _contiguous(self.shape, self.strides, self.itemsize, reversed(range(self.ndim)))

    @property
    def f_contiguous(self) -> bool:
        """True when the elements fill one block in column-major (Fortran) order."""
        return _contiguous(self.shape, self.strides, self.itemsize, range(self.ndim))

    @property
    def zero_stride_axes(self) -> tuple[int, ...]:
        """Axes of length > 1 whose stride is 0: each element there repeats one in memory."""
        return tuple(k for k, (n, s) in enumerate(zip(self.shape, self.strides, strict=True))
                     if n > 1 and s == 0)

    @property
    def span(self) -> tuple[int, int]:
        """Byte range ``(start, stop)`` of the owner that holds all elements.

        ``stop - start`` is the smallest block that contains every element; it is
        ``(offset, offset)`` for an array with no elements.
        """
        if self.size == 0:
            return (self.offset, self.offset)
        low = self.offset + sum(s * (n - 1) for n, s in zip(self.shape, self.strides, strict=True) if s < 0)
        high = self.offset + sum(s * (n - 1) for n, s in zip(self.shape, self.strides, strict=True) if s > 0)
        return (low, high + self.itemsize)

    @property
    def in_bounds(self) -> bool:
        """True when every element lies inside the owner's buffer.

        Only arrays built with ``as_strided`` and wrong strides can be out of bounds.
        """
        start, stop = self.span
        return self.size == 0 or (start >= 0 and stop <= self.buffer_nbytes)

    @property
    def overlapping(self) -> bool:
        """True when two different indices reach a common byte (zero or overlapping strides).

        Exact for arrays of up to 65,536 elements (it compares their byte ranges) and for
        all arrays whose strides nest (slices, transposes, reshapes). For a larger array
        whose strides interleave, which only ``as_strided`` makes, it answers True
        whenever overlap cannot be ruled out cheaply, as ``np.may_share_memory`` does.
        """
        if self.size <= 1:
            return False
        if self.zero_stride_axes:
            return True
        if self.lattice.nested(self.itemsize):
            return False
        if self.size > _EXACT_LIMIT:
            return True
        starts = np.sort(self.element_offsets(), axis=None)
        return bool(np.any(np.diff(starts) < self.itemsize))

    @property
    def lattice(self) -> Lattice:
        """The element starts as a lattice of positive steps (private arithmetic)."""
        return Lattice.of(self.shape, self.strides, self.offset)

    def normalise_index(self, index) -> tuple[int, ...]:
        """The element `index` names, as one non-negative int per axis.

        Parameters
        ----------
        index : tuple of int, or int for a 1-d array
            One Python or NumPy integer per axis; negative integers count from the end,
            as in NumPy.

        Returns
        -------
        tuple of int

        Raises
        ------
        IndexError
            If `index` is not one integer per axis, or one of them is out of range.

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> memlayout.layout(np.zeros((3, 4))).normalise_index((np.int8(-1), np.uint64(1)))
        (2, 1)
        """
        items = (index,) if _is_integer(index) else index
        if isinstance(items, np.ndarray) and items.ndim == 1:
            items = tuple(items.tolist())
        if not isinstance(items, (tuple, list)):
            raise IndexError(f"index must be a tuple of ints, one per axis (this array has "
                             f"{self.ndim}), not {got(index)}")
        if len(items) != self.ndim:
            raise IndexError(
                f"give one integer per axis: the array has {self.ndim} axes, "
                f"the index {tuple(items)} has {len(items)}")
        out = []
        for axis, (i, n) in enumerate(zip(items, self.shape, strict=True)):
            if not _is_integer(i):
                raise IndexError(f"index {tuple(items)}: axis {axis} needs an integer, "
                                 f"not {got(i)}")
            j = int(i) + n if i < 0 else int(i)
            if not 0 <= j < n:
                raise IndexError(f"index {int(i)} is out of range for axis {axis} of length {n}")
            out.append(j)
        return tuple(out)

    def element_offset(self, index: tuple[int, ...]) -> int:
        """Byte offset from the owner's first byte of the element at `index`.

        This is the address arithmetic ``offset + Σ index[k] * strides[k]``.

        Parameters
        ----------
        index : tuple of int
            One integer per axis (see :meth:`normalise_index`); negative integers count
            from the end, as in NumPy.

        Returns
        -------
        int

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> a = np.arange(12, dtype=np.int64).reshape(3, 4)
        >>> memlayout.layout(a).element_offset((2, 1))
        72
        """
        index = self.normalise_index(index)
        return self.offset + sum(i * s for i, s in zip(index, self.strides, strict=True))

    def element_offsets(self) -> np.ndarray:
        """Byte offset from the owner's first byte of every element.

        Returns
        -------
        numpy.ndarray
            An ``intp`` array of the array's shape. It costs ``size * 8`` bytes: use it on
            arrays you would print, not on a billion elements.

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> a = np.arange(8, dtype=np.int32)
        >>> memlayout.layout(a[::-3]).element_offsets()
        array([28, 16,  4])
        """
        offsets = np.full(self.shape, self.offset, dtype=np.intp)
        for axis, (n, s) in enumerate(zip(self.shape, self.strides, strict=True)):
            step = np.arange(n, dtype=np.intp) * s
            offsets += step.reshape((n,) + (1,) * (self.ndim - axis - 1))
        return offsets

    def touches(self, start: int, stop: int) -> bool:
        """Whether any element of the array has a byte in the owner range ``[start, stop)``.

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> every_other = memlayout.layout(np.zeros(6, dtype=np.int64)[::2])
        >>> every_other.touches(0, 8), every_other.touches(8, 16)
        (True, False)
        """
        start = require_int(start, "start", "Layout.touches")
        stop = require_int(stop, "stop", "Layout.touches")
        return bool(self.touched_cells(np.array([start]), stop - start)[0])

    def touched_cells(self, starts: np.ndarray, width: int) -> np.ndarray:
        """For each owner range ``[start, start + width)``, whether an element has a byte in it.

        Exact for arrays of up to 65,536 elements and for every array whose strides nest
        (slices, transposes, reshapes, broadcasts). For a larger array whose strides
        overlap or interleave (``sliding_window_view``, ``as_strided``) it answers whether
        the range holds an element start on the lattice of the strides' common divisor
        within the span: never False for a range an element reaches, sometimes True for
        one that falls between elements.

        Parameters
        ----------
        starts : array_like of int
            First byte of each range, relative to the owner.
        width : int
            Bytes in each range.

        Returns
        -------
        numpy.ndarray of bool
        """
        starts = require_int_array(starts, "starts", "Layout.touched_cells")
        width = require_int(width, "width", "Layout.touched_cells")
        lo, hi = self.span
        hit = (starts < hi) & (starts + width > lo)
        if self.size == 0 or width <= 0:
            return np.zeros(starts.shape, dtype=bool)
        lattice = self.lattice
        if not lattice.steps:
            return hit
        if self.size <= _EXACT_LIMIT:
            firsts = np.unique(self.element_offsets())
            # the first element that ends after the range begins must start before it ends
            k = np.searchsorted(firsts, starts - self.itemsize, side="right")
            found = np.minimum(k, firsts.size - 1)
            return hit & (k < firsts.size) & (firsts[found] < starts + width)
        if lattice.nested(self.itemsize):
            last, found = lattice.greatest_starts(starts + width - 1)
            return hit & found & (last + self.itemsize > starts)
        step = reduce(math.gcd, lattice.steps)
        base = lattice.base
        first = base + np.maximum(0, -(-(starts - self.itemsize + 1 - base) // step)) * step
        return hit & (first < starts + width) & (first <= hi - self.itemsize)

    def shares_owner(self, other: Layout) -> bool:
        """True when `other` describes an array over the same owner object."""
        if not isinstance(other, Layout):
            raise TypeError(f"memlayout.Layout.shares_owner(): other must be a Layout, "
                            f"not {got(other)}")
        return self.owner is other.owner

    def within(self, other: Layout) -> bool:
        """True when every byte of this array's elements is a byte of one of `other`'s.

        That is what ``show(a, base=b)`` needs: `b` over the same owner, holding all of
        `a`'s bytes. Exact when this array has at most 65,536 elements, or `other`'s
        elements fill their span without gaps, or at most 1,048,576 of `other`'s elements
        lie in this array's span; beyond that, `other`'s span must hold this array's span.

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> x = np.arange(12)
        >>> memlayout.layout(x[2:4]).within(memlayout.layout(x[::2]))
        False
        >>> memlayout.layout(x[2:8:2]).within(memlayout.layout(x[::2]))
        True
        """
        if not isinstance(other, Layout):
            raise TypeError(f"memlayout.Layout.within(): other must be a Layout (from "
                            f"memlayout.layout(b)), not {got(other)}")
        if not self.shares_owner(other):
            return False
        if self.size == 0:
            return True
        (lo, hi), (other_lo, other_hi) = self.span, other.span
        if other.size == 0 or lo < other_lo or hi > other_hi:
            return False
        gapless = math.prod(other.lattice.lengths) * other.itemsize == other_hi - other_lo
        if gapless and other.lattice.nested(other.itemsize):
            return True
        lattice = other.lattice
        # at most this many of other's elements can start in the span: per axis, a window
        reach = math.prod(min(n, (hi - lo + other.itemsize) // s + 1)
                          for n, s in zip(lattice.lengths, lattice.steps, strict=True))
        if self.size > _EXACT_LIMIT or reach > _WITHIN_LIMIT:
            return True
        starts, _ = lattice.starts_between(lo - other.itemsize + 1, hi)
        if starts.size == 0:  # none of other's elements reaches this array's bytes
            return False
        covered = _merge(np.unique(starts), other.itemsize)
        mine = np.sort(self.element_offsets(), axis=None)
        k = np.searchsorted(covered[0], mine, side="right") - 1
        return bool(np.all((k >= 0) & (mine + self.itemsize <= covered[1][np.maximum(k, 0)])))

    def __repr__(self) -> str:
        return (f"Layout(shape={self.shape}, strides={self.strides}, dtype={self.dtype}, "
                f"offset={self.offset}, owner={self.owner_type} of {self.buffer_nbytes} B)")


def layout(a: np.ndarray) -> Layout:
    """Describe where the elements of `a` sit in the buffer that owns its memory.

    The owner is found by following ``.base`` (through the helper object that
    ``as_strided`` and ``sliding_window_view`` leave in the chain) to the ndarray that
    allocated the memory, or to the ``bytes``, ``bytearray``, ``mmap.mmap`` or
    ``memoryview`` the array was made from.

    Parameters
    ----------
    a : numpy.ndarray
        Any array: a view, a memmap, a field of a structured array, 0-d or empty.

    Returns
    -------
    Layout

    Raises
    ------
    TypeError
        If `a` is not a NumPy array.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> a = np.arange(12, dtype=np.int64).reshape(3, 4)
    >>> memlayout.layout(a[1:, ::2])
    Layout(shape=(2, 2), strides=(32, 16), dtype=int64, offset=32, owner=ndarray of 96 B)
    """
    require_ndarray(a, "layout")
    owner, start, nbytes = _locate_owner(a)
    return Layout(
        shape=a.shape,
        strides=a.strides,
        dtype=a.dtype,
        offset=a.__array_interface__["data"][0] - start,
        buffer_nbytes=nbytes,
        owner=owner,
    )


def find_owner(a: np.ndarray) -> object:
    """Follow ``.base`` from `a` to the object that holds its memory.

    A memoryview in the chain is followed to the object it exposes (``.obj``). When the
    last object's memory cannot be located (a DLPack capsule, say), the owner is the last
    object before it whose memory can.

    Parameters
    ----------
    a : numpy.ndarray

    Returns
    -------
    object
        ``a`` itself when it owns its data; otherwise the last object of the chain.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> raw = bytearray(8)
    >>> memlayout.find_owner(np.frombuffer(raw, dtype=np.uint8)[2:]) is raw
    True
    """
    require_ndarray(a, "find_owner")
    return _locate_owner(a)[0]


def _locate_owner(a: np.ndarray) -> tuple[object, int, int]:
    """The owner of `a`'s memory, the address of its first byte, and its size in bytes."""
    chain = [a]
    while True:
        obj = chain[-1]
        if _is_array_like(obj) and obj.base is not None:
            chain.append(obj.base)
        elif isinstance(obj, memoryview) and obj.obj is not None:
            chain.append(obj.obj)
        else:
            break
    for obj in reversed(chain):
        extent = _buffer_extent(obj)
        if extent is not None:
            return (obj, *extent)
    raise ValueError(  # unreachable for an ndarray, whose own extent is always known
        f"memlayout cannot locate the memory of a {type(a).__name__}")


def _is_array_like(obj: object) -> bool:
    """True for ndarrays and the helper objects NumPy puts in a view's ``.base`` chain."""
    return isinstance(obj, np.ndarray) or (
        hasattr(obj, "__array_interface__") and hasattr(obj, "base"))


def _buffer_extent(obj: object) -> tuple[int, int] | None:
    """The address of `obj`'s first byte and its size, or None if it has no locatable buffer."""
    try:
        if isinstance(obj, np.ndarray) or hasattr(obj, "__array_interface__"):
            whole = np.asarray(obj)
        else:
            whole = np.frombuffer(obj, dtype=np.uint8)
    except (TypeError, ValueError, BufferError):
        return None
    low, high = np.lib.array_utils.byte_bounds(whole)
    return low, high - low


def _contiguous(shape, strides, itemsize, axes) -> bool:
    """NumPy's contiguity rule: axes of length 1 do not count, empty arrays are contiguous."""
    if math.prod(shape) == 0:
        return True
    expected = itemsize
    for k in axes:
        if shape[k] == 1:
            continue
        if strides[k] != expected:
            return False
        expected *= shape[k]
    return True


def _is_integer(value) -> bool:
    """True for Python and NumPy integers, but not for booleans."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _merge(starts: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The ranges ``[s, s + width)`` of sorted `starts`, merged where they touch or overlap."""
    new_run = np.ones(starts.size, dtype=bool)
    new_run[1:] = starts[1:] > starts[:-1] + width
    firsts = np.flatnonzero(new_run)
    lasts = np.append(firsts[1:], starts.size) - 1
    return starts[firsts], starts[lasts] + width
