"""``%load_ext memlayout``: %peakmem and %%peakmem print what peak_memory() prints."""

import tracemalloc

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output


@pytest.fixture(scope="module")
def shell():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "memlayout")
    ip.run_cell("import numpy as np; x = np.ones(1024**2)", store_history=False)
    return ip


def run(shell, cell):
    with capture_output() as captured:
        result = shell.run_cell(cell, store_history=False)
    result.raise_error()
    return captured.stdout


def test_cell_magic_prints_the_measurement_and_keeps_names(shell):
    out = run(shell, "%%peakmem\ny = x * 2\nz = y + 1\ndel z\n")
    assert out == "peak 16.0 MiB, retained 8.0 MiB\n"
    assert shell.user_ns["y"].nbytes == 8 * 1024**2
    assert "z" not in shell.user_ns


def test_cell_magic_in_place_is_zero(shell):
    assert run(shell, "%%peakmem\nx *= 2\nnp.add(x, 1, out=x)\n") == "peak ≈ 0 B, retained ≈ 0 B\n"


def test_line_magic(shell):
    assert run(shell, "%peakmem w = x.copy()") == "peak 8.0 MiB, retained 8.0 MiB\n"


def test_magic_leaves_tracing_off(shell):
    run(shell, "%peakmem x * 2")
    assert not tracemalloc.is_tracing()


def test_cell_magic_takes_no_arguments(shell):
    with pytest.raises(UsageError, match="no arguments"):
        shell.run_cell_magic("peakmem", "y = 1", "x * 2")


def test_errors_in_the_cell_reach_the_learner(shell):
    with capture_output():
        result = shell.run_cell("%%peakmem\n1 / 0\n", store_history=False)
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    assert not tracemalloc.is_tracing()


def test_an_error_after_stopping_tracemalloc_is_still_the_learners(shell):
    with capture_output():
        result = shell.run_cell("%%peakmem\nimport tracemalloc\ntracemalloc.stop()\n"
                                "raise KeyError('mine')\n", store_history=False)
    assert isinstance(result.error_in_exec, KeyError)
    assert not tracemalloc.is_tracing()
