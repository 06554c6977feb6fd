"""Checks of user input shared by the model, the drawings and the measurements.

Every check raises a TypeError (wrong kind of value) or a ValueError (right kind, wrong
value) whose message names the function, the argument, what it got and what it accepts,
so that a learner never meets a traceback from deep inside NumPy or matplotlib.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: Longest ``repr`` of a bad value quoted in a message.
_QUOTE = 60
#: Most cells a drawing may be asked to draw (``max_cells``): more would be unreadable,
#: and slow to render.
MAX_DRAWN_CELLS = 1024


def got(value: object) -> str:
    """Describe `value` for an error message: its (shortened) repr and its type.

    Examples
    --------
    >>> got("10")
    "'10' (a str)"
    >>> got(np.zeros(1000))
    'an ndarray of shape (1000,)'
    """
    if isinstance(value, np.ndarray):
        return f"an ndarray of shape {value.shape}"
    return f"{_short_repr(value)} ({_a_type(value)})"


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1] + "…"


def _a_type(value: object) -> str:
    """``'a list'``, ``'an int'``: the value's type with its article."""
    kind = type(value).__name__
    return f"{'an' if kind[0].lower() in 'aeiou' else 'a'} {kind}"


def require_ndarray(obj: object, func: str, name: str = "a") -> None:
    """Raise a TypeError that helps a learner when `obj` is not a NumPy array.

    Parameters
    ----------
    obj : object
        What the learner passed.
    func : str
        Name of the memlayout function that was called, for the message.
    name : str
        Name of the argument.
    """
    if not isinstance(obj, np.ndarray):
        raise TypeError(
            f"memlayout.{func}(): {name} must be a NumPy array, not {_a_type(obj)} "
            f"({_short_repr(obj)}); convert it first, e.g. np.asarray(x)")


def require_int(value: object, name: str, func: str, *, minimum: int | None = None,
                maximum: int | None = None) -> int:
    """Return `value` as an int, or raise if it is not a whole number in ``[minimum, maximum]``.

    Python and NumPy integers are accepted; ``True``/``False``, floats (even ``2.0``) and
    strings are not.

    Examples
    --------
    >>> require_int(np.int8(3), "repeat", "bandwidth", minimum=1)
    3
    >>> require_int(2.5, "repeat", "bandwidth", minimum=1)
    Traceback (most recent call last):
    ...
    TypeError: memlayout.bandwidth(): repeat must be an int of at least 1, not 2.5 (a float)
    """
    if minimum is not None and maximum is not None:
        accepts = f"an int from {minimum} to {maximum}"
    elif minimum is not None:
        accepts = f"an int of at least {minimum}"
    else:
        accepts = "an int"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"memlayout.{func}(): {name} must be {accepts}, not {got(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"memlayout.{func}(): {name} must be {accepts}, not {got(value)}")
    return int(value)


def require_positive_real(value: object, name: str, func: str) -> float:
    """Return `value` as a float, or raise if it is not a finite number greater than 0.

    Examples
    --------
    >>> require_positive_real(0, "reference_gbps", "bandwidth")
    Traceback (most recent call last):
    ...
    ValueError: memlayout.bandwidth(): reference_gbps must be a finite number greater than 0, not 0 (an int)
    """
    accepts = "a finite number greater than 0"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"memlayout.{func}(): {name} must be {accepts}, not {got(value)}")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"memlayout.{func}(): {name} must be {accepts}, not {got(value)}")
    return number


def require_optional_str(value: object, name: str, func: str) -> None:
    """Raise a TypeError unless `value` is a str or None."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"memlayout.{func}(): {name} must be a str or None, not {got(value)}")


def require_callable(value: object, name: str, func: str, hint: str = "") -> None:
    """Raise a TypeError unless `value` can be called."""
    if not callable(value):
        raise TypeError(f"memlayout.{func}(): {name} must be a function to call, "
                        f"not {got(value)}{hint}")


def require_names(names: object, count: int, name: str, func: str,
                  item: str) -> list[str] | None:
    """Return `names` as a list of `count` strings (None stays None), or raise a clear error.

    `item` says what each string names (``"array"``, ``"dtype"``). A single string is
    refused rather than split into characters.

    Examples
    --------
    >>> require_names(("x", "y"), 2, "names", "show_broadcast", "array")
    ['x', 'y']
    >>> require_names(["x"], 2, "names", "show_broadcast", "array")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: memlayout.show_broadcast(): got 2 arrays but 1 names; give names as a list ...
    """
    if names is None:
        return None
    accepts = f"give {name} as a list with one string per {item}"
    if isinstance(names, (str, bytes)):
        raise ValueError(f"memlayout.{func}(): {accepts}, not {got(names)}")
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"memlayout.{func}(): {accepts}, not {got(names)}")
    if len(names) != count:
        raise ValueError(f"memlayout.{func}(): got {count} {item}s but {len(names)} {name}; "
                         f"{accepts}")
    return list(names)
