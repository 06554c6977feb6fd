"""Figures on a screen: sharp on HiDPI displays, shown at their display size, compact."""

from __future__ import annotations

import struct

import numpy as np
from IPython.core.formatters import DisplayFormatter

import memlayout
from memlayout.drawing._style import PIXEL_RATIO


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from a PNG's header chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_ipython_shows_a_hidpi_png_at_its_display_size():
    fig = memlayout.show(np.arange(6.0).reshape(2, 3))
    data, metadata = DisplayFormatter().format(fig)
    width, height = (round(n) for n in fig.get_size_inches() * fig.dpi)
    assert metadata["image/png"] == {"width": width, "height": height}
    assert png_size(data["image/png"]) == (PIXEL_RATIO * width, PIXEL_RATIO * height)
    assert PIXEL_RATIO >= 2
    assert data["text/plain"] == f"<LayoutFigure size {width}x{height} with 1 Axes>"
