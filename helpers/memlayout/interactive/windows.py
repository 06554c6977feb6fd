"""The explorer's sliders as slices, and slices as slider positions.

Each axis of length ``n`` has a *window*: a range slider for which positions ``lo ≤ i < hi``
are in play and a step slider (``±1``, ``±2``, …) for how to walk them. A positive step walks
the window forwards from ``lo``, a negative one backwards from ``hi - 1``, so the step's sign
reverses the axis without moving the window. Windows turn into the slices a learner would
type (``::2``, ``5:1:-1``), and an index of plain slices turns back into windows, so that the
sliders follow what is typed.
"""

from __future__ import annotations

from typing import NamedTuple

#: Largest step magnitude the step slider offers (fewer on shorter axes).
MAX_STEP = 12


class Window(NamedTuple):
    """One axis's slider positions: the range ``[lo, hi)`` and the step (never 0)."""

    lo: int
    hi: int
    step: int


def steps(n: int) -> list[int]:
    """The steps the slider of an axis of length `n` offers: ``-k … -1, 1 … k``.

    Examples
    --------
    >>> steps(3)
    [-3, -2, -1, 1, 2, 3]
    """
    k = max(1, min(n, MAX_STEP))
    return [*range(-k, 0), *range(1, k + 1)]


def window_slice(window: Window, n: int) -> slice:
    """The slice that walks `window` on an axis of length `n`, with the defaults left out.

    Examples
    --------
    >>> window_slice(Window(0, 6, 2), 6), window_slice(Window(1, 6, -1), 6)
    (slice(None, None, 2), slice(None, 0, -1))
    """
    lo, hi, step = window
    if lo == hi:
        return slice(lo, hi, None if step == 1 else step)
    if step > 0:
        return slice(lo or None, hi if hi < n else None, None if step == 1 else step)
    return slice(hi - 1 if hi < n else None, lo - 1 if lo > 0 else None, step)


def index_text(windows: list[Window], shape: tuple[int, ...]) -> str:
    """Write the index of one window per axis as typed, trailing full axes left out.

    Examples
    --------
    >>> index_text([Window(0, 3, 1), Window(1, 4, 2)], (3, 4))
    '[:, 1::2]'
    >>> index_text([Window(0, 3, -1), Window(0, 4, 1)], (3, 4))
    '[::-1]'
    """
    parts = [slice_text(window_slice(w, n)) for w, n in zip(windows, shape, strict=True)]
    while len(parts) > 1 and parts[-1] == ":":
        parts.pop()
    return "[" + ", ".join(parts) + "]"


def slice_text(s: slice) -> str:
    """Write a slice as it is typed between brackets: ``::2``, ``1:``, ``:``."""
    text = ":".join("" if v is None else str(v) for v in (s.start, s.stop))
    return text if s.step is None else f"{text}:{s.step}"


def windows_of(index, shape: tuple[int, ...]) -> list[Window] | None:
    """The slider positions that spell `index`, or None if the sliders cannot.

    The sliders spell an index of at most one plain slice per axis (``a[1:, ::2]``), whose
    steps the step sliders offer. Integers, ``None``, ``...`` and index arrays they cannot.

    Examples
    --------
    >>> windows_of((slice(None, None, -2),), (5, 2))
    [Window(lo=0, hi=5, step=-2), Window(lo=0, hi=2, step=1)]
    >>> windows_of((0, slice(None)), (5, 2)) is None
    True
    """
    items = index if isinstance(index, tuple) else (index,)
    if len(items) > len(shape) or not all(_plain_slice(i) for i in items):
        return None
    windows = []
    for n, s in zip(shape, items + (slice(None),) * (len(shape) - len(items)), strict=True):
        start, stop, step = s.indices(n)
        if step not in steps(n):
            return None
        if step > 0:
            windows.append(Window(start, max(start, stop), step))
        elif start <= stop:
            windows.append(Window(max(start, 0), max(start, 0), step))
        else:
            windows.append(Window(stop + 1, start + 1, step))
    return windows


def _plain_slice(item) -> bool:
    return isinstance(item, slice) and all(
        v is None or type(v) is int for v in (item.start, item.stop, item.step)) and item.step != 0
