"""The bytes of one item of a dtype: fields, their offsets, padding and byte order.

Part of the model layer (NumPy only). :func:`dtype_layout` flattens nested structured
dtypes into byte segments so a drawing or a notebook can show a struct the way a C
compiler lays it out.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from memlayout.model._checks import got

_BYTE_ORDER = {"<": "little", ">": "big", "|": "n/a"}
#: ``np.finfo`` (nmant, nexp) of x87 80-bit extended precision: 63 stored fraction bits
#: after an explicit integer bit, and a 15-bit exponent.
_X87_MANTISSA_EXPONENT = (63, 15)


@dataclass(frozen=True)
class Segment:
    """A run of bytes inside one item: a field, or padding between fields.

    Attributes
    ----------
    start, stop : int
        Byte range ``[start, stop)`` within the item.
    name : str
        Dotted path of the field (``'pos.x'``), ``''`` for a plain dtype's whole item, and
        ``'(padding)'`` for bytes no field uses.
    dtype : numpy.dtype or None
        The field's dtype; None for padding.
    """

    start: int
    stop: int
    name: str
    dtype: np.dtype | None

    @property
    def nbytes(self) -> int:
        """Length of the segment in bytes."""
        return self.stop - self.start

    @property
    def is_padding(self) -> bool:
        """True for bytes that belong to no field."""
        return self.dtype is None

    @property
    def byteorder(self) -> str:
        """``'little'``, ``'big'`` or ``'n/a'`` (single bytes, padding)."""
        if self.dtype is None:
            return "n/a"
        base = self.dtype.base
        order = base.byteorder if base.byteorder != "=" else ("<" if sys.byteorder == "little" else ">")
        return _BYTE_ORDER[order]

    @property
    def scalar_bytes(self) -> int:
        """Bytes of each number that `byteorder` orders, 1 where byte order does not apply.

        The element size of a subarray, 4 per character of a ``'U'`` string, and half the
        itemsize of a complex number, whose real and imaginary parts are ordered separately.
        """
        if self.byteorder == "n/a":
            return 1
        base = self.dtype.base
        if base.kind == "c":
            return base.itemsize // 2
        if base.kind == "U":
            return 4
        return base.itemsize

    @property
    def value_bytes(self) -> int:
        """Bytes at the start of each number of `scalar_bytes` that hold its value.

        The same as `scalar_bytes`, except for x87 extended precision (``np.longdouble`` on
        x86-64 Linux and macOS): its 80-bit value fills the first 10 bytes, least
        significant first, and the rest of its 16 (or 12) bytes are padding that nothing reads.

        Examples
        --------
        >>> import numpy as np, memlayout
        >>> memlayout.dtype_layout(np.float64).segments[0].value_bytes
        8
        """
        if self.dtype is not None and self.dtype.base.kind in "fc" and self.scalar_bytes > 10:
            info = np.finfo(self.dtype.base)
            if (info.nmant, info.nexp) == _X87_MANTISSA_EXPONENT:
                return 10
        return self.scalar_bytes


@dataclass(frozen=True)
class DtypeLayout:
    """Bytes of one item of `dtype`, as a sorted tuple of :class:`Segment`.

    Attributes
    ----------
    dtype : numpy.dtype
    segments : tuple of Segment
        Leaf fields (nested structs flattened) and padding, in byte order. Fields that
        overlap (a union built with explicit offsets) are all listed.
    """

    dtype: np.dtype
    segments: tuple[Segment, ...]

    @property
    def itemsize(self) -> int:
        """Bytes of one item, padding included."""
        return self.dtype.itemsize

    @property
    def alignment(self) -> int:
        """Alignment NumPy requires for the dtype (``dtype.alignment``)."""
        return self.dtype.alignment

    @property
    def padding_bytes(self) -> int:
        """Bytes of one item that belong to no field."""
        return sum(s.nbytes for s in self.segments if s.is_padding)

    @property
    def field_bytes(self) -> int:
        """Bytes of one item that belong to at least one field."""
        return self.itemsize - self.padding_bytes

    @property
    def fields(self) -> tuple[Segment, ...]:
        """The segments that are fields, without the padding."""
        return tuple(s for s in self.segments if not s.is_padding)


def dtype_layout(dtype) -> DtypeLayout:
    """Describe the bytes of one item of `dtype`: fields, offsets, padding, byte order.

    Parameters
    ----------
    dtype : numpy.dtype or anything ``np.dtype()`` accepts
        A plain dtype (one segment) or a structured one, nested or aligned.

    Returns
    -------
    DtypeLayout

    Raises
    ------
    TypeError
        If `dtype` does not describe a NumPy dtype. ``None`` is refused too, although
        ``np.dtype(None)`` is float64: a missing dtype is more likely a mistake.
    ValueError
        If NumPy refuses a structured dtype's description (a repeated field name, a
        negative offset, ...).

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> d = np.dtype([("flag", np.uint8), ("value", np.float64)], align=True)
    >>> [(s.name, s.start, s.stop) for s in memlayout.dtype_layout(d).segments]
    [('flag', 0, 1), ('(padding)', 1, 8), ('value', 8, 16)]
    """
    accepts = "a dtype such as np.float64 or np.dtype([('x', np.int32)])"
    if dtype is None:
        raise TypeError(f"memlayout.dtype_layout(): dtype must be {accepts}, not None "
                        f"(np.dtype(None) would mean float64: say np.float64 if you mean it)")
    try:
        dtype = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"memlayout.dtype_layout(): dtype must be {accepts}, "
                        f"not {got(dtype)}") from err
    except ValueError as err:
        raise ValueError(f"memlayout.dtype_layout(): NumPy refuses the dtype {got(dtype)}: "
                         f"{err}") from err
    fields = sorted(_leaf_fields(dtype, 0, ""), key=lambda s: (s.start, s.stop))
    segments = []
    covered = 0
    for seg in fields:
        if seg.start > covered:
            segments.append(Segment(covered, seg.start, "(padding)", None))
        segments.append(seg)
        covered = max(covered, seg.stop)
    if covered < dtype.itemsize:
        segments.append(Segment(covered, dtype.itemsize, "(padding)", None))
    return DtypeLayout(dtype=dtype, segments=tuple(segments))


def _leaf_fields(dtype: np.dtype, start: int, prefix: str):
    """Yield a Segment per leaf field of `dtype`, which begins at byte `start`."""
    if dtype.names is None:
        yield Segment(start, start + dtype.itemsize, prefix, dtype)
        return
    for name in dtype.names:
        field_dtype, offset = dtype.fields[name][:2]
        path = f"{prefix}.{name}" if prefix else name
        if field_dtype.names is not None:
            yield from _leaf_fields(field_dtype, start + offset, path)
        else:
            yield Segment(start + offset, start + offset + field_dtype.itemsize, path, field_dtype)
