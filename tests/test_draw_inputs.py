"""Every drawing, given unusual or wrong input: no warning, and a clear error when refused."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import memlayout

HALF = np.array([1e4, 6e4, np.inf, -np.inf, np.nan, 1e-5, 0.0, -3.5], dtype=np.float16)


@pytest.mark.parametrize("draw", [
    lambda: memlayout.show(HALF),
    lambda: memlayout.show(HALF.reshape(2, 4), index=(1, 1)),
    lambda: memlayout.show_index(HALF, [1, 2, 2]),
    lambda: memlayout.show_index(HALF, HALF > 0),
    lambda: memlayout.show_broadcast(HALF, np.float16(2), op=np.multiply),
    lambda: memlayout.show_dtype(np.float16, np.dtype([("h", np.float16), ("l", np.longdouble)])),
    lambda: memlayout.show(np.array([1e300, 1e-300], dtype=np.longdouble) ** 2),
], ids=["show", "show-index", "gather", "mask", "broadcast", "dtype", "longdouble"])
def test_small_and_wide_floats_draw_without_a_warning(draw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw()._repr_png_()
