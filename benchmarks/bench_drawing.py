"""Benchmark: memlayout's drawings cost the same for ten elements and for a billion.

Run with ``make bench`` (or ``python benchmarks/bench_drawing.py``). It prints, for each
case, the wall time of its first call and the best of five more (building the figure and
rendering it to PNG, as Jupyter does: ``_repr_png_``, at twice the display resolution), and
the peak memory one call allocates above its inputs. The first call pays for the text layouts
and glyph bitmaps that memlayout's PNG backend then keeps for the rest of the kernel's life;
the first case also pays for matplotlib's font loading. These are
measurements to read and report, not assertions: a busy machine changes the times.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from bench_graph import layered

import memlayout


def cases():
    """(name, function that draws) for every public drawing on small and its largest inputs.

    Inputs are built here, outside the drawing functions, so the peak memory printed is what
    a drawing allocates above its inputs.
    """
    small = np.arange(12, dtype=np.int64).reshape(3, 4)
    huge = np.zeros(10**8, np.uint8)
    square = np.arange(2048 * 2048, dtype=np.float64).reshape(2048, 2048)
    mask = square % 3 == 0
    picks = np.zeros(10**7, np.intp)
    column, row = np.zeros((10**6, 1)), np.zeros(10**6)
    struct = np.dtype([(f"f{k}", np.float64) for k in range(400)])
    union = np.dtype({"names": [f"u{k}" for k in range(400)], "formats": [np.int32] * 400,
                      "offsets": [0] * 400})
    pages = memlayout.Residency(pages=np.arange(10**7) % 7 < 3, page_size=4096)
    graph = layered(40, seed=0)
    return [
        ("show 3x4 int64", lambda: memlayout.show(small)),
        ("show zeros(10**8, uint8)", lambda: memlayout.show(huge)),
        ("show broadcast_to(1.0, (10**6, 10**6))",
         lambda: memlayout.show(np.broadcast_to(1.0, (10**6, 10**6)))),
        ("show 10**8 uint8 [::-7]", lambda: memlayout.show(huge[::-7])),
        ("show 2048² float64, index, base", lambda: memlayout.show(square.T[::3], base=square,
                                                                    index=(5, 7))),
        ("show_dtype ('x', f8, (10**6,))",
         lambda: memlayout.show_dtype(np.dtype([("x", np.float64, (10**6,))]))),
        ("show_dtype 400-field struct", lambda: memlayout.show_dtype(struct)),
        ("show_dtype 400-field union", lambda: memlayout.show_dtype(union)),
        ("show_broadcast (10**6, 1) with (10**6,)",
         lambda: memlayout.show_broadcast(column, row, op=np.add)),
        ("show_index arange(10**6) [::1000]",
         lambda: memlayout.show_index(np.arange(10**6, dtype=np.float32), np.s_[::1000])),
        ("show_index 2048² (arange(0, 2048, 2),)",
         lambda: memlayout.show_index(square, (np.arange(0, 2048, 2),))),
        ("show_index 2048² mask", lambda: memlayout.show_index(square, mask)),
        ("show_index arange(10.) zeros(10**7)",
         lambda: memlayout.show_index(np.arange(10.0), picks)),
        ("show_residency 10**7 pages", lambda: memlayout.show_residency(pages)),
        ("show_timeline 40-node graph",
         lambda: memlayout.show_timeline(graph, graph.as_written)),
    ]


def measure(draw, repeat: int = 5) -> tuple[float, float, int]:
    """Wall time in seconds of the first call and the best of `repeat` more, and the peak
    bytes of one call."""
    start = time.perf_counter()
    draw()._repr_png_()
    first = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        draw()._repr_png_()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    draw()._repr_png_()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return first, best, peak


def main() -> None:
    """Print one line per case."""
    print(f"{'case':<44} {'first call':>10} {'best of 5':>10} {'peak memory':>12}")
    for name, draw in cases():
        first, best, peak = measure(draw)
        print(f"{name:<44} {first * 1e3:>7.1f} ms {best * 1e3:>7.1f} ms {peak / 2**10:>8.0f} KiB")


if __name__ == "__main__":
    main()
