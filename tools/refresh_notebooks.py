"""Re-execute notebooks and store them normalised, so that a second refresh changes no byte.

Usage: ``python tools/refresh_notebooks.py NOTEBOOK.ipynb [...]`` (``make refresh`` runs it).

Each notebook runs top to bottom in a fresh kernel of the environment running this script
(the same kernel nbval uses with ``--nbval-current-env``), with the notebook's folder as the
working directory. Only when every cell succeeds is the file rewritten, with:

- per-run metadata removed (execution timestamps, the Python patch version);
- execution counts renumbered 1, 2, 3 … in cell order;
- consecutive stream outputs of one stream merged, as nbval compares them;
- the rules of ``tests/nbval_sanitize.cfg`` applied to every text output;
- no widget state: a widget's view (whose model id is new on every run, and whose model
  is gone once the kernel stops) is dropped, so a widget's stored output is its static
  fallback, the PNG and text beside it, which JupyterLab, GitHub and a static page show;
- nbformat's JSON layout (indent 1, sorted keys) and a final newline.
"""

import re
import sys
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager
from nbval.plugin import get_sanitize_patterns

REPO = Path(__file__).resolve().parent.parent
SANITIZE_FILE = REPO / "tests" / "nbval_sanitize.cfg"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CELL_TIMEOUT = 300
# A widget's view in an output, and the widget state nbclient stores in the metadata.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "widgets"
# Metadata written by a run rather than by an author.
RUN_CELL_METADATA = ("execution", "ExecuteTime")
RUN_LANGUAGE_INFO = ("version",)


def load_sanitize_rules(path=SANITIZE_FILE):
    """Read the regex/replace pairs that nbval applies, in file order.

    Parameters
    ----------
    path : pathlib.Path
        A sanitize file in nbval's format.

    Returns
    -------
    list of tuple of (re.Pattern, str)
        Compiled patterns with their replacement strings.
    """
    pairs = get_sanitize_patterns(path.read_text(encoding="utf-8"))
    return [(re.compile(regex), replace) for regex, replace in pairs]


def sanitize(text, rules):
    """Apply sanitize rules to one text.

    Parameters
    ----------
    text : str
        An output text.
    rules : list of tuple of (re.Pattern, str)
        As returned by `load_sanitize_rules`.

    Returns
    -------
    str
        The text with every rule applied in order.
    """
    for pattern, replace in rules:
        text = pattern.sub(replace, text)
    return text


def kernel_manager():
    """Return a manager for a fresh kernel of the environment running this script (not started)."""
    return KernelManager(
        kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager()
    )


def execute(nb, workdir, manager=None, **hooks):
    """Run every cell of a notebook in place, in a fresh current-environment kernel.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook; its outputs are replaced.
    workdir : pathlib.Path
        The kernel's working directory.
    manager : jupyter_client.manager.KernelManager, optional
        The manager of the kernel to start, from `kernel_manager` (a new one by default).
    **hooks
        nbclient's hooks, e.g. ``on_notebook_start`` and ``on_cell_executed``.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        When a cell raises an exception that its tags do not allow.
    """
    manager = manager or kernel_manager()
    client = NotebookClient(
        nb,
        km=manager,
        timeout=CELL_TIMEOUT,
        record_timing=False,
        resources={"metadata": {"path": str(workdir)}},
        **hooks,
    )
    try:
        client.execute()
    finally:
        # nbclient leaves a kernel manager it was handed running; stop the kernel here.
        if manager.has_kernel:
            manager.shutdown_kernel()


def merge_streams(outputs):
    """Merge consecutive stream outputs that write to the same stream.

    Parameters
    ----------
    outputs : list of nbformat.NotebookNode
        A code cell's outputs.

    Returns
    -------
    list of nbformat.NotebookNode
        The outputs, with each run of one stream joined into a single output.
    """
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def sanitize_output(output, rules):
    """Apply the sanitize rules to the text of one output, in place.

    Parameters
    ----------
    output : nbformat.NotebookNode
        A stream, display_data, execute_result or error output.
    rules : list of tuple of (re.Pattern, str)
        As returned by `load_sanitize_rules`.
    """
    if output.output_type == "stream":
        output.text = sanitize(output.text, rules)
    elif output.output_type == "error":
        output.evalue = sanitize(output.evalue, rules)
        output.traceback = [sanitize(line, rules) for line in output.traceback]
    else:
        output.get("data", {}).pop(WIDGET_VIEW, None)
        for mime, value in output.get("data", {}).items():
            if mime.startswith("text/") and isinstance(value, str):
                output.data[mime] = sanitize(value, rules)


def normalise(nb, rules):
    """Strip per-run noise from an executed notebook, in place.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    rules : list of tuple of (re.Pattern, str)
        As returned by `load_sanitize_rules`.
    """
    nb.metadata.kernelspec = nbformat.from_dict(KERNELSPEC)
    nb.metadata.pop(WIDGET_STATE, None)
    for key in RUN_LANGUAGE_INFO:
        nb.metadata.get("language_info", {}).pop(key, None)
    count = 0
    for cell in nb.cells:
        for key in RUN_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = merge_streams(cell.outputs)
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = count
            sanitize_output(output, rules)


def serialise(nb):
    """Return the exact bytes a refreshed notebook is stored as.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A normalised notebook.

    Returns
    -------
    bytes
        nbformat's JSON (indent 1, sorted keys) with a final newline, UTF-8, LF endings.
    """
    return (nbformat.writes(nb, version=4) + "\n").encode("utf-8")


def refresh(path, rules):
    """Execute one notebook and store it normalised, leaving it untouched on failure.

    Parameters
    ----------
    path : pathlib.Path
        The notebook file.
    rules : list of tuple of (re.Pattern, str)
        As returned by `load_sanitize_rules`.

    Returns
    -------
    bool
        True when the file changed.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        When a cell fails; the file is not written.
    """
    nb = nbformat.read(path, as_version=4)
    execute(nb, path.parent)
    normalise(nb, rules)
    nbformat.validate(nb)
    data = serialise(nb)
    if path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def first_line(error):
    """Return the exception line a failed cell ended with, e.g. ``ZeroDivisionError: …``.

    Parameters
    ----------
    error : nbclient.exceptions.CellExecutionError
        The error raised by nbclient.

    Returns
    -------
    str
        ``ename: evalue`` when nbclient recorded them, else the message's last line.
    """
    if getattr(error, "ename", None):
        return f"{error.ename}: {error.evalue}"
    return str(error).strip().splitlines()[-1]


def main(argv):
    """Refresh the notebooks named on the command line; report one line per notebook.

    Parameters
    ----------
    argv : list of str
        Notebook paths.

    Returns
    -------
    int
        0 when every notebook refreshed, 1 when one failed, 2 on a bad argument.
    """
    if not argv:
        print("usage: refresh_notebooks.py NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    paths = [Path(arg) for arg in argv]
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            print(f"refresh: {path} is not a notebook file", file=sys.stderr)
            return 2
    rules = load_sanitize_rules()
    for path in paths:
        try:
            changed = refresh(path, rules)
        except CellExecutionError as error:
            print(f"refresh: {path} failed, left unchanged: {first_line(error)}", file=sys.stderr)
            return 1
        print(f"refresh: {path} {'updated' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
