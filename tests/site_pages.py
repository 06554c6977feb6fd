"""Reading the built website (``make site``): its pages' links, anchors, figures and solutions.

Used by tests/test_site.py and by the browser test's look at a lesson page
(tests/browser/site_page.py).
"""

import base64
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Where each of a page's links points: the attributes that name another file.
LINK_ATTRIBUTES = ("href", "src")
# The folder of the themes' CSS, scripts and fonts.
STATIC = "_static"


@dataclass
class Page:
    """What a built HTML page holds, as far as the tests look."""

    ids: set = field(default_factory=set)
    links: list = field(default_factory=list)
    output_images: list = field(default_factory=list)
    details_open: list = field(default_factory=list)
    binder_links: list = field(default_factory=list)
    next_page: str | None = None


class PageParser(HTMLParser):
    """Collect a page's anchors, links, the images in cell outputs, solutions, Binder links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.divs = []  # per open <div>: whether it is a cell's output

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.page.ids.add(values[name])
        self.page.links += [values[name] for name in LINK_ATTRIBUTES
                            if values.get(name) is not None and tag != "form"]
        if tag == "div":
            self.divs.append("cell_output" in classes)
        elif tag == "img" and any(self.divs):
            self.page.output_images.append(values.get("src"))
        elif tag == "details":
            self.page.details_open.append("open" in values)
        elif tag == "a" and "binder-link" in classes:
            self.page.binder_links.append(values.get("href"))
        elif tag == "link" and values.get("rel") == "next":
            self.page.next_page = values.get("href")

    def handle_endtag(self, tag):
        if tag == "div" and self.divs:
            self.divs.pop()


def read_page(path):
    """Parse one HTML file.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    Page
    """
    parser = PageParser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def link_target(page_path, link):
    """Return (file, fragment) a link of a page points to, or None for an external link.

    Examples
    --------
    >>> target, fragment = link_target(Path("site/a/b.html"), "../c.html#part")
    >>> target.as_posix(), fragment
    ('site/c.html', 'part')
    >>> target, fragment = link_target(Path("site/a/b.html"), "#top")
    >>> target.as_posix(), fragment
    ('site/a/b.html', 'top')
    >>> link_target(Path("site/a/b.html"), "https://numpy.org/") is None
    True
    """
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    target = page_path if not parts.path else page_path.parent / unquote(parts.path)
    return Path(os.path.normpath(target)), unquote(parts.fragment)


def broken_links(root):
    """Return one line per internal link of a built site that does not resolve.

    A link resolves when it names a file inside the site (a folder stands for its
    index.html) and, when it has a fragment and names an HTML page, that page has an element
    with that id. Every page is read except the files under ``_static/``.

    Parameters
    ----------
    root : pathlib.Path
        The site's folder.

    Returns
    -------
    list of str
        Empty when every link resolves.
    """
    root = Path(root).resolve()
    # The themes copy their Jinja macro files (``*.html``) into _static/: templates, not pages.
    pages = {path: read_page(path) for path in sorted(root.rglob("*.html"))
             if path.relative_to(root).parts[0] != STATIC}
    problems = []
    for path, page in pages.items():
        name = path.relative_to(root).as_posix()
        for link in page.links:
            found = link_target(path, link)
            if found is None:
                continue
            target, fragment = found
            if target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(root):
                problems.append(f"{name}: {link} leaves the site")
            elif not target.is_file():
                problems.append(f"{name}: {link} names a missing file")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else read_page(target).ids
                if fragment not in ids:
                    problems.append(f"{name}: {link} names a missing anchor")
    return problems


def stored_pngs(nb):
    """Return the PNG images a notebook stores in its outputs, in order, as bytes.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    list of bytes
    """
    return [base64.b64decode(output.data["image/png"])
            for cell in nb.cells if cell.cell_type == "code"
            for output in cell.outputs if "image/png" in output.get("data", {})]
