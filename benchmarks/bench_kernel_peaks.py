"""Peak memory of a workshop kernel, per notebook: what a JupyterHub must give each learner.

Usage (``make bench`` runs it without ``--record``)::

    python benchmarks/bench_kernel_peaks.py [--record] [NOTEBOOK.ipynb ...]

Each notebook (every one of the series by default) runs top to bottom in a fresh kernel of
this environment, started as ``tools/refresh_notebooks.py`` starts it, with the notebook's
folder as working directory; nothing is written back. The kernel's memory is read from
``/proc/<kernel pid>/status`` (Linux only):

- ``start``: ``VmRSS`` once the kernel answers, before the first cell;
- ``core``: ``VmHWM``, the kernel's peak resident set so far, after the last code cell of
  the core path (the cells tagged ``deeper`` come after it in every lesson);
- ``all``: ``VmHWM`` after the last code cell, Going deeper included (a learner's Run All).

``VmHWM`` is the one process's high-water mark, so it counts the kernel alone: not this
script, and not the short-lived Python processes a few deeper cells start. A wrapper reading
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` would get the largest of all its waited-for
descendants, one of those processes included, and only once the kernel had exited. ``VmHWM``
counts the resident pages of mapped files too, such as a memmap's. ``--record`` also writes
the numbers, with the machine they were measured on, to ``benchmarks/kernel_peaks.json``, from
which ``make guide`` writes the instructor guide's room-sizing table. These are measurements
to read, not assertions.
"""

import datetime
import json
import platform
import sys
from pathlib import Path

import nbformat
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from refresh_notebooks import execute, kernel_manager  # noqa: E402 (tools/ is not a package)
from yardstick import is_deeper  # noqa: E402

RESULTS = REPO / "benchmarks" / "kernel_peaks.json"
KIB = 1024
MIB = 2**20


def status_kib(pid, field):
    """Return a ``kB`` field (e.g. ``VmHWM``) of ``/proc/<pid>/status``, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == field:
            return int(value.split()[0])
    raise ValueError(f"/proc/{pid}/status has no field {field!r}")


def measure(path):
    """Run one notebook in a fresh kernel; return its kernel's start, core and all, in bytes.

    Parameters
    ----------
    path : pathlib.Path
        The notebook file (left unchanged).

    Returns
    -------
    dict
        ``start`` (``VmRSS`` before the first cell), ``core`` (``VmHWM`` after the core
        path's last cell) and ``all`` (``VmHWM`` after the last cell), in bytes.
    """
    nb = nbformat.read(path, as_version=4)
    # nbclient's on_cell_executed hook runs after code cells only.
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    last_core = max(i for i in code if not is_deeper(nb.cells[i]))
    manager = kernel_manager()
    found = {}

    def pid():
        return manager.provisioner.process.pid

    def started(**_):
        found["start"] = status_kib(pid(), "VmRSS") * KIB

    def executed(cell_index, **_):
        if cell_index == last_core:
            found["core"] = status_kib(pid(), "VmHWM") * KIB
        if cell_index == code[-1]:
            found["all"] = status_kib(pid(), "VmHWM") * KIB

    execute(nb, path.parent, manager, on_notebook_start=started, on_cell_executed=executed)
    return found


def machine():
    """Where the numbers were measured: system, Python and NumPy, and the date."""
    return {
        "measured": datetime.date.today().isoformat(),
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def main(argv):
    """Measure the notebooks named (or every one), print a table, and record it if asked.

    Parameters
    ----------
    argv : list of str
        ``--record`` and notebook paths.

    Returns
    -------
    int
        0, or 2 when not on Linux or a path is not a notebook.
    """
    if not Path("/proc/self/status").is_file():
        print("bench_kernel_peaks: needs Linux's /proc/<pid>/status", file=sys.stderr)
        return 2
    record = "--record" in argv
    paths = [Path(arg) for arg in argv if arg != "--record"]
    paths = paths or sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            print(f"bench_kernel_peaks: {path} is not a notebook file", file=sys.stderr)
            return 2
    print("Kernel memory per notebook, MiB (VmRSS at start; VmHWM after core, after all)")
    print(f"{'notebook':<24} {'start':>7} {'core':>7} {'all':>7}")
    peaks = {}
    for path in paths:
        peaks[path.stem] = found = measure(path)
        print(f"{path.stem:<24} " + " ".join(f"{found[k] / MIB:>7.1f}" for k in ("start", "core", "all")),
              flush=True)
    if record:
        RESULTS.write_text(json.dumps({"machine": machine(), "bytes": peaks}, indent=1) + "\n",
                           encoding="utf-8")
        print(f"recorded in {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
