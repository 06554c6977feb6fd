"""Each lesson states honest minutes: its core path and its deeper parts, by the yardstick.

The yardstick and its counting live in ``tools/yardstick.py``. A lesson's metadata carries
``workshop.minutes.core`` and ``.deeper``; its first cell says the same numbers; each stated
number is within 25 % of the yardstick's (0.8 × estimate ≤ stated ≤ 1.25 × estimate); a core
path takes at most 35 minutes and all of them together at most 330 (a 5.5-hour teaching day).
Deeper cells are marked for the learner: each run of them opens with a cell that says
"Going deeper".
"""

import nbformat
import pytest
from test_notebook_structure import LESSONS

from yardstick import is_deeper, lesson_minutes, stated_minutes

MAX_CORE = 35
MAX_DAY = 330


def honest(stated, estimate):
    """Whether a stated number of minutes is within the series' tolerance of the estimate."""
    return isinstance(stated, int) and 0.8 * estimate <= stated <= 1.25 * estimate


def deeper_runs_unmarked(nb):
    """Return the indices of deeper runs whose first cell does not say "Going deeper"."""
    unmarked = []
    for number, cell in enumerate(nb.cells):
        starts_run = is_deeper(cell) and (number == 0 or not is_deeper(nb.cells[number - 1]))
        if starts_run and (cell.cell_type != "markdown" or "going deeper" not in cell.source.lower()):
            unmarked.append(number)
    return unmarked


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_stated_minutes_are_honest(lesson):
    nb = nbformat.read(lesson, as_version=4)
    core, deeper = lesson_minutes(nb)
    stated_core, stated_deeper = stated_minutes(nb)
    assert core.estimate <= MAX_CORE, f"the core path is {core.estimate:.0f} min by the yardstick"
    assert honest(stated_core, core.estimate), (
        f"stated core {stated_core} min, yardstick {core.estimate:.1f} min ({core})")
    if deeper.estimate:
        assert honest(stated_deeper, deeper.estimate), (
            f"stated deeper {stated_deeper} min, yardstick {deeper.estimate:.1f} min ({deeper})")
    else:
        assert stated_deeper == 0, f"no cell is tagged deeper, but {stated_deeper} min are stated"
    first = nb.cells[0].source
    for minutes in {stated_core, stated_deeper} - {0}:
        assert f"{minutes} minutes" in first, f"the first cell does not say '{minutes} minutes'"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_deeper_parts_are_marked_for_the_learner(lesson):
    nb = nbformat.read(lesson, as_version=4)
    assert deeper_runs_unmarked(nb) == [], "a run of deeper cells starts without 'Going deeper'"


def test_all_core_paths_fit_a_teaching_day():
    cores = {lesson.stem: lesson_minutes(nbformat.read(lesson, as_version=4))[0].estimate
             for lesson in LESSONS}
    assert sum(cores.values()) <= MAX_DAY, f"{sum(cores.values()):.0f} min of core paths: {cores}"


def test_a_tolerance_of_a_quarter():
    assert honest(30, 30.0) and honest(24, 30.0) and honest(37, 30.0)
    assert not honest(23, 30.0) and not honest(38, 30.0) and not honest(30.0, 30.0)


def test_an_unmarked_deeper_run_is_found():
    cells = [nbformat.v4.new_markdown_cell("## Going deeper: the header", metadata={"tags": ["deeper"]}),
             nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["deeper"]}),
             nbformat.v4.new_markdown_cell("## Key points"),
             nbformat.v4.new_code_cell("y = 2", metadata={"tags": ["deeper"]})]
    assert deeper_runs_unmarked(nbformat.v4.new_notebook(cells=cells)) == [3]
