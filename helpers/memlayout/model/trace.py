"""Trace a function of arrays into a :class:`~memlayout.model.graph.Graph` of its operations.

Part of the model layer (NumPy only). :func:`trace` calls the function with stand-ins for its
array arguments. A stand-in wraps a real array and takes part in NumPy's dispatch protocols
(``__array_ufunc__``, NEP 13, and ``__array_function__``, NEP 18), so each ufunc or array
function the code applies to it runs for real and is recorded as a node: its inputs, the
bytes, shape and dtype of its result, and how to compute it again. Operations that make a
view, and anything else the protocols do not route here, get a TypeError that names them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from memlayout.model.graph import Graph, Node

__all__ = ["Traced", "trace"]


@dataclass(frozen=True)
class Traced:
    """What :func:`trace` returns: the graph, the input arrays by name, and the real results.

    Attributes
    ----------
    graph : Graph
    inputs : dict of str to numpy.ndarray
        The arrays the function was called with, by the names the graph uses.
    outputs : tuple of numpy.ndarray
        What the function returned, computed while tracing.
    """

    graph: Graph
    inputs: dict
    outputs: tuple

    def __repr__(self) -> str:
        return f"Traced({self.graph!r})"


class _Recorder:
    """Collects the nodes of one trace and names them t1, t2, … in the order they run."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self._numbers = count(1)

    def record(self, op, compute, operands, result, inplace=None, writes_out=True):
        """Add a node for `result`, computed by `compute(*arrays of operands, out=…)`."""
        if isinstance(result, np.generic):
            result = np.asarray(result)  # a reduction's NumPy scalar: a node of 0-d
        if not isinstance(result, np.ndarray):
            return result  # a Python number, a shape…: no buffer, nothing to record
        name = f"t{next(self._numbers)}"
        node = Node(name, tuple(operand.name for operand in operands), result.nbytes, op=op,
                    shape=result.shape, dtype=result.dtype.str,
                    inplace=inplace.name if inplace is not None else None,
                    writes_out=writes_out, compute=compute)
        self.nodes.append(node)
        if inplace is not None:
            inplace.name = name  # later readers of the variable read the new node
            return inplace
        return _Stand(result, name, self)


class _Stand(NDArrayOperatorsMixin):
    """A stand-in for one array during a trace: the real array, and the node that made it."""

    __array_priority__ = 1000

    def __init__(self, array: np.ndarray, name: str, recorder: _Recorder) -> None:
        self.array = array
        self.name = name
        self.recorder = recorder

    # What a learner's code reads off an array works as usual; it records nothing.
    shape = property(lambda self: self.array.shape)
    dtype = property(lambda self: self.array.dtype)
    ndim = property(lambda self: self.array.ndim)
    size = property(lambda self: self.array.size)
    nbytes = property(lambda self: self.array.nbytes)
    itemsize = property(lambda self: self.array.itemsize)

    def __len__(self) -> int:
        return len(self.array)

    def __repr__(self) -> str:
        return f"<traced {self.name}: {self.array.dtype} {self.array.shape}>"

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"trace cannot follow a conversion of the traced array {self.name} to a plain "
            "ndarray (np.asarray, a C extension, or an operation NumPy does not dispatch); "
            "build that part of the graph by hand with memlayout.Graph"
        )

    def _refuse(self, what: str):
        raise TypeError(f"trace cannot record {what}: it makes a view or works outside NumPy's "
                        "ufunc and array-function protocols; describe it with memlayout.Graph")

    def __getitem__(self, index):
        self._refuse("indexing (a[...])")

    def __setitem__(self, index, value):
        self._refuse("item assignment (a[...] = v)")

    T = property(lambda self: self._refuse(".T"))

    def reshape(self, *args, **kwargs):
        self._refuse(".reshape()")

    def __getattr__(self, name):
        # Array methods that compute (sum, mean, …) go through their NumPy function, so that
        # __array_function__ records them; anything else is refused by name.
        function = getattr(np, name, None)
        if name.startswith("_") or not callable(function) or not hasattr(np.ndarray, name):
            raise AttributeError(f"traced arrays have no attribute {name!r}")
        return lambda *args, **kwargs: function(self, *args, **kwargs)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.pop("out", None)
        out = out if isinstance(out, tuple) else (out,) if out is not None else ()
        if len(out) > 1 or ufunc.nout != 1:
            return self._refuse(f"np.{ufunc.__name__} with several outputs")
        target = out[0] if out else None
        if target is not None and not isinstance(target, _Stand):
            return self._refuse(f"np.{ufunc.__name__}(..., out=) into an array that is not traced")
        if method != "__call__" and target is not None:
            return self._refuse(f"np.{ufunc.__name__}.{method}(..., out=)")
        operands, positions, constants = _split(inputs)
        call = getattr(ufunc, method)

        def compute(*arrays, out=None):
            values = _merge(arrays, positions, constants)
            return call(*values, **kwargs) if out is None else call(*values, out=out, **kwargs)

        arrays = [operand.array for operand in operands]
        result = compute(*arrays, out=target.array if target is not None else None)
        op = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
        return self.recorder.record(op, compute, operands, result, inplace=target,
                                    writes_out=method == "__call__")

    def __array_function__(self, func, types, args, kwargs):
        if "out" in kwargs:
            return self._refuse(f"np.{func.__name__}(..., out=)")
        leaves: list[_Stand] = []
        template = _template(args, leaves)
        extra = dict(kwargs)
        if _has_stand(extra):
            return self._refuse(f"np.{func.__name__} with a traced keyword argument")

        def compute(*arrays, out=None):
            values = _fill(template, iter(arrays))
            result = func(*values, **extra)
            if out is None:
                return result
            out[...] = result
            return out

        result = compute(*[leaf.array for leaf in leaves])
        if isinstance(result, np.ndarray) and any(np.shares_memory(result, leaf.array) for leaf in leaves):
            return self._refuse(f"np.{func.__name__}, which returned a view of its input")
        return self.recorder.record(func.__name__, compute, leaves, result, writes_out=False)


