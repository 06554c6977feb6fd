"""Sphinx extension of the workshop's site: the series table and a launch banner per lesson.

- ``series-table`` (a directive without arguments) is a table of every notebook under
  ``notebooks/``, in series order, with its title linked and the core and deeper minutes of
  its ``workshop.minutes`` metadata, and a row with the sum of the cores.
- Each notebook's page gets a banner under its title that opens the lesson in Binder's
  JupyterLab, and names the file to open after ``make lab``. The notebooks are not edited.
- A link from a page to a file of the repository that is not part of the site (the README,
  the Makefile, a test) becomes a link to that file on GitHub, instead of a broken link.
"""

import posixpath
from pathlib import Path
from urllib.parse import quote, urlsplit

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from yardstick import stated_minutes

NOTEBOOK_FOLDER = "notebooks/"
# postBuild makes the learner's working copies here, as `make lab` does on a laptop.
WORKING_COPIES = "my-notebooks"


def binder_url(repository, branch, notebook):
    """Return the Binder URL that opens a notebook's working copy in JupyterLab.

    Parameters
    ----------
    repository : str
        The GitHub repository, ``owner/name``.
    branch : str
        The branch Binder builds.
    notebook : str
        The notebook's file name, e.g. ``03_strides.ipynb``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When `repository` is not of the form ``owner/name`` or `notebook` is not a file name
        ending in ``.ipynb``.

    Examples
    --------
    >>> binder_url("someone/workshop", "main", "03_strides.ipynb")
    'https://mybinder.org/v2/gh/someone/workshop/main?urlpath=lab/tree/my-notebooks/03_strides.ipynb'
    """
    owner, _, name = repository.partition("/")
    if not owner or not name or "/" in name:
        raise ValueError(f"repository must be 'owner/name', got {repository!r}")
    if "/" in notebook or not notebook.endswith(".ipynb"):
        raise ValueError(f"notebook must be a file name ending in .ipynb, got {notebook!r}")
    path = quote(f"lab/tree/{WORKING_COPIES}/{notebook}", safe="/")
    return f"https://mybinder.org/v2/gh/{owner}/{name}/{quote(branch, safe='')}?urlpath={path}"


def repository_file_url(repository, branch, root, page, destination):
    """Return the GitHub URL of a repository file a page links to, or None.

    Parameters
    ----------
    repository, branch : str
        The GitHub repository (``owner/name``) and the branch to link to.
    root : pathlib.Path
        The repository's folder.
    page : str
        The linking page's path in the site, which is its path in the repository
        (``docs/instructor_guide.md``).
    destination : str
        The link as written, relative to the page, perhaps with a ``#fragment``.

    Returns
    -------
    str or None
        None when the link is a URL, or names no file or folder inside the repository.

    Examples
    --------
    >>> root = Path(__file__).resolve().parents[2]
    >>> repository_file_url("someone/workshop", "main", root, "docs/guide.md", "../Makefile")
    'https://github.com/someone/workshop/blob/main/Makefile'
    >>> repository_file_url("someone/workshop", "main", root, "docs/guide.md", "../tests#x")
    'https://github.com/someone/workshop/tree/main/tests#x'
    >>> repository_file_url("someone/workshop", "main", root, "docs/guide.md", "../nothing.md")
    """
    parts = urlsplit(destination)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path))
    path = Path(root, target)
    if target.startswith("..") or not path.exists():
        return None
    kind = "tree" if path.is_dir() else "blob"
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"https://github.com/{repository}/{kind}/{quote(branch, safe='')}/{quote(target)}{fragment}"


def link_repository_files(app, doctree):
    """Turn links to repository files that the site does not hold into links to GitHub."""
    env = app.env
    page = Path(env.doc2path(env.docname)).relative_to(env.srcdir).as_posix()
    for node in list(doctree.findall(addnodes.pending_xref)):
        if node.get("reftype") != "myst" or node.get("refdomain") is not None:
            continue
        url = repository_file_url(app.config.workshop_repository, app.config.workshop_branch,
                                  app.config.workshop_repository_root, page, node["reftarget"])
        if url is not None:
            node.replace_self(nodes.reference("", "", *node.children, refuri=url))


def notebook_docnames(env):
    """Return the documents that are notebooks of the series, in series order."""
    return sorted(name for name in env.found_docs if name.startswith(NOTEBOOK_FOLDER))


def cell(*children):
    """Return a table entry holding `children` in one paragraph."""
    return nodes.entry("", nodes.paragraph("", "", *children))


def text_row(*texts, header=False):
    """Return a table row of plain texts."""
    row = nodes.row("", *(cell(nodes.Text(text)) for text in texts))
    return nodes.thead("", row) if header else row


class SeriesTable(SphinxDirective):
    """The notebooks of the series with their minutes, from the notebooks themselves."""

    has_content = False

    def run(self):
        widths = (55, 15, 15, 15)
        group = nodes.tgroup("", *(nodes.colspec(colwidth=width) for width in widths),
                             cols=len(widths))
        group += text_row("Lesson", "Notebook", "Core (min)", "Deeper (min)", header=True)
        body = nodes.tbody()
        total = 0
        for docname in notebook_docnames(self.env):
            path = self.env.doc2path(docname)
            self.env.note_dependency(str(path))
            core, deeper = stated_minutes(nbformat.read(path, as_version=4))
            total += core or 0
            link = addnodes.pending_xref("", nodes.inline("", docname), refdomain="std",
                                         reftype="doc", reftarget="/" + docname,
                                         refexplicit=False, refdoc=self.env.docname)
            stem = docname.removeprefix(NOTEBOOK_FOLDER)
            body += nodes.row("", cell(link), cell(nodes.literal("", stem)),
                              *(cell(nodes.Text("–" if value is None else str(value)))
                                for value in (core, deeper)))
        hours, minutes = divmod(total, 60)
        body += text_row(f"All core paths: {hours} h {minutes} min", "", str(total), "")
        group += body
        table = nodes.table("", group, classes=["series-table"])
        return [table]


def launch_banner(repository, branch, notebook):
    """Return the banner that says where to run a notebook: Binder, or the learner's clone."""
    link = nodes.reference("", "Open in Binder (JupyterLab)",
                           refuri=binder_url(repository, branch, notebook),
                           classes=["binder-link"])
    paragraph = nodes.paragraph(
        "", "", nodes.strong("", "Run this lesson: "), link,
        nodes.Text(", or in your clone run "), nodes.literal("", "make lab"),
        nodes.Text(" and open "), nodes.literal("", f"{WORKING_COPIES}/{notebook}"),
        nodes.Text("."))
    return nodes.container("", paragraph, classes=["workshop-launch"])


def add_launch_banner(app, doctree):
    """Put the launch banner under the title of each notebook's page."""
    docname = app.env.docname
    if not docname.startswith(NOTEBOOK_FOLDER):
        return
    banner = launch_banner(app.config.workshop_repository, app.config.workshop_branch,
                           docname.removeprefix(NOTEBOOK_FOLDER) + ".ipynb")
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree.insert(0, banner)
    else:
        section.insert(1, banner)


def setup(app):
    """Register the directive, the banner and the settings that name the repository."""
    app.add_config_value("workshop_repository", "", "env", types=[str])
    app.add_config_value("workshop_branch", "main", "env", types=[str])
    app.add_config_value("workshop_repository_root", "", "env", types=[str])
    app.add_directive("series-table", SeriesTable)
    app.connect("doctree-read", add_launch_banner)
    app.connect("doctree-read", link_repository_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
