"""The learner cheatsheet: generated from its source, every rule checked by a lesson, every example true."""

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

import cheatsheet
import memlayout

REPO = Path(__file__).resolve().parent.parent
SHEET = cheatsheet.load(cheatsheet.SOURCE.read_text(encoding="utf-8"))
CLAIMS_TEST = re.compile(r"tests/test_claims_\d\d_\w+\.py")
NOTEBOOK = re.compile(r"notebooks/\d\d_\w+\.ipynb")


def references():
    """Every checked_by reference of the sheet, as (path, what) pairs."""
    found = set()
    for section in SHEET["sections"]:
        for rule in section["rules"]:
            found.update(tuple(ref.split("::", 1)) for ref in rule["checked_by"])
    return sorted(found)


def test_the_markdown_page_is_what_the_generator_makes_of_the_source():
    assert (REPO / "docs" / "cheatsheet.md").read_text(encoding="utf-8") == cheatsheet.markdown(SHEET), (
        "docs/cheatsheet.md differs from docs/cheatsheet/cheatsheet.toml: run make cheatsheet")


def test_the_page_has_every_part_the_workshop_promises():
    titles = [section["title"] for section in SHEET["sections"]]
    assert titles == ["Strides: from an index to a byte", "View or copy?", "Broadcasting",
                      "Temporaries, elision and out=", "Measuring", "memmap modes"]
    page = cheatsheet.markdown(SHEET)
    for call in ("memlayout.peak_memory()", "%%peakmem", "memlayout.residency(mm)", "out=r"):
        assert call in page
    assert [rule["cells"][0] for rule in SHEET["sections"][-1]["rules"]] == ["`r`", "`r+`", "`w+`", "`c`"]


@pytest.mark.parametrize(("path", "what"), references(), ids="::".join)
def test_every_rule_is_checked_by_a_claims_test_or_a_notebook_cell_that_exists(path, what):
    file = REPO / path
    assert file.is_file(), f"{path} does not exist"
    if CLAIMS_TEST.fullmatch(path):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        tests = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert what in tests, f"{path} has no test function {what}"
    else:
        assert NOTEBOOK.fullmatch(path), f"{path} is neither a claims test nor a lesson"
        cells = json.loads(file.read_text(encoding="utf-8"))["cells"]
        sources = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        assert any(what in source for source in sources), f"no code cell of {path} contains {what!r}"


@pytest.mark.parametrize("rule", [rule for _, rule in cheatsheet.examples(SHEET)],
                         ids=[where for where, _ in cheatsheet.examples(SHEET)])
def test_each_example_runs_and_asserts_what_its_rule_says(rule, tmp_path):
    code = rule["example"]
    assert "assert" in code, "an example must assert what its rule says"
    assert len(code.splitlines()) <= 4, "an example is four short lines at most"
    path = tmp_path / "values.i8"
    np.arange(4, dtype=np.int64).tofile(path)
    exec(compile(code, "<cheatsheet example>", "exec"), {"np": np, "memlayout": memlayout, "path": path})


def test_an_example_that_contradicts_its_rule_fails():
    wrong = "a = np.arange(6).reshape(2, 3)\nassert not np.shares_memory(a.T, a)"
    with pytest.raises(AssertionError):
        exec(wrong, {"np": np})


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.replace('checked_by = ["tests/t.py::x"]', "checked_by = []"), "checked_by must be"),
    (lambda s: s.replace("widths = [50, 50]", "widths = [50, 40]"), "adding up to 100"),
    (lambda s: s.replace('cells = ["`a.T`", "view"]', 'cells = ["`a.T`"]'), "a list of 2 strings"),
    (lambda s: s.replace('"view"', '"view | copy"'), "may not contain '|'"),
])
def test_a_malformed_source_is_refused_naming_the_section(change, message):
    source = ('title = "T"\nsubtitle = "S"\n[[sections]]\ntitle = "Table"\ncolumns = ["Op", "Gives"]\n'
              'widths = [50, 50]\n[[sections.rules]]\ncells = ["`a.T`", "view"]\n'
              'checked_by = ["tests/t.py::x"]\n')
    cheatsheet.load(source)
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        cheatsheet.load(change(source))
    assert "'Table'" in str(error.value)


@pytest.mark.parametrize("paper", cheatsheet.PAPERS)
def test_the_committed_pdfs_are_one_page_each(paper):
    data = (cheatsheet.PRINTED / f"cheatsheet-{paper}.pdf").read_bytes()
    assert data.startswith(b"%PDF") and cheatsheet.pdf_page_count(data) == 1


def test_printing_the_sheet_gives_one_page_per_paper_size_and_a_png(tmp_path):
    if not Path(cheatsheet.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {cheatsheet.CHROMIUM} (apt-get install chromium)")
    cheatsheet.print_pages(SHEET, tmp_path)
    for paper in cheatsheet.PAPERS:
        assert cheatsheet.pdf_page_count((tmp_path / f"cheatsheet-{paper}.pdf").read_bytes()) == 1
    assert (tmp_path / "cheatsheet.png").read_bytes().startswith(b"\x89PNG")


def test_a_sheet_too_long_for_one_page_fails_loudly(tmp_path):
    if not Path(cheatsheet.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {cheatsheet.CHROMIUM} (apt-get install chromium)")
    long = {**SHEET, "sections": SHEET["sections"] * 3}
    with pytest.raises(RuntimeError, match=r"takes [2-9] pages on A4 paper, not 1: shorten"):
        cheatsheet.print_pages(long, tmp_path)
    assert not list(tmp_path.iterdir())