def _split(inputs):
    """Separate stand-ins from constants: (stand-ins, their positions, all values)."""
    operands = [value for value in inputs if isinstance(value, _Stand)]
    positions = [number for number, value in enumerate(inputs) if isinstance(value, _Stand)]
    return operands, positions, list(inputs)


def _merge(arrays, positions, constants):
    """Put arrays back where the stand-ins were among the constants."""
    values = list(constants)
    for position, array in zip(positions, arrays, strict=True):
        values[position] = array
    return values


def _template(value, leaves):
    """Copy nested lists/tuples, replacing each stand-in by a slot and collecting it."""
    if isinstance(value, _Stand):
        leaves.append(value)
        return _Slot
    if isinstance(value, list | tuple):
        return type(value)(_template(item, leaves) for item in value)
    return value


def _fill(template, arrays):
    """Undo :func:`_template` with real arrays, in the same order."""
    if template is _Slot:
        return next(arrays)
    if isinstance(template, list | tuple):
        return type(template)(_fill(item, arrays) for item in template)
    return template


def _has_stand(value) -> bool:
    if isinstance(value, _Stand):
        return True
    if isinstance(value, list | tuple):
        return any(_has_stand(item) for item in value)
    if isinstance(value, dict):
        return any(_has_stand(item) for item in value.values())
    return False


class _Slot:
    """Marks where a traced array goes in a template of arguments."""


def trace(function: Callable, *arrays: np.ndarray, names: Sequence[str] | None = None) -> Traced:
    """Run `function(*arrays)` and record each NumPy operation it applies to them.

    Parameters
    ----------
    function : callable
        Takes the arrays positionally and returns an array or a tuple of arrays computed
        from them with ufuncs (operators included) and NumPy functions.
    *arrays : numpy.ndarray
        Its inputs; they are not modified unless the function writes into them.
    names : sequence of str, optional
        Names for the inputs in the graph (``x0, x1, …`` by default).

    Returns
    -------
    Traced

    Raises
    ------
    TypeError
        If an argument is not an ndarray, the function returns something not computed from
        its inputs, or it uses an operation trace cannot record (the message names it).

    Examples
    --------
    >>> import numpy as np
    >>> def scaled(x):
    ...     return (x - x.mean()) * 2.0
    >>> traced = trace(scaled, np.arange(4, dtype=np.float64), names=["x"])
    >>> traced.graph.nodes
    (Node('t1' = mean(x), 8 B), Node('t2' = subtract(x, t1), 32 B), Node('t3' = multiply(t2), 32 B))
    >>> traced.outputs
    (array([-3., -1.,  1.,  3.]),)
    """
    if not callable(function):
        raise TypeError(f"trace needs a function, got {type(function).__name__}")
    for number, array in enumerate(arrays):
        if not isinstance(array, np.ndarray):
            raise TypeError(f"trace: argument {number} must be a numpy.ndarray, got {type(array).__name__}")
    names = [f"x{number}" for number in range(len(arrays))] if names is None else list(names)
    if len(names) != len(arrays) or len(set(names)) != len(names):
        raise ValueError(f"names must give {len(arrays)} different names, got {names!r}")
    recorder = _Recorder()
    stands = [_Stand(array, name, recorder) for array, name in zip(arrays, names, strict=True)]
    returned = function(*stands)
    returned = returned if isinstance(returned, tuple) else (returned,)
    if not recorder.nodes or not all(isinstance(value, _Stand) for value in returned):
        raise TypeError("the traced function must return arrays it computed from its inputs "
                        f"with NumPy operations, got {tuple(type(value).__name__ for value in returned)}")
    if any(value is stand for value in returned for stand in stands):
        raise TypeError("the traced function returned one of its inputs unchanged")
    graph = Graph(recorder.nodes, inputs=names, outputs=[value.name for value in returned])
    return Traced(graph, dict(zip(names, arrays, strict=True)), tuple(value.array for value in returned))
