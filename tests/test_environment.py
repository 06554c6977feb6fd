"""pyproject.toml's `workshop` extra and environment.yml must pin the same packages."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from pins import normalise_name, parse_pins, pyproject_pins

REPO = Path(__file__).resolve().parent.parent
# Packages conda needs to build the environment; pip installs them implicitly.
CONDA_ONLY = {"python", "pip"}


def environment_pins(text):
    """Return the pins of an environment.yml, without python and pip themselves.

    Parameters
    ----------
    text : str
        The file's contents.

    Returns
    -------
    dict of str to str
        Normalised name to version.

    Raises
    ------
    ValueError
        When the file has a nested ``pip:`` section, which the pip path would not see.
    """
    specs = []
    for entry in yaml.safe_load(text)["dependencies"]:
        if not isinstance(entry, str):
            raise ValueError(f"unexpected entry {entry!r}: list conda packages only")
        name = re.split(r"[=<>!\s]", entry, maxsplit=1)[0]
        if normalise_name(name) not in CONDA_ONLY:
            specs.append(entry)
    return parse_pins(specs)


def differences(left, right, left_name, right_name):
    """Describe how two sets of pins differ.

    Parameters
    ----------
    left, right : dict of str to str
        Normalised name to version.
    left_name, right_name : str
        What to call each side in the messages.

    Returns
    -------
    list of str
        One line per package that is missing on one side or pinned to another version;
        empty when the pins agree.
    """
    lines = []
    for name in sorted(left.keys() | right.keys()):
        if name not in right:
            lines.append(f"{name}: only in {left_name} ({left[name]})")
        elif name not in left:
            lines.append(f"{name}: only in {right_name} ({right[name]})")
        elif left[name] != right[name]:
            lines.append(
                f"{name}: {left[name]} in {left_name}, {right[name]} in {right_name}"
            )
    return lines


def read(name):
    """Return the text of a file at the repository root."""
    return (REPO / name).read_text(encoding="utf-8")


def test_pyproject_and_environment_pin_the_same_versions():
    ours = pyproject_pins(read("pyproject.toml"))
    theirs = environment_pins(read("environment.yml"))
    found = differences(ours, theirs, "pyproject.toml", "environment.yml")
    assert not found, "pins disagree:\n" + "\n".join(found)


def test_comparison_reports_every_kind_of_difference():
    ours = pyproject_pins(
        '[project.optional-dependencies]\nworkshop = ["numpy==2.4.6", "line_profiler==5.1.0",'
        ' "ruff==0.17.6"]\n'
    )
    theirs = environment_pins(
        "dependencies:\n  - python=3.11\n  - pip\n  - numpy==2.3.0\n  - Line-Profiler==5.1.0\n"
        "  - pytest==9.2.0\n"
    )
    assert differences(ours, theirs, "a", "b") == [
        "numpy: 2.4.6 in a, 2.3.0 in b",
        "pytest: only in b (9.2.0)",
        "ruff: only in a (0.17.6)",
    ]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [("numpy>=2.0", "not an exact pin"), ("numpy==2.4.6 numpy==2.4.6", "not an exact pin")],
)
def test_loose_or_malformed_pins_are_rejected(spec, problem):
    with pytest.raises(ValueError, match=problem):
        parse_pins([spec])


def test_a_package_listed_twice_is_rejected():
    with pytest.raises(ValueError, match="listed twice"):
        parse_pins(["line_profiler==5.1.0", "line-profiler==5.1.0"])


def test_a_nested_pip_section_is_rejected():
    with pytest.raises(ValueError, match="conda packages only"):
        environment_pins("dependencies:\n  - pip\n  - pip:\n    - numpy==2.4.6\n")


def test_environment_python_is_allowed_by_pyproject():
    assert "  - python=3.11\n" in read("environment.yml")
    assert tomllib.loads(read("pyproject.toml"))["project"]["requires-python"] == ">=3.11"


def test_library_dependencies_are_pinned_for_the_workshop():
    pins = pyproject_pins(read("pyproject.toml"))
    for requirement in tomllib.loads(read("pyproject.toml"))["project"]["dependencies"]:
        name = normalise_name(re.split(r"[=<>!~\s]", requirement, maxsplit=1)[0])
        assert name in pins, f"{requirement} is a dependency the workshop extra does not pin"


def test_workshop_numpy_is_numpy_2():
    assert pyproject_pins(read("pyproject.toml"))["numpy"].split(".")[0] == "2"
