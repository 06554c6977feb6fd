"""How operands of different shapes line up under NumPy's broadcasting rules.

Part of the model layer (NumPy only). :func:`broadcast_layout` aligns shapes on the
right, pads missing axes with length 1, and reports which axes each operand stretches
with stride 0, which is all NumPy does: no operand is copied to the result's shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from memlayout.model._checks import got


@dataclass(frozen=True)
class Operand:
    """One operand of a broadcast, before and after stretching.

    Attributes
    ----------
    shape : tuple of int
        The operand's own shape.
    padded_shape : tuple of int
        The shape with length-1 axes added on the left up to the result's number of axes.
    strides : tuple of int
        Strides of ``np.broadcast_to(operand, result_shape)``: 0 on every stretched axis.
    stretched : tuple of int
        Axes of the result along which the operand repeats (missing or of length 1 there,
        longer in the result).
    """

    shape: tuple[int, ...]
    padded_shape: tuple[int, ...]
    strides: tuple[int, ...]
    stretched: tuple[int, ...]

    @property
    def padded(self) -> tuple[int, ...]:
        """Axes of the result that the operand did not have and that were added on the left."""
        return tuple(range(len(self.padded_shape) - len(self.shape)))

    def is_repeat(self, index: tuple[int, ...]) -> bool:
        """True if element `index` of the broadcast operand re-reads one of its own elements.

        `index` (non-negative, one entry per result axis) is a repeat when it is past 0
        along a stretched axis: stride 0 there means it reads the same bytes as the
        element with that entry set to 0. The others are the operand's own elements.
        """
        return any(index[k] for k in self.stretched)


@dataclass(frozen=True)
class Broadcast:
    """Result of :func:`broadcast_layout`.

    Attributes
    ----------
    operands : tuple of Operand
    shape : tuple of int
        Shape of the result.
    """

    operands: tuple[Operand, ...]
    shape: tuple[int, ...]


def broadcast_layout(*arrays) -> Broadcast:
    """Line up `arrays` under the broadcasting rules and describe each one's stretch.

    Parameters
    ----------
    *arrays : numpy.ndarray or scalar
        Two or more operands (one is allowed); Python and NumPy scalars count as 0-d arrays.

    Returns
    -------
    Broadcast

    Raises
    ------
    TypeError
        If an operand is not an array or a scalar (a list, say).
    ValueError
        If the shapes cannot be broadcast; the message names the two shapes and the axis.

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> b = memlayout.broadcast_layout(np.ones((3, 1)), np.ones(4))
    >>> b.shape, [op.stretched for op in b.operands]
    ((3, 4), [(1,), (0,)])
    """
    if not arrays:
        raise TypeError("memlayout.broadcast_layout() needs at least one array, "
                        "e.g. broadcast_layout(np.ones((3, 1)), np.ones(4))")
    arrays = [_as_operand(a, k) for k, a in enumerate(arrays)]
    shape = _result_shape([a.shape for a in arrays])
    operands = []
    for a in arrays:
        padded = (1,) * (len(shape) - a.ndim) + a.shape
        stretched = tuple(k for k, (n, m) in enumerate(zip(padded, shape, strict=True)) if n != m)
        strides = np.broadcast_to(a, shape).strides
        operands.append(Operand(a.shape, padded, strides, stretched))
    return Broadcast(tuple(operands), shape)


def _as_operand(a, position: int) -> np.ndarray:
    """Accept arrays and scalars; refuse lists with a hint, since their shape is a guess."""
    if isinstance(a, np.ndarray):
        return a
    if isinstance(a, (int, float, complex, np.generic)):
        return np.asarray(a)
    raise TypeError(
        f"memlayout.broadcast_layout(): operand {position} must be a NumPy array or a "
        f"scalar, not {got(a)}; convert it first, e.g. np.asarray(x)")


def _result_shape(shapes: list[tuple[int, ...]]) -> tuple[int, ...]:
    """Broadcast `shapes`, or raise a ValueError naming the first two that clash."""
    ndim = max(len(s) for s in shapes)
    result = [1] * ndim
    owner = [None] * ndim
    for shape in shapes:
        for k, n in enumerate(shape, start=ndim - len(shape)):
            if n == 1:
                continue
            if result[k] not in (1, n):
                raise ValueError(
                    f"shapes {owner[k]} and {shape} cannot be broadcast: aligned on the "
                    f"right, axis {k - ndim} has length {result[k]} in one and {n} in the "
                    f"other; each pair of lengths must be equal, or one of them 1")
            result[k], owner[k] = n, shape
    return tuple(result)
