"""The value labels of the drawings: every float is written as it is, without a warning.

A float16 cannot hold 1e6, a float32 cannot hold 1e39 and a float64 cannot hold a long double's
1e400; a label that compared or cast such a bound in the value's own type would overflow and
warn. Every drawing that writes values (show, show_index, show_broadcast) is drawn here with
warnings turned into errors, and its labels are read back.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import memlayout

FLOAT16 = np.array([np.inf, -np.inf, np.nan, 65504, -65504, 2049, 0.1, 6e-8, -0.0],
                   dtype=np.float16)
#: Labels of FLOAT16's values, in order: 2049 is stored as 2048, 6e-8 as 5.96e-08.
FLOAT16_LABELS = ["inf", "-inf", "nan", "65504.", "-65504.", "2048.", "0.1", "6e-08", "-0."]


def drawings(a):
    """Every drawing of `a` that writes its values into cells."""
    return {
        "show": lambda: memlayout.show(a),
        "show_index": lambda: memlayout.show_index(a, np.arange(a.size)),
        "show_broadcast": lambda: memlayout.show_broadcast(a, np.zeros(1, a.dtype),
                                                           op=np.maximum),
    }


@pytest.mark.parametrize("drawing", ["show", "show_index", "show_broadcast"])
def test_float16_values_are_drawn_as_they_are_without_a_warning(drawing, read_figure):
    # Three values a figure, so that none is summarised away.
    for values, labels in zip(FLOAT16.reshape(3, 3), np.reshape(FLOAT16_LABELS, (3, 3)),
                              strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = read_figure(drawings(values)[drawing]())
        for label in labels:
            assert label in fig.texts, f"{drawing}: no cell reads {label!r}"


#: Long double is wider than float64 on x86-64 Linux, not on Windows or Apple silicon.
WIDE_LONGDOUBLE = np.finfo(np.longdouble).maxexp > np.finfo(np.float64).maxexp


@pytest.mark.parametrize(("dtype", "values", "labels"), [
    (np.float32, ["3e38", "-1e-39"], ["3e+38", "-1e-39"]),  # beyond float16
    (np.float64, ["1e300", "-5e-324"], ["1e+300", "-5e-324"]),  # beyond float32
    pytest.param(np.longdouble, ["1e400"], ["1e+400"],  # beyond float64
                 marks=pytest.mark.skipif(not WIDE_LONGDOUBLE, reason="long double is float64")),
])
def test_values_beyond_narrower_floats_are_drawn_without_a_warning(dtype, values, labels,
                                                                  read_figure):
    for name, draw in drawings(np.array(values, dtype=dtype)).items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = read_figure(draw())
        for label in labels:
            assert label in fig.texts, f"{name}: no cell reads {label!r}"
