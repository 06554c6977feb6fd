"""The learner's path in a real browser: JupyterLab in headless Chromium, driven by Playwright.

Usage: ``make test-browser`` (all notebooks) or ``make test-browser NB=notebooks/03_strides.ipynb``.

It copies the repository's files to a throwaway git repository, starts JupyterLab there with
``make lab`` (the repository's ``.venv``, no browser of its own), and, as a learner would:

1. opens the URL ``make lab`` prints, which must land on the setup check with no news prompt;
2. for every notebook: opens it from its URL path, sees every stored figure drawn, runs
   *Kernel → Restart Kernel and Run All Cells…*, and then requires no error or stderr output,
   every figure drawn again, every exercise check in its unanswered state, every solution folded;
3. in a notebook with a live explorer (``memlayout.explore``): moves the last axis's step
   slider with the keyboard, then types an index array and an index NumPy refuses into its
   box, and requires the picture and the strides in its facts to change, the copy to be
   reported, then NumPy's message to appear with the picture and facts left as they were;
4. for one exercise per lesson: types a wrong answer into the answer cell and presses
   Shift+Enter through the exercise (its hint appears, no "correct"), then types the solution
   (it is accepted), and saves the notebook;
5. requires ``git status`` of the copy to be clean at the end;
6. builds the website and opens one lesson page of it (tests/browser/site_page.py).

Screenshots go to ``build/browser/`` (git-ignored). Chromium is Debian's (``/usr/bin/chromium``,
or the path in ``$CHROMIUM``); Playwright never downloads a browser here. The last line says
``N passed, N failed``; the exit status is 1 when anything failed.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tools")]

import nbformat  # noqa: E402
from exercise_cells import find_exercises, solution_code  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from site_page import check_site  # noqa: E402
from test_exercises import wrong_answers  # noqa: E402

SHOTS = REPO / "build" / "browser"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Chromium as root in a container needs --no-sandbox; the rest keep it off this machine's
# closed network (updates, sync, field trials).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}
START_TIMEOUT = 180  # s for JupyterLab to print its URL
RUN_TIMEOUT = 300_000  # ms for one notebook's Run All
# Every cell in the DOM, so that each output can be read; the learner's default renders the
# same cells lazily as they scroll.
TEST_SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}

# A notebook whose code calls this has a live explorer to play with after Run All.
EXPLORE = "memlayout.explore("
PROMPTS = "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
WATCH_RUN = f"""() => {{
  window.__sawRunning = false;
  const look = () => {{
    if ({PROMPTS}.some(p => p.textContent.includes('*'))) window.__sawRunning = true;
  }};
  new MutationObserver(look).observe(document.body, {{subtree: true, childList: true, characterData: true}});
}}"""
RUN_DONE = f"""() => window.__sawRunning
  && !{PROMPTS}.some(p => p.textContent.includes('*'))
  && document.querySelector('#jp-main-statusbar').innerText.includes('Idle')"""


class Report:
    """Collects what failed, per test, and prints the closing line."""

    def __init__(self):
        self.passed, self.failed = [], []

    def record(self, name, problems):
        (self.failed if problems else self.passed).append(name)
        status = "FAILED" if problems else "passed"
        print(f"browser: {name} {status}", flush=True)
        for problem in problems:
            print(f"    {problem}", flush=True)

    def close(self):
        print(f"{len(self.passed)} passed, {len(self.failed)} failed")
        return 1 if self.failed else 0


def throwaway_copy(target):
    """Copy the files git knows of (tracked, or untracked and not ignored) into a new repository.

    Modification times are kept, so that ``make`` there sees the environment as up to date.
    """
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git = ["git", "-c", "user.name=browser-test", "-c", "user.email=browser-test@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(git + args, cwd=target, check=True)
    for name, values in TEST_SETTINGS.items():
        path = target / "my-notebooks" / ".jupyterlab" / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def free_port():
    """Return a TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_lab(copy, log_path):
    """Start ``make lab`` in the copy; return the process and the URL it printed."""
    args = f"--no-browser --port {free_port()} --ServerApp.ip=127.0.0.1"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args += " --allow-root"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        ["make", "lab", f"VENV={REPO / '.venv'}", f"ARGS={args}"],
        cwd=copy, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/\S*token=\w+", log_path.read_text(encoding="utf-8"))
        if found:
            return process, found[0]
        if process.poll() is not None:
            break
        time.sleep(0.5)
    raise RuntimeError(f"make lab printed no URL; its output is in {log_path}")


