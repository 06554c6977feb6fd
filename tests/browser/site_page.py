"""The website in Chromium: a fresh build of the site, one lesson page served and looked at.

Part of ``make test-browser`` (run_browser_test.py calls `check_site`); alone, it runs as
``python tests/browser/site_page.py``. It builds the site into a temporary folder, serves it
on the loopback interface, and opens the lesson with the most stored figures: each of them
must be drawn by the browser (loaded, ``naturalWidth > 0``), the lesson's Binder banner must
show, every solution must be folded, and one must open on a click. Screenshots go to
``build/browser/site-*.png``.
"""

import functools
import http.server
import os
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tools")]

import nbformat  # noqa: E402
from site_pages import stored_pngs  # noqa: E402

import build_site  # noqa: E402

VIEWPORT = {"width": 1280, "height": 900}
FIGURES = "[...document.querySelectorAll('.cell_output img')]"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's folder without a log line per request."""

    def log_message(self, format, *args):  # noqa: A002 - the name the base class uses
        pass


@contextmanager
def serving(folder):
    """Serve `folder` over HTTP on 127.0.0.1; yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            thread.join()


def most_figured_lesson():
    """Return the notebook of the series that stores the most figures, and their number."""
    from test_notebook_structure import LESSONS

    counts = {path: len(stored_pngs(nbformat.read(path, as_version=4))) for path in LESSONS}
    path = max(counts, key=counts.get)
    return path, counts[path]


def lesson_problems(page, base, lesson, expected, shots):
    """Open a lesson's page; return what is wrong with its figures, banner and solutions."""
    page.goto(f"{base}/notebooks/{lesson.stem}.html", wait_until="load")
    page.wait_for_function(f"{FIGURES}.every(img => img.complete)", timeout=30_000)
    page.screenshot(path=shots / f"site-{lesson.stem}.png")
    problems = []
    drawn, present = page.evaluate(
        f"() => [{FIGURES}.filter(img => img.naturalWidth > 0).length, {FIGURES}.length]")
    if [drawn, present] != [expected, expected]:
        problems.append(f"{drawn} drawn and {present} present of {expected} stored figures")
    if not page.locator(".workshop-launch a.binder-link").is_visible():
        problems.append("no Binder link shows at the top of the page")
    details = page.locator("details")
    opened = page.eval_on_selector_all("details", "els => els.filter(e => e.open).length")
    if opened:
        problems.append(f"{opened} solution(s) shown unfolded")
    if details.count():
        details.first.locator("summary").click()
        if not details.first.locator("pre").first.is_visible():
            problems.append("a click on Solution shows no code")
        page.screenshot(path=shots / f"site-{lesson.stem}-solution.png")
    figure = page.locator(".cell_output img").first
    if present:
        figure.scroll_into_view_if_needed()
        page.screenshot(path=shots / f"site-{lesson.stem}-figure.png")
    return problems


def check_site(browser, shots):
    """Build the site, open its index and one lesson in `browser`; return the problems seen.

    Parameters
    ----------
    browser : playwright.sync_api.Browser
    shots : pathlib.Path
        The folder for the screenshots.

    Returns
    -------
    list of str
        Empty when the page shows what it must.
    """
    lesson, expected = most_figured_lesson()
    with tempfile.TemporaryDirectory(prefix="memlayout_site_") as folder:
        page = browser.new_page(viewport=VIEWPORT)
        try:
            built = build_site.build(Path(folder) / "site").parent
            with serving(built) as base:
                page.goto(f"{base}/index.html", wait_until="load")
                page.screenshot(path=shots / "site-index.png", full_page=True)
                problems = [] if page.locator("table.series-table").count() else [
                    "the index has no table of the lessons"]
                problems += lesson_problems(page, base, lesson, expected, shots)
        except Exception as error:  # a failed build, a timeout: report it, as for a notebook
            page.screenshot(path=shots / "site-failed.png")
            problems = [f"{type(error).__name__}: {str(error).splitlines()[0]}"]
        finally:
            page.close()
    return problems


def main():
    """Run the site check alone, in Debian's Chromium (or $CHROMIUM)."""
    from playwright.sync_api import sync_playwright

    shots = REPO / "build" / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu"])
        problems = check_site(browser, shots)
        browser.close()
    for problem in problems:
        print(f"    {problem}")
    print(f"{0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
