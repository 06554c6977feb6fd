"""Checks of the arguments of the public drawing functions, with messages a learner can act on.

Each check names the function and the argument, says what it got and what it accepts, and
raises TypeError for a wrong kind of value, ValueError for a wrong value of the right kind
and IndexError for an element that does not exist.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np


def _got(value) -> str:
    """``value`` as a message shows it: its repr, cut short, and its type."""
    text = repr(value)
    text = text if len(text) <= 40 else text[:39] + "…"
    return f"{text} (a {type(value).__name__})"


def check_title(func: str, title) -> None:
    """Refuse a `title` that is neither None nor a str.

    Examples
    --------
    >>> check_title("show", 12)
    Traceback (most recent call last):
    ...
    TypeError: show(title=...) takes a str or None, not 12 (a int)
    """
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{func}(title=...) takes a str or None, not {_got(title)}")


def check_count(func: str, name: str, value, minimum: int) -> int:
    """Return `value` as an int if it is an integer of at least `minimum`, else raise.

    Examples
    --------
    >>> check_count("show", "max_cells", np.int64(12), 4)
    12
    >>> check_count("show", "max_cells", "10", 4)
    Traceback (most recent call last):
    ...
    TypeError: show(max_cells=...) takes an int of at least 4, not '10' (a str)
    >>> check_count("show", "max_cells", 0, 4)
    Traceback (most recent call last):
    ...
    ValueError: show(max_cells=...) takes an int of at least 4, not 0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{func}({name}=...) takes an int of at least {minimum}, not {_got(value)}")
    if value < minimum:
        raise ValueError(f"{func}({name}=...) takes an int of at least {minimum}, not {value}")
    return int(value)


def check_names(func: str, name: str, names, count: int, what: str) -> list[str] | None:
    """Return `names` as a list of `count` strings (None stays None), else raise.

    Examples
    --------
    >>> check_names("show_broadcast", "names", ("x", "y"), 2, "operand")
    ['x', 'y']
    >>> check_names("show_broadcast", "names", 5, 2, "operand")
    Traceback (most recent call last):
    ...
    TypeError: show_broadcast(names=...) takes a list of 2 str, one per operand, not 5 (a int)
    """
    if names is None:
        return None
    wanted = f"a list of {count} str, one per {what}"
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise TypeError(f"{func}({name}=...) takes {wanted}, not {_got(names)}")
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"{func}({name}=...) takes {wanted}; {_got(names)} holds a "
                        f"{next(type(n).__name__ for n in names if not isinstance(n, str))}")
    if len(names) != count:
        raise ValueError(f"{func}({name}=...) takes {wanted}; it got {len(names)}")
    return list(names)


def check_element(func: str, index, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Return `index` as non-negative Python ints, one per axis, if it names an element of `shape`.

    An int (NumPy's too) is accepted for a 1-d array, and negative entries count from the end.

    Examples
    --------
    >>> check_element("show", (np.int8(-1), np.uint64(1)), (3, 4))
    (2, 1)
    >>> check_element("show", ..., (3, 4))
    Traceback (most recent call last):
    ...
    TypeError: show(index=...) takes a tuple of 2 ints, one per axis, e.g. (0, 0), not Ellipsis (a ellipsis)
    """
    wanted = f"a tuple of {len(shape)} ints, one per axis, e.g. {tuple([0] * len(shape))}"
    items = (index,) if _is_int(index) else index
    if not isinstance(items, (tuple, list)) or not all(_is_int(i) for i in items):
        raise TypeError(f"{func}(index=...) takes {wanted}, not {_got(index)}")
    if len(items) != len(shape):
        raise IndexError(f"{func}(index={index!r}) gives {len(items)} ints; the array has "
                         f"{len(shape)} axes, so it takes {wanted}")
    out = []
    for axis, (i, n) in enumerate(zip(items, shape, strict=True)):
        i = operator.index(i)
        if not -n <= i < n:
            raise IndexError(f"{func}(index={index!r}): index {i} is out of range for axis "
                             f"{axis} of length {n}")
        out.append(i % n)
    return tuple(out)


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
