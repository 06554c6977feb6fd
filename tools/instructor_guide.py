"""Write the parts of the instructor guide that come from the lessons, between its markers.

Usage (``make guide`` runs it)::

    python tools/instructor_guide.py          # rewrite the generated parts of the guide
    python tools/instructor_guide.py --check  # exit 1, changing nothing, if one is stale

``docs/instructor_guide.md`` is written by hand, except for the parts between a line
``<!-- generated: NAME -->`` and the next ``<!-- end generated -->``, which this script
rewrites from their one source:

- ``NAME`` a lesson (``04_views_and_copies``): its title and prerequisites from its first
  cell, its core and deeper minutes from its metadata (``workshop.minutes``), its objectives
  from its "You will learn" cell, and its exercises from their ``### Exercise N: …`` headings;
- ``schedules``: the full-day and half-day tables of the README, which
  ``tests/test_readme.py`` holds to the lessons' minutes, and its paragraph after them;
- ``kernel peaks``: the table of ``benchmarks/kernel_peaks.json``, which
  ``benchmarks/bench_kernel_peaks.py --record`` writes, and the room sizing computed from it.

Every lesson must have its marker, in series order. ``tests/test_instructor_guide.py`` holds
the guide to this script and the hand-written parts to the lessons they name.
"""

import json
import math
import re
import sys
from pathlib import Path

import nbformat

from yardstick import is_deeper, stated_minutes

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "instructor_guide.md"
README = REPO / "README.md"
PEAKS = REPO / "benchmarks" / "kernel_peaks.json"
BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w ]+) -->\n)(?P<body>.*?)(<!-- end generated -->)",
                   re.DOTALL)
EXERCISE = re.compile(r"^### Exercise (\d+): (.+)$", re.MULTILINE)
# The two tables and the paragraph after them, on what a half day leaves out.
SCHEDULES = re.compile(r"^\*\*Full day\*\*.*?\n\n\*\*Half day\*\*.*?\n\n\|.*?\n\n.*?\n(?=\n)",
                       re.DOTALL | re.MULTILINE)
# Room sizing: the learners of the README's room, the kernels a learner may hold at their
# peak at once (the lesson in progress and one left running), and the step limits round to.
LEARNERS = 40
KERNELS = 2
STEP_MIB = 512
MIB = 2**20


def lessons(repo=REPO):
    """Return the paths of the series' lessons, in order: the notebooks that state their minutes.

    The setup check and the gallery state none, so they are not lessons.
    """
    return [path for path in sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))
            if stated_minutes(nbformat.read(path, as_version=4))[0] is not None]


def markdown_lines(source):
    """Yield the lines of a markdown cell that lie outside fenced code blocks."""
    fenced = False
    for line in source.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield line


def objectives(nb):
    """Return the bullet points of a lesson's "You will learn" cell, each joined into one line.

    Raises
    ------
    ValueError
        When the lesson has no such cell.
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## You will learn"):
            items = []
            for line in cell.source.splitlines()[1:]:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                elif line.startswith("  ") and items:
                    items[-1] += " " + line.strip()
            return items
    raise ValueError("the lesson has no '## You will learn' cell")


def exercises(nb):
    """Return the lesson's exercises as (number, title, deeper), in order."""
    return [(int(number), title, is_deeper(cell))
            for cell in nb.cells if cell.cell_type == "markdown"
            for number, title in EXERCISE.findall(cell.source)]


def lesson_block(path):
    """Return the generated part of one lesson's section.

    Parameters
    ----------
    path : pathlib.Path
        The lesson's notebook.

    Returns
    -------
    str
        Its heading, minutes, prerequisites, objectives and exercises, in Markdown.
    """
    nb = nbformat.read(path, as_version=4)
    paragraphs = [" ".join(part.split()) for part in nb.cells[0].source.split("\n\n")]
    title = paragraphs[0].lstrip("# ")
    promise = paragraphs[1]
    prerequisites = next(part[part.index("**Prerequisites:**"):] for part in paragraphs
                         if "**Prerequisites:**" in part)
    core, deeper = stated_minutes(nb)
    found = exercises(nb)
    in_deeper = ", ".join(str(n) for n, _, deep in found if deep)
    lines = [f"### {title}", "",
             f"[`{path.stem}`](../notebooks/{path.name}): **core {core} min**, deeper {deeper} min "
             f"(self-study). {prerequisites}", "", f"*{promise}*", "",
             "You will learn (the lesson's objectives):", ""]
    lines += [f"- {item}" for item in objectives(nb)]
    lines += ["", "Exercises of the core path:", ""]
    lines += [f"- {n}: {title}" for n, title, deep in found if not deep]
    if in_deeper:
        lines += ["", f"Going deeper adds exercise{'s' if ',' in in_deeper else ''} {in_deeper}."]
    lines.append("")
    return "\n".join(lines)


def schedules_block(readme):
    """Return the README's full-day and half-day schedules and the paragraph after them, as stated.

    Raises
    ------
    ValueError
        When the README has no "**Full day**" then "**Half day**" table.
    """
    found = SCHEDULES.search(readme)
    if found is None:
        raise ValueError("README.md has no '**Full day**' table followed by a '**Half day**' table")
    return found[0]


