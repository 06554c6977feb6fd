"""Render the gallery of memlayout figures, and rewrite the baseline images after a deliberate change.

Usage::

    python tools/make_baselines.py            # rewrite every baseline in tests/baseline_images/
    python tools/make_baselines.py show_view  # rewrite only the cases named

``tests/test_figure_baselines.py`` renders the same cases and compares them with these files
(``matplotlib.testing.compare.compare_images``), so a drawing cannot change unseen. After
changing a drawing on purpose: run this script, look at every changed PNG (``git diff
--stat tests/baseline_images`` lists them), and commit the images with the change.

The cases are the figures the lessons draw, with the lessons' own inputs. Figures are
rendered with matplotlib's test font settings (no hinting), so that FreeType versions change
the pixels as little as possible, at the figures' display resolution.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import matplotlib.testing
import numpy as np

import memlayout

BASELINES = Path(__file__).resolve().parent.parent / "tests" / "baseline_images"

_A34 = np.arange(12, dtype=np.int64).reshape(3, 4)
_V10 = np.arange(10, dtype=np.int64) * 10
_FLAG_VALUE = [("flag", np.uint8), ("value", np.float64)]
_SENSOR = [("active", np.bool), ("reading", np.float64), ("channel", np.int16),
           ("gain", np.float32), ("status", np.uint8)]
_POINT = np.dtype([("x", np.float32), ("y", np.float32)], align=True)
_X5 = np.arange(5.0)

#: name: function that draws the figure.
GALLERY = {
    # show: 00, 02, 03, 04, 05, 07, 08
    "show_owner_index": lambda: memlayout.show(_A34, index=(2, 1)),
    "show_small_row": lambda: memlayout.show(np.array([0.5, 1.5, 2.5])),
    "show_view_base": lambda: memlayout.show(_A34[:, ::2], base=_A34),
    "show_corner_index": lambda: memlayout.show(_A34[1:, 1:], base=_A34, index=(1, 2)),
    "show_transpose": lambda: memlayout.show(_A34.T, base=_A34),
    "show_fortran_index": lambda: memlayout.show(np.asfortranarray(_A34), index=(2, 1)),
    "show_reversed": lambda: memlayout.show(np.arange(10, dtype=np.int32)[::-3]),
    "show_windows": lambda: memlayout.show(
        np.lib.stride_tricks.sliding_window_view(np.arange(6, dtype=np.int64), 3), index=(1, 1)),
    "show_broadcast_to": lambda: memlayout.show(np.broadcast_to(np.arange(3.0), (4, 3))),
    "show_broadcast_rows": lambda: memlayout.show(
        np.broadcast_to(np.array([1.0, 2.0, 3.0]), (1000, 3)), index=(999, 1)),
    "show_new_axis": lambda: memlayout.show(_X5[:, None], base=_X5),
    "show_3d": lambda: memlayout.show(np.arange(24, dtype=np.int64).reshape(2, 3, 4)),
    "show_huge": lambda: memlayout.show(np.broadcast_to(np.float64(1.0), (10**6, 10**6))),
    # show_dtype: 01
    "dtype_sizes": lambda: memlayout.show_dtype(np.float64, np.float32, np.int16,
                                                labels=["float64", "float32", "int16"]),
    "dtype_byte_order": lambda: memlayout.show_dtype(np.dtype("<i4"), np.dtype(">i4"),
                                                     labels=["little-endian", "big-endian"]),
    "dtype_padding": lambda: memlayout.show_dtype(np.dtype(_FLAG_VALUE),
                                                  np.dtype(_FLAG_VALUE, align=True),
                                                  labels=["packed", "align=True"]),
    "dtype_sensor": lambda: memlayout.show_dtype(np.dtype(_SENSOR, align=True),
                                                 labels=["sensor"], max_cells=32),
    "dtype_reordered": lambda: memlayout.show_dtype(
        np.dtype(_SENSOR, align=True), np.dtype([_SENSOR[i] for i in (1, 3, 2, 0, 4)], align=True),
        labels=["sensor", "reordered"], max_cells=32),
    "dtype_strings": lambda: memlayout.show_dtype("U3", "S3",
                                                  labels=["np.str_ 'U3'", "np.bytes_ 'S3'"]),
    "dtype_nested": lambda: memlayout.show_dtype(
        np.dtype([("id", np.uint16), ("pos", _POINT), ("mass", np.float64)], align=True),
        labels=["particle"]),
    "dtype_longdouble": lambda: memlayout.show_dtype(np.longdouble),
    # show_broadcast: 05
    "broadcast_column_row": lambda: memlayout.show_broadcast(
        np.array([[0], [10], [20]]), np.arange(4), op=np.add, names=["col", "row"]),
    "broadcast_3d": lambda: memlayout.show_broadcast(
        np.arange(24, dtype=np.int64).reshape(2, 3, 4), np.array([[100], [200], [300]]),
        op=np.add, names=["block", "offsets"]),
    # show_index: 04, 06
    "index_view": lambda: memlayout.show_index(np.arange(10, dtype=np.int64), np.s_[2:8:2]),
    "index_view_2d": lambda: memlayout.show_index(_A34, np.s_[1:, ::2]),
    "index_gather": lambda: memlayout.show_index(_V10, [7, 2, 2, 5]),
    "index_mask": lambda: memlayout.show_index(_V10, _V10 % 20 == 0),
    "index_mask_2d": lambda: memlayout.show_index(_A34, _A34 % 3 == 0),
    # show_residency: 08
    "residency": lambda: memlayout.show_residency(
        memlayout.Residency(pages=np.arange(48) % 5 < 2, page_size=4096)),
}


def render(name: str, path: Path) -> None:
    """Draw gallery case `name` and save it as a PNG at `path`, with the test font settings."""
    with matplotlib.rc_context():
        matplotlib.testing.set_font_settings_for_testing()
        GALLERY[name]().savefig(path, format="png", metadata={"Software": None})


def main(names: list[str]) -> None:
    unknown = sorted(set(names) - set(GALLERY))
    if unknown:
        sys.exit(f"make_baselines: no gallery case {', '.join(unknown)}; the cases are: "
                 f"{', '.join(GALLERY)}")
    BASELINES.mkdir(exist_ok=True)
    for name in names or GALLERY:
        render(name, BASELINES / f"{name}.png")
        print(f"wrote {(BASELINES / name).relative_to(BASELINES.parent.parent)}.png")


if __name__ == "__main__":
    main(sys.argv[1:])
