"""``explore``: a live explorer of one array's views, with a static picture where widgets cannot run.

:class:`Explorer` holds the explored array, the last request NumPy accepted and its
picture. In JupyterLab it shows ipywidgets controls (built by
:mod:`memlayout.interactive.controls`, imported only when ipywidgets is installed); each
change re-evaluates the request and redraws. Everywhere else (nbval, a static HTML page,
GitHub's viewer, a terminal) it shows what its MIME bundle also holds: a PNG of the picture
and the facts as plain text, both the same on every run.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import re
from collections import OrderedDict

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from memlayout.interactive.state import VIEW_DTYPES, Outcome, Rejected, Request, evaluate, facts, picture
from memlayout.model._checks import require_ndarray

#: MIME type of an ipywidgets view in a notebook output.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Pictures kept for requests seen before (an SVG is tens of kB).
CACHE_SIZE = 64
#: Largest array whose bytes are hashed so that its pictures can be reused: hashing 1 MiB
#: takes about a millisecond. Larger arrays are redrawn on every change.
CACHE_MAX_NBYTES = 1 << 20


class Explorer:
    """An array, a request over it, and the picture and facts of its result.

    Build it with :func:`explore`. In a notebook it displays as the live widget; its MIME
    bundle also holds a PNG and the facts, which any other frontend shows instead.

    Attributes
    ----------
    a : numpy.ndarray
        The explored array.
    outcome : Outcome
        The last request NumPy accepted, with its result.
    error : str
        Why the last request was rejected (NumPy's message), or ``""``.
    controls : memlayout.interactive.controls.Controls or None
        The widgets, or None where ipywidgets is not installed.
    """

    def __init__(self, a: np.ndarray, request: Request) -> None:
        self.a = a
        self.outcome: Outcome = evaluate(a, request)
        self.error = ""
        self._pictures: OrderedDict[tuple, tuple[bytes, tuple[int, int]]] = OrderedDict()
        try:
            from memlayout.interactive.controls import Controls
        except ImportError:  # no ipywidgets: the static picture is all there is
            self.controls = None
        else:
            self.controls = Controls(self)

    @property
    def result(self) -> np.ndarray | np.generic:
        """The array (or NumPy scalar) the current request makes: ``b``."""
        return self.outcome.result

    @property
    def code(self) -> str:
        """The current request as Python, e.g. ``'a[::2].T'``."""
        return self.outcome.code

    @property
    def facts(self) -> str:
        """The facts shown beside the picture, one per line."""
        return "\n".join(facts(self.a, self.outcome))

    def submit(self, request: Request) -> bool:
        """Evaluate `request`; keep it if NumPy accepts it, else keep the last good one.

        Returns
        -------
        bool
            True when the request was accepted; otherwise :attr:`error` says why.
        """
        try:
            self.outcome = evaluate(self.a, request)
        except Rejected as rejected:
            self.error = str(rejected)
            return False
        self.error = ""
        return True

    def figure(self) -> Figure:
        """Draw the current result over ``a``'s memory (a new matplotlib figure)."""
        return picture(self.a, self.outcome)

    def svg(self) -> tuple[bytes, tuple[int, int]]:
        """The current picture as SVG, with its display size in pixels; reused when seen before.

        The widget shows SVG: sharp on any screen, and it renders in about a third of the time
        of the PNG (see :func:`svg`). A picture is reused only while ``a``'s bytes are unchanged.
        """
        key = self._picture_key()
        if key is not None and key in self._pictures:
            self._pictures.move_to_end(key)
            return self._pictures[key]
        with _young_garbage_only():
            fig = self.figure()
            made = svg(fig), display_size(fig)
            del fig
        if key is not None:
            self._pictures[key] = made
            while len(self._pictures) > CACHE_SIZE:
                self._pictures.popitem(last=False)
        return made

    def _picture_key(self) -> tuple | None:
        if self.a.nbytes > CACHE_MAX_NBYTES:
            return None
        values = hashlib.blake2b(self.a.tobytes()).digest()
        return self.outcome.request, values

    def _repr_mimebundle_(self, include=None, exclude=None):
        fig = self.figure()
        png = fig._repr_png_()  # the drawing's own PNG, possibly with its display size
        if isinstance(png, tuple):
            png, size = png
        else:
            width, height = display_size(fig)
            size = {"width": width, "height": height}
        text = self.facts
        data = {"text/plain": text, "image/png": png}
        if self.controls is None:
            data["text/plain"] += "\n(install ipywidgets for the live explorer)"
        else:
            data[WIDGET_VIEW] = self.controls.box._repr_mimebundle_()[WIDGET_VIEW]
        return data, {"image/png": size}

    def __repr__(self) -> str:
        return f"<memlayout explorer: b = {self.code}>"


@contextlib.contextmanager
def _young_garbage_only():
    """Hold off the cyclic garbage collector while one picture is drawn, then collect its young.

    A redraw makes tens of thousands of objects in reference cycles (a matplotlib figure).
    A collection in the middle of it moves the live ones to the older generations, and
    every few redraws that made the collector sweep every object of the kernel: 30 ms here,
    more in a kernel full of a learner's objects. Collected afterwards, the whole figure is
    garbage of the youngest generation, freed without a full sweep.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def svg(fig: Figure) -> bytes:
    """Render `fig` as SVG whose text the browser draws.

    Text is written as text (``svg.fonttype: none``), not as glyph outlines: that is most of
    the saving over a PNG. The browser then needs the font, so every ``font-family`` gets
    the generic ``monospace`` after its own (DejaVu Sans Mono): a screen without DejaVu uses
    a monospace font of the same character width (Menlo, on macOS, has the same metrics).
    """
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return _FONT_FAMILY.sub(rb"\1, monospace", buffer.getvalue())


#: A CSS font-family list in matplotlib's SVG that does not end with a generic family.
_FONT_FAMILY = re.compile(rb"(font-family: [^;\"]*?)(?<!monospace)(?<!sans-serif)(?<!serif)(?=[;\"])")


def display_size(fig: Figure) -> tuple[int, int]:
    """Width and height in display pixels that a memlayout figure is drawn for."""
    width, height = fig.get_size_inches() * fig.dpi
    return round(width), round(height)


def explore(a: np.ndarray, index: str = "", *, transpose: bool = False, reshape=None,
            view=None, broadcast_to=None) -> Explorer:
    """Explore the views of `a`: change an index, a transpose or a dtype and watch its memory.

    In JupyterLab this shows a live widget: a box for the index (``a[...]`` syntax), a
    start:stop range and a step slider per axis, and toggles for ``.T``, ``.reshape``,
    ``.view(dtype)`` and ``np.broadcast_to``, applied in that order to ``a``. Beside the
    picture of the result ``b`` over ``a``'s memory (:func:`memlayout.show`; a copying index
    is drawn by :func:`memlayout.show_index`) stand its shape, strides, offset, flags and
    what ``np.shares_memory(a, b)`` says. An index or step NumPy refuses shows NumPy's
    message and leaves the last picture in place.

    Where no widget can run (nbval, a static page, GitHub, a terminal) the output is a PNG
    of the initial picture and the same facts as text.

    Parameters
    ----------
    a : numpy.ndarray
        The array to explore; it is never modified.
    index : str
        The initial index, as typed after ``a``: ``"[::2, 1:]"``; empty for all of `a`.
    transpose : bool
        Start with ``.T`` on.
    reshape, broadcast_to : int or tuple of int, optional
        Start with that step on, to that shape.
    view : dtype-like, optional
        Start with ``.view(view)`` on: a boolean, integer, float or complex dtype.

    Returns
    -------
    Explorer
        Displays as the widget. ``.result`` is the current ``b``, ``.facts`` its facts and
        ``.figure()`` its picture.

    Raises
    ------
    TypeError
        If `a` is not an array, or an argument has the wrong type.
    ValueError, IndexError
        If NumPy refuses the initial request (its message, with the argument's name).

    Examples
    --------
    >>> import numpy as np, memlayout
    >>> a = np.arange(12, dtype=np.int64).reshape(3, 4)
    >>> ex = memlayout.explore(a, "[::2, 1:]", transpose=True)
    >>> ex.code, ex.result.strides
    ('a[::2, 1:].T', (8, 64))
    >>> print(ex.facts.splitlines()[-1])
    np.shares_memory(a, b) → True: b is a view, it reads and writes a's bytes
    """
    require_ndarray(a, "explore")
    if not isinstance(index, str):
        raise TypeError(f"explore(a, index=...) takes the index as text, e.g. '[::2, 1:]'; "
                        f"got a {type(index).__name__}")
    if not isinstance(transpose, (bool, np.bool_)):
        raise TypeError(f"explore(a, transpose=...) takes True or False; got {transpose!r}")
    request = Request(index, bool(transpose), _shape_text(reshape, "reshape"), _dtype_name(view),
                      _shape_text(broadcast_to, "broadcast_to"))
    try:
        return Explorer(a, request)
    except Rejected as rejected:
        kind = type(rejected.error) if isinstance(rejected.error, (TypeError, IndexError)) \
            else ValueError
        shown = {"index": index, "reshape": reshape, "view": view,
                 "broadcast_to": broadcast_to}[rejected.step]
        raise kind(f"explore(a, {rejected.step}={shown!r}): {rejected.error}") from None


def _shape_text(shape, name: str) -> str:
    """A shape argument as the box would hold it: ``(3, 4)`` → ``'3, 4'``; None → ``''``."""
    if shape is None:
        return ""
    items = shape if isinstance(shape, tuple) else (shape,)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_))
               for n in items):
        raise TypeError(f"explore(a, {name}=...) takes an int or a tuple of ints; got {shape!r}")
    return ", ".join(str(int(n)) for n in items)


def _dtype_name(view) -> str:
    """A view argument as the dropdown holds it: a dtype's name, or ``''`` for none."""
    if view is None:
        return ""
    try:
        dtype = np.dtype(view)
    except TypeError:
        raise TypeError(f"explore(a, view=...) takes a dtype such as np.int32; got {view!r}") from None
    if dtype.name not in VIEW_DTYPES:
        raise ValueError(f"explore(a, view=...) takes one of {', '.join(VIEW_DTYPES)}; "
                         f"got {dtype}")
    return dtype.name
