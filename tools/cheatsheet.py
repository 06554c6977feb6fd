"""Build the learner cheatsheet from its one source, docs/cheatsheet/cheatsheet.toml.

Usage (``make cheatsheet`` runs it)::

    python tools/cheatsheet.py            # docs/cheatsheet.md, the two PDFs and the PNG
    python tools/cheatsheet.py --markdown # docs/cheatsheet.md only (no browser needed)

The Markdown page is the site's; the print pages are one HTML document with ``@page`` CSS,
printed by headless Chromium (Debian's ``/usr/bin/chromium``, or ``CHROMIUM=...``, driven by
Playwright; no browser is downloaded) to ``cheatsheet-a4.pdf`` and ``cheatsheet-letter.pdf``,
each of which must be exactly one page, and a PNG of the A4 page. ``tests/test_cheatsheet.py``
holds the Markdown to this generator, each rule to the test or notebook cell that checks it,
and each example to what its rule says.
"""

import html
import io
import os
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "docs" / "cheatsheet" / "cheatsheet.toml"
MARKDOWN = REPO / "docs" / "cheatsheet.md"
PRINTED = REPO / "docs" / "cheatsheet"
PAPERS = {"a4": "A4", "letter": "letter"}
# The PNG: the A4 page at 1.5 CSS pixels per pixel (143 dpi), readable on screen.
PNG_SCALE = 1.5
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CODE = re.compile(r"`([^`]+)`")


def load(text):
    """Read and check the cheatsheet source.

    Parameters
    ----------
    text : str
        The TOML source: `title`, `subtitle` and `sections`, each with a `title`, an optional
        `intro`, optional `columns` and their `widths` in percent (then its rules are table
        rows with `cells`) and `rules`
        (each with `text` or `cells`, `checked_by` and an optional `example`).

    Returns
    -------
    dict
        The parsed source.

    Raises
    ------
    ValueError
        Naming the section and rule of a missing or malformed field.

    Examples
    --------
    >>> sheet = load('title = "T"\\nsubtitle = "S"\\n[[sections]]\\ntitle = "A"\\n'
    ...              '[[sections.rules]]\\ntext = "x"\\nchecked_by = ["tests/t.py::test_x"]')
    >>> sheet["sections"][0]["rules"][0]["text"]
    'x'
    >>> load('title = "T"\\nsubtitle = "S"\\n[[sections]]\\ntitle = "A"\\n'
    ...      '[[sections.rules]]\\ntext = "x"')
    Traceback (most recent call last):
    ...
    ValueError: cheatsheet section 'A', rule 1: checked_by must be a non-empty list of references, not None
    """
    sheet = tomllib.loads(text)
    for field in ("title", "subtitle"):
        if not isinstance(sheet.get(field), str):
            raise ValueError(f"cheatsheet: {field} must be a string, not {sheet.get(field)!r}")
    for section in sheet.get("sections", []):
        columns = section.get("columns")
        widths = section.get("widths")
        if columns is not None and (not isinstance(widths, list) or len(widths) != len(columns)
                                    or sum(widths) != 100):
            raise ValueError(f"cheatsheet section {section.get('title')!r}: widths must be "
                             f"{len(columns)} percentages adding up to 100, not {widths!r}")
        for number, rule in enumerate(section.get("rules", []), start=1):
            where = f"cheatsheet section {section.get('title')!r}, rule {number}"
            check_rule(rule, columns, where)
    return sheet


def check_rule(rule, columns, where):
    """Raise ValueError (starting with `where`) if `rule` does not fit its section."""
    refs = rule.get("checked_by")
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        raise ValueError(f"{where}: checked_by must be a non-empty list of references, not {refs!r}")
    if columns is None:
        if not isinstance(rule.get("text"), str):
            raise ValueError(f"{where}: a rule outside a table needs text, got {rule.get('text')!r}")
        return
    cells = rule.get("cells")
    if not isinstance(cells, list) or len(cells) != len(columns):
        raise ValueError(f"{where}: cells must be a list of {len(columns)} strings "
                         f"({', '.join(columns)}), not {cells!r}")
    if any("|" in cell for cell in cells):
        raise ValueError(f"{where}: a table cell may not contain '|' (Markdown tables split on it)")


def examples(sheet):
    """Yield (where, rule) for every rule of `sheet` that has an example."""
    for section in sheet["sections"]:
        for number, rule in enumerate(section["rules"], start=1):
            if "example" in rule:
                yield f"{section['title']!r}, rule {number}", rule


