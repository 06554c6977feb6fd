"""Every stored notebook is executed, portable, and shaped as NOTEBOOK_STYLE.md describes.

The rules for every notebook hold for the setup check too. Lessons (every ``NN_*.ipynb`` not
listed in `NOT_LESSONS`) are also held to the series' shape: a title and the minutes, "You
will learn", at least three exercises (see `exercise_cells`) whose checks store the unanswered
state, "Key points".
"""

import re
from pathlib import Path

import nbformat
import pytest
from exercise_cells import find_exercises
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
NOT_LESSONS = {"00_START_HERE.ipynb", "99_memlayout_gallery.ipynb"}
LESSONS = [path for path in NOTEBOOKS if path.name not in NOT_LESSONS]
MACHINE_PATH = re.compile(r"/work/|/root/|/home/|/Users/|[A-Za-z]:\\+Users")
UNSEEDED_RNG = re.compile(r"default_rng\(\s*\)|np\.random\.(?!default_rng\b)[a-z_]+\(")
MIN_EXERCISES = 3
# nbval obeys a marker only when the comment holds nothing else: "# NBVAL_IGNORE_OUTPUT".
MARKER_WITH_TEXT = re.compile(r"^\s*#\s*(NBVAL_[A-Z_]+)\b(?!\s*$).*$", re.MULTILINE)


def output_texts(cell):
    """Yield every text a cell's outputs hold: streams, ``text/*`` data, errors.

    Parameters
    ----------
    cell : nbformat.NotebookNode
        Any cell; only code cells have outputs.

    Yields
    ------
    str
        One text per output or MIME type.
    """
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            yield output.text
        elif output.output_type == "error":
            yield "\n".join([output.evalue, *output.traceback])
        else:
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/"):
                    yield value


def headings(nb):
    """Return every markdown heading's text, lower case, in order.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    list of str
    """
    return [
        line.lstrip("#").strip().lower()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    ]


