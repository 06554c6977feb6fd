"""No text touches another text, and no line or arrow runs through a text, in any figure.

Each figure is rendered; every text's box on the canvas is compared with every other text's
box and with every segment of every line, arrow and copy link.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.patches import ConnectionPatch, FancyArrowPatch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import memlayout
from make_baselines import GALLERY

#: Pixels a box is shrunk by before comparing, for antialiasing at its edges.
_SLACK = 1.0

_BASE = np.arange(24, dtype=np.int64)
_STRIDED = np.lib.stride_tricks.as_strided
EXTRA = {
    "equal strides": lambda: memlayout.show(_STRIDED(_BASE, (3, 3), (8, 8))),
    "equal and opposite": lambda: memlayout.show(_STRIDED(_BASE[12:], (3, 3, 2), (8, -8, 8))),
    "three equal": lambda: memlayout.show(_STRIDED(_BASE, (2, 2, 2), (8, 8, 8)), index=(1, 1, 1)),
    "small over large": lambda: memlayout.show(_BASE.reshape(2, 3, 4).transpose(2, 0, 1)),
    "four axes": lambda: memlayout.show(_BASE.reshape(2, 1, 3, 4)[:, :, ::-1]),
    "long stride first": lambda: memlayout.show(_BASE.reshape(4, 6)[:, :2], base=_BASE),
    "two zero strides": lambda: memlayout.show(np.broadcast_to(np.arange(2.0), (3, 4, 2))),
    "big strides": lambda: memlayout.show(np.zeros((300, 400))[::7, ::-9]),
    "bytes of ints": lambda: memlayout.show(np.arange(3, dtype="<u2").view(np.uint8)),
    "union": lambda: memlayout.show_dtype(np.dtype({"names": list("abc"), "formats": ["<i4", "<f8", "u1"],
                                                    "offsets": [0, 0, 2]})),
    "huge union": lambda: memlayout.show_dtype(np.dtype({"names": [f"f{i}" for i in range(400)],
                                                         "formats": ["<f8"] * 400, "offsets": [0] * 400})),
    "huge subarray": lambda: memlayout.show_dtype(np.dtype([("x", "<f8", (10**8,))])),
    "many fields": lambda: memlayout.show_dtype(np.dtype([(f"f{i}", "<i2") for i in range(400)])),
}


def text_boxes(fig, renderer):
    return [(t.get_text(), t.get_window_extent(renderer).expanded(1, 1).padded(-_SLACK))
            for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def segments(fig):
    """Every straight piece of every line, arrow and link, in canvas pixels."""
    for line in fig.findobj(Line2D):
        if line.axes is None or not line.get_visible():
            continue
        points = line.get_transform().transform(line.get_xydata())
        yield from zip(points[:-1], points[1:], strict=True)
    for patch in fig.findobj(lambda a: isinstance(a, (FancyArrowPatch, ConnectionPatch))):
        path = patch.get_transform().transform_path(patch.get_path())
        for polygon in path.to_polygons(closed_only=False):
            yield from itertools.pairwise(polygon)


def crosses(segment, box: Bbox) -> bool:
    """Whether the segment between two points passes through `box` (Liang–Barsky clipping)."""
    (x0, y0), (x1, y1) = segment
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box.x0), (dx, box.x1 - x0), (-dy, y0 - box.y0), (dy, box.y1 - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def overlaps(fig) -> list[str]:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    boxes = text_boxes(fig, canvas.get_renderer())
    found = [f"text {a!r} overlaps text {b!r}"
             for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
             if box_a.overlaps(box_b)]
    lines = list(segments(fig))
    found += [f"a line runs through text {text!r}" for text, box in boxes
              if any(crosses(s, box) for s in lines)]
    return found


@pytest.mark.parametrize("name", [*GALLERY, *EXTRA])
def test_nothing_overlaps(name):
    fig = (GALLERY | EXTRA)[name]()
    assert overlaps(fig) == []


def test_the_check_sees_a_line_through_a_label():
    fig = memlayout.show(np.arange(4.0))
    ax = fig.axes[0]
    label = next(t for t in ax.texts if t.get_text() == "axis 0: +8 B")
    x, y = label.get_position()
    ax.plot([x + 0.2, x + 0.2], [y, y + 0.12])
    assert overlaps(fig) == ["a line runs through text 'axis 0: +8 B'"]
