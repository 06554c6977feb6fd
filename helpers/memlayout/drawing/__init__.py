"""The drawing layer: matplotlib figures of the model's descriptions (and of measurements).

Each public function takes arrays (or a model object) and returns a ``LayoutFigure``, built
on ``matplotlib.figure.Figure`` without pyplot, so that it displays once and leaves no state.
The figure renders itself to PNG through ``_png``, Agg with its text and encoding costs cut.
"""
