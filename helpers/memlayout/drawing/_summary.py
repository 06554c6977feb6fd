"""Choosing what to draw of a large array, and writing one value into a small cell."""

from __future__ import annotations

import numpy as np

from memlayout.drawing._text import drawable

#: Marker in a summarised sequence of positions for the ones left out.
GAP = None


def summarise(n: int, limit: int) -> list[int | None]:
    """Positions ``0 .. n-1`` to draw, with ``GAP`` where a run is left out.

    At most `limit` positions are kept: the head and the tail, as NumPy prints arrays.

    Examples
    --------
    >>> summarise(5, 8)
    [0, 1, 2, 3, 4]
    >>> summarise(100, 5)
    [0, 1, 2, None, 98, 99]
    """
    if n <= limit:
        return list(range(n))
    head = (limit + 1) // 2
    tail = limit - head
    return [*range(head), GAP, *range(n - tail, n)]


def windows(anchors, n: int, radius: int) -> list[int | None]:
    """Positions ``0 .. n-1`` within `radius` of an anchor, with ``GAP`` between runs.

    Examples
    --------
    >>> windows([0, 50, 99], 100, 1)
    [0, 1, None, 49, 50, 51, None, 98, 99]
    """
    keep = sorted({p for a in anchors for p in range(a - radius, a + radius + 1) if 0 <= p < n})
    out: list[int | None] = []
    for p in keep:
        if out and out[-1] != p - 1:
            out.append(GAP)
        out.append(p)
    return out


def element_name(index: tuple[int, ...]) -> str:
    """An element's index as a learner writes it between brackets.

    Examples
    --------
    >>> element_name((0, 0)), element_name((7,)), element_name(())
    ('[0, 0]', '[7]', '[()]')
    """
    return "[" + (", ".join(map(str, index)) if index else "()") + "]"


def format_value(value, width: int = 7) -> str:
    """A short text for one element, cut to `width` characters with '…' if longer.

    Characters the font cannot draw are written as escapes (:func:`drawable`).

    Examples
    --------
    >>> format_value(np.float64(0.1 + 0.2)), format_value(np.int64(-12)), format_value(True)
    ('0.3', '-12', 'T')

    A whole float is written with all its digits, not as the shortest text that reads back as
    the same float: that is how NumPy prints the largest ``float16``, 65504, as ``65500.0``.

    >>> format_value(np.float16(65504)), format_value(np.float16(0.1)), format_value(np.float16("inf"))
    ('65504.', '0.1', 'inf')
    """
    if isinstance(value, (bool, np.bool_)):
        text = "T" if value else "F"
    elif isinstance(value, (float, np.floating)):
        text = np.format_float_positional(value, precision=3, unique=bool(value != np.floor(value)),
                                          trim=".") if _plain(value) \
            else np.format_float_scientific(value, precision=1, trim="-")
    elif isinstance(value, (complex, np.complexfloating)):
        text = f"{format_value(value.real, width)}{'+' if value.imag >= 0 else '-'}" \
               f"{format_value(abs(value.imag), width)}j"
    elif isinstance(value, np.void):
        text = "(" + ",".join(format_value(v, width) for v in value.tolist()) + ")" \
            if value.dtype.names else value.tobytes().hex()
    elif isinstance(value, (bytes, np.bytes_)):
        text = repr(bytes(value))
    else:
        text = str(value)
    text = drawable(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _plain(value) -> bool:
    """True for floats that read well without an exponent.

    The comparison is made in ``longdouble``, which holds every float exactly, because a
    ``float16`` cannot hold the bound 1e6 (NEP 50 would cast it, with an overflow warning);
    ``tests/test_draw_values.py`` draws float16 values with warnings as errors.

    Examples
    --------
    >>> _plain(np.float16(65504.0)), _plain(np.float16(0.0001)), _plain(np.longdouble("1e400"))
    (True, False, False)
    """
    magnitude = abs(np.longdouble(value))
    return bool(not np.isfinite(magnitude) or magnitude == 0 or 1e-3 <= magnitude < 1e6)
