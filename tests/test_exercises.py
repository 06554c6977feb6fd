"""Every exercise is tested in both directions, in one extra run of each lesson.

For each lesson, the notebook is run top to bottom once, in a fresh kernel, with cells added
after each exercise's check cell: every wrong answer of ``tests/wrong_answers/<lesson>.toml``
followed by the check again, then the reference solution followed by the check again. Then:

- the check run on the untouched placeholder says "not answered yet" and raises nothing;
- each wrong answer gets "not yet" with its intended hint, never "correct";
- the reference solution gets "correct".

A wrong-answer file lists, per mistake a learner makes::

    [[wrong]]
    exercise = 1
    mistake = "C and F strides swapped"
    code = "c_strides_guess = (2, 4, 12)"
    hint = "C order: the LAST axis"    # a part of the hint the check must print
"""

import copy
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from exercise_cells import find_exercises, solution_code
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from test_notebook_structure import LESSONS

from refresh_notebooks import execute

WRONG_ANSWERS = Path(__file__).resolve().parent / "wrong_answers"
MIN_WRONG = 2


def wrong_answers(lesson):
    """Return {exercise number: [wrong answer dicts]} from a lesson's TOML file."""
    path = WRONG_ANSWERS / f"{lesson.stem}.toml"
    found = {}
    if path.is_file():
        for wrong in tomllib.loads(path.read_text(encoding="utf-8")).get("wrong", []):
            found.setdefault(wrong["exercise"], []).append(wrong)
    return found


def folded(text):
    """Fold runs of whitespace to one space, so that a hint matches across the check's wrapping."""
    return " ".join(text.split())


VERDICT = re.compile(r"^[→✗✓] Exercise \d+:", re.MULTILINE)


def printed(cell):
    """Return the check's verdict in what a code cell printed, whitespace folded.

    A learner's function may print before the check speaks (``print`` instead of
    ``return``): the verdict is everything from the first line the check prints on.
    """
    text = "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
    verdict = VERDICT.search(text)
    return folded(text[verdict.start():] if verdict else text)


@dataclass(frozen=True)
class Trial:
    """One run of a check cell: on the placeholder, on a wrong answer, or on the solution."""

    index: int  # of the check cell that judged it, in the trial notebook
    number: int  # the exercise's
    kind: str  # "placeholder", "wrong" or "solution"
    wrong: dict | None = None


def with_trials(nb, exercises, wrongs):
    """Return a copy of `nb` with each exercise's wrong answers and solution run through its check.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    exercises : list of exercise_cells.Exercise
    wrongs : dict
        As returned by `wrong_answers`.

    Returns
    -------
    trial_nb : nbformat.NotebookNode
    trials : list of Trial
    """
    trial_nb = copy.deepcopy(nb)
    cells, trials = [], []
    by_check = {exercise.check: exercise for exercise in exercises}
    for number, cell in enumerate(nb.cells):
        cells.append(copy.deepcopy(cell))
        exercise = by_check.get(number)
        if exercise is None:
            continue
        trials.append(Trial(len(cells) - 1, exercise.number, "placeholder"))
        for wrong in wrongs.get(exercise.number, []):
            cells += [new_code_cell(wrong["code"]), new_code_cell(cell.source)]
            trials.append(Trial(len(cells) - 1, exercise.number, "wrong", wrong))
        cells += [new_code_cell(solution_code(nb.cells[exercise.solution])), new_code_cell(cell.source)]
        trials.append(Trial(len(cells) - 1, exercise.number, "solution"))
    trial_nb.cells = cells
    return trial_nb, trials


