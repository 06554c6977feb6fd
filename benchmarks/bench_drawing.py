"""Benchmark: memlayout's drawings cost the same for ten elements and for a billion.

Run with ``make bench`` (or ``python benchmarks/bench_drawing.py``). It prints, for each
case, the best wall time of five calls (building the figure and rendering it to PNG, as
Jupyter does) and the peak memory one call allocates. These are
measurements to read and report, not assertions: a busy machine changes the times.
"""

from __future__ import annotations

import io
import time
import tracemalloc

import numpy as np

import memlayout


def cases():
    """(name, function that draws) for small and huge inputs of every drawing."""
    small = np.arange(12, dtype=np.int64).reshape(3, 4)
    huge = np.zeros(10**8, np.uint8)
    return [
        ("show 3x4 int64", lambda: memlayout.show(small)),
        ("show zeros(10**8, uint8)", lambda: memlayout.show(huge)),
        ("show broadcast_to(1.0, (10**6, 10**6))",
         lambda: memlayout.show(np.broadcast_to(1.0, (10**6, 10**6)))),
        ("show 10**8 uint8 [::-7]", lambda: memlayout.show(huge[::-7])),
        ("show_dtype ('x', f8, (10**6,))",
         lambda: memlayout.show_dtype(np.dtype([("x", np.float64, (10**6,))]))),
        ("show_broadcast (10**6, 1) with (10**6,)",
         lambda: memlayout.show_broadcast(np.zeros((10**6, 1)), np.zeros(10**6), op=np.add)),
        ("show_index arange(10**6) [::1000]",
         lambda: memlayout.show_index(np.arange(10**6, dtype=np.float32), np.s_[::1000])),
    ]


def measure(draw, repeat: int = 5) -> tuple[float, int]:
    """Best wall time in seconds over `repeat` calls, and the peak bytes of one call."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        draw().savefig(io.BytesIO(), format="png")
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    draw().savefig(io.BytesIO(), format="png")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak


def main() -> None:
    """Print one line per case."""
    print(f"{'case':<42} {'best of 5':>10} {'peak memory':>12}")
    for name, draw in cases():
        seconds, peak = measure(draw)
        print(f"{name:<42} {seconds * 1e3:>7.1f} ms {peak / 2**10:>8.0f} KiB")


if __name__ == "__main__":
    main()
