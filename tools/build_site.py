"""Build the workshop's website from the stored notebooks, without executing any of them.

Usage: ``python tools/build_site.py [OUTPUT]`` (``make site`` builds into ``build/site``).

The pages come from three places of the repository: ``site/*.md`` (the index), the series'
notebooks ``notebooks/NN_name.ipynb`` with their stored outputs, and ``docs/`` (the guide and
the cheatsheet, with the files they link to). They are copied into a work folder beside the
output (``OUTPUT-work/``), so that the pages keep the repository's paths and nothing is
written into the repository, and Sphinx builds them with ``site/`` as its configuration.
Every warning fails the build (``-W -n``); the last line printed is the built index.html.
"""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "site"
# Sphinx leaves this file in every HTML output folder; its presence marks a folder that a
# build may clear.
BUILD_MARK = ".buildinfo"


def site_sources(repo):
    """Return the files the site is built from, as (source path, path in the site).

    Parameters
    ----------
    repo : pathlib.Path
        The repository's root folder.

    Returns
    -------
    list of (pathlib.Path, pathlib.PurePath)
        The pages of ``site/``, the series' notebooks and everything under ``docs/``.
    """
    found = [(path, Path(path.name)) for path in sorted((repo / "site").glob("*.md"))]
    found += [(path, Path("notebooks", path.name))
              for path in sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    docs = repo / "docs"
    found += [(path, Path("docs") / path.relative_to(docs))
              for path in sorted(docs.rglob("*")) if path.is_file()]
    return found


def stage(repo, sources):
    """Copy the site's files into a fresh folder `sources`, keeping modification times."""
    if sources.exists():
        shutil.rmtree(sources)
    for path, name in site_sources(repo):
        (sources / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, sources / name)


def clear_output(output):
    """Remove an earlier build from `output`, so that no page of a removed file stays.

    Raises
    ------
    ValueError
        When `output` holds files but no mark of a Sphinx build: it is not cleared.
    """
    if not output.exists():
        return
    if not output.is_dir() or (any(output.iterdir()) and not (output / BUILD_MARK).is_file()):
        raise ValueError(f"output must be a new folder or an earlier site build, got {output}, "
                         f"which holds other files (no {BUILD_MARK})")
    shutil.rmtree(output)


def build(output, repo=REPO):
    """Build the site into `output`; return the path of its index.html.

    Parameters
    ----------
    output : pathlib.Path
        The folder for the HTML: new, or an earlier build of the site (it is replaced).
    repo : pathlib.Path, optional
        The repository to build from.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        When `output` is a folder of other files.
    subprocess.CalledProcessError
        When Sphinx warns or fails; its messages are on standard error.
    """
    output = Path(output).resolve()
    work = output.with_name(output.name + "-work")
    clear_output(output)
    stage(repo, work / "sources")
    subprocess.run(
        [sys.executable, "-m", "sphinx", "--builder", "html", "--fresh-env", "--quiet",
         "--fail-on-warning", "--keep-going", "--nitpicky", "--conf-dir", str(repo / "site"),
         "--doctree-dir", str(work / "doctrees"), str(work / "sources"), str(output)],
        check=True,
    )
    return output / "index.html"


def main(argv):
    """Build into the folder named (``build/site`` by default); print the index's path."""
    output = Path(argv[0]) if argv else REPO / "build" / "site"
    try:
        index = build(output)
    except ValueError as error:
        print(f"build_site: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"build_site: Sphinx failed (exit status {error.returncode})", file=sys.stderr)
        return 1
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
