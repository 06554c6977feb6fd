"""The instructor guide follows the lessons: generated where it can be, checked where it is written.

- The generated parts (each lesson's title, minutes, objectives and exercises, the schedules,
  the room sizing) are what ``make guide`` makes of their sources.
- Each lesson's section has its five notes. Every live-code line is in the lesson's core code;
  every cell a misconception names holds the code quoted, in the section and part named; every
  exercise to do together is one of the core's.
- The misconceptions the workshop promises to answer are there, and the README's JupyterHub
  sentence and the preflight's RAM check state the recorded peaks.
"""

import doctest
import json
import re

import nbformat
import pytest
from test_notebook_structure import LESSONS

import instructor_guide
import preflight
from yardstick import is_deeper

GUIDE = instructor_guide.GUIDE.read_text(encoding="utf-8")
NOTES = ("**Live-code", "**Misconceptions:**", "**Ask the room:**", "**When late, cut:**",
         "**Do together:**")
ANSWERED = re.compile(r"Answered by `(?P<code>[^`]+)` \((?P<part>core|Going deeper): "
                      r"(?P<section>[^)\n]+)\)")
LIVE_CODE = re.compile(r"\*\*Live-code:\*\*.*?```python\n(?P<code>.*?)```", re.DOTALL)
TOGETHER = re.compile(r"^\*\*Do together:\*\*(?P<text>.*?)(?:\n\n|\Z)", re.DOTALL | re.MULTILINE)
EXERCISE_NUMBER = re.compile(r"[Ee]xercises? (\d+)")
# The misconceptions issue 14 asks the guide to answer, each in the lesson that answers it.
PROMISED = {
    "04_views_and_copies": ["`x.base is None` tells you", "`reshape` is always a view"],
    "05_broadcasting": ["Broadcasting copies"],
    "06_fancy_indexing": ["A fancy index returns a view"],
    "07_implicit_copies": ["In place is always faster"],
    "08_memmap": ["`np.memmap` reads the whole file"],
}


def section(name):
    """Return the guide's text from a lesson's generated part up to the next lesson's."""
    start = GUIDE.index(f"<!-- generated: {name} -->")
    following = GUIDE.find("<!-- generated:", GUIDE.index("<!-- end generated -->", start))
    return GUIDE[start:following if following != -1 else len(GUIDE)]


def notes(name):
    """Return the hand-written part of a lesson's section, after its generated part."""
    text = section(name)
    return text[text.index("<!-- end generated -->"):]


def cells_by_section(nb):
    """Yield (code cell, the last markdown heading above it, without #) for every code cell."""
    heading = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in instructor_guide.markdown_lines(cell.source):
                if line.startswith("#"):
                    heading = line.lstrip("#").strip()
        else:
            yield cell, heading


def lesson(path):
    return nbformat.read(path, as_version=4)


def ids(paths):
    return [path.stem for path in paths]


def test_the_generated_parts_are_what_make_guide_writes():
    assert instructor_guide.render(GUIDE) == GUIDE, "docs/instructor_guide.md is stale: run make guide"


def test_the_tools_examples_run():
    assert doctest.testmod(instructor_guide).failed == 0


def test_render_refuses_a_guide_without_a_lesson():
    broken = GUIDE.replace("<!-- generated: 05_broadcasting -->", "<!-- generated: 05_gone -->")
    with pytest.raises(ValueError, match="05_broadcasting"):
        instructor_guide.render(broken)


def test_the_room_sizing_reads_every_notebook_of_the_recorded_results():
    peaks = json.loads(instructor_guide.PEAKS.read_text(encoding="utf-8"))
    notebooks = sorted(path.stem for path in instructor_guide.REPO.glob("notebooks/[0-9][0-9]_*.ipynb"))
    assert instructor_guide.peaks_block(peaks, notebooks).count("\n| `") == len(notebooks)
    with pytest.raises(ValueError, match="--record"):
        instructor_guide.peaks_block(peaks, notebooks[:-1])


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_each_lesson_has_a_section_with_its_five_notes(path):
    assert f"<!-- generated: {path.stem} -->" in GUIDE, f"the guide has no section for {path.stem}"
    missing = [note for note in NOTES if note not in notes(path.stem)]
    assert not missing, f"{path.stem}'s section lacks {missing}"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_every_live_code_line_is_in_the_lessons_core_code(path):
    script = LIVE_CODE.search(notes(path.stem))
    assert script, f"{path.stem}: no ```python block after **Live-code:**"
    # A comment after two spaces may be the guide's note to the instructor ("# raises ..."):
    # the code before it must be the lesson's.
    lines = [line.split("  # ")[0].strip() for line in script["code"].splitlines() if line.strip()]
    assert 5 <= len(lines) <= 10, f"{path.stem}: {len(lines)} live-code lines, not 5 to 10"
    core = [cell.source for cell in lesson(path).cells
            if cell.cell_type == "code" and not is_deeper(cell)]
    absent = [line for line in lines if not any(line in source for source in core)]
    assert not absent, f"{path.stem}: no core code cell holds {absent}"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_every_misconception_names_a_cell_that_holds_its_code(path):
    references = list(ANSWERED.finditer(notes(path.stem)))
    assert len(references) >= 2, f"{path.stem}: fewer than two misconceptions answered by a cell"
    cells = list(cells_by_section(lesson(path)))
    for found in references:
        holding = [(cell, heading) for cell, heading in cells if found["code"] in cell.source]
        assert holding, f"{path.stem}: no code cell holds {found['code']!r}"
        cell, heading = holding[0]
        assert heading == found["section"], (
            f"{path.stem}: the cell with {found['code']!r} is under {heading!r}, "
            f"not {found['section']!r}")
        part = "Going deeper" if is_deeper(cell) else "core"
        assert part == found["part"], f"{path.stem}: the cell with {found['code']!r} is in {part}"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_the_exercises_to_do_together_are_the_cores(path):
    together = TOGETHER.search(notes(path.stem))
    assert together, f"{path.stem}: no **Do together:** paragraph"
    named = {int(n) for n in EXERCISE_NUMBER.findall(together["text"])}
    core = {n for n, _, deep in instructor_guide.exercises(lesson(path)) if not deep}
    assert named and named <= core, f"{path.stem}: exercises {sorted(named - core)} are not in the core"


@pytest.mark.parametrize(("name", "claims"), PROMISED.items())
def test_the_promised_misconceptions_are_answered(name, claims):
    text = notes(name)
    for claim in claims:
        assert f"- “{claim}" in text, f"{name}: no misconception starting “{claim}"


def test_the_readme_states_the_recorded_peaks():
    peaks = json.loads(instructor_guide.PEAKS.read_text(encoding="utf-8"))
    sentence = instructor_guide.readme_sentence(peaks)
    readme = " ".join(instructor_guide.README.read_text(encoding="utf-8").split())
    assert sentence in readme, f"README.md should say: {sentence}"


def test_the_preflight_states_the_recorded_largest_peak():
    peaks = json.loads(instructor_guide.PEAKS.read_text(encoding="utf-8"))
    largest = instructor_guide.sizing(peaks)["largest"]
    assert preflight.LESSON_PEAK_MIB == largest, f"set LESSON_PEAK_MIB in tools/preflight.py to {largest}"
