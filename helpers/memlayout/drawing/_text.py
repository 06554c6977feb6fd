"""Text that the figures' font can draw: every character either drawn or written as an escape.

Matplotlib draws a character :data:`~memlayout.drawing._style.FONT` lacks as an empty box and
warns; a control character (``"\\x1f"``) is not drawn at all. A learner's text (a value, a
title, a field name) reaches the figures through :func:`drawable` first, which writes such
characters as Python writes them in a ``repr``, so the figure says which character is there.
"""

from __future__ import annotations

import functools

from matplotlib import font_manager

from memlayout.drawing._style import FONT


def drawable(text: str | None) -> str | None:
    """`text` with each character the font cannot draw written as its escape (None stays None).

    Control and other unprintable characters are escaped as ``repr`` escapes them, printable
    characters without a glyph in the font as ``\\uXXXX`` (``\\UXXXXXXXX`` past U+FFFF).

    Examples
    --------
    >>> drawable("a\\x1f"), drawable("ߝ N'Ko"), drawable("1 → 2 …")
    ('a\\\\x1f', "\\\\u07dd N'Ko", '1 → 2 …')
    """
    if text is None or (text.isascii() and text.isprintable()):
        return text
    return "".join(map(_character, text))


@functools.lru_cache(maxsize=4096)
def _character(char: str) -> str:
    """`char` itself if it is printable and the font has a glyph for it, else its escape."""
    if not char.isprintable():
        return repr(char)[1:-1]
    if ord(char) in _glyphs():
        return char
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


@functools.cache
def _glyphs() -> frozenset[int]:
    """Code points that :data:`FONT` has a glyph for, read once from the font file."""
    path = font_manager.findfont(font_manager.FontProperties(family=FONT),
                                 fallback_to_default=False)
    return frozenset(font_manager.get_font(path).get_charmap())
