"""``show_timeline``: which buffers are live at each step of an order, and where the peak is."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from memlayout.drawing._style import FONT, PALETTE, Legend, new_figure, text_width
from memlayout.drawing._text import drawable
from memlayout.measure._units import exact_size
from memlayout.model.graph import Graph, simulate

_MARGIN = 0.3
_BAR_HEIGHT = 1.5  # inches for the highest peak of the orders drawn
_STEP = 0.55  # inches per step, shrunk to fit _MAX_WIDTH
_MAX_WIDTH = 10.5
_PANEL_GAP = 0.75  # title and step labels of a panel


def show_timeline(graph: Graph, *orders: Sequence[str], labels: Sequence[str] | None = None,
                  max_steps: int = 40) -> Figure:
    """Draw the live buffers of each step of one or more orders of `graph`, peak marked.

    One panel per order, on one byte scale so that panels compare at a glance. Each step is a
    column: a stack of the buffers live while that node runs, the one it allocates on top,
    outputs that stay after the last step in their own colour. A line marks each order's
    peak. An order of more than `max_steps` steps is drawn as its total live bytes per step,
    without the stack.

    Parameters
    ----------
    graph : Graph
    *orders : sequence of str
        Valid orders of its nodes; the order as written when none is given.
    labels : sequence of str, optional
        A name for each order (``"as written"``, ``"best"``). By default the order as written
        is called "as written" and the others are numbered.
    max_steps : int, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If an order is not valid (the message names the node), or `labels` does not give one
        label per order.

    Examples
    --------
    >>> from memlayout import Graph, Node, best_order
    >>> g = Graph([Node("a", ["x"], 8), Node("b", ["x"], 8), Node("c", ["a"], 1),
    ...            Node("d", ["b"], 1), Node("z", ["c", "d"], 1)], inputs=["x"], outputs=["z"])
    >>> fig = show_timeline(g, g.as_written, best_order(g).order, labels=["as written", "best"])
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"show_timeline needs a Graph, got {type(graph).__name__}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"max_steps must be a positive int, got {max_steps!r}")
    orders = orders or (graph.as_written,)
    if labels is None:
        labels = ["as written" if tuple(order) == graph.as_written else f"order {number + 1}"
                  for number, order in enumerate(orders)]
    labels = list(labels)
    if len(labels) != len(orders) or not all(isinstance(label, str) for label in labels):
        raise ValueError(f"labels must give one str per order ({len(orders)}), got {labels!r}")
    labels = [drawable(label) for label in labels]
    timelines = [simulate(graph, order) for order in orders]
    scale = _BAR_HEIGHT / max(max(t.peak for t in timelines), 1)
    steps = len(graph.nodes)
    step = min(_STEP, _MAX_WIDTH / steps)
    entries = [(PALETTE["accent"], PALETTE["edge"], None, "allocated by this step"),
               (PALETTE["used"], PALETTE["edge"], None, "live, freed later")]
    if any(_output_waits(graph, t) for t in timelines):
        entries.append((PALETTE["copy"], PALETTE["edge"], None, "an output, kept"))
    width = max(2 * _MARGIN + step * steps + 1.4, Legend.natural_width(entries) + 2 * _MARGIN, 5.0)
    panel = _BAR_HEIGHT + _PANEL_GAP + 0.35
    fig, ax = new_figure(width, panel * len(timelines) + 0.45)
    Legend(entries, width - 2 * _MARGIN).draw(ax, _MARGIN, 0.1)
    for number, (timeline, label) in enumerate(zip(timelines, labels, strict=True)):
        base = 0.45 + panel * (len(timelines) - 1 - number) + 0.45
        _panel(ax, graph, timeline, label, base, step, scale, steps <= max_steps)
    return fig


def _output_waits(graph, timeline) -> bool:
    """Whether an output is computed before the last step, so that it shows as kept."""
    return any(name in graph.outputs for name in timeline.order[:-1])


def _panel(ax, graph, timeline, label, base, step, scale, stacked):
    """Draw one order's columns with their lower edge at height `base`."""
    text = {"family": FONT, "color": PALETTE["text"]}
    top = base + _BAR_HEIGHT
    ax.text(_MARGIN, top + 0.42, f"{label}: peak {exact_size(timeline.peak)} at step "
            f"{timeline.peak_step + 1} ({drawable(timeline.order[timeline.peak_step])})", fontsize=9, **text)
    live: dict[str, int] = {}  # buffer → bytes, in the order allocated
    kept = {graph._owner[name] for name in graph.outputs}
    done = 0
    x0 = _MARGIN
    for number, (name, record) in enumerate(zip(timeline.order, timeline.steps, strict=True)):
        x = x0 + number * step
        node = graph.node(name)
        if node.nbytes:
            live[name] = node.nbytes
        if stacked:
            y = base
            for buffer, nbytes in live.items():
                fresh = buffer == name and node.nbytes
                face, edge = ((PALETTE["accent"], PALETTE["edge"]) if fresh else
                              (PALETTE["copy"], PALETTE["edge"]) if buffer in kept else
                              (PALETTE["used"], PALETTE["edge"]))
                height = nbytes * scale
                ax.add_artist(Rectangle((x + 0.04, y), step - 0.08, height, facecolor=face,
                                       edgecolor=edge, linewidth=0.6))
                if height > 0.16 and text_width(buffer, 6.5) < step - 0.1:
                    ax.text(x + step / 2, y + height / 2, drawable(buffer), ha="center", va="center",
                            fontsize=6.5, **text)
                y += height
        else:
            ax.add_artist(Rectangle((x, base), step, record.live * scale, facecolor=PALETTE["used"],
                                   edgecolor="none"))
        caption = drawable(name)
        if node.op and text_width(node.op, 6) < step * 1.5:
            caption += f"\n{drawable(node.op)}"
        if text_width(name, 6) < step * 1.5:
            ax.text(x + step / 2, base - 0.06, caption, ha="center", va="top", fontsize=6,
                    linespacing=1.1, **text)
        done |= 1 << graph._index[name]
        for buffer in graph._freed_buffers(graph._index[name], done):
            live.pop(buffer, None)
    peak_y = base + timeline.peak * scale
    right = x0 + len(timeline.order) * step
    ax.plot([x0, right], [peak_y, peak_y], color=PALETTE["text"], linewidth=1.2, linestyle="--")
    ax.text(right + 0.08, peak_y, exact_size(timeline.peak), va="center", fontsize=8,
            family=FONT, color=PALETTE["text"])
