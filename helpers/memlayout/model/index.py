"""What an index does to memory: a view over the same buffer, or a gathered copy.

Part of the model layer (NumPy only). :func:`index_layout` reads an index the way NumPy
does and says whether ``a[index]`` is a view (basic indexing) or a copy of the selected
elements into a new buffer (advanced indexing with integer or boolean arrays), and where
in the source's owner each selected element comes from. Nothing is indexed and no picked
element is listed until asked, so describing ``a[np.zeros(10**7, np.intp)]`` costs a pass
over the index (to check it) and no more; each question about a few elements costs the
same for a gather of ten elements and of a billion.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from memlayout.model import _subscript
from memlayout.model._checks import got, require_int, require_ndarray
from memlayout.model.layout import Layout, layout


class Selection:
    """Result of applying an index, with where its elements come from.

    Build it with :func:`index_layout`. `result` and `source_offsets` cost as much as
    the result itself (they index, or trace every element); everything else is computed
    from the index alone.

    Attributes
    ----------
    kind : str
        ``'view'`` (the result shares the source's buffer), ``'copy'`` (the elements are
        gathered into a new buffer) or ``'scalar'`` (one element, returned as a NumPy scalar).
    source : Layout
        Layout of the indexed array.
    shape : tuple of int
        Shape of the result.
    by_mask : bool
        True when a boolean array (a mask) picks the elements.
    """

    def __init__(self, a: np.ndarray, index, subscript: _subscript.Subscript,
                 source: Layout) -> None:
        self._array = a
        self._index = index
        self._subscript = subscript
        self.source = source

    @property
    def kind(self) -> str:
        return self._subscript.kind

    @property
    def shape(self) -> tuple[int, ...]:
        return self._subscript.shape

    @property
    def size(self) -> int:
        """Number of elements of the result."""
        return self._subscript.size

    @property
    def by_mask(self) -> bool:
        return any(isinstance(i, _subscript.Mask) for i in self._subscript.items)

    @property
    def copied_bytes(self) -> int:
        """Bytes of the new buffer: 0 for a view."""
        return 0 if self.kind == "view" else self.size * self.source.itemsize

    @cached_property
    def result(self) -> np.ndarray:
        """What ``a[index]`` returns (a 0-d copy for a scalar). For a copy, this copies."""
        if self.kind == "scalar":
            takes = tuple(i.value for i in self._subscript.items)
            return self._array[(*takes, Ellipsis)].copy()
        return self._array[self._index]

    @cached_property
    def source_offsets(self) -> np.ndarray:
        """Byte offset in the source's owner of each element of the result (its shape).

        It costs ``size * 8`` bytes: use it on results you would print, and
        :meth:`source_index` for a few elements of a large one.
        """
        out = np.empty(self.size, dtype=np.intp)
        strides = np.array(self.source.strides, dtype=np.int64)
        for lo in range(0, self.size, _subscript.CHUNK):
            positions = np.arange(lo, min(lo + _subscript.CHUNK, self.size))
            index = self._subscript.source_index(positions)
            out[lo:lo + positions.size] = self.source.offset + sum(
                (i * s for i, s in zip(index, strides.tolist(), strict=True)),
                start=np.zeros(positions.size, dtype=np.int64))
        return out.reshape(self.shape)

    def source_index(self, positions) -> tuple[np.ndarray, ...]:
        """Where in the source the result elements at flat `positions` come from.

        Parameters
        ----------
        positions : array_like of int
            Positions in the result, counted in C order (``np.ravel_multi_index`` turns
            a result index into one).

        Returns
        -------
        tuple of numpy.ndarray
            The source index of each element, one int64 array per axis of the source,
            each of the shape of `positions` (use it as ``a[sel.source_index(p)]``).

        Raises
        ------
        IndexError
            If a position is not an integer from 0 to ``size - 1``.

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> a = np.arange(12).reshape(3, 4)
        >>> sel = memlayout.index_layout(a, np.s_[[2, 0], 1:])
        >>> sel.shape, sel.source_index([0, 3])
        ((2, 3), (array([2, 0]), array([1, 1])))
        """
        positions = _as_int_array(positions, "positions", "Selection.source_index")
        if positions.size and (positions.min() < 0 or positions.max() >= self.size):
            raise IndexError(f"Selection.source_index(): positions must lie in [0, {self.size}) "
                             f"for a result of shape {self.shape}")
        return self._subscript.source_index(positions)

    def picks(self, index) -> np.ndarray:
        """Whether the index picked the source elements at `index`.

        Parameters
        ----------
        index : tuple of array_like of int
            One array per axis of the source (as ``np.nonzero`` returns), non-negative.

        Returns
        -------
        numpy.ndarray of bool
            True for each source element that is in the result (once or more).

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> sel = memlayout.index_layout(np.arange(6), [4, 0, 4])
        >>> sel.picks((np.arange(6),))
        array([ True, False, False, False,  True, False])
        """
        shape = self.source.shape
        if not isinstance(index, tuple) or len(index) != len(shape):
            raise IndexError(f"Selection.picks(): index must be a tuple of {len(shape)} "
                             f"arrays, one per axis of the source, not {got(index)}")
        index = tuple(_as_int_array(i, "index", "Selection.picks") for i in index)
        for axis, (i, n) in enumerate(zip(index, shape, strict=True)):
            if i.size and (i.min() < 0 or i.max() >= n):
                raise IndexError(f"Selection.picks(): index along axis {axis} must lie in "
                                 f"[0, {n})")
        return self._subscript.picks(index)

    def touched_cells(self, starts, width: int) -> np.ndarray:
        """For each owner range ``[start, start + width)``, whether a picked element has a byte in it.

        The same question as :meth:`Layout.touched_cells`, for the elements the index
        picked rather than every element of the source. Exact; it costs in proportion to
        the number of source elements that reach the ranges, whatever the index's size.

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> sel = memlayout.index_layout(np.arange(4, dtype=np.int64), [3, 3, 0])
        >>> sel.touched_cells([0, 8, 16, 24], 8)
        array([ True, False, False,  True])
        """
        starts = _as_int_array(starts, "starts", "Selection.touched_cells")
        width = require_int(width, "width", "Selection.touched_cells")
        out = np.zeros(starts.shape, dtype=bool)
        if self.size == 0 or width <= 0:
            return out
        lattice = self.source.lattice
        itemsize = self.source.itemsize
        free = frozenset(self.source.zero_stride_axes)
        for k, start in enumerate(starts.ravel().tolist()):
            found, steps = lattice.starts_between(start - itemsize + 1, start + width)
            if not found.size:
                continue
            index = [np.zeros(found.size, dtype=np.int64) for _ in self.source.shape]
            for axis, n, flipped, i in zip(lattice.axes, lattice.lengths, lattice.flipped,
                                           steps, strict=True):
                index[axis] = n - 1 - i if flipped else i
            out.flat[k] = bool(self._subscript.picks(tuple(index), free).any())
        return out

    def __repr__(self) -> str:
        return (f"Selection(kind={self.kind!r}, shape={self.shape}, "
                f"copied_bytes={self.copied_bytes}, by_mask={self.by_mask})")


def index_layout(a: np.ndarray, index) -> Selection:
    """Read `index` as NumPy does and describe the memory of ``a[index]``.

    Parameters
    ----------
    a : numpy.ndarray
        The array to index, of any size (its elements are not read).
    index : anything NumPy accepts between the brackets of ``a[...]``
        Integers (Python or NumPy), slices, ``None``, ``...``, integer arrays or lists,
        boolean masks. Use ``np.s_`` to write slices: ``index_layout(a, np.s_[::2, 1])``.
        Field names are not positions: index the field first (``a['x']``).

    Returns
    -------
    Selection

    Raises
    ------
    TypeError
        If `a` is not a NumPy array, or a slice holds something other than integers.
    ValueError
        If a slice's step is 0.
    IndexError
        If NumPy would refuse the index; the message is NumPy's.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> a = np.arange(6, dtype=np.int64)
    >>> memlayout.index_layout(a, np.s_[::2]).kind
    'view'
    >>> sel = memlayout.index_layout(a, [4, 0])
    >>> sel.kind, sel.source_offsets
    ('copy', array([32,  0]))
    >>> big = memlayout.index_layout(np.arange(10.0), np.zeros(10**7, np.intp))
    >>> big.shape, big.copied_bytes, big.source_index([0, 10**7 - 1])
    ((10000000,), 80000000, (array([0, 0]),))
    """
    require_ndarray(a, "index_layout")
    if isinstance(index, str) or (isinstance(index, list) and index
                                  and all(isinstance(i, str) for i in index)):
        raise IndexError(f"index_layout() takes positions, not field names ({index!r}); "
                         f"index the field first: index_layout(a[{index!r}], ...)")
    plain = a if type(a) is np.ndarray else a.view(np.ndarray)
    try:
        subscript = _subscript.parse(index, a.shape)
    except (IndexError, TypeError, ValueError) as err:
        raise type(err)(f"memlayout.index_layout(): index {got(index)} does not index "
                        f"an array of shape {a.shape}: {err}") from None
    return Selection(plain, index, subscript, layout(a))


def _as_int_array(values, name: str, func: str) -> np.ndarray:
    """`values` as an int64 array, or a TypeError naming the argument."""
    try:
        arr = np.asarray(values)
    except ValueError:
        arr = np.asarray(None)
    if arr.size == 0 and arr.dtype != object:
        return arr.astype(np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"memlayout.{func}(): {name} must be integers, not {got(values)}")
    return arr.astype(np.int64, copy=False)
