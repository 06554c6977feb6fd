"""Stride arrows over a strip of memory: one per axis, each on its own level, labels clear of lines.

An arrow leaves element ``[0, …, 0]``'s cell, rises to its level, runs to the cell one
stride away and comes down into it. Smaller strides get lower levels, so no line crosses
another arrow's horizontal run; arrows that share a start or a target cell are spread across
it, so two equal strides are two visible arrows. A stride of 0 comes back down into the cell
it left. Each label sits on its arrow's level, as near the middle of the arrow as the
vertical lines of the higher arrows allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.patches import FancyArrowPatch

from memlayout.drawing._style import FONT, axis_colour, text_width

#: Height of one level, in inches.
STEP = 0.3
#: Font size of the labels, in points.
SIZE = 7.5
#: Room kept between a label and a line, in inches.
_CLEAR = 0.05
#: Height of a label above its level's line, in inches.
_LIFT = 0.03


@dataclass(frozen=True)
class _Arrow:
    axis: int
    stride: int
    level: int
    x_from: float
    x_to: float | None  # None when the target cell is not drawn

    @property
    def label(self) -> str:
        if self.stride == 0:
            return f"axis {self.axis}: stride 0 (repeats)"
        return f"axis {self.axis}: {self.stride:+,} B"

    @property
    def verticals(self) -> list[float]:
        """x of the lines this arrow draws from the strip up to its level."""
        return [self.x_from] + ([self.x_to] if self.x_to is not None and self.stride else [])


class StrideArrows:
    """Where the stride arrows and their labels go, computed before drawing.

    Parameters
    ----------
    steps : list of (axis, stride)
        The axes to draw, lowest level first.
    start : float
        x of the centre of the cell the arrows leave.
    target : callable
        ``target(stride) -> x`` of the centre of the cell one `stride` away, or None if it
        is not drawn.
    cell_width : float
        Width of a cell, over which arrows sharing a cell are spread.
    """

    def __init__(self, steps, start: float, target, cell_width: float) -> None:
        n = len(steps)
        spread = min(0.09, 0.8 * cell_width / max(n, 1))
        self.arrows = []
        for level, (axis, stride) in enumerate(steps, start=1):
            shift = (level - 1 - (n - 1) / 2) * spread
            to = target(stride) if stride else start
            self.arrows.append(_Arrow(axis, stride, level, start + shift,
                                      None if to is None else to + shift))
        self.labels = {a.level: self._place(a) for a in self.arrows}

    @property
    def height(self) -> float:
        """Height above the strip that the arrows and labels take, in inches."""
        return STEP * (len(self.arrows) + 0.6) if self.arrows else 0.0

    @property
    def right(self) -> float:
        """Right end of the rightmost label, in inches."""
        return max((x + text_width(a.label, SIZE) for a, x in
                    zip(self.arrows, self.labels.values(), strict=True)), default=0.0)

    def _place(self, arrow: _Arrow) -> float:
        """Left x of `arrow`'s label: nearest its middle without touching a higher vertical."""
        width = text_width(arrow.label, SIZE)
        ends = [arrow.x_from, arrow.x_from if arrow.x_to is None else arrow.x_to]
        middle = (min(ends) + max(ends)) / 2 if arrow.stride and arrow.x_to is not None \
            else arrow.x_from + _CLEAR + width / 2
        blocked = sorted(x for a in self.arrows if a.level > arrow.level for x in a.verticals)
        candidates = [middle - width / 2] + [x + _CLEAR for x in blocked] + [
            x - _CLEAR - width for x in blocked]

        def free(left):
            return left >= 0 and not any(left - _CLEAR < x < left + width + _CLEAR for x in blocked)

        return min((c for c in candidates if free(c)), key=lambda c: abs(c + width / 2 - middle),
                   default=max(blocked, default=middle) + _CLEAR)

    def draw(self, ax, y_top: float) -> None:
        """Draw the arrows above a strip whose cells' top edge is at `y_top`."""
        for arrow in self.arrows:
            colour = axis_colour(arrow.axis)
            y = y_top + STEP * arrow.level
            if arrow.stride == 0:
                ax.add_artist(FancyArrowPatch((arrow.x_from, y), (arrow.x_from, y_top + 0.02),
                                             arrowstyle="-|>", mutation_scale=9, color=colour,
                                             lw=1.2, shrinkA=0, shrinkB=0))
            elif arrow.x_to is None:
                ax.plot([arrow.x_from, arrow.x_from], [y_top, y], color=colour, lw=1)
            else:
                ax.plot([arrow.x_from, arrow.x_from, arrow.x_to], [y_top, y, y], color=colour, lw=1)
                ax.add_artist(FancyArrowPatch((arrow.x_to, y), (arrow.x_to, y_top + 0.02),
                                             arrowstyle="-|>", mutation_scale=9, color=colour,
                                             lw=1, shrinkA=0, shrinkB=0))
            ax.text(self.labels[arrow.level], y + _LIFT, arrow.label, family=FONT, fontsize=SIZE,
                    color=colour, ha="left", va="bottom")
