"""Check a learner's answer to an exercise and say, in a line or two, what to do next.

A check cell in a lesson reads::

    with exercise(1, checked="the strides of block in C and F order") as ex:
        ex.answers(c_strides_guess, f_strides_guess)
        assert tuple(c_strides_guess) == block.strides, "C order: the last axis steps 2 bytes"

The block never raises, so *Run All* goes through a notebook whose exercises are still open.
It prints exactly one of four outcomes:

- ``→ Exercise 1: not answered yet: …`` while an answer is still the ``...`` placeholder;
- ``→ Exercise 1: run your answer cell first (…)`` when a name the check reads is not defined;
- ``✗ Exercise 1: not yet. <hint>`` when an assert fails (its message is the hint), or when
  checking the answer raised an exception;
- ``✓ Exercise 1: correct. Checked <what was checked>.`` when every assert passed.
"""

import textwrap

__all__ = ["exercise", "WIDTH"]

# Lines no longer than this fit a JupyterLab output area on a 1280-px screen without wrapping.
WIDTH = 100
UNANSWERED = "→"
WRONG = "✗"
RIGHT = "✓"


class _Unanswered(Exception):
    """An answer is still the ``...`` placeholder of its answer cell."""


class exercise:  # noqa: N801 - used as ``with exercise(...)``, like a function
    """Context manager that checks one exercise and reports the outcome in one short line.

    Parameters
    ----------
    number : int
        The exercise's number in its lesson, as its heading says.
    checked : str
        What a passing check verified, completing "Checked …"; it is said on success.

    Raises
    ------
    TypeError
        If `number` is not an int or `checked` is not a non-empty str.

    Examples
    --------
    >>> with exercise(2, checked="the byte offset of rows[1, 3]") as ex:
    ...     ex.answers(...)
    → Exercise 2: not answered yet: replace each ... above with your answer, then run both cells.
    >>> with exercise(2, checked="the byte offset of rows[1, 3]") as ex:
    ...     ex.answers(30)
    ...     assert 30 == 32, "Add 1 row stride (24 B) and 3 column strides (2 B) to the offset"
    ✗ Exercise 2: not yet. Add 1 row stride (24 B) and 3 column strides (2 B) to the offset
    >>> with exercise(2, checked="the byte offset of rows[1, 3]") as ex:
    ...     ex.answers(32)
    ...     assert 32 == 32, "add the strides"
    ✓ Exercise 2: correct. Checked the byte offset of rows[1, 3].
    """

    def __init__(self, number, checked):
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"exercise number must be an int, got {number!r}")
        if not isinstance(checked, str) or not checked.strip():
            raise TypeError(f"checked must be a non-empty str saying what is verified, got {checked!r}")
        self.title = f"Exercise {number}"
        self.checked = checked.strip().rstrip(".")

    def answers(self, *values):
        """Stop the check, without a hint, while any of `values` is still ``...``.

        Parameters
        ----------
        *values : object
            The names the learner's answer cell sets.
        """
        if any(value is Ellipsis for value in values):
            raise _Unanswered

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None:
            self._say(RIGHT, f"correct. Checked {self.checked}.")
        elif issubclass(kind, _Unanswered):
            self._say(UNANSWERED, "not answered yet: replace each ... above with your answer, "
                                  "then run both cells.")
        elif issubclass(kind, NameError):
            self._say(UNANSWERED, f"run your answer cell first ({error}).")
        elif issubclass(kind, AssertionError):
            hint = str(error).strip() or "your answer does not pass this check yet."
            self._say(WRONG, f"not yet. {hint}")
        elif issubclass(kind, Exception):
            self._say(WRONG, f"not yet. Checking your answer raised {kind.__name__}: {error}")
        else:  # KeyboardInterrupt, SystemExit: not ours to swallow
            return False
        return True

    def _say(self, mark, message):
        """Print one outcome, wrapped at `WIDTH` columns so that no word is split."""
        print(textwrap.fill(f"{mark} {self.title}: {message}", width=WIDTH,
                            break_long_words=False, break_on_hyphens=False,
                            subsequent_indent="  "))
