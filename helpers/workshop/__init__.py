"""Workshop machinery for the lessons' exercises (not part of memlayout).

A check cell wraps its asserts in :func:`exercise`, which turns the outcome into one short
line for the learner instead of a traceback.
"""

from workshop.checks import exercise

__all__ = ["exercise"]
