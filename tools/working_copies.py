"""Give each learner working copies of the lessons, so that the clone itself stays clean.

Usage (``make lab`` and ``make fresh`` run it)::

    python tools/working_copies.py sync ORIGINALS WORK
    python tools/working_copies.py fresh ORIGINALS WORK NAME

``sync`` copies every ``NN_*.ipynb`` of ORIGINALS that WORK does not have yet (a lesson new
upstream arrives this way) and names the copies whose original has changed since they were
made. ``fresh`` replaces one copy by the current original, after moving the learner's copy to
``WORK/previous/``. Nothing a learner wrote is ever overwritten or deleted.

WORK (``my-notebooks/``) is git-ignored: opening, running and saving a copy in JupyterLab never
changes a file git tracks, and ``git pull`` never conflicts with it. ``WORK/.originals.json``
records the SHA-256 of the original each copy was made from.
"""

import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

MANIFEST = ".originals.json"
PREVIOUS = "previous"
PATTERN = "[0-9][0-9]_*.ipynb"


def digest(path):
    """Return the SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(work):
    """Return {notebook name: SHA-256 of the original its copy was made from}."""
    path = work / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_manifest(work, manifest):
    """Store the manifest, sorted, so that a rewrite with the same content changes no byte."""
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    (work / MANIFEST).write_text(text, encoding="utf-8")


def copy_original(original, work, manifest):
    """Copy one original into WORK, which must not hold that name, and record its digest."""
    target = work / original.name
    if target.exists():
        raise FileExistsError(f"{target} exists; it is never overwritten")
    shutil.copyfile(original, target)
    manifest[original.name] = digest(original)


def sync(originals, work):
    """Copy the lessons WORK lacks; return one line per copy made and per copy out of date.

    Parameters
    ----------
    originals : pathlib.Path
        The folder of the series' notebooks (``notebooks/``).
    work : pathlib.Path
        The learner's folder (``my-notebooks/``); created if missing.

    Returns
    -------
    list of str
        What changed or needs the learner's attention, one sentence each.
    """
    work.mkdir(exist_ok=True)
    manifest = read_manifest(work)
    report = []
    for original in sorted(originals.glob(PATTERN)):
        copy = work / original.name
        if not copy.exists():
            copy_original(original, work, manifest)
            report.append(f"new working copy: {copy}")
        elif manifest.get(original.name) not in (None, digest(original)):
            report.append(
                f"{original.name} has changed upstream since your copy was made; "
                f"`make fresh NB={original.stem}` gets the new version and keeps yours in "
                f"{work / PREVIOUS}/"
            )
    write_manifest(work, manifest)
    return report


def fresh(originals, work, name):
    """Replace one working copy by its current original; keep the learner's copy aside.

    Parameters
    ----------
    originals, work : pathlib.Path
        As for `sync`.
    name : str
        The lesson, with or without ``.ipynb`` (``03_strides``).

    Returns
    -------
    list of str
        What was moved and copied.

    Raises
    ------
    ValueError
        If `name` is not a notebook of the series.
    """
    filename = name if name.endswith(".ipynb") else f"{name}.ipynb"
    original = originals / Path(filename).name
    if not original.is_file() or not original.match(PATTERN):
        known = ", ".join(path.stem for path in sorted(originals.glob(PATTERN)))
        raise ValueError(f"{name!r} is not a lesson of the series; the lessons are: {known}")
    work.mkdir(exist_ok=True)
    manifest = read_manifest(work)
    report = []
    copy = work / original.name
    if copy.exists():
        kept = work / PREVIOUS / f"{original.stem}-{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
        kept.parent.mkdir(exist_ok=True)
        if kept.exists():
            raise FileExistsError(f"{kept} exists; try again in a second")
        copy.rename(kept)
        report.append(f"your copy is kept as {kept}")
    copy_original(original, work, manifest)
    write_manifest(work, manifest)
    report.append(f"fresh working copy: {copy}")
    return report


def main(argv):
    """Run ``sync`` or ``fresh``; print what was done; return the exit status."""
    usage = "usage: working_copies.py sync ORIGINALS WORK | fresh ORIGINALS WORK NAME"
    if len(argv) < 3 or (argv[0], len(argv)) not in (("sync", 3), ("fresh", 4)):
        print(usage, file=sys.stderr)
        return 2
    originals, work = Path(argv[1]), Path(argv[2])
    if not originals.is_dir():
        print(f"working copies: {originals} is not a folder of notebooks", file=sys.stderr)
        return 2
    try:
        report = sync(originals, work) if argv[0] == "sync" else fresh(originals, work, argv[3])
    except (ValueError, OSError) as error:
        print(f"working copies: {error}", file=sys.stderr)
        return 1
    for line in report:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
