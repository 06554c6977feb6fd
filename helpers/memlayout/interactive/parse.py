"""Read what a learner types into the explorer, without running it as code.

An index such as ``[::2, 1:]`` and a shape such as ``3, 4`` are parsed with :mod:`ast` and
rebuilt from the few node types they may contain: constants, negative numbers, slices,
``...``, ``None``, ``np.newaxis`` and (nested) lists or tuples of them. Nothing is evaluated,
so no name, call or attribute a learner types can run. What the nodes mean (is ``1.5`` an
index?) is left to NumPy, so that a wrong index gets NumPy's own message.
"""

from __future__ import annotations

import ast

#: Types of constant a learner may type; NumPy decides which of them it accepts where.
_CONSTANTS = (int, float, bool, str, type(None), type(Ellipsis))


def parse_index(text: str):
    """Turn the text after ``a`` in ``a[...]`` into the index NumPy would receive.

    Parameters
    ----------
    text : str
        What the learner typed, with or without the brackets: ``"[::2, 1:]"`` or
        ``"::2, 1:"``. An empty text selects everything, as ``[:]``.

    Returns
    -------
    object
        A tuple for several items, else one item: a slice, an int, None, Ellipsis, a
        (nested) list for an index array or a mask, or another constant for NumPy to judge.

    Raises
    ------
    ValueError
        If the text is not Python syntax, or holds anything other than those items (a
        name, a call, arithmetic): the message says what was found.

    Examples
    --------
    >>> parse_index("[::2, 1:]")
    (slice(None, None, 2), slice(1, None, None))
    >>> parse_index("[[0, 2], None, ...]")
    ([0, 2], None, Ellipsis)
    >>> parse_index("[-1]")
    -1
    >>> parse_index("[len(a)]")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: a[...] takes slices, integers, ...; len(a) (a call) is not one of them
    """
    body = index_source(text)
    tree = _parse(f"_{body}", "a" + body)
    if not isinstance(tree, ast.Subscript) or not isinstance(tree.value, ast.Name):
        raise ValueError(f"a{body} is not one index: write a[...] only, e.g. a[::2, 1:]")
    item = tree.slice
    if isinstance(item, ast.Tuple):
        return tuple(_index_item(node) for node in item.elts)
    return _index_item(item)


def index_source(text: str, ndim: int = 1) -> str:
    """The index as it stands after ``a`` in code: in brackets, everything when empty.

    Examples
    --------
    >>> index_source(" ::2 "), index_source(""), index_source("", ndim=0)
    ('[::2]', '[:]', '[...]')
    """
    body = text.strip()
    if not body:
        return "[:]" if ndim else "[...]"
    return body if body.startswith("[") else f"[{body}]"


def parse_shape(text: str, what: str) -> tuple[int, ...] | None:
    """Turn ``"3, 4"`` (or ``"(3, 4)"``, ``"-1"``) into a shape tuple; ``""`` into None.

    Parameters
    ----------
    text : str
        What the learner typed.
    what : str
        Which box it came from, for the message (``"reshape"``, ``"broadcast_to"``).

    Returns
    -------
    tuple of int, or None
        None when the text is empty (the step is off).

    Raises
    ------
    ValueError
        If the text is not integers separated by commas.

    Examples
    --------
    >>> parse_shape("3, -1", "reshape"), parse_shape("(5,)", "reshape"), parse_shape(" ", "reshape")
    ((3, -1), (5,), None)
    >>> parse_shape("3.5", "reshape")
    Traceback (most recent call last):
    ...
    ValueError: reshape takes integers separated by commas, e.g. 3, 4; got 3.5
    """
    body = text.strip()
    if not body:
        return None
    node = _parse(body, body)
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    values = [_signed(item) for item in items]
    if not items or not all(type(value) is int for value in values):
        raise ValueError(f"{what} takes integers separated by commas, e.g. 3, 4; got {body}")
    return tuple(values)


def _parse(source: str, shown: str) -> ast.expr:
    try:
        return ast.parse(source, mode="eval").body
    except SyntaxError as error:
        raise ValueError(f"{shown} is not valid Python: {error.msg}") from None


def _index_item(node: ast.expr):
    """One item between the brackets: a slice, a constant, np.newaxis, or a list."""
    if isinstance(node, ast.Slice):
        return slice(*(None if part is None else _value(part)
                       for part in (node.lower, node.upper, node.step)))
    return _value(node)


def _value(node: ast.expr):
    """A constant, a signed number, np.newaxis, or a (nested) list or tuple of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, _CONSTANTS):
        return node.value
    number = _signed(node)
    if number is not None:
        return number
    if (isinstance(node, ast.Attribute) and node.attr == "newaxis"
            and isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy")):
        return None
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_value(item) for item in node.elts]
    raise ValueError(
        "a[...] takes slices, integers, None, ... and lists of integers or booleans; "
        f"{ast.unparse(node)} ({_kind(node)}) is not one of them")


def _signed(node: ast.expr) -> int | float | None:
    """The number a node spells, with any signs in front (``3``, ``-1``, ``+2.5``), or None."""
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return sign * node.value
    return None


def _kind(node: ast.expr) -> str:
    """What a learner would call a node: 'a name', 'a call', 'arithmetic' ..."""
    kinds = {ast.Name: "a name", ast.Call: "a call", ast.Attribute: "an attribute",
             ast.BinOp: "arithmetic", ast.UnaryOp: "arithmetic", ast.Compare: "a comparison",
             ast.Subscript: "an index of something else", ast.Lambda: "a function"}
    return next((text for cls, text in kinds.items() if isinstance(node, cls)),
                type(node).__name__)
