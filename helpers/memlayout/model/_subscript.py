"""How NumPy reads an index: the source element behind every element of ``a[index]``.

Private part of the model layer. :func:`parse` follows NumPy's own rules (``prepare_index``
and ``mapiter_fill_info`` in NumPy's ``_core/src/multiarray/mapping.c``) to turn anything
that may go between the brackets of ``a[...]`` into a :class:`Subscript`: the result's
shape, whether NumPy returns a view, a copy or a scalar, and, for any result position,
the source element it holds. Nothing is indexed and no picked element is listed, so a
question about a few elements costs the same for a gather of ten and of a billion.

The rules, in short. Integers, slices, ``None`` and ``...`` are *basic*; integer arrays
(and lists), boolean arrays and the scalars ``True``/``False`` are *advanced*. Without an
advanced item the result is a view. With one, the advanced arrays broadcast together to
a shape B and the result holds B's elements times the axes the basic items leave; B's
axes come first, unless every advanced item (integers counting as advanced here) stands
next to the others, in which case B's axes replace them in place. A boolean array of
``m`` axes acts as ``m`` integer arrays, those of ``np.nonzero(mask)``.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

#: Most axes NumPy allows an array, and hence an indexing result.
MAX_DIMS = 64
#: Most elements of a boolean index; larger ones exist only as broadcasts, which NumPy
#: itself would expand element by element.
MAX_MASK_SIZE = 1 << 32
#: Elements of a boolean index counted at a time when looking for its k-th True.
_MASK_BLOCK = 1 << 18
#: Positions mapped at a time when every element of a result is traced.
CHUNK = 1 << 16
#: Largest product of axis lengths over which picked tuples are kept as a table of flags.
_TABLE_LIMIT = 1 << 24


@dataclass(frozen=True)
class Take:
    """An integer: source axis `axis` is fixed at `value` (non-negative)."""

    axis: int
    value: int
    from_array: bool = False  # a 0-d integer array, which makes NumPy copy


@dataclass(frozen=True)
class Slice:
    """A slice (or an axis that ``...`` or the end of the index leaves whole)."""

    axis: int
    start: int
    step: int
    length: int


@dataclass(frozen=True)
class NewAxis:
    """``None``: a new result axis of length 1 that reads no source axis."""


@dataclass(frozen=True, eq=False)
class Picks:
    """An integer array on source axis `axis` (values may count from the end)."""

    axis: int
    values: np.ndarray


@dataclass(frozen=True, eq=False)
class Mask:
    """A boolean array over source axes `axes` (none for ``True``/``False``)."""

    axes: tuple[int, ...]
    mask: np.ndarray
    count: int
    scan: _MaskScan = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scan", _MaskScan(self.mask))


@dataclass(frozen=True, eq=False)
class Subscript:
    """An index read the way NumPy reads it, for a source of shape `source_shape`.

    Attributes
    ----------
    source_shape : tuple of int
    items : tuple
        :class:`Take`, :class:`Slice`, :class:`NewAxis`, :class:`Picks` and :class:`Mask`
        items in index order, ``...`` and the end of the index expanded into slices.
    kind : str
        ``'view'``, ``'copy'`` or ``'scalar'``, as NumPy decides.
    fancy_shape : tuple of int
        Shape B to which the advanced items broadcast (``()`` without one).
    consec : int
        Position of B's axes among the result's axes.
    shape : tuple of int
        Shape of ``a[index]``.
    """

    source_shape: tuple[int, ...]
    items: tuple
    kind: str
    fancy_shape: tuple[int, ...]
    consec: int
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        """Number of elements of the result."""
        return math.prod(self.shape)

    @property
    def fancy(self) -> tuple:
        """The advanced items, in index order."""
        return tuple(i for i in self.items if isinstance(i, (Picks, Mask)))

    @property
    def subspace(self) -> tuple:
        """The items that give the result an axis of their own (slices and ``None``)."""
        return tuple(i for i in self.items if isinstance(i, (Slice, NewAxis)))

    def source_index(self, positions: np.ndarray) -> tuple[np.ndarray, ...]:
        """Source index of the result elements at flat C-order `positions` (an int array).

        Returns one int64 array per source axis, each of the shape of `positions`.
        """
        coords = np.unravel_index(positions, self.shape) if self.shape else ()
        nb, c = len(self.fancy_shape), self.consec
        if self.fancy:
            fancy_coords = coords[c:c + nb]
            sub_coords = coords[:c] + coords[c + nb:]
        else:
            fancy_coords, sub_coords = (), coords
        source = [np.zeros(positions.shape, dtype=np.int64) for _ in self.source_shape]
        for item, j in zip(self.subspace, sub_coords, strict=True):
            if isinstance(item, Slice):
                source[item.axis] = item.start + item.step * j.astype(np.int64)
        for item in self.items:
            if isinstance(item, Take):
                source[item.axis] = np.full(positions.shape, item.value, dtype=np.int64)
        for axis, values in self._fancy_source_index(fancy_coords, positions.shape).items():
            source[axis] = values
        return tuple(source)

    def picks(self, index: tuple[np.ndarray, ...], free: frozenset = frozenset()) -> np.ndarray:
        """Whether the index picked the source elements at `index` (one array per axis).

        Axes in `free` stand for "any position along this axis": the answer is True when
        some element that differs from `index` only along them was picked (used for
        source axes of stride 0, whose positions all share the same bytes).
        """
        shape = np.broadcast_shapes(*(np.shape(i) for i in index))
        if self.size == 0:
            return np.zeros(shape, dtype=bool)
        ok = np.ones(shape, dtype=bool)
        for item in self.items:
            if isinstance(item, Take) and item.axis not in free:
                ok &= index[item.axis] == item.value
            elif isinstance(item, Slice) and item.axis not in free:
                steps, rest = np.divmod(index[item.axis] - item.start, item.step)
                ok &= (rest == 0) & (steps >= 0) & (steps < item.length)
        if self.fancy:
            ok &= self._fancy_table(free).contains(index)
        return ok

    # -- the advanced items ------------------------------------------------------------

    def _fancy_source_index(self, fancy_coords, shape) -> dict[int, np.ndarray]:
        """Source index along each advanced axis of the elements at `fancy_coords` of B."""
        out = {}
        for item in self.fancy:
            if isinstance(item, Picks):
                values = np.broadcast_to(item.values, self.fancy_shape)[fancy_coords]
                n = self.source_shape[item.axis]
                values = values.astype(np.int64)
                out[item.axis] = np.where(values < 0, values + n, values).reshape(shape)
            elif item.axes:
                k = fancy_coords[-1] if item.count != 1 else np.zeros(shape, dtype=np.int64)
                flat = item.scan.nth(np.asarray(k, dtype=np.int64).reshape(shape))
                for axis, values in zip(item.axes, np.unravel_index(flat, item.mask.shape),
                                        strict=True):
                    out[axis] = values.astype(np.int64)
        return out

    def _fancy_table(self, free: frozenset) -> _PickedTuples:
        """The picked positions along the advanced axes that are not `free`."""
        cache = self.__dict__.setdefault("_tables", {})
        if free not in cache:
            cache[free] = _PickedTuples.build(self, free)
        return cache[free]

    @cached_property
    def varying_fancy_axes(self) -> tuple[int, ...]:
        """Axes of B along which some advanced item changes (the others repeat)."""
        out = []
        for d, n in enumerate(self.fancy_shape):
            if n <= 1:
                continue
            for item in self.fancy:
                if isinstance(item, Picks):
                    if np.broadcast_to(item.values, self.fancy_shape).strides[d] != 0:
                        out.append(d)
                        break
                elif d == len(self.fancy_shape) - 1 and item.count > 1:
                    out.append(d)
                    break
        return tuple(out)


class _PickedTuples:
    """Membership test for the tuples of source positions that the advanced items pick.

    Built once per question (cost proportional to the index, not to the result): one
    integer array alone, or integer arrays forming an outer product (``np.ix_``), keep a
    flag per position of each axis; a single boolean mask is its own table; anything
    else lists the distinct tuples B produces.
    """

    def __init__(self, axes, lookup) -> None:
        self.axes = axes
        self.lookup = lookup

    def contains(self, index: tuple[np.ndarray, ...]) -> np.ndarray:
        return self.lookup(tuple(np.asarray(index[a], dtype=np.int64) for a in self.axes))

    @classmethod
    def build(cls, sub: Subscript, free: frozenset) -> _PickedTuples:
        fancy = [i for i in sub.fancy if not (isinstance(i, Mask) and not i.axes)]
        if not fancy:
            return cls((), lambda index: np.True_)
        if len(fancy) == 1 and isinstance(fancy[0], Mask):
            return cls._of_mask(fancy[0], free)
        if all(isinstance(i, Picks) for i in fancy) and (len(fancy) == 1
                                                        or _outer_product(sub, fancy)):
            flags = {i.axis: _flags(i.values, sub.source_shape[i.axis]) for i in fancy
                     if i.axis not in free}
            axes = tuple(flags)

            def lookup(index):
                ok = np.True_
                for axis, values in zip(axes, index, strict=True):
                    ok = ok & flags[axis][values]
                return ok

            return cls(axes, lookup)
        return cls._listed(sub, fancy, free)

    @classmethod
    def _of_mask(cls, item: Mask, free: frozenset) -> _PickedTuples:
        reduced = tuple(k for k, a in enumerate(item.axes) if a in free)
        mask = np.any(item.mask, axis=reduced) if reduced else item.mask
        axes = tuple(a for a in item.axes if a not in free)
        return cls(axes, lambda index: mask[index])

    @classmethod
    def _listed(cls, sub: Subscript, fancy, free: frozenset) -> _PickedTuples:
        axes = tuple(a for i in fancy for a in ((i.axis,) if isinstance(i, Picks) else i.axes)
                     if a not in free)
        if not axes:
            return cls((), lambda index: np.True_)
        lengths = tuple(sub.source_shape[a] for a in axes)
        varying = sub.varying_fancy_axes
        walk = tuple(sub.fancy_shape[d] for d in varying)
        total = math.prod(walk)
        table = np.zeros(math.prod(lengths), dtype=bool) \
            if math.prod(lengths) <= _TABLE_LIMIT else None
        listed = []
        for lo in range(0, total, CHUNK):
            positions = np.arange(lo, min(lo + CHUNK, total))
            steps = np.unravel_index(positions, walk) if walk else ()
            coords = [np.zeros(positions.shape, dtype=np.int64) for _ in sub.fancy_shape]
            for d, j in zip(varying, steps, strict=True):
                coords[d] = j
            picked = sub._fancy_source_index(tuple(coords), positions.shape)
            flat = np.ravel_multi_index(tuple(picked[a] for a in axes), lengths)
            if table is not None:
                table[flat] = True
            else:
                listed.append(np.unique(flat))
        if table is not None:
            return cls(axes, lambda index: table[np.ravel_multi_index(index, lengths)])
        known = np.unique(np.concatenate(listed))

        def lookup(index):
            flat = np.ravel_multi_index(index, lengths)
            k = np.minimum(np.searchsorted(known, flat), known.size - 1)
            return known[k] == flat

        return cls(axes, lookup)


def _outer_product(sub: Subscript, fancy) -> bool:
    """True when each integer array varies along its own axis of B (as ``np.ix_`` builds)."""
    seen = set()
    for item in fancy:
        strides = np.broadcast_to(item.values, sub.fancy_shape).strides
        moving = {d for d, (n, s) in enumerate(zip(sub.fancy_shape, strides, strict=True))
                  if n > 1 and s != 0}
        if len(moving) > 1 or moving & seen:
            return False
        seen |= moving
    return True


def _flags(values: np.ndarray, n: int) -> np.ndarray:
    """A flag per position of an axis of length `n`: True where `values` picks it."""
    flags = np.zeros(n, dtype=bool)
    flags[_collapse(values)] = True
    return flags


def _collapse(arr: np.ndarray) -> np.ndarray:
    """`arr` without its repeated (stride-0) axes: the same values, each stored element once."""
    return arr[tuple(0 if s == 0 and n > 1 else slice(None)
                     for n, s in zip(arr.shape, arr.strides, strict=True))]


class _MaskScan:
    """Finds the k-th True of a boolean array in C order, a block of elements at a time."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask
        self._flat = mask.reshape(-1) if mask.flags.c_contiguous else None

    def _block(self, b: int) -> np.ndarray:
        lo, hi = b * _MASK_BLOCK, min(self.mask.size, (b + 1) * _MASK_BLOCK)
        return self._flat[lo:hi] if self._flat is not None else self.mask.flat[lo:hi]

    @cached_property
    def _ends(self) -> np.ndarray:
        """Number of Trues up to the end of each block."""
        blocks = -(-self.mask.size // _MASK_BLOCK)
        return np.cumsum([np.count_nonzero(self._block(b)) for b in range(blocks)])

    def nth(self, ks: np.ndarray) -> np.ndarray:
        """Flat C-order position of the `ks`-th True (each k below the number of Trues)."""
        ends = self._ends
        blocks = np.searchsorted(ends, ks, side="right")
        out = np.empty(ks.shape, dtype=np.int64)
        for b in np.unique(blocks).tolist():
            chosen = blocks == b
            before = ends[b - 1] if b else 0
            out[chosen] = b * _MASK_BLOCK + np.flatnonzero(self._block(b))[ks[chosen] - before]
        return out


# -- parsing ---------------------------------------------------------------------------


def parse(index, shape: tuple[int, ...]) -> Subscript:
    """Read `index` for a source of `shape` as NumPy does, or raise NumPy's kind of error.

    Raises
    ------
    IndexError
        For anything NumPy refuses with an IndexError (and for integers too large for
        NumPy's index type, which NumPy refuses with an OverflowError).
    TypeError, ValueError
        For slices NumPy refuses so (``slice(0.5, 2)``, a step of 0), and for nested
        lists that are not rectangular.
    """
    raw = tuple(index) if isinstance(index, tuple) else (index,)
    entries = [_entry(obj, len(shape)) for obj in raw]
    if sum(kind == "ellipsis" for kind, _ in entries) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(1 if kind in ("int", "slice", "ints") else value.ndim if kind == "mask" else 0
               for kind, value in entries)
    if used > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, "
                         f"but {used} were indexed")
    scalar = all(kind == "int" for kind, _ in entries) and used == len(shape)
    if used < len(shape) and not any(kind == "ellipsis" for kind, _ in entries):
        entries.append(("ellipsis", None))
    entries = [(kind, len(shape) - used if kind == "ellipsis" else value)
               for kind, value in entries]
    new_ndim = sum(1 if kind in ("slice", "newaxis") else value if kind == "ellipsis" else 0
                   for kind, value in entries)
    fancy_ndim = max([value.ndim for kind, value in entries if kind == "ints"]
                     + [1 for kind, _ in entries if kind in ("mask", "bool")], default=0)
    if new_ndim + fancy_ndim > MAX_DIMS:
        raise IndexError(f"number of dimensions must be within [0, {MAX_DIMS}], "
                         f"indexing result would have {new_ndim + fancy_ndim}")
    items, consec = _place(entries, shape)
    fancy = [i for i in items if isinstance(i, (Picks, Mask))]
    fancy_shape = _broadcast_fancy(fancy)
    if math.prod(fancy_shape):
        for item in fancy:
            if isinstance(item, Picks):
                _check_bounds(item, shape[item.axis])
    lengths = [i.length if isinstance(i, Slice) else 1 for i in items
               if isinstance(i, (Slice, NewAxis))]
    if fancy:
        kind = "copy"
        result_shape = (*lengths[:consec], *fancy_shape, *lengths[consec:])
    else:
        kind = "scalar" if scalar else "copy" if any(
            isinstance(i, Take) and i.from_array for i in items) else "view"
        result_shape = tuple(lengths)
    return Subscript(source_shape=tuple(shape), items=tuple(items), kind=kind,
                     fancy_shape=fancy_shape, consec=consec if fancy else 0,
                     shape=tuple(int(n) for n in result_shape))


