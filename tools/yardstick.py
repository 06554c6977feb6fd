"""The series' yardstick for a lesson's minutes, and a report of every lesson's.

Usage: ``python tools/yardstick.py [NOTEBOOK.ipynb ...]`` (``make minutes`` runs it on all).

The yardstick (NOTEBOOK_STYLE.md): prose words / 150 + 0.5 min per code cell + 5 min per
exercise, counted separately over the core path and over the cells tagged ``deeper``.
A word is a run of letters, digits and ``_`'.,()[]``; an exercise is a markdown heading that
names one (``### Exercise 2: …``).
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

WORD = re.compile(r"[A-Za-z0-9_`'.,()\[\]]+")
EXERCISE_HEADING = re.compile(r"^#+ .*\bexercise\b", re.IGNORECASE | re.MULTILINE)
DEEPER = "deeper"


@dataclass(frozen=True)
class Minutes:
    """What a part of a lesson holds, and the minutes the yardstick gives it."""

    words: int
    code_cells: int
    exercises: int

    @property
    def estimate(self):
        """Minutes by the yardstick."""
        return self.words / 150 + 0.5 * self.code_cells + 5 * self.exercises


def is_deeper(cell):
    """Whether a cell is tagged ``deeper``: self-study, outside the core path."""
    return DEEPER in cell.metadata.get("tags", [])


def measure(cells):
    """Count the words, code cells and exercises of some cells.

    Parameters
    ----------
    cells : iterable of nbformat.NotebookNode

    Returns
    -------
    Minutes
    """
    words = code = exercises = 0
    for cell in cells:
        if cell.cell_type == "markdown":
            words += len(WORD.findall(cell.source))
            exercises += len(EXERCISE_HEADING.findall(cell.source))
        elif cell.cell_type == "code" and cell.source.strip():
            code += 1
    return Minutes(words, code, exercises)


def lesson_minutes(nb):
    """Return the yardstick's (core, deeper) for a notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    tuple of Minutes
    """
    return (measure(c for c in nb.cells if not is_deeper(c)),
            measure(c for c in nb.cells if is_deeper(c)))


def stated_minutes(nb):
    """Return the (core, deeper) minutes a notebook's metadata states, or (None, None)."""
    minutes = nb.metadata.get("workshop", {}).get("minutes", {})
    return minutes.get("core"), minutes.get("deeper")


def main(argv):
    """Print, per notebook, the yardstick's core and deeper minutes beside the stated ones."""
    paths = [Path(arg) for arg in argv] or sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    total = 0.0
    print(f"{'notebook':28} {'core':>6} {'stated':>7} {'deeper':>7} {'stated':>7}")
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        core, deeper = lesson_minutes(nb)
        stated_core, stated_deeper = stated_minutes(nb)
        total += core.estimate
        print(f"{path.stem:28} {core.estimate:6.1f} {stated_core!s:>7} {deeper.estimate:7.1f} "
              f"{stated_deeper!s:>7}")
    print(f"{'all cores':28} {total:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
