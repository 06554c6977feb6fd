"""memlayout's layers import one way: model ← measure, model ← drawing; model imports neither."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "helpers" / "memlayout"
# What each layer may not import, of the other layers and of third-party drawing code.
FORBIDDEN = {
    "model": ("memlayout.drawing", "memlayout.measure", "memlayout.interactive", "matplotlib"),
    "measure": ("memlayout.drawing", "memlayout.interactive", "matplotlib"),
    "drawing": ("memlayout.interactive",),
}


def imported(path):
    """Return every module name a Python file imports, at any depth of its code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_is_below_it(layer):
    files = sorted((PACKAGE / layer).glob("*.py"))
    assert files, f"no modules in memlayout/{layer}/"
    wrong = {f"{path.name} imports {name}"
             for path in files for name in imported(path)
             if name.startswith(FORBIDDEN[layer])}
    assert not wrong, sorted(wrong)
