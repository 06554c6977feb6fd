"""Benchmark: one update of the live explorer, from a moved control to a new picture.

Run with ``python benchmarks/bench_explorer.py``. For arrays from twelve elements to
10¹² (a broadcast), it drives the explorer's widgets as a learner would (the callbacks the
frontend triggers: a step slider, a range slider, the index box, the toggles) and prints, per
kind of update, the median and worst time over several new positions, as wall time and as
this process's CPU time (which other processes on a busy machine change less), the CPU time
split into the drawing (``memlayout.show`` / ``show_index`` building the figure), rendering it
to SVG, and everything else (parsing, NumPy, facts, widgets). "seen before" is a position
revisited, which reuses its picture when ``a`` is small enough to fingerprint. These are
measurements to read and report, not assertions.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
from matplotlib.figure import Figure

import memlayout
from memlayout.interactive import explorer as explorer_module
from memlayout.interactive.windows import steps

GOAL_MS = 150


def arrays():
    """(name, array) from small to huge; the large ones cost no memory until read."""
    return [
        ("3x4 int64", np.arange(12, dtype=np.int64).reshape(3, 4)),
        ("1000x1000 float64", np.zeros((1000, 1000))),
        ("zeros(10**8, uint8)", np.zeros(10**8, np.uint8)),
        ("zeros((10**4, 10**4), uint8)", np.zeros((10**4, 10**4), np.uint8)),
        ("broadcast_to(1.0, (10**6, 10**6))", np.broadcast_to(1.0, (10**6, 10**6))),
    ]


def updates(controls, shape):
    """(kind, function that makes one change) for the controls of an array of `shape`."""
    n = shape[0]
    window, step = controls.windows[0], controls.steps[0]
    positions = sorted({(k * n // 10, n - k * n // 20) for k in range(1, 7)} - {(0, n)})
    return [
        *[("step slider", lambda s=s: setattr(step, "value", s))
          for s in (2, 3, 4, -1, -2, 1) if s in steps(n)],
        *[("range slider", lambda p=p: setattr(window, "value", p)) for p in positions],
        *[("index box", lambda t=t: setattr(controls.index, "value", t))
          for t in ("[1::3]", "[::-2]", "[[0, 1, 3]]", "[:2, None]", "[-1]")],
        (".T", lambda: setattr(controls.transpose, "value", not controls.transpose.value)),
        (".view(uint8)", lambda: setattr(controls.view, "value", "uint8")),
        (".view off", lambda: setattr(controls.view, "value", "")),
        ("np.broadcast_to", lambda: setattr(controls.broadcast_to, "value",
                                            ", ".join(map(str, (2, *reversed(shape)))))),
        ("broadcast_to off", lambda: setattr(controls.broadcast_to, "value", "")),
        ("index box, rejected", lambda: setattr(controls.index, "value", f"[{n}]")),
    ]


class Stopwatch:
    """CPU time spent in the drawing functions and in rendering figures, while installed."""

    def __init__(self):
        self.drawing = self.rendering = 0.0
        self._picture, self._savefig = explorer_module.picture, Figure.savefig

    def __enter__(self):
        def picture(*args):
            start = time.process_time()
            try:
                return self._picture(*args)
            finally:
                self.drawing += time.process_time() - start

        def savefig(fig, *args, **kwargs):
            start = time.process_time()
            try:
                return self._savefig(fig, *args, **kwargs)
            finally:
                self.rendering += time.process_time() - start

        explorer_module.picture, Figure.savefig = picture, savefig
        return self

    def __exit__(self, *exc):
        explorer_module.picture, Figure.savefig = self._picture, self._savefig


def run(a):
    """Drive every update once (new positions), then once more (seen before).

    Returns
    -------
    dict of str to list of tuple
        Per kind of update, (wall, cpu, drawing cpu, rendering cpu) seconds of each change.
    """
    explorer = memlayout.explore(a)
    rows = {}
    for round_name in ("", " (seen before)"):
        if round_name:  # back to the start, so that the same requests come again
            explorer.controls.reset.click()
        for kind, change in updates(explorer.controls, a.shape):
            with Stopwatch() as watch:
                wall, cpu = time.perf_counter(), time.process_time()
                change()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rows.setdefault(kind + round_name, []).append((wall, cpu, watch.drawing, watch.rendering))
    return rows


def main() -> None:
    """Print one line per array and kind of update."""
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; goal ≤ {GOAL_MS} ms")
    print(f"{'':<34} {'':<31} {'wall ms':>13} {'CPU ms':>13}  {'median CPU ms of':>22}")
    print(f"{'array':<34} {'update':<31} {'median':>6} {'worst':>6} {'median':>6} {'worst':>6}"
          f"  {'drawing':>7} {'svg':>6} {'rest':>6}")
    worst = {"wall": 0.0, "cpu": 0.0}
    for name, a in arrays():
        for kind, times in run(a).items():
            wall, cpu, draw, svg = ([t[i] * 1e3 for t in times] for i in range(4))
            worst["wall"], worst["cpu"] = max(worst["wall"], *wall), max(worst["cpu"], *cpu)
            median = statistics.median
            print(f"{name:<34} {kind:<31} {median(wall):>6.1f} {max(wall):>6.1f} "
                  f"{median(cpu):>6.1f} {max(cpu):>6.1f}  {median(draw):>7.1f} {median(svg):>6.1f} "
                  f"{median(c - d - r for c, d, r in zip(cpu, draw, svg, strict=True)):>6.1f}")
    print(f"worst update: {worst['wall']:.0f} ms wall, {worst['cpu']:.0f} ms CPU")


if __name__ == "__main__":
    main()
