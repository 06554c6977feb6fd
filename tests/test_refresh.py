"""The sanitize rules and `make refresh` (tools/refresh_notebooks.py)."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import refresh_notebooks

RULES = refresh_notebooks.load_sanitize_rules()
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "{'data': (140542492335712, False), 'strides': None}",
            "{'data': (<pointer>, False), 'strides': None}",
        ),
        ("<memory at 0x7f3a2c1b4e80>", "<memory at 0x<address>>"),
        ("<function f at 0x000001F2A3B4C5D6>", "<function f at 0x<address>>"),
        ("data pointer: 140542492335712", "data pointer: <pointer>"),
        ("a.ctypes.data = 0x7f3a2c1b4e80", "a.ctypes.data = <pointer>"),
        ("Address: 94123456", "Address: <pointer>"),
        (
            "/tmp/ipykernel_4242/3141592653.py:3: DeprecationWarning: old",
            "<ipykernel-cell>.py:3: DeprecationWarning: old",
        ),
        (
            "C:\\Users\\ada\\AppData\\Local\\Temp\\ipykernel_77\\123.py:1: UserWarning",
            "<ipykernel-cell>.py:1: UserWarning",
        ),
        (
            "651 µs ± 12.2 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)\n",
            "<time> ± <spread> per loop (mean ± std. dev. of 7 runs, 1,000 loops each)\n",
        ),
        (
            "37.8 ms ± 1e+03 μs per loop (mean ± std. dev. of 5 runs, 10 loops each)\n",
            "<time> ± <spread> per loop (mean ± std. dev. of 5 runs, 10 loops each)\n",
        ),
        (
            "The slowest run took 5.21 times longer than the fastest. This could mean that an"
            " intermediate result is being cached.\n"
            "3.1 ns ± 0 ns per loop (mean ± std. dev. of 1 run, 1 loop each)\n",
            "<time> ± <spread> per loop (mean ± std. dev. of 1 run, 1 loop each)\n",
        ),
    ],
)
def test_sanitizer_replaces_what_changes_between_runs(text, expected):
    assert refresh_notebooks.sanitize(text, RULES) == expected
    assert refresh_notebooks.sanitize(expected, RULES) == expected


@pytest.mark.parametrize(
    "text",
    [
        "array([140542492335712,               3])",
        "{'strides': (24, 8), 'shape': (2, 3), 'version': 3}",
        "nbytes: 48, itemsize: 8, offset: 16",
        "np.int64(140542492335712)",
        "0xff 0x3ff0000000000000 hex(255) = 0xff",
        "(8000000, False)",
        "data: (1, 2)",
        "2.5 ± 0.1 mm",
        "12.5 ms elapsed, 3 runs",
        "see /tmp/results_12/34.py",
    ],
)
def test_sanitizer_leaves_ordinary_numbers_alone(text):
    assert refresh_notebooks.sanitize(text, RULES) == text


def write_notebook(path, *sources):
    """Write a notebook of code cells, unexecuted, and return its bytes."""
    nb = new_notebook(
        cells=[new_code_cell(source) for source in sources], metadata={"kernelspec": KERNELSPEC}
    )
    nbformat.write(nb, path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def refreshed_twice(tmp_path_factory):
    """A small notebook with a timing, a pointer, a warning and a figure, refreshed twice."""
    path = tmp_path_factory.mktemp("refresh") / "small.ipynb"
    write_notebook(
        path,
        "import warnings\n\nimport matplotlib.pyplot as plt\nimport numpy as np",
        "a = np.arange(6, dtype=np.int64)\nprint('pointer:', a.ctypes.data)\n"
        "a.__array_interface__",
        "# NBVAL_IGNORE_OUTPUT\n%timeit -r 3 -n 5 a.sum()",
        "for part in ('one', 'two'):\n    print(part, flush=True)",
        "warnings.warn('shown to the learner', UserWarning)",
        "fig, ax = plt.subplots(figsize=(2, 1))\nax.plot(a);",
        "import ipywidgets\n\nipywidgets.IntSlider(3)",
    )
    assert refresh_notebooks.main([str(path)]) == 0
    first = path.read_bytes()
    assert refresh_notebooks.main([str(path)]) == 0
    return first, path.read_bytes()


def test_second_refresh_changes_no_byte(refreshed_twice):
    first, second = refreshed_twice
    assert first == second


def test_refresh_stores_sanitized_normalised_outputs(refreshed_twice):
    stored = refreshed_twice[0].decode("utf-8")
    assert stored.endswith("}\n")
    nb = nbformat.reads(stored, as_version=4)
    assert [cell.execution_count for cell in nb.cells] == [1, 2, 3, 4, 5, 6, 7]
    assert all("execution" not in cell.metadata for cell in nb.cells)
    assert "version" not in nb.metadata.language_info
    pointer, timing, streams, warning, figure, widget = (cell.outputs for cell in nb.cells[1:])
    assert pointer[0].text == "pointer: <pointer>\n"
    assert "'data': (<pointer>, False)" in pointer[1].data["text/plain"]
    assert timing[0].text.startswith("<time> ± <spread> per loop")
    assert [output.text for output in streams] == ["one\ntwo\n"]
    assert warning[0].text.startswith("<ipykernel-cell>.py:1: UserWarning")
    assert "image/png" in figure[0].data
    assert list(widget[0].data) == ["text/plain"] and "widgets" not in nb.metadata
    assert json.loads(stored) == json.loads(nbformat.writes(nb))


def test_failing_notebook_is_left_unchanged(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    before = write_notebook(path, "print('runs')", "1 / 0")
    assert refresh_notebooks.main([str(path)]) == 1
    assert path.read_bytes() == before
    assert capsys.readouterr().err == (
        f"refresh: {path} failed, left unchanged: ZeroDivisionError: division by zero\n"
    )


@pytest.mark.parametrize("name", ["missing.ipynb", "notes.txt"])
def test_refresh_refuses_what_is_not_a_notebook(tmp_path, capsys, name):
    (tmp_path / "notes.txt").write_text("not a notebook", encoding="utf-8")
    assert refresh_notebooks.main([str(tmp_path / name)]) == 2
    assert capsys.readouterr().err == f"refresh: {tmp_path / name} is not a notebook file\n"
