"""The explorer's widgets (ipywidgets): what the learner types, toggles and drags.

Every control reads into one :class:`~memlayout.interactive.state.Request`; a change submits
it to the :class:`~memlayout.interactive.explorer.Explorer` and shows the outcome. The
sliders do not submit by themselves: they write the index they spell into the index box,
which submits, so that the box always shows what is drawn. When the typed index is plain
slices the sliders move to it; otherwise they are disabled until it is again.

The widgets carry CSS classes for a browser test: ``memlayout-explore`` (the whole),
``memlayout-explore-index``, ``memlayout-explore-axis-K`` (one row per axis, holding a
``memlayout-explore-window`` and a ``memlayout-explore-step`` slider),
``memlayout-explore-picture``, ``memlayout-explore-facts`` and ``memlayout-explore-message``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from memlayout.interactive.state import VIEW_DTYPES, Request
from memlayout.interactive.windows import Window, index_text, steps, windows_of

_WIDE = {"description_width": "initial"}
_FACTS = ("<pre style='margin: 0; font-family: \"DejaVu Sans Mono\", monospace; "
          "font-size: 12px; line-height: 1.5'>{}</pre>")
_MESSAGE = "<div style='color: var(--jp-error-color1, #d32f2f); font-family: monospace'>{}</div>"
_HINT = ("<div style='color: var(--jp-ui-font-color2, #777)'>The sliders follow an index of plain "
         "slices only; type one (or press reset) to use them.</div>")


class Controls:
    """The widgets of one explorer and the callbacks that drive it.

    Attributes
    ----------
    box : ipywidgets.VBox
        Everything, as displayed.
    index, reshape, broadcast_to : ipywidgets.Text
        The index after ``a`` and the two shapes; empty text switches a step off.
    transpose : ipywidgets.ToggleButton
    view : ipywidgets.Dropdown
        ``""`` (off) or a dtype name.
    windows : list of ipywidgets.IntRangeSlider
        Per axis, the positions ``[lo, hi)`` in play.
    steps : list of ipywidgets.SelectionSlider
        Per axis, the step (negative walks the window backwards).
    reset : ipywidgets.Button
        Back to all of ``a``, every step off.
    picture : ipywidgets.Image
        The drawing (SVG).
    facts, message, hint : ipywidgets.HTML
        The facts beside the picture; NumPy's message for a rejected request; why the
        sliders are disabled.
    """

    def __init__(self, explorer) -> None:
        self.explorer = explorer
        shape = explorer.a.shape
        request = explorer.outcome.request
        self._quiet = False
        self.index = widgets.Text(request.index, description="b = a", placeholder="[::2, 1:]",
                                  continuous_update=False, style=_WIDE,
                                  layout=widgets.Layout(width="18em"))
        self.transpose = widgets.ToggleButton(request.transpose, description=".T",
                                              tooltip="take the transpose",
                                              layout=widgets.Layout(width="4em"))
        self.reshape = widgets.Text(request.reshape, description=".reshape", placeholder="off, e.g. 4, 3",
                                    continuous_update=False, style=_WIDE,
                                    layout=widgets.Layout(width="14em"))
        self.view = widgets.Dropdown(options=[("off", ""), *((n, n) for n in VIEW_DTYPES)],
                                     value=request.view, description=".view", style=_WIDE,
                                     layout=widgets.Layout(width="12em"))
        self.broadcast_to = widgets.Text(request.broadcast_to, description="np.broadcast_to",
                                         placeholder="off, e.g. 2, 3, 4", continuous_update=False,
                                         style=_WIDE, layout=widgets.Layout(width="18em"))
        self.reset = widgets.Button(description="reset", tooltip="all of a, every step off",
                                    layout=widgets.Layout(width="6em"))
        self.windows = [widgets.IntRangeSlider(value=(0, n), min=0, max=n, description=f"axis {k}",
                                               style=_WIDE) for k, n in enumerate(shape)]
        self.steps = [widgets.SelectionSlider(options=steps(n), value=1, description="step")
                      for n in shape]
        rows = []
        for k, (window, step) in enumerate(zip(self.windows, self.steps, strict=True)):
            window.add_class("memlayout-explore-window")
            step.add_class("memlayout-explore-step")
            rows.append(widgets.HBox([window, step]))
            rows[-1].add_class(f"memlayout-explore-axis-{k}")
        self.picture = widgets.Image(format="svg+xml", layout=widgets.Layout(max_width="100%"))
        self.facts = widgets.HTML()
        self.message = widgets.HTML()
        self.hint = widgets.HTML()
        self.index.add_class("memlayout-explore-index")
        self.picture.add_class("memlayout-explore-picture")
        self.facts.add_class("memlayout-explore-facts")
        self.message.add_class("memlayout-explore-message")
        wrap = widgets.Layout(flex_flow="row wrap", align_items="flex-start")
        self.box = widgets.VBox([
            widgets.HBox([self.index, self.transpose, self.reshape, self.view, self.broadcast_to,
                          self.reset], layout=wrap),
            *rows, self.hint, self.message,
            widgets.HBox([self.picture, self.facts], layout=wrap),
        ])
        self.box.add_class("memlayout-explore")
        for control in (self.index, self.transpose, self.reshape, self.view, self.broadcast_to):
            control.observe(self._changed, names="value")
        for slider in (*self.windows, *self.steps):
            slider.observe(self._slid, names="value")
        self.reset.on_click(self._reset)
        self._show()

    def request(self) -> Request:
        """The request the controls hold now."""
        return Request(self.index.value, self.transpose.value, self.reshape.value,
                       self.view.value, self.broadcast_to.value)

    def _changed(self, change=None) -> None:
        if self._quiet:
            return
        self.explorer.submit(self.request())
        self._show()

    def _slid(self, change=None) -> None:
        """A slider moved: write the index the sliders spell into the box (which submits)."""
        if self._quiet:
            return
        windows = [Window(*w.value, s.value) for w, s in zip(self.windows, self.steps, strict=True)]
        self.index.value = index_text(windows, self.explorer.a.shape)

    def _reset(self, button=None) -> None:
        self._quiet = True
        try:
            self.index.value, self.transpose.value, self.view.value = "", False, ""
            self.reshape.value = self.broadcast_to.value = ""
        finally:
            self._quiet = False
        self._changed()

    def _show(self) -> None:
        """Show the explorer's outcome: picture, facts, message; move the sliders to it.

        A rejected request shows only its message: the picture and facts of the last good
        one stay, and nothing is redrawn.
        """
        explorer = self.explorer
        self.message.value = _MESSAGE.format(html.escape(explorer.error)) if explorer.error else ""
        if explorer.error:
            return
        svg, (width, _) = explorer.svg()
        if self.picture.value != svg:
            self.picture.value = svg
            self.picture.width = str(width)
        self.facts.value = _FACTS.format(html.escape(explorer.facts))
        self._follow(windows_of(explorer.outcome.index, explorer.a.shape))

    def _follow(self, windows: list[Window] | None) -> None:
        """Move the sliders to `windows`, or disable them when the index is not slices."""
        self._quiet = True
        try:
            for k, (window, step) in enumerate(zip(self.windows, self.steps, strict=True)):
                window.disabled = step.disabled = windows is None
                if windows is not None:
                    window.value, step.value = windows[k][:2], windows[k].step
        finally:
            self._quiet = False
        self.hint.value = _HINT if windows is None and self.windows else ""
