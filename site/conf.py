"""Sphinx configuration of the workshop's website (``make site``; tools/build_site.py).

Why Sphinx with myst-nb rather than Jupyter Book 2 / MyST: the site must be built from the
stored notebooks without running them, with the same pip-pinned Python tools as the rest of
the workshop (pyproject.toml and environment.yml). myst-nb reads the stored outputs as they
are (``nb_execution_mode = "off"``) and Sphinx fails the build on any warning (``-W -n``);
Jupyter Book 2 needs Node.js and its own toolchain, a second world to install and pin.

tools/build_site.py gathers the sources (index.md from here, notebooks/*.ipynb and docs/)
into a staging folder under build/ and builds it with this folder as the configuration
directory, so that nothing is copied into the repository and pages keep the repository's
paths: notebooks/03_strides.ipynb becomes notebooks/03_strides.html.
"""

import os
import sys
from pathlib import Path

# The extension of this site, and tools/ for the yardstick, which reads a lesson's minutes.
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "_ext"), str(HERE.parent / "tools")]

project = "How NumPy arrays live in memory"
author = "the memlayout workshop"
copyright = "the memlayout workshop authors"

# The one place that names the repository: the Binder and source links are built from it.
# The Pages workflow sets WORKSHOP_REPOSITORY to the repository it builds from
# (``owner/name``); a local build uses the default below.
workshop_repository = os.environ.get("WORKSHOP_REPOSITORY", "memlayout-workshop/numpy-memory")
workshop_branch = os.environ.get("WORKSHOP_BRANCH", "main")
# A page's link to a file of the repository outside the site (README.md, the Makefile) goes to
# that file on GitHub.
workshop_repository_root = str(HERE.parent)

extensions = ["myst_nb", "workshop_site"]

root_doc = "index"
# Only the pages of the series: top-level pages of docs/; files in its subfolders are assets
# (the cheatsheet's PDFs and PNG), never pages of their own.
exclude_patterns = ["docs/*/**", ".doctrees/**"]

# The stored outputs are the lesson: never execute a notebook to build the site.
nb_execution_mode = "off"
# Consecutive prints of a cell read as one block, as in JupyterLab.
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

nitpicky = True

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["workshop.css"]
html_last_updated_fmt = None
html_show_sphinx = False
html_copy_source = True
html_theme_options = {
    "repository_url": f"https://github.com/{workshop_repository}",
    "repository_branch": workshop_branch,
    "use_repository_button": True,
    "use_download_button": True,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    # Each lesson's page carries its own launch banner (workshop_site), which opens the
    # learner's working copy; the theme's own launch menu would open the original.
    "launch_buttons": {},
    # pydata-sphinx-theme 0.20 (which sphinx-book-theme 1.4.0 pins) otherwise adds a header
    # bar holding only a second search field; the sidebar has one.
    "navbar_persistent": [],
}
# The drawings are made for a white page: light whatever the reader's system prefers; the
# theme's switch still offers dark.
html_context = {"default_mode": "light"}
