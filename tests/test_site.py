"""The website (``make site``) builds without a warning and shows the series as it is stored.

The site is built once, into a temporary folder, from the stored notebooks (nothing runs).
Then: every internal link and image of every page resolves; every notebook of the series has
its page, in series order, with each of its stored figures, byte for byte; every solution is
folded; each lesson's Binder link opens that lesson's working copy in the repository the build
was told; the index's table gives the minutes each lesson's metadata states.
"""

import hashlib
import re
from pathlib import Path

import nbformat
import pytest
from site_pages import broken_links, link_target, read_page, stored_pngs
from test_notebook_structure import NOTEBOOKS
from workshop_site import binder_url

import build_site
from yardstick import stated_minutes

# A repository name no default uses, so that the Binder links must come from the setting.
REPOSITORY = "workshop-test-owner/workshop-test-repo"
BINDER = re.compile(r"https://mybinder\.org/v2/gh/(?P<repository>[^/]+/[^/]+)/(?P<branch>[^?]+)"
                    r"\?urlpath=lab/tree/my-notebooks/(?P<notebook>[^/]+\.ipynb)$")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once for this module; return its folder."""
    output = tmp_path_factory.mktemp("site") / "html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKSHOP_REPOSITORY", REPOSITORY)
        index = build_site.build(output)
    assert index == output.resolve() / "index.html"
    return output.resolve()


def page_of(site, path):
    """Return the built page of a notebook."""
    return site / "notebooks" / (path.stem + ".html")


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_the_pages_follow_the_series_order(site):
    """From the index, each page's "next" is the following notebook, then the docs pages."""
    order, path = [], site / "index.html"
    while (following := read_page(path).next_page) is not None:
        path = link_target(path, following)[0]
        order.append(path.relative_to(site).as_posix())
    lessons = [f"notebooks/{path.stem}.html" for path in NOTEBOOKS]
    assert order[:len(lessons)] == lessons
    assert {"docs/instructor_guide.html", "docs/cheatsheet.html"} <= set(order[len(lessons):])


def test_every_internal_link_and_image_resolves(site):
    assert broken_links(site) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_each_stored_figure_is_on_its_page(site, path):
    page = page_of(site, path)
    images = read_page(page).output_images
    shown = [sha(link_target(page, src)[0].read_bytes()) for src in images]
    assert shown == [sha(png) for png in stored_pngs(nbformat.read(path, as_version=4))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_solutions_are_folded(site, path):
    nb = nbformat.read(path, as_version=4)
    solutions = sum("solution" in cell.metadata.get("tags", []) for cell in nb.cells)
    assert read_page(page_of(site, path)).details_open == [False] * solutions


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_binder_link_opens_the_working_copy_of_this_notebook(site, path):
    links = read_page(page_of(site, path)).binder_links
    assert len(links) == 1, links
    found = BINDER.match(links[0])
    assert found, links[0]
    assert found["repository"] == REPOSITORY
    assert found["branch"] == "main"
    assert found["notebook"] == path.name and path.is_file()


def index_rows(site):
    """Return the index's series table as (page linked, notebook, core, deeper) texts."""
    text = (site / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="[^"]*series-table.*?</table>', text, re.DOTALL)
    assert table, "no series table on the index page"
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table[0], re.DOTALL):
        href = re.search(r'href="([^"#]*)', row)
        cells = [re.sub(r"<[^>]+>|\s+", " ", cell).strip()
                 for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)]
        rows.append((href[1] if href else None, *cells[1:]))
    return rows


def test_index_lists_the_series_in_order_with_its_minutes(site):
    rows = index_rows(site)
    header, lessons, total = rows[0], rows[1:-1], rows[-1]
    assert header[1:] == ("Notebook", "Core (min)", "Deeper (min)")
    assert [(href, stem) for href, stem, _, _ in lessons] == [
        (f"notebooks/{path.stem}.html", path.stem) for path in NOTEBOOKS]
    cores = 0
    for path, (_, _, core, deeper) in zip(NOTEBOOKS, lessons, strict=True):
        stated = stated_minutes(nbformat.read(path, as_version=4))
        assert (core, deeper) == tuple("–" if m is None else str(m) for m in stated), path.name
        cores += stated[0] or 0
    assert total[2] == str(cores)


def test_the_guide_and_the_cheatsheet_are_pages(site):
    index = read_page(site / "index.html")
    for name in ("instructor_guide", "cheatsheet"):
        assert (site / "docs" / f"{name}.html").is_file()
        assert f"docs/{name}.html" in index.links


def test_the_checker_finds_a_broken_link_anchor_and_image(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<p id="top"><a href="a/page.html#here">ok</a> <a href="#top">ok</a>'
        ' <a href="https://numpy.org/">external</a> <a href="a/">folder</a>'
        ' <a href="a/page.html#gone">no anchor</a> <a href="missing.html">no file</a>'
        ' <img src="_images/gone.png"> <a href="../outside.html">outside</a></p>',
        encoding="utf-8")
    (tmp_path / "a" / "page.html").write_text('<h1 id="here">x</h1>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text("<p>folder</p>", encoding="utf-8")
    assert broken_links(tmp_path) == [
        "index.html: a/page.html#gone names a missing anchor",
        "index.html: missing.html names a missing file",
        "index.html: _images/gone.png names a missing file",
        "index.html: ../outside.html leaves the site",
    ]


def test_the_parser_sees_output_images_solutions_binder_and_next_links(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<link rel="next" href="n.html"><div class="cell"><div class="cell_output docutils">'
        '<div><img src="x.png"></div></div>'
        '<img src="logo.png"></div><details open><summary>S</summary></details><details>'
        '<summary>T</summary></details><a class="reference binder-link" href="https://b/">B</a>',
        encoding="utf-8")
    found = read_page(page)
    assert found.output_images == ["x.png"]
    assert found.details_open == [True, False]
    assert found.binder_links == ["https://b/"]
    assert found.next_page == "n.html"


def test_a_folder_of_other_files_is_not_cleared(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="holds other files"):
        build_site.build(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_the_site_is_built_from_the_notebooks_and_docs_of_the_repository():
    names = {name.as_posix() for _, name in build_site.site_sources(build_site.REPO)}
    assert {f"notebooks/{path.name}" for path in NOTEBOOKS} <= names
    assert {"index.md", "docs/instructor_guide.md", "docs/cheatsheet.md"} <= names
    assert all(Path(name).suffix != ".ipynb" or name.startswith("notebooks/") for name in names)


@pytest.mark.parametrize(
    ("repository", "notebook", "problem"),
    [("workshop", "03_strides.ipynb", "repository must be 'owner/name', got 'workshop'"),
     ("a/b/c", "03_strides.ipynb", "repository must be"),
     ("a/b", "notebooks/03_strides.ipynb", "notebook must be a file name"),
     ("a/b", "03_strides.py", "notebook must be a file name ending in .ipynb, got '03_strides.py'")],
)
def test_a_binder_url_needs_a_repository_and_a_notebook_name(repository, notebook, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        binder_url(repository, "main", notebook)
