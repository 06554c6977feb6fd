"""What the explorer shows, as plain data: the steps asked for, their result, its facts.

A :class:`Request` is the state of the controls (an index, ``.T``, a reshape, a
``.view(dtype)``, a ``np.broadcast_to``), applied in that order to the explored array ``a``.
:func:`evaluate` runs it with NumPy and returns an :class:`Outcome`, or raises
:class:`Rejected` with NumPy's own message. :func:`facts` states the result's memory in text
and :func:`picture` draws it with memlayout's drawings. Nothing here imports ipywidgets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from memlayout.drawing.array import show
from memlayout.drawing.index import show_index
from memlayout.interactive.parse import index_source, parse_index, parse_shape
from memlayout.model.layout import layout

#: The dtypes the ``.view(dtype)`` control offers, smallest first.
VIEW_DTYPES = ("bool", "int8", "uint8", "int16", "float16", "int32", "uint32", "float32",
               "int64", "uint64", "float64", "complex64", "complex128")


class Rejected(Exception):
    """NumPy (or the parser) refused a step; ``str()`` is the message the widget shows.

    Attributes
    ----------
    step : str
        Which step failed: ``'index'``, ``'reshape'``, ``'view'`` or ``'broadcast_to'``.
    error : Exception
        What was raised; its type and message are NumPy's.
    """

    def __init__(self, step: str, error: Exception) -> None:
        super().__init__(f"{_STEP_NAMES[step]}: {type(error).__name__}: {error}")
        self.step = step
        self.error = error


_STEP_NAMES = {"index": "a[...]", "reshape": ".reshape", "view": ".view",
               "broadcast_to": "np.broadcast_to"}


@dataclass(frozen=True)
class Request:
    """The steps to apply to ``a``, as the controls hold them (text as typed).

    Attributes
    ----------
    index : str
        The text after ``a``: ``"[::2, 1:]"``; empty for everything (``[:]``, or ``[...]``
        for a 0-d array).
    transpose : bool
        Whether to take ``.T``.
    reshape : str
        The shape to reshape to, ``"3, 4"``; empty to skip the step.
    view : str
        A dtype name to ``.view`` the result as; empty to skip the step.
    broadcast_to : str
        The shape to ``np.broadcast_to``; empty to skip the step.
    """

    index: str = ""
    transpose: bool = False
    reshape: str = ""
    view: str = ""
    broadcast_to: str = ""


@dataclass(frozen=True)
class Outcome:
    """A request NumPy accepted, and what it made.

    Attributes
    ----------
    request : Request
    index : object
        The parsed index, as NumPy received it.
    code : str
        The request as Python: ``"np.broadcast_to(a[::2].T, (3, 2))"``.
    result : numpy.ndarray or numpy.generic
        What the code returns (a NumPy scalar when the index names one element).
    gathered : bool
        True when the index itself copied: advanced indexing, or a scalar.
    only_index : bool
        True when the request is the index alone, with no step after it.
    """

    request: Request
    index: object
    code: str
    result: np.ndarray | np.generic
    gathered: bool
    only_index: bool


def evaluate(a: np.ndarray, request: Request) -> Outcome:
    """Apply `request` to `a` with NumPy.

    Parameters
    ----------
    a : numpy.ndarray
    request : Request

    Returns
    -------
    Outcome

    Raises
    ------
    Rejected
        If a step's text does not parse or NumPy refuses the step.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(12).reshape(3, 4)
    >>> out = evaluate(a, Request("[::2]", transpose=True))
    >>> out.code, out.result.shape
    ('a[::2].T', (4, 2))
    >>> evaluate(a, Request("[3]"))
    Traceback (most recent call last):
    ...
    memlayout.interactive.state.Rejected: a[...]: IndexError: index 3 is out of bounds for axis 0 with size 3
    """
    index_text = index_source(request.index, a.ndim)
    index = _step("index", parse_index, index_text)
    picked = _step("index", a.__getitem__, index)
    gathered = not isinstance(picked, np.ndarray) or not layout(picked).shares_owner(layout(a))
    only_index = not (request.transpose or request.reshape.strip() or request.view
                      or request.broadcast_to.strip())
    # A NumPy scalar has no strides: the steps after the index work on it as a 0-d array.
    result = picked if only_index else np.asarray(picked)
    code = f"a{index_text}"
    if request.transpose:
        result, code = result.T, code + ".T"
    shape = _step("reshape", parse_shape, request.reshape, "reshape")
    if shape is not None:
        result = _step("reshape", result.reshape, shape)
        code += f".reshape({', '.join(map(str, shape))})"
    if request.view:
        dtype = _step("view", np.dtype, request.view)
        result = _step("view", result.view, dtype)
        code += f".view(np.{dtype.name})"
    shape = _step("broadcast_to", parse_shape, request.broadcast_to, "broadcast_to")
    if shape is not None:
        result = _step("broadcast_to", np.broadcast_to, result, shape)
        code = f"np.broadcast_to({code}, {shape})"
    return Outcome(request, index, code, result, gathered, only_index)


def _step(step: str, func, *args):
    """Run one step; whatever NumPy or the parser raises becomes :class:`Rejected`."""
    try:
        return func(*args)
    except Exception as error:  # NumPy's message is the lesson; the type is shown with it
        raise Rejected(step, error) from error


def facts(a: np.ndarray, outcome: Outcome) -> list[str]:
    """State what the result of `outcome` is in memory, one line per fact.

    The lines name the result ``b``: its code, shape, dtype and strides, where its first
    element sits, its flags, and what ``np.shares_memory(a, b)`` says.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(12, dtype=np.int64).reshape(3, 4)
    >>> print("\\n".join(facts(a, evaluate(a, Request("[::2, 1:]")))))
    b = a[::2, 1:]
    shape (2, 3) · dtype int64 · itemsize 8 B · strides (64, 8)
    b[0, 0] is byte 8 of the memory a is in (a[0, 0] is byte 0 of that ndarray of 96 B)
    flags: C_CONTIGUOUS False · F_CONTIGUOUS False · OWNDATA False · WRITEABLE True
    np.shares_memory(a, b) → True: b is a view, it reads and writes a's bytes
    """
    b = outcome.result
    lines = [f"b = {outcome.code}"]
    if not isinstance(b, np.ndarray):
        scalar = np.asarray(b)
        lines.append(f"b is a NumPy scalar, {b!r}: its {scalar.nbytes} bytes were copied out of a")
        lines.append(f"np.shares_memory(a, b) → False; a{_first(outcome.index)}, ...] "
                     "would be a 0-d view instead")
        return lines
    lines.append(f"shape {b.shape} · dtype {b.dtype} · itemsize {b.itemsize} B · "
                 f"strides {b.strides}")
    mine, theirs = layout(b), layout(a)
    first = _first_element(b.ndim)
    if mine.shares_owner(theirs):
        lines.append(f"b{first} is byte {mine.offset} of the memory a is in (a{_first_element(a.ndim)} "
                     f"is byte {theirs.offset} of that {theirs.owner_type} of {theirs.buffer_nbytes:,} B)")
    else:
        lines.append(f"b is in new memory, not a's: a buffer of {mine.buffer_nbytes:,} B, "
                     f"b{first} at its byte {mine.offset}")
        if not b.flags.owndata:
            lines.append("b is a view of that new buffer, which b.base owns: so OWNDATA is False")
    flags = b.flags
    lines.append("flags: " + " · ".join(f"{name} {flags[name]}" for name in
                                        ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE")))
    shared = bool(np.shares_memory(a, b))
    if shared:
        role = "reads and writes" if flags.writeable else "reads (read-only)"
        lines.append(f"np.shares_memory(a, b) → True: b is a view, it {role} a's bytes")
    elif mine.shares_owner(theirs):
        lines.append("np.shares_memory(a, b) → False: b is a view of a's memory, "
                     "but it has no elements")
    else:
        lines.append("np.shares_memory(a, b) → False: b is a copy; writing to it leaves a unchanged")
    return lines


def picture(a: np.ndarray, outcome: Outcome) -> Figure:
    """Draw the result of `outcome` over `a`'s memory.

    A result that lives in `a`'s memory is drawn by :func:`memlayout.show` over `a`'s
    bytes. An index that copies (advanced indexing, one element) with no step after it is
    drawn by :func:`memlayout.show_index`, the gather from `a` into a new buffer; any other
    copy is drawn alone, in the buffer it owns.
    """
    b = outcome.result
    if outcome.gathered and outcome.only_index:
        return show_index(a, outcome.index)
    b = np.asarray(b)
    title = f"b = {outcome.code}"
    if layout(b).shares_owner(layout(a)):
        return show(b, base=a, title=title)
    return show(b, title=title + "  (a copy: new memory, not a's)")


def _first_element(ndim: int) -> str:
    return "[" + ", ".join("0" * ndim) + "]" if ndim else "[()]"


def _first(index) -> str:
    """``a[1, 2`` for index ``(1, 2)``: the start of the same index with ``...`` added."""
    items = index if isinstance(index, tuple) else (index,)
    return "[" + ", ".join(map(str, items))