def stop(process):
    """Stop JupyterLab and everything it started (kernels)."""
    try:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, 9)


def cell(page, index):
    """Return the DOM cell at a notebook cell index."""
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def images(page):
    """Return (loaded, total) for the images in the open notebook's outputs."""
    return page.eval_on_selector_all(
        ".jp-Notebook .jp-OutputArea-output img",
        "els => [els.filter(e => e.complete && e.naturalWidth > 0).length, els.length]")


def stored_images(nb):
    """Return how many PNG outputs a notebook stores."""
    return sum("image/png" in output.get("data", {})
               for c in nb.cells if c.cell_type == "code" for output in c.outputs)


def error_outputs(page):
    """Return the texts of error and stderr outputs in the open notebook."""
    return page.eval_on_selector_all(
        ".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "els => els.map(e => e.innerText.slice(0, 300))")


def output_text(page, index):
    """Return what a code cell shows in its output area."""
    return cell(page, index).locator(".jp-OutputArea").inner_text()


def open_notebook(page, base, name):
    """Open a notebook from its URL path in a fresh workspace; wait for an idle kernel."""
    page.goto(f"{base}/lab/tree/{name}?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=120_000)


def restart_and_run_all(page):
    """Run Kernel → Restart Kernel and Run All Cells… from the menu and wait until it ends."""
    page.evaluate(WATCH_RUN)
    page.click("#jp-menu-panel >> text=Kernel")
    page.click("text=Restart Kernel and Run All Cells…")
    page.click(".jp-Dialog .jp-mod-accept")
    page.wait_for_function(RUN_DONE, timeout=RUN_TIMEOUT, polling=250)


def type_and_run(page, nb, exercise, code):
    """Replace the answer cell's text by its setup lines and `code`; Shift+Enter through."""
    answer = nb.cells[exercise.answer].source
    cell(page, exercise.answer).locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(answer + "\n" + code)
    page.keyboard.press("Shift+Enter")  # runs the answer, selects the check
    page.keyboard.press("Shift+Enter")  # runs the check
    mark = f"Exercise {exercise.number}:"
    page.wait_for_function(
        """([index, mark]) => {
          const out = document.querySelectorAll('.jp-Notebook .jp-Cell')[index]
            .querySelector('.jp-OutputArea').innerText;
          return (out.startsWith('✓ ' + mark) || out.startsWith('✗ ' + mark))
            && !document.querySelector('#jp-main-statusbar').innerText.includes('Busy');
        }""", arg=[exercise.check, mark], timeout=60_000)
    cell(page, exercise.check).scroll_into_view_if_needed()
    return output_text(page, exercise.check)


def explorer_state(page):
    """Return the first explorer's picture source, strides, facts and message, as shown."""
    return page.evaluate(EXPLORER_STATE)


EXPLORER_STATE = """() => {
  const box = document.querySelector('.jp-Notebook .memlayout-explore');
  const text = name => box.querySelector('.memlayout-explore-' + name).innerText;
  const picture = box.querySelector('img.memlayout-explore-picture');
  return {src: picture.src, drawn: picture.complete && picture.naturalWidth > 0,
          strides: (text('facts').match(/strides \\([^)]*\\)/) || [''])[0],
          facts: text('facts'), message: text('message')};
}"""


def wait_for_explorer(page, before, *, facts=None, message=None):
    """Wait until the explorer shows a new picture and new strides, or the facts hold `facts`,
    or the message holds `message`; return its new state."""
    page.wait_for_function(
        f"""([before, facts, message]) => {{
          const now = ({EXPLORER_STATE})();
          if (message !== null) return now.message.includes(message);
          const moved = facts === null ? now.strides !== before.strides : now.facts.includes(facts);
          return moved && now.src !== before.src && now.drawn;
        }}""", arg=[before, facts, message], timeout=30_000)
    return explorer_state(page)


def play_with_explorer(page, stem):
    """Drive the notebook's first explorer as its prompt does; return the problems seen.

    The explored array needs at least 3 elements along axis 0 and 2 along its last axis.
    """
    box = page.locator(".jp-Notebook .memlayout-explore").first
    try:
        box.wait_for(state="visible", timeout=60_000)
    except Exception:  # a timeout: the widget never rendered (its static PNG may be there)
        return ["no live explorer (.memlayout-explore) after Run All"]
    box.scroll_into_view_if_needed()
    problems, start = [], explorer_state(page)
    if not start["drawn"] or not start["strides"]:
        return [f"the explorer starts without a picture or strides: {start['facts']!r}"]
    last = box.locator("[class*='memlayout-explore-axis-']").count() - 1
    box.locator(f".memlayout-explore-axis-{last} .memlayout-explore-step .noUi-handle").focus()
    page.keyboard.press("ArrowRight")  # step 1 → 2 on the last axis
    stepped = wait_for_explorer(page, start)
    index = box.locator(".memlayout-explore-index input")
    if not index.input_value().endswith("::2]"):
        problems.append(f"after the step slider the index box reads {index.input_value()!r}")
    page.screenshot(path=SHOTS / f"{stem}-explore-1-step.png")
    index.fill("[[0, 2]]")
    index.press("Enter")
    gathered = wait_for_explorer(page, stepped, facts="np.shares_memory(a, b) → False")
    page.screenshot(path=SHOTS / f"{stem}-explore-2-gather.png")
    index.fill("[9]")
    index.press("Enter")
    refused = wait_for_explorer(page, gathered, message="IndexError: index 9 is out of bounds")
    if "Traceback" in refused["message"]:
        problems.append(f"the explorer shows a traceback: {refused['message'][:120]!r}")
    if (refused["src"], refused["facts"]) != (gathered["src"], gathered["facts"]):
        problems.append("a refused index changed the picture or the facts")
    page.screenshot(path=SHOTS / f"{stem}-explore-3-refused.png")
    return problems


def try_an_exercise(page, nb, lesson, stem):
    """Type a wrong answer, then the solution, into one exercise; return the problems seen."""
    exercises, _ = find_exercises(nb)
    wrongs = wrong_answers(lesson)
    exercise = next((e for e in exercises if wrongs.get(e.number)), None)
    if exercise is None:
        return ["no exercise with wrong answers to try"]
    problems = []
    wrong = wrongs[exercise.number][0]
    said = " ".join(type_and_run(page, nb, exercise, wrong["code"]).split())
    page.screenshot(path=SHOTS / f"{stem}-3-wrong-answer.png")
    if not said.startswith(f"✗ Exercise {exercise.number}") or " ".join(wrong["hint"].split()) not in said:
        problems.append(f"Exercise {exercise.number}, {wrong['mistake']!r}: the check said {said!r}")
    said = type_and_run(page, nb, exercise, solution_code(nb.cells[exercise.solution]))
    page.screenshot(path=SHOTS / f"{stem}-4-solution.png")
    if not said.startswith(f"✓ Exercise {exercise.number}"):
        problems.append(f"Exercise {exercise.number}, the solution: the check said {said!r}")
    return problems


def check_notebook(page, base, path, is_lesson):
    """Walk one notebook as a learner; return the problems seen."""
    nb = nbformat.read(path, as_version=4)
    stem, problems = path.stem, []
    open_notebook(page, base, path.name)
    expected = stored_images(nb)
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-Notebook .jp-OutputArea-output img').length >= n",
        arg=expected, timeout=30_000)
    if images(page) != [expected, expected]:
        problems.append(f"on opening, {images(page)} (drawn, present) of {expected} stored figures")
    page.screenshot(path=SHOTS / f"{stem}-1-opened.png")
    restart_and_run_all(page)
    page.screenshot(path=SHOTS / f"{stem}-2-ran.png")
    problems += [f"error or stderr output: {text!r}" for text in error_outputs(page)]
    if images(page) != [expected, expected]:
        problems.append(f"after Run All, {images(page)} (drawn, present) of {expected} figures")
    exercises, _ = find_exercises(nb)
    for exercise in exercises:
        said = output_text(page, exercise.check)
        if not said.startswith(f"→ Exercise {exercise.number}: not answered yet"):
            problems.append(f"after Run All, Exercise {exercise.number}'s check said {said[:80]!r}")
    opened = page.eval_on_selector_all(".jp-Notebook .jp-MarkdownCell details",
                                       "els => els.filter(e => e.open).length")
    if opened:
        problems.append(f"{opened} solution(s) shown unfolded")
    if any(c.cell_type == "code" and EXPLORE in c.source for c in nb.cells):
        problems += play_with_explorer(page, stem)
    if is_lesson:
        problems += try_an_exercise(page, nb, path, stem)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1000)
    return problems


