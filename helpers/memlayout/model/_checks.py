"""Checks of user input shared by the model, the drawings and the measurements."""

from __future__ import annotations

import numpy as np


def require_ndarray(obj: object, func: str) -> None:
    """Raise a TypeError that helps a learner when `obj` is not a NumPy array.

    Parameters
    ----------
    obj : object
        What the learner passed.
    func : str
        Name of the memlayout function that was called, for the message.
    """
    if not isinstance(obj, np.ndarray):
        raise TypeError(
            f"memlayout.{func}() takes a NumPy array, not a {type(obj).__name__}; "
            f"convert it first, e.g. memlayout.{func}(np.asarray(x))")