def markdown(sheet):
    """Return the site page: a heading per section, Markdown tables and lists, code examples.

    Examples
    --------
    >>> sheet = load('title = "T"\\nsubtitle = "S"\\n[[sections]]\\ntitle = "A"\\n'
    ...              'columns = ["Op", "Gives"]\\nwidths = [50, 50]\\n[[sections.rules]]\\n'
    ...              'cells = ["`a.T`", "view"]\\n'
    ...              'checked_by = ["tests/t.py::test_x"]')
    >>> print(markdown(sheet))  # doctest: +ELLIPSIS
    # T
    ...
    ## A
    <BLANKLINE>
    | Op | Gives |
    | --- | --- |
    | `a.T` | view |
    <BLANKLINE>
    """
    stems = [f"cheatsheet/cheatsheet-{paper}.pdf" for paper in PAPERS]
    lines = [f"# {sheet['title']}", "",
             f"{sheet['subtitle']} Printable: [A4]({stems[0]}), [Letter]({stems[1]}).", "",
             "<!-- Generated by tools/cheatsheet.py from docs/cheatsheet/cheatsheet.toml: "
             "edit that, then run make cheatsheet. -->", ""]
    for section in sheet["sections"]:
        lines += [f"## {section['title']}", ""]
        if "intro" in section:
            lines += [section["intro"], ""]
        if "columns" in section:
            lines.append("| " + " | ".join(section["columns"]) + " |")
            lines.append("| " + " | ".join("---" for _ in section["columns"]) + " |")
            lines += ["| " + " | ".join(rule["cells"]) + " |" for rule in section["rules"]]
            lines.append("")
            continue
        for rule in section["rules"]:
            lines.append(f"- {rule['text']}")
            if "example" in rule:
                lines += ["", "  ```python"] + [f"  {line}" for line in
                                                  rule["example"].splitlines()] + ["  ```"]
        lines.append("")
    return "\n".join(lines)


def inline(text):
    """Escape `text` for HTML and turn its `code` spans into <code> elements.

    Examples
    --------
    >>> inline("`a < b` is a view")
    '<code>a &lt; b</code> is a view'
    """
    return CODE.sub(lambda m: f"<code>{m[1]}</code>", html.escape(text, quote=False))


STYLE = """
@page { size: %(paper)s; margin: 8mm 9mm; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", sans-serif; font-size: 8.6pt; line-height: 1.22; color: #111; }
body { margin: 0; }
header { display: flex; align-items: baseline; gap: 1em; border-bottom: 1.5pt solid #0b5394;
         margin-bottom: 2mm; padding-bottom: 1mm; }
h1 { font-size: 12pt; margin: 0; color: #0b5394; white-space: nowrap; }
header p { margin: 0; font-size: 8.5pt; color: #333; }
main { column-count: 2; column-gap: 5mm; column-fill: balance; }
section { margin-bottom: 1.8mm; }
h2, p.intro, thead { break-after: avoid-column; }
li, tr, pre { break-inside: avoid-column; }
h2 { font-size: 10pt; margin: 0 0 0.8mm; color: #0b5394; border-bottom: 0.5pt solid #9fc5e8; }
p.intro { margin: 0 0 1mm; }
ul { margin: 0; padding-left: 3mm; }
li { margin-bottom: 0.6mm; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; }
pre { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; margin: 0.4mm 0 0;
      padding: 0.6mm 1.2mm; background: #eef3f8; border-left: 1pt solid #9fc5e8;
      white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { font-size: 8pt; }
table { border-collapse: collapse; width: 100%%; }
th { text-align: left; font-size: 8pt; color: #333; border-bottom: 0.5pt solid #999; }
td { vertical-align: top; padding: 0.5mm 1.2mm 0.5mm 0; border-bottom: 0.3pt solid #ddd; }
table { table-layout: fixed; }
footer { margin-top: 1mm; font-size: 8pt; color: #555; column-span: all; }
"""