def main(argv):
    """Run the browser test on the notebooks named (all by default); return the exit status."""
    if not CHROMIUM.is_file():
        print(f"test-browser: no Chromium at {CHROMIUM}; on Debian or Ubuntu run "
              "`sudo apt-get install chromium`, or set CHROMIUM=/path/to/chromium", file=sys.stderr)
        return 2
    from test_notebook_structure import LESSONS, NOTEBOOKS

    chosen = [Path(arg).resolve() for arg in argv] or NOTEBOOKS
    lessons = {path.name for path in LESSONS}
    SHOTS.mkdir(parents=True, exist_ok=True)
    report = Report()
    with tempfile.TemporaryDirectory(prefix="memlayout_browser_") as folder:
        copy = Path(folder) / "repo"
        throwaway_copy(copy)
        process, url = start_lab(copy, Path(folder) / "lab.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                base = re.match(r"http://[^/]+", url)[0]
                page.goto(url)
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
                page.wait_for_timeout(2000)  # the news prompt, if any, comes up after start
                page.screenshot(path=SHOTS / "00-landing.png")
                first = NOTEBOOKS[0].name
                landing = []
                if f"/lab/tree/{first}" not in url:
                    landing.append(f"make lab printed {url}, not a URL of {first}")
                if page.locator(".lm-TabBar-tab.lm-mod-current", has_text=first).count() != 1:
                    landing.append(f"the printed URL does not show {first}")
                if page.get_by_text("Jupyter news").count():
                    landing.append("JupyterLab asks about Jupyter news")
                report.record("landing on the setup check", landing)
                for path in chosen:
                    try:
                        problems = check_notebook(page, base, copy / "my-notebooks" / path.name,
                                                  path.name in lessons)
                    except Exception as error:  # a timeout or a missing element: report, go on
                        page.screenshot(path=SHOTS / f"{path.stem}-failed.png")
                        problems = [f"{type(error).__name__}: {str(error).splitlines()[0]}"]
                    report.record(path.name, problems)
                report.record("the website's lesson page", check_site(browser, SHOTS))
                browser.close()
        finally:
            stop(process)
        status = subprocess.run(["git", "status", "--porcelain"], cwd=copy, capture_output=True,
                                text=True, check=True).stdout.strip()
        report.record("git status clean in the copy", [f"git status: {status}"] if status else [])
    print(f"screenshots: {SHOTS}")
    return report.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