def sizing(peaks):
    """Return the room sizing of recorded kernel peaks, in MiB.

    Parameters
    ----------
    peaks : dict
        ``benchmarks/kernel_peaks.json``: ``bytes`` maps each notebook to its kernel's
        ``start``, ``core`` and ``all`` in bytes.

    Returns
    -------
    dict
        ``largest`` (the largest peak, Going deeper included, MiB rounded up), ``notebook``
        (whose it is), ``limit`` (MiB per learner: ``KERNELS`` × largest, rounded up to
        ``STEP_MIB``) and ``room`` (GiB for ``LEARNERS`` learners at that limit).

    Examples
    --------
    >>> sizing({"bytes": {"a": {"start": 0, "core": 100 * MIB, "all": 300 * MIB + 1}}})
    {'largest': 301, 'notebook': 'a', 'limit': 1024, 'room': 40}
    """
    notebook = max(peaks["bytes"], key=lambda name: peaks["bytes"][name]["all"])
    largest = math.ceil(peaks["bytes"][notebook]["all"] / MIB)
    limit = math.ceil(KERNELS * largest / STEP_MIB) * STEP_MIB
    return {"largest": largest, "notebook": notebook, "limit": limit,
            "room": LEARNERS * limit // 1024}


def readme_sentence(peaks):
    """Return the README's sentence on JupyterHub memory, from the recorded peaks."""
    size = sizing(peaks)
    return (f"For a JupyterHub, the largest kernel peak we measured is {size['largest']} MiB "
            f"(`{size['notebook']}`), so give each learner {size['limit']} MiB: "
            f"{size['room']} GiB for {LEARNERS} learners (the instructor guide shows how).")


def peaks_block(peaks, notebooks):
    """Return the table of kernel peaks and the room sizing, in Markdown.

    Parameters
    ----------
    peaks : dict
        ``benchmarks/kernel_peaks.json``, as `sizing` takes it.
    notebooks : list of str
        The notebooks the table must hold, in order.

    Raises
    ------
    ValueError
        When the results miss a notebook or hold one that no longer exists.
    """
    if list(peaks["bytes"]) != notebooks:
        raise ValueError(f"benchmarks/kernel_peaks.json holds {list(peaks['bytes'])}, not the "
                         f"notebooks {notebooks}: run benchmarks/bench_kernel_peaks.py --record")
    machine = peaks["machine"]
    size = sizing(peaks)
    lines = [f"Measured on {machine['measured']} ({machine['system']}, Python {machine['python']}, "
             f"NumPy {machine['numpy']}) by `benchmarks/bench_kernel_peaks.py`: the kernel's "
             "resident memory, in MiB rounded up.", "",
             "| Notebook | At start | Peak of the core path | Peak with Going deeper |",
             "| --- | --- | --- | --- |"]
    for name, found in peaks["bytes"].items():
        lines.append(f"| `{name}` | " + " | ".join(str(math.ceil(found[key] / MIB))
                                                  for key in ("start", "core", "all")) + " |")
    lines += ["", f"The largest peak is {size['largest']} MiB (`{size['notebook']}`). "
              f"Per learner: {KERNELS} kernels × {size['largest']} MiB, rounded up to a multiple "
              f"of {STEP_MIB} MiB, is **{size['limit']} MiB**. For {LEARNERS} learners: "
              f"{LEARNERS} × {size['limit']} MiB = **{size['room']} GiB**, plus what the hub and "
              "each learner's Jupyter server take, which this benchmark does not measure.", ""]
    return "\n".join(lines)


def render(guide, repo=REPO):
    """Return the guide with every generated part rewritten from its source.

    Parameters
    ----------
    guide : str
        The guide's Markdown.
    repo : pathlib.Path, optional
        The repository whose lessons, README and benchmark results to read.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When the lessons' markers are missing, repeated or out of series order, or a marker
        names no source.
    """
    paths = {path.stem: path for path in lessons(repo)}
    names = [found["name"] for found in BLOCK.finditer(guide)]
    lesson_names = [name for name in names if name in paths]
    if lesson_names != list(paths):
        raise ValueError(f"the guide's lesson markers are {lesson_names}; it needs one "
                         f"'<!-- generated: NAME -->' … '<!-- end generated -->' per lesson, "
                         f"in order: {list(paths)}")
    peaks = json.loads((repo / PEAKS.relative_to(REPO)).read_text(encoding="utf-8"))
    notebooks = [path.stem for path in sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    sources = {"schedules": lambda: schedules_block((repo / "README.md").read_text(encoding="utf-8")),
               "kernel peaks": lambda: peaks_block(peaks, notebooks)}

    def rewrite(found):
        name = found["name"]
        if name in paths:
            body = lesson_block(paths[name])
        elif name in sources:
            body = sources[name]()
        else:
            raise ValueError(f"the guide's marker 'generated: {name}' names no lesson and no "
                             f"part this script writes ({', '.join(sources)})")
        return found[1] + body + "\n" + found[4]

    return BLOCK.sub(rewrite, guide)


def main(argv):
    """Rewrite the guide's generated parts, or with ``--check`` say whether they are stale.

    Returns
    -------
    int
        0 when the guide is (now) up to date, 1 when ``--check`` finds it stale.
    """
    text = GUIDE.read_text(encoding="utf-8")
    fresh = render(text)
    if "--check" in argv:
        if fresh != text:
            print("instructor_guide: docs/instructor_guide.md is stale: run make guide",
                  file=sys.stderr)
            return 1
        return 0
    GUIDE.write_text(fresh, encoding="utf-8")
    print(f"instructor_guide: {GUIDE.relative_to(REPO)} {'updated' if fresh != text else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