def _entry(obj, ndim: int):
    """Classify one item of an index: ``(kind, value)``, as NumPy's ``prepare_index``."""
    if obj is Ellipsis:
        return ("ellipsis", None)
    if obj is None:
        return ("newaxis", None)
    if isinstance(obj, slice):
        return ("slice", obj)
    if ndim and not isinstance(obj, np.ndarray) and not isinstance(obj, (bool, np.bool_)):
        try:
            return ("int", (operator.index(obj), False))
        except TypeError:
            pass
    arr = obj if isinstance(obj, np.ndarray) else _as_index_array(obj)
    if arr.dtype == bool:
        if arr.ndim == 0:
            return ("bool", arr)
        if arr.size > MAX_MASK_SIZE:
            raise IndexError(f"a boolean index of {arr.size:,} elements is larger than "
                             f"memlayout scans ({MAX_MASK_SIZE:,}); pass np.nonzero(mask)")
        return ("mask", arr)
    if np.issubdtype(arr.dtype, np.integer):
        if arr.ndim == 0:
            return ("int", (int(arr), True))
        return ("ints", arr)
    if arr is obj:
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
                     "and integer or boolean arrays are valid indices")


def _as_index_array(obj) -> np.ndarray:
    """What NumPy makes of a list (or other non-array) in an index; empty means integer."""
    try:
        arr = np.asarray(obj)
    except (ValueError, TypeError) as err:
        raise IndexError(f"{obj!r:.60} is not a valid index: {err}") from err
    return arr.astype(np.intp) if arr.size == 0 else arr


