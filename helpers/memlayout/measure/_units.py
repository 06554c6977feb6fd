"""Byte counts as text: stable, rounded forms for measurements and exact forms for labels."""

from __future__ import annotations

#: Measured sizes below this many bytes print as "≈ 0 B": Python's own bookkeeping
#: (frames, small objects, IPython's cell machinery) moves the count by a few KiB.
NOISE_FLOOR = 64 * 1024

_MIB = 1024**2
_GIB = 1024**3


def approx_size(nbytes: int) -> str:
    """Return `nbytes` rounded so that a few KiB of noise does not change the text.

    Below :data:`NOISE_FLOOR` (64 KiB) the text is ``"≈ 0 B"``; below 1 GiB it is MiB
    with one decimal (a step of 0.1 MiB ≈ 102 KiB); above, GiB with two decimals.
    Negative counts (memory freed) keep their sign.

    Examples
    --------
    >>> approx_size(8 * 1024**2 + 300)
    '8.0 MiB'
    >>> approx_size(2_000)
    '≈ 0 B'
    """
    if abs(nbytes) < NOISE_FLOOR:
        return "≈ 0 B"
    if abs(nbytes) < _GIB:
        return f"{nbytes / _MIB:.1f} MiB"
    return f"{nbytes / _GIB:.2f} GiB"


def exact_size(nbytes: int) -> str:
    """Return `nbytes` in the largest binary unit that keeps it readable, for labels.

    Examples
    --------
    >>> exact_size(4096)
    '4 KiB'
    >>> exact_size(3 * 1024**2 // 2)
    '1.5 MiB'
    >>> exact_size(100)
    '100 B'
    """
    value, unit = float(nbytes), "B"
    for next_unit in ("KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024:
            break
        value, unit = value / 1024, next_unit
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"
