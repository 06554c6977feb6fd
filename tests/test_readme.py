"""The README's notebook table and schedules follow from the minutes the lessons carry.

- Every notebook of the series has a row in the table; a lesson's row gives the core and
  deeper minutes of its metadata (``workshop.minutes``).
- The sentence "The core paths add up to H hours M minutes" holds the sum of the cores.
- In each schedule (rows ``| H:MM | … |``), every row starts when the one before it ends: a
  row of lessons lasts the sum of their cores, a break or lunch the minutes it states.
"""

import re
from pathlib import Path

import nbformat
import pytest
from test_notebook_structure import LESSONS, NOTEBOOKS

from yardstick import stated_minutes

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(r"^\| `(\d\d_\w+)` \| ([^|]*?) \| ([^|]*?) \|", re.MULTILINE)
SCHEDULE = re.compile(r"\*\*(Full day|Half day)\*\*.*?\n\n(\| Start \|.*?)\n\n", re.DOTALL)
SLOT = re.compile(r"^\| (\d+):(\d\d) \| (.*?) \|$", re.MULTILINE)
PAUSE = re.compile(r"\((\d+) min\)")


def readme():
    return README.read_text(encoding="utf-8")


def cores():
    """Return {lesson stem: stated core minutes}."""
    return {path.stem: stated_minutes(nbformat.read(path, as_version=4))[0] for path in LESSONS}


def test_every_notebook_has_a_row_with_its_minutes():
    rows = {name: (core, deeper) for name, core, deeper in ROW.findall(readme())}
    assert set(rows) == {path.stem for path in NOTEBOOKS}
    for path in LESSONS:
        core, deeper = stated_minutes(nbformat.read(path, as_version=4))
        assert rows[path.stem] == (str(core), str(deeper)), path.stem


def test_the_total_is_the_sum_of_the_cores():
    hours, minutes = divmod(sum(cores().values()), 60)
    assert f"The core paths add up to {hours} hours {minutes} minutes" in readme()


def slot_minutes(text, core):
    """Minutes a schedule row lasts: a pause's stated minutes, or its lessons' cores."""
    pause = PAUSE.search(text)
    if pause and not re.search(r"`\d\d_", text):
        return int(pause[1])
    return sum(core[name] for name in re.findall(r"`(\d\d_\w+)`", text))


@pytest.mark.parametrize("which", ["Full day", "Half day"])
def test_each_schedule_row_starts_when_the_last_one_ends(which):
    schedules = dict(SCHEDULE.findall(readme()))
    assert which in schedules, f"no '**{which}**' schedule table in the README"
    slots = [(int(h) * 60 + int(m), text) for h, m, text in SLOT.findall(schedules[which])]
    assert slots and slots[0][0] == 0
    core = cores()
    for (start, text), (following, _) in zip(slots, slots[1:], strict=False):
        assert following == start + slot_minutes(text, core), f"{which}: the row after {text!r}"