def notebook_problems(nb):
    """List what keeps any notebook of the series from being tested and portable.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    list of str
        One sentence per problem; empty when there is none.
    """
    problems = []
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append("the kernelspec is not python3")
    code = [(number, cell) for number, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    counts = [cell.execution_count for _, cell in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(f"execution counts are {counts}, not 1, 2, 3 …: run `make refresh`")
    for number, cell in code:
        if not cell.source.strip():
            problems.append(f"cell {number} is an empty code cell")
        marker = MARKER_WITH_TEXT.search(cell.source)
        if marker:
            problems.append(f"cell {number}: nbval ignores {marker[1]} with text after it; "
                            "put the reason on the next line")
        unseeded = UNSEEDED_RNG.search(cell.source)
        if unseeded:
            problems.append(f"cell {number} uses {unseeded[0]!r}; use np.random.default_rng(seed)")
        for text in output_texts(cell):
            path = MACHINE_PATH.search(text)
            if path:
                problems.append(f"cell {number} prints a path of this machine ({path[0]}…)")
    return problems


def stored_check_problems(nb, exercise):
    """List what is wrong with the output stored for one exercise's check cell.

    A learner opening the notebook must see the unanswered state, never a verdict.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    exercise : exercise_cells.Exercise

    Returns
    -------
    list of str
    """
    stored = " ".join(output_texts(nb.cells[exercise.check]))
    if not stored.startswith(f"→ Exercise {exercise.number}: not answered yet"):
        return [f"Exercise {exercise.number}'s check cell stores {stored[:60]!r}, "
                "not the unanswered state"]
    return []


def lesson_problems(nb):
    """List where a lesson departs from the shape NOTEBOOK_STYLE.md gives.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    list of str
    """
    problems = []
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        problems.append("the first cell is not a markdown title (# …)")
    elif "minutes" not in first.source.lower():
        problems.append("the first cell does not say how many minutes the lesson takes")
    found = headings(nb)
    for heading in ("you will learn", "key points"):
        if heading not in found:
            problems.append(f"no '{heading}' heading")
    exercises, shape_problems = find_exercises(nb)
    problems.extend(shape_problems)
    if len(exercises) < MIN_EXERCISES:
        problems.append(f"{len(exercises)} exercises, fewer than {MIN_EXERCISES}")
    for exercise in exercises:
        problems.extend(stored_check_problems(nb, exercise))
    return problems


def read(path):
    """Return a notebook, validated against the nbformat schema.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    nbformat.NotebookNode
    """
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def test_the_series_has_notebooks():
    assert NOTEBOOKS, f"no NN_name.ipynb notebooks in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_is_executed_and_portable(path):
    problems = notebook_problems(read(path))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_lesson_has_the_series_shape(path):
    problems = lesson_problems(read(path))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def kernelspec(name):
    """Return notebook metadata naming a kernel."""
    return {"kernelspec": {"name": name, "display_name": name, "language": "python"}}


def executed(cells):
    """Return a notebook of the given cells with code cells numbered as a fresh run does."""
    count = 0
    for cell in cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
    return new_notebook(cells=cells, metadata=kernelspec("python3"))


def an_exercise(number, answer):
    """Return the answer, check and solution cells of one exercise, checks run on the placeholder."""
    unanswered = nbformat.v4.new_output(
        "stream", name="stdout", text=f"→ Exercise {number}: not answered yet: replace each ...\n")
    return [
        new_markdown_cell(f"### Exercise {number}: count"),
        new_code_cell("answer = ...", metadata={"tags": ["answer"]}),
        new_code_cell(f"with exercise({number}, checked='the count') as ex:\n"
                      f"    ex.answers(answer)\n    assert answer == {answer}, 'count the bytes'",
                      metadata={"tags": ["check"]}, outputs=[unanswered]),
        new_markdown_cell(f"<details>\n\n```python\nanswer = {answer}\n```\n\n</details>",
                          metadata={"tags": ["solution"]}),
    ]


def small_lesson():
    """Return the smallest notebook that has the shape of a lesson."""
    cells = [new_markdown_cell("# Strides\n\nYou step through memory. 30 minutes."),
             new_markdown_cell("## You will learn\n\n- what a stride is")]
    for number in range(1, MIN_EXERCISES + 1):
        cells += an_exercise(number, number)
    cells.append(new_markdown_cell("## Key points\n\n- a stride is a step in bytes"))
    return executed(cells)


def test_checks_accept_a_well_formed_lesson():
    assert notebook_problems(small_lesson()) == []
    assert lesson_problems(small_lesson()) == []


def test_checks_report_a_lesson_without_its_shape():
    nb = small_lesson()
    nb.cells[0].source = "# Strides"
    nb.cells[1].source = "## Objectives"
    nb.cells[4].outputs[0].text = "✓ Exercise 1: correct. Checked the count.\n"
    del nb.cells[10:]  # the last exercise and the key points
    assert lesson_problems(nb) == [
        "the first cell does not say how many minutes the lesson takes",
        "no 'you will learn' heading",
        "no 'key points' heading",
        "2 exercises, fewer than 3",
        "Exercise 1's check cell stores '✓ Exercise 1: correct. Checked the count.\\n', "
        "not the unanswered state",
    ]


def test_checks_report_an_unexecuted_unseeded_notebook_printing_a_path():
    cell = new_code_cell(
        "rng = np.random.default_rng()",
        outputs=[nbformat.v4.new_output("stream", name="stdout", text="/home/ada/data.npy\n")],
    )
    nb = new_notebook(cells=[cell, new_code_cell("")], metadata=kernelspec("python2"))
    assert notebook_problems(nb) == [
        "the kernelspec is not python3",
        "execution counts are [None, None], not 1, 2, 3 …: run `make refresh`",
        "cell 0 uses 'default_rng()'; use np.random.default_rng(seed)",
        "cell 0 prints a path of this machine (/home/…)",
        "cell 1 is an empty code cell",
    ]


def test_checks_report_an_nbval_marker_that_nbval_would_not_see():
    seen = new_code_cell("# NBVAL_IGNORE_OUTPUT\n# timings differ between runs\n%timeit f()",
                         execution_count=1)
    unseen = new_code_cell("# NBVAL_IGNORE_OUTPUT  (timings differ)\n%timeit f()",
                           execution_count=2)
    nb = new_notebook(cells=[seen, unseen], metadata=kernelspec("python3"))
    assert notebook_problems(nb) == [
        "cell 1: nbval ignores NBVAL_IGNORE_OUTPUT with text after it; put the reason on the next line",
    ]
