"""What an index does to memory: a view over the same buffer, or a gathered copy.

Part of the model layer (NumPy only). :func:`index_layout` applies an index and says
whether NumPy returned a view (basic indexing) or copied the selected elements into a
new buffer (advanced indexing with integer or boolean arrays), and where in the
source's owner each selected element came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from memlayout.model._checks import require_ndarray
from memlayout.model.layout import Layout, layout

#: Largest array whose selection is traced element by element (8 bytes per element).
MAX_SOURCE_SIZE = 1 << 22


@dataclass(frozen=True)
class Selection:
    """Result of applying an index, with where its elements came from.

    Attributes
    ----------
    kind : str
        ``'view'`` (the result shares the source's buffer), ``'copy'`` (the elements were
        gathered into a new buffer) or ``'scalar'`` (one element, returned as a NumPy scalar).
    result : numpy.ndarray
        What ``a[index]`` returned (a 0-d array for a scalar).
    source : Layout
        Layout of the indexed array.
    source_offsets : numpy.ndarray
        Byte offset in the source's owner of each element of the result (result's shape).
    by_mask : bool
        True when a boolean array (a mask) picked the elements.
    """

    kind: str
    result: np.ndarray
    source: Layout
    source_offsets: np.ndarray
    by_mask: bool

    @property
    def copied_bytes(self) -> int:
        """Bytes of the new buffer: 0 for a view."""
        return 0 if self.kind == "view" else self.result.nbytes


def index_layout(a: np.ndarray, index) -> Selection:
    """Apply `index` to `a` and describe the memory of the result.

    Parameters
    ----------
    a : numpy.ndarray
        The array to index, of at most 4,194,304 elements.
    index : anything NumPy accepts between the brackets of ``a[...]``
        Use ``np.s_`` to write slices: ``index_layout(a, np.s_[::2, 1])``.

    Returns
    -------
    Selection

    Raises
    ------
    TypeError
        If `a` is not a NumPy array.
    ValueError
        If `a` is too large to trace element by element.
    IndexError
        If NumPy refuses the index; the message is NumPy's.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> a = np.arange(6, dtype=np.int64)
    >>> memlayout.index_layout(a, np.s_[::2]).kind
    'view'
    >>> sel = memlayout.index_layout(a, [4, 0])
    >>> sel.kind, sel.source_offsets
    ('copy', array([32,  0]))
    """
    require_ndarray(a, "index_layout")
    if a.size > MAX_SOURCE_SIZE:
        raise ValueError(
            f"index_layout() traces every element and takes arrays of up to "
            f"{MAX_SOURCE_SIZE:,} elements; this one has {a.size:,}: index a smaller array")
    source = layout(a)
    offsets = source.element_offsets()[index]
    result = a[index]
    items = index if isinstance(index, tuple) else (index,)
    by_mask = any(np.asarray(i).dtype == bool for i in items
                  if isinstance(i, (np.ndarray, list, bool, np.bool_)))
    if not isinstance(result, np.ndarray):
        return Selection("scalar", np.asarray(result), source, np.asarray(offsets), by_mask)
    kind = "view" if _is_view(result, a, items) else "copy"
    return Selection(kind, result, source, offsets, by_mask)


def _is_view(result: np.ndarray, a: np.ndarray, items: tuple) -> bool:
    """Whether `result` is a view of `a`: shared bytes decide, the index's items when empty."""
    if result.size:
        return bool(np.shares_memory(result, a))
    return all(i is None or i is Ellipsis or isinstance(i, slice)
               or (isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)))
               for i in items)
