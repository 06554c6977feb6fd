"""A matplotlib backend that renders memlayout's figures to PNG twice as fast as ``savefig``.

It is matplotlib's Agg backend with two costs taken out, and its pixels are Agg's own
(``tests/test_draw_png.py`` compares them with ``savefig``'s, pixel for pixel):

- **Text.** Agg lays out every string and renders every glyph afresh, and a figure draws
  hundreds of short labels in one font. Here a string's size and layout, and a glyph's
  bitmap at a given sub-pixel position, are computed once per kernel. FreeType renders a
  glyph moved by whole pixels as the same bitmap moved by those pixels, so only the fraction
  of a pixel (1/64 steps) is part of a glyph's key.
- **Encoding.** Pillow tries five PNG filters on every row. These figures are flat fills, so
  rows go to zlib unfiltered, as RGB (the figure is opaque), at a level chosen by size.

Use it as ``figure.savefig(buffer, format="png", backend=BACKEND)``; it uses private parts
of matplotlib's Agg renderer (``FT2Font._layout``, ``_set_transform``, ``_render_glyph``), so
matplotlib is pinned, and the pixel test fails if a release changes them.
"""

from __future__ import annotations

import functools
import math
import struct
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.ft2font import RenderMode

#: The name ``savefig`` takes as its ``backend`` to render with this module.
BACKEND = "module://memlayout.drawing._png"

#: Images of more pixels than this are compressed at zlib level 3, smaller ones at 6: for a
#: figure of 5 Mpx, level 6 takes about 60 ms and level 3 about 40 ms, for a file 30 % larger.
_LARGE = 2_000_000

#: Rows of the image converted and compressed at a time.
_BLOCK = 128

#: Entries each cache keeps; a kernel that draws more distinct strings or glyphs starts again.
_CACHE_SIZE = 8192


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _glyph(font, size: float, dpi: float, glyph: int, angle: float, dx: int, dy: int):
    """Bitmap of `glyph` at `size` points, rotated by `angle`, moved by (`dx`, `dy`) / 64 px.

    Returns the bitmap (a uint8 array) and its left and top pixel positions.
    """
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    font.set_size(size, dpi)
    font._set_transform((0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int),
                        [dx, dy])
    bitmap = font._render_glyph(glyph, get_hinting_flag(), RenderMode.NORMAL)
    return bitmap.buffer.copy(), bitmap.left, bitmap.top


class _Renderer(RendererAgg):
    """Agg, with each string's metrics and layout and each glyph's bitmap kept for reuse."""

    # Shared by every renderer, keyed by string, font properties and dpi (and, for layouts,
    # font features and language).
    _metrics: dict = {}
    _layouts: dict = {}

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, prop, self.dpi)
        if key not in self._metrics:
            _remember(self._metrics, key, super().get_text_width_height_descent(s, prop, ismath))
        return self._metrics[key]

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not gc.get_antialiased():
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (s, prop, self.dpi, features, language)
        if key not in self._layouts:
            items = self._prepare_font(prop)._layout(s, flags=get_hinting_flag(),
                                                      features=features, language=language)
            _remember(self._layouts, key, [(item.ft_object, item.glyph_index, item.x, item.y)
                                           for item in items])
        size = prop.get_size_in_points()
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        # Where Agg puts each glyph, in 1/64 px, with FreeType's y upwards: the whole pixels
        # move the cached bitmap, the fraction selects it.
        for font, glyph, dx, dy in self._layouts[key]:
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (self.height - y + dx * sin + dy * cos))
            buffer, left, top = _glyph(font, size, self.dpi, glyph, angle, px & 63, py & 63)
            self._renderer.draw_text_image(
                buffer, left + (px >> 6), int(self.height) - top - (py >> 6) + buffer.shape[0],
                0, gc)


def _remember(cache: dict, key: tuple, value) -> None:
    """Store `value` under `key`, with a copy of the key's font properties, which can change.

    A full cache is emptied first, so a long-lived kernel does not grow without bound.
    """
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    s, prop, *rest = key
    cache[(s, prop.copy(), *rest)] = value


class FigureCanvas(FigureCanvasAgg):
    """The Agg canvas, drawing with :class:`_Renderer` and writing PNG with :func:`encode_png`."""

    def get_renderer(self):
        # Agg's own, with its renderer class swapped: Agg names RendererAgg inside the method.
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _Renderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def print_png(self, filename_or_obj, **_options):
        """Draw the figure and write it to `filename_or_obj` (a binary file object) as PNG.

        ``savefig`` passes its options (dpi, colours) here too, but has applied them to the
        figure already.
        """
        FigureCanvasAgg.draw(self)
        filename_or_obj.write(encode_png(np.asarray(self.buffer_rgba())))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))


def encode_png(rgba: np.ndarray) -> bytes:
    """Encode an opaque (height, width, 4) uint8 image as an 8-bit RGB PNG.

    Examples
    --------
    >>> png = encode_png(np.full((2, 3, 4), 255, np.uint8))
    >>> png[:8], png[16:24]
    (b'\\x89PNG\\r\\n\\x1a\\n', b'\\x00\\x00\\x00\\x03\\x00\\x00\\x00\\x02')
    """
    height, width, _ = rgba.shape
    deflate = zlib.compressobj(3 if height * width > _LARGE else 6)
    data = []
    for start in range(0, height, _BLOCK):  # a block at a time, so memory stays small
        block = rgba[start:start + _BLOCK, :, :3]
        rows = np.zeros((len(block), 1 + 3 * width), np.uint8)  # filter type 0, then RGB
        rows[:, 1:].reshape(block.shape)[...] = block
        data.append(deflate.compress(rows))
    data.append(deflate.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", b"".join(data)) + _chunk(b"IEND", b""))
