"""The interactive layer: the live explorer, built on the drawings.

:func:`~memlayout.interactive.explorer.explore` lets a learner change an index, a transpose,
a reshape, a dtype view or a broadcast and see the result's memory at once. ``state`` turns
the controls into NumPy calls and facts, ``parse`` reads what is typed without running it,
``windows`` maps sliders to slices, ``controls`` holds the ipywidgets (imported only when the
explorer is built, so that memlayout imports without ipywidgets). This layer imports
``drawing`` and ``model``; nothing imports it but ``memlayout/__init__.py``.
"""
