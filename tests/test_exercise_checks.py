"""workshop.exercise: one line per outcome, never a traceback, never a swallowed interrupt."""

import doctest

import pytest

import workshop.checks
from workshop import exercise


def said(capsys, body):
    """Run `body(ex)` inside an exercise block; return what the block printed."""
    with exercise(3, checked="the strides") as ex:
        body(ex)
    return capsys.readouterr().out


def test_a_placeholder_is_unanswered(capsys):
    def body(ex):
        ex.answers((1, 2), ...)
        raise AssertionError("never reached")

    assert said(capsys, body) == ("→ Exercise 3: not answered yet: replace each ... above with your "
                                  "answer, then run both cells.\n")


def test_an_undefined_name_asks_for_the_answer_cell(capsys):
    def body(ex):
        ex.answers(strides_guess)  # noqa: F821 - the learner has not run the answer cell

    assert said(capsys, body) == ("→ Exercise 3: run your answer cell first "
                                  "(name 'strides_guess' is not defined).\n")


def test_a_failed_assert_prints_its_hint_wrapped_without_splitting_words(capsys):
    hint = "The LAST axis steps one itemsize; " + "each earlier axis steps over the later ones. " * 3

    def body(ex):
        ex.answers(1)
        raise AssertionError(hint)

    out = said(capsys, body)
    assert out.startswith("✗ Exercise 3: not yet. The LAST axis")
    lines = out.splitlines()
    assert len(lines) == 2 and all(len(line) <= workshop.checks.WIDTH for line in lines)
    assert " ".join(out.split()) == " ".join(f"✗ Exercise 3: not yet. {hint}".split())


def test_an_exception_while_checking_is_a_hint_not_a_traceback(capsys):
    def body(ex):
        ex.answers(5)
        tuple(5)

    assert said(capsys, body) == ("✗ Exercise 3: not yet. Checking your answer raised TypeError: "
                                  "'int' object is not iterable\n")


def test_a_pass_names_what_was_checked(capsys):
    assert said(capsys, lambda ex: ex.answers(0)) == "✓ Exercise 3: correct. Checked the strides.\n"


def test_an_interrupt_is_not_swallowed(capsys):
    def body(ex):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        said(capsys, body)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(("number", "checked"), [("1", "x"), (True, "x"), (1, ""), (1, None)])
def test_bad_arguments_say_what_is_accepted(number, checked):
    with pytest.raises(TypeError, match="must be"):
        exercise(number, checked)


def test_the_docstring_examples_run():
    assert doctest.testmod(workshop.checks).failed == 0
