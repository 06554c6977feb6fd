"""The palette: one meaning per colour, apart in every colour vision, readable as text.

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira & Fernandes
(2009), "A physiologically-based model for simulation of color vision deficiency", IEEE TVCG
15(6), at severity 1.0 (protanopia, deuteranopia, tritanopia), applied to linear sRGB as in
their paper. Distances are CIE 1976 ΔE*ab in CIELAB (D65); a ΔE of about 2.3 is the smallest
difference people notice side by side, and 20 keeps two small patches or thin lines apart.
"""

from __future__ import annotations

import itertools

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.patches import Patch
from matplotlib.text import Text

import memlayout
from memlayout.drawing._style import AXIS_COLOURS, FIELD_COLOURS, PALETTE

MACHADO_2009 = {
    "normal vision": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}

#: Each meaning a drawing shows next to the others, with the colours that carry it.
MEANINGS = {
    "used by this array": "used",
    "not used": "unused",
    "this element": "accent",
    "new memory": "copy",
    **{f"axis {k}": colour for k, colour in enumerate(AXIS_COLOURS)},
}
#: Smallest ΔE between two meanings drawn together, in every colour vision.
MIN_DELTA_E = 20
#: Smallest ΔE between two struct fields (large patches, labelled) and from padding's white.
MIN_FIELD_DELTA_E = 15
#: WCAG 2 contrast for normal-size text (AA).
MIN_CONTRAST = 4.5


def linear_rgb(colour: str) -> np.ndarray:
    srgb = np.array(mcolors.to_rgb(colour))
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def cielab(linear: np.ndarray) -> np.ndarray:
    """CIELAB (D65 white) of a linear sRGB colour."""
    xyz = np.array([[0.4124, 0.3576, 0.1805],
                    [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(linear, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str) -> float:
    """ΔE*ab between colours `a` and `b` as seen with `vision`."""
    m = MACHADO_2009[vision]
    return float(np.linalg.norm(cielab(m @ linear_rgb(a)) - cielab(m @ linear_rgb(b))))


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours."""
    luminance = sorted(float(np.array([0.2126, 0.7152, 0.0722]) @ linear_rgb(c)) for c in (a, b))
    return (luminance[1] + 0.05) / (luminance[0] + 0.05)


def resolve(name: str) -> str:
    return PALETTE.get(name, name)


def test_simulation_matches_known_values():
    # pure red seen by a protanope is a dark olive; white stays white for everyone
    assert np.allclose(MACHADO_2009["protanopia"] @ [1, 0, 0], [0.152286, 0.114503, -0.003882])
    for m in MACHADO_2009.values():
        assert np.allclose(m @ np.ones(3), 1, atol=1e-3)
    assert delta_e("#FFFFFF", "#000000", "normal vision") == pytest.approx(100, abs=0.1)


def is_grey(colour: str) -> bool:
    r, g, b = mcolors.to_rgb(colour)
    return r == g == b


def test_each_colour_has_one_meaning():
    hues = [c for c in [*PALETTE.values(), *AXIS_COLOURS, *FIELD_COLOURS] if not is_grey(c)]
    assert len({c.upper() for c in hues}) == len(hues), "a colour stands for two things"
    # the neutral inks (edges, text, notes) and the two grey fills are the only greys
    greys = {name for name, c in PALETTE.items() if is_grey(c)}
    assert greys == {"unused", "resident", "padding", "edge", "unused_edge", "text", "muted"}


@pytest.mark.parametrize("vision", MACHADO_2009)
def test_meanings_drawn_together_stay_apart(vision):
    close = [f"{m1} / {m2}: ΔE {d:.1f}"
             for (m1, c1), (m2, c2) in itertools.combinations(MEANINGS.items(), 2)
             if (d := delta_e(resolve(c1), resolve(c2), vision)) < MIN_DELTA_E]
    assert not close, f"{vision}: {close}"


@pytest.mark.parametrize("vision", MACHADO_2009)
def test_struct_fields_stay_apart(vision):
    colours = [*FIELD_COLOURS, PALETTE["padding"]]
    close = [(a, b, round(delta_e(a, b, vision), 1)) for a, b in itertools.combinations(colours, 2)
             if delta_e(a, b, vision) < MIN_FIELD_DELTA_E]
    assert not close, f"{vision}: {close}"


@pytest.mark.parametrize("vision", MACHADO_2009)
def test_resident_pages_stand_out(vision):
    assert delta_e(PALETTE["resident"], PALETTE["unused"], vision) >= MIN_DELTA_E


@pytest.mark.parametrize("ink", ["text", "muted", *AXIS_COLOURS])
def test_text_colours_are_readable_on_white(ink):
    assert contrast(resolve(ink), "#FFFFFF") >= MIN_CONTRAST


@pytest.mark.parametrize("fill", ["used", "unused", "accent", "copy", *FIELD_COLOURS])
def test_text_is_readable_on_every_fill(fill):
    assert contrast(PALETTE["text"], resolve(fill)) >= MIN_CONTRAST


def drawings():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    return {
        "show": memlayout.show(a[:, ::2], base=a, index=(1, 1)),
        "show broadcast": memlayout.show(np.broadcast_to(np.arange(3.0), (4, 3))),
        "show_index view": memlayout.show_index(a, np.s_[1:, ::2]),
        "show_index gather": memlayout.show_index(a, a % 3 == 0),
        "show_broadcast": memlayout.show_broadcast(a[:, :1], a[0], op=np.add),
        "show_dtype": memlayout.show_dtype(np.dtype([("a", "u1"), ("b", "<f8"), ("c", ">i2")],
                                                    align=True)),
        "show_residency": memlayout.show_residency(
            memlayout.Residency(pages=np.arange(40) % 3 == 0, page_size=4096)),
    }


@pytest.mark.parametrize(("name", "fig"), drawings().items())
def test_drawings_use_only_the_palette(name, fig):
    fig.canvas.draw()
    allowed = {mcolors.to_hex(c) for c in [*PALETTE.values(), *AXIS_COLOURS, *FIELD_COLOURS]}
    ax, = fig.axes
    used = {mcolors.to_hex(t.get_color()) for t in fig.findobj(Text) if t.get_text()}
    used |= {mcolors.to_hex(p.get_facecolor()) for p in [*ax.patches, *ax.artists]
             if isinstance(p, Patch) and p.get_fill()}
    used |= {mcolors.to_hex(line.get_color()) for line in ax.lines}
    assert used <= allowed, f"{name} draws colours outside the palette: {used - allowed}"
