"""Find a lesson's exercises: the answer, check and solution cells that each one is made of.

An exercise is a run of three tagged cells after its ``### Exercise N`` heading:

- ``answer``: a code cell holding the ``...`` placeholder the learner replaces;
- ``check``: a code cell ``with exercise(N, checked=...) as ex:`` that reports one line;
- ``solution``: a markdown cell holding the reference code in a folded ``<details>`` block,
  so that no run of the notebook executes it.
"""

import re
from dataclasses import dataclass

HEADING = re.compile(r"^#{2,4} Exercise (\d+)\b", re.MULTILINE)
# `...` as a value (not inside a comment): `name = ...`, `{"k": ...}`, `return ...`.
PLACEHOLDER = re.compile(r"^[^#\n]*(?<![.\w])\.\.\.(?![.\w])", re.MULTILINE)
CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
TAGS = ("answer", "check", "solution")


@dataclass(frozen=True)
class Exercise:
    """The cells of one exercise, by index in the notebook."""

    number: int
    answer: int
    check: int
    solution: int


def tag_of(cell):
    """Return the exercise tag a cell carries (``answer``, ``check``, ``solution``), or None."""
    tags = [tag for tag in cell.metadata.get("tags", []) if tag in TAGS]
    return tags[0] if tags else None


def solution_code(cell):
    """Return the reference code of a solution cell: its ```python blocks, joined."""
    return "\n".join(block.strip() for block in CODE_BLOCK.findall(cell.source))


def find_exercises(nb):
    """Return the exercises of a notebook and what is wrong with their cells.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    exercises : list of Exercise
        One per ``### Exercise N`` heading whose three cells are in place.
    problems : list of str
        One sentence per exercise whose cells depart from the shape above.
    """
    exercises, problems = [], []
    for number, cell in enumerate(nb.cells):
        heading = HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        if heading is None:
            continue
        n = int(heading[1])
        following = nb.cells[number + 1:number + 4]
        if [tag_of(c) for c in following] != list(TAGS):
            problems.append(f"Exercise {n} (cell {number}) is not followed by cells tagged "
                            "answer, check, solution")
            continue
        answer, check, solution = following
        found = []
        if answer.cell_type != "code" or not PLACEHOLDER.search(answer.source):
            found.append("its answer cell has no ... placeholder for the learner to replace")
        if check.cell_type != "code" or not re.search(rf"^with exercise\({n}, checked=",
                                                      check.source, re.MULTILINE):
            found.append(f"its check cell does not use `with exercise({n}, checked=...)`")
        if solution.cell_type != "markdown" or "<details>" not in solution.source:
            found.append("its solution is not a markdown cell with a folded <details> block")
        elif not solution_code(solution):
            found.append("its solution has no ```python block")
        if found:
            problems.append(f"Exercise {n} (cell {number}): " + "; ".join(found))
        else:
            exercises.append(Exercise(n, number + 1, number + 2, number + 3))
    numbers = [exercise.number for exercise in exercises]
    if numbers != sorted(set(numbers)):
        problems.append(f"exercise numbers {numbers} repeat or are out of order")
    return exercises, problems
