"""The workshop's pinned packages, read from the one place they are written: pyproject.toml.

The `workshop` extra of ``pyproject.toml`` pins every package at the version the stored notebook
outputs were made with; ``environment.yml`` repeats them for conda (``tests/test_environment.py``
checks that both agree) and ``tools/preflight.py`` checks a learner's machine against them.
Standard library only: the preflight runs this with the system Python, before any venv exists.
"""

import re
import tomllib

PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;=]+)\s*$")


def normalise_name(name):
    """Return a package name in PEP 503 form, so `line_profiler` equals `Line-Profiler`.

    Parameters
    ----------
    name : str
        A distribution name as written in a requirement.

    Returns
    -------
    str
        Lower case, with runs of ``-``, ``_`` and ``.`` replaced by one ``-``.

    Examples
    --------
    >>> normalise_name("Line_Profiler")
    'line-profiler'
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pins(specs):
    """Read exact pins (``name==version``) into a mapping.

    Parameters
    ----------
    specs : iterable of str
        Requirement strings.

    Returns
    -------
    dict of str to str
        The version of each package, keyed by its :func:`normalise_name`.

    Raises
    ------
    ValueError
        When a spec is not an exact pin, or a package is listed twice.

    Examples
    --------
    >>> parse_pins(["numpy==2.4.6", "line_profiler==5.1.0"])
    {'numpy': '2.4.6', 'line-profiler': '5.1.0'}
    """
    pins = {}
    for spec in specs:
        match = PIN.match(spec)
        if match is None:
            raise ValueError(f"{spec!r} is not an exact pin (name==version)")
        name, version = normalise_name(match[1]), match[2]
        if name in pins:
            raise ValueError(f"{name} is listed twice")
        pins[name] = version
    return pins


def pyproject_pins(text):
    """Return the pins of the `workshop` extra of a pyproject.toml.

    Parameters
    ----------
    text : str
        What pyproject.toml holds, as TOML text.

    Returns
    -------
    dict of str to str
        Each pinned package, by its PEP 503 name, to its pinned version.

    Examples
    --------
    >>> pyproject_pins('[project.optional-dependencies]\\nworkshop = ["NumPy==2.4.6"]')
    {'numpy': '2.4.6'}
    """
    return parse_pins(tomllib.loads(text)["project"]["optional-dependencies"]["workshop"])


def required_python(text):
    """Return the oldest Python a pyproject.toml's ``requires-python = ">=X.Y"`` allows.

    Parameters
    ----------
    text : str
        A pyproject.toml, read as text.

    Returns
    -------
    tuple of int
        The major and minor version, ``(X, Y)``.

    Raises
    ------
    ValueError
        When ``requires-python`` is missing or not of the form ``>=X.Y``.

    Examples
    --------
    >>> required_python('[project]\\nrequires-python = ">=3.11"')
    (3, 11)
    """
    spec = tomllib.loads(text).get("project", {}).get("requires-python", "")
    match = re.fullmatch(r"\s*>=\s*(\d+)\.(\d+)\s*", spec)
    if match is None:
        raise ValueError(f"requires-python must be of the form '>=X.Y', not {spec!r}")
    return int(match[1]), int(match[2])