def page_html(sheet, paper):
    """Return the print HTML for `paper` (a CSS page size: ``"A4"`` or ``"letter"``)."""
    parts = [f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
             f"<title>{html.escape(sheet['title'])}</title>"
             f"<style>{STYLE % {'paper': paper}}</style></head><body>",
             f"<header><h1>{html.escape(sheet['title'])}</h1>"
             f"<p>{inline(sheet['subtitle'])}</p></header><main>"]
    for section in sheet["sections"]:
        parts.append(f"<section><h2>{inline(section['title'])}</h2>")
        if "intro" in section:
            parts.append(f"<p class='intro'>{inline(section['intro'])}</p>")
        if "columns" in section:
            widths = "".join(f"<col style='width: {w}%'>" for w in section["widths"])
            head = "".join(f"<th>{inline(c)}</th>" for c in section["columns"])
            rows = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in rule["cells"]) + "</tr>"
                           for rule in section["rules"])
            parts.append(f"<table><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>"
                         f"<tbody>{rows}</tbody></table>")
        else:
            items = []
            for rule in section["rules"]:
                code = (f"<pre><code>{html.escape(rule['example'], quote=False)}</code></pre>"
                        if "example" in rule else "")
                items.append(f"<li>{inline(rule['text'])}{code}</li>")
            parts.append(f"<ul>{''.join(items)}</ul>")
        parts.append("</section>")
    parts.append("</main><footer>Every rule here is checked by a lesson's cell or test: "
                 "docs/cheatsheet/cheatsheet.toml names which.</footer></body></html>")
    return "".join(parts)


def pdf_page_count(data):
    """Count the pages of a PDF (objects of type /Page, not the /Pages tree).

    Examples
    --------
    >>> pdf_page_count(b"<< /Type /Pages /Count 1 >> << /Type /Page /Parent 2 0 R >>")
    1
    """
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def without_dates(data):
    """Set a PDF's creation and modification dates to 1970, so that printing again changes no byte.

    The replacement has the same length, so the PDF's cross-reference offsets stay right.

    Examples
    --------
    >>> without_dates(b"/CreationDate (D:20261202071506+00'00')")
    b"/CreationDate (D:19700101000000+00'00')"
    """
    return re.sub(rb"(/(?:Creation|Mod)Date \(D:)\d{14}", rb"\g<1>19700101000000", data)


def print_pages(sheet, folder):
    """Print `sheet` to one PDF per paper size and a PNG of the A4 page, in `folder`.

    Raises
    ------
    FileNotFoundError
        When there is no Chromium at ``CHROMIUM``.
    RuntimeError
        When a paper size takes more than one page.
    """
    from PIL import Image
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"no Chromium at {CHROMIUM}: apt-get install chromium, "
                                f"or name one with CHROMIUM=/path/to/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            for stem, paper in PAPERS.items():
                page = browser.new_page()
                page.set_content(page_html(sheet, paper), wait_until="load")
                data = without_dates(page.pdf(prefer_css_page_size=True, print_background=True))
                pages = pdf_page_count(data)
                if pages != 1:
                    raise RuntimeError(f"the cheatsheet takes {pages} pages on {paper} paper, "
                                       f"not 1: shorten a rule in {SOURCE.name}")
                (folder / f"cheatsheet-{stem}.pdf").write_bytes(data)
                page.close()
            # 210 mm × 297 mm at 96 CSS pixels per inch; the print margins drawn as padding.
            page = browser.new_page(viewport={"width": 794, "height": 1123},
                                    device_scale_factor=PNG_SCALE)
            page.emulate_media(media="print")
            page.set_content(page_html(sheet, "A4").replace(
                "body { margin: 0; }", "body { margin: 0; padding: 8mm 9mm; width: 210mm; "
                "height: 297mm; overflow: hidden; background: white; }"), wait_until="load")
            shot = Image.open(io.BytesIO(page.screenshot(full_page=False)))
            # 32 colours keep the text crisp at a third of the bytes.
            shot.convert("RGB").quantize(colors=32).save(folder / "cheatsheet.png", optimize=True)
        finally:
            browser.close()


def main(argv):
    """Write the Markdown page, and unless ``--markdown`` is given the PDFs and the PNG."""
    sheet = load(SOURCE.read_text(encoding="utf-8"))
    MARKDOWN.write_text(markdown(sheet), encoding="utf-8")
    print(f"wrote {MARKDOWN.relative_to(REPO)}")
    if "--markdown" not in argv:
        print_pages(sheet, PRINTED)
        for name in sorted(p.name for p in PRINTED.glob("cheatsheet*.p*")):
            print(f"wrote docs/cheatsheet/{name} (one page)" if name.endswith(".pdf")
                  else f"wrote docs/cheatsheet/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