def verdict_problem(trial, said):
    """Return what is wrong with what a check said in one trial, or None."""
    name = f"Exercise {trial.number}"
    if trial.kind == "placeholder" and not said.startswith(f"→ {name}: not answered yet"):
        return f"{name}, on its placeholder, said {said!r}"
    if trial.kind == "solution" and not said.startswith(f"✓ {name}: correct."):
        return f"{name}, on the reference solution, said {said!r}"
    if trial.kind == "wrong" and (not said.startswith(f"✗ {name}: not yet.")
                                  or folded(trial.wrong["hint"]) not in said):
        return (f"{name}, on the mistake {trial.wrong['mistake']!r}, said {said!r}; "
                f"wanted the hint {trial.wrong['hint']!r}")
    return None


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_every_exercise_has_wrong_answers(lesson):
    exercises, _ = find_exercises(nbformat.read(lesson, as_version=4))
    wrongs = wrong_answers(lesson)
    numbers = {exercise.number for exercise in exercises}
    assert set(wrongs) <= numbers, f"wrong answers for exercises {set(wrongs) - numbers} that do not exist"
    few = {n: len(wrongs.get(n, [])) for n in sorted(numbers) if len(wrongs.get(n, [])) < MIN_WRONG}
    assert not few, f"{lesson.stem}: exercises with fewer than {MIN_WRONG} wrong answers: {few}"
    for items in wrongs.values():
        for wrong in items:
            assert {"exercise", "mistake", "code", "hint"} <= set(wrong), wrong
            assert wrong["hint"].strip(), wrong


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_checks_accept_the_solution_and_reject_the_mistakes(lesson):
    nb = nbformat.read(lesson, as_version=4)
    exercises, problems = find_exercises(nb)
    assert not problems, problems
    trial_nb, trials = with_trials(nb, exercises, wrong_answers(lesson))
    execute(trial_nb, lesson.parent)
    problems = [verdict_problem(trial, printed(trial_nb.cells[trial.index])) for trial in trials]
    problems = [problem for problem in problems if problem]
    assert not problems, f"{lesson.stem}:\n" + "\n".join(problems)


def tiny_exercise():
    """Return a notebook holding one exercise and nothing else."""
    return new_notebook(cells=[
        new_markdown_cell("### Exercise 1: count"),
        new_code_cell("n = ...", metadata={"tags": ["answer"]}),
        new_code_cell("with exercise(1, checked='n') as ex:\n    ex.answers(n)\n    assert n == 2, 'two'",
                      metadata={"tags": ["check"]}),
        new_markdown_cell("<details>\n\n```python\nn = 2\n```\n\n</details>",
                          metadata={"tags": ["solution"]}),
    ])


def test_a_trial_notebook_runs_each_attempt_through_the_check():
    source = tiny_exercise()
    exercises, problems = find_exercises(source)
    assert problems == []
    wrong = {"code": "n = 3", "mistake": "one too many", "hint": "two"}
    trial_nb, trials = with_trials(source, exercises, {1: [wrong]})
    check = source.cells[2].source
    assert [c.source for c in trial_nb.cells[3:7]] == ["n = 3", check, "n = 2", check]
    assert trials == [Trial(2, 1, "placeholder"), Trial(4, 1, "wrong", wrong), Trial(6, 1, "solution")]


def test_a_verdict_must_match_the_attempt():
    wrong = {"code": "n = 3", "mistake": "one too many", "hint": "Count the two bytes."}
    placeholder = Trial(0, 1, "placeholder")
    mistake = Trial(0, 1, "wrong", wrong)
    solution = Trial(0, 1, "solution")
    assert verdict_problem(placeholder, "→ Exercise 1: not answered yet: replace ...") is None
    assert verdict_problem(mistake, "✗ Exercise 1: not yet. Count the two bytes.") is None
    assert verdict_problem(solution, "✓ Exercise 1: correct. Checked n.") is None
    assert verdict_problem(placeholder, "✓ Exercise 1: correct. Checked n.")
    assert verdict_problem(mistake, "✓ Exercise 1: correct. Checked n.")
    assert verdict_problem(mistake, "✗ Exercise 1: not yet. Count the bytes.")
    assert verdict_problem(solution, "✗ Exercise 1: not yet. Count the two bytes.")


def test_misshapen_exercises_are_reported():
    nb = tiny_exercise()
    nb.cells[3].source = "n = 2"
    nb.cells[2].source = "assert n == 2"
    _, problems = find_exercises(nb)
    assert problems == [
        "Exercise 1 (cell 0): its check cell does not use `with exercise(1, checked=...)`; "
        "its solution is not a markdown cell with a folded <details> block"
    ]
    del nb.cells[3]
    assert find_exercises(nb)[1] == [
        "Exercise 1 (cell 0) is not followed by cells tagged answer, check, solution"
    ]