def _place(entries, shape):
    """Give each entry its source axes; find where B's axes go (``mit->consec``)."""
    items = []
    axis = result_dim = consec = 0
    status = "none"  # no advanced item yet / in a run of them / after the run / split
    for kind, value in entries:
        advanced = kind in ("int", "ints", "mask", "bool")
        if advanced and status == "none":
            consec, status = result_dim, "run"
        elif advanced and status == "after":
            consec, status = 0, "split"
        elif not advanced and status == "run":
            status = "after"
        if kind == "ellipsis":
            for _ in range(value):
                items.append(Slice(axis, 0, 1, shape[axis]))
                axis += 1
            result_dim += value
        elif kind == "newaxis":
            items.append(NewAxis())
            result_dim += 1
        elif kind == "slice":
            start, stop, step = value.indices(shape[axis])
            items.append(Slice(axis, start, step, len(range(start, stop, step))))
            axis += 1
            result_dim += 1
        elif kind == "int":
            v, from_array = value
            n = shape[axis]
            if not -n <= v < n:
                raise IndexError(f"index {v} is out of bounds for axis {axis} with size {n}")
            items.append(Take(axis, v + n if v < 0 else v, from_array))
            axis += 1
            result_dim += 1
        elif kind == "ints":
            items.append(Picks(axis, value))
            axis += 1
        elif kind == "mask":
            for k, (m, n) in enumerate(zip(value.shape, shape[axis:], strict=False)):
                if m != n and m:  # NumPy does not check a boolean axis of length 0
                    raise IndexError(
                        f"boolean index did not match indexed array along axis {axis + k}; "
                        f"size of axis is {n} but size of corresponding boolean axis is {m}")
            count = _count_true(value)
            items.append(Mask(tuple(range(axis, axis + value.ndim)), value, count))
            axis += value.ndim
        else:  # a boolean scalar: a new axis of length 1 (True) or 0 (False), no source axis
            items.append(Mask((), value, int(bool(value))))
    return items, consec


def _count_true(mask: np.ndarray) -> int:
    """Number of Trues, counting each stored element once however often it is repeated."""
    collapsed = _collapse(mask)
    return int(np.count_nonzero(collapsed)) * (mask.size // max(collapsed.size, 1)) \
        if collapsed.size else 0


def _broadcast_fancy(fancy) -> tuple[int, ...]:
    """Shape B of the advanced items broadcast together, or NumPy's IndexError."""
    shapes = [i.values.shape if isinstance(i, Picks) else (i.count,) for i in fancy]
    try:
        return tuple(int(n) for n in np.broadcast_shapes(*shapes))
    except ValueError as err:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together "
                         "with shapes " + " ".join(str(s) for s in shapes)) from err


def _check_bounds(item: Picks, n: int) -> None:
    """IndexError naming the first value of an integer array out of ``[-n, n)``."""
    values = _collapse(item.values)
    if not values.size:
        return
    low, high = values.min(), values.max()
    bad = low if low < -n else high if high >= n else None
    if bad is not None:
        raise IndexError(f"index {int(bad)} is out of bounds for axis {item.axis} with size {n}")
