"""The model layer: pure descriptions of memory, computed with NumPy alone (no matplotlib).

- :mod:`~memlayout.model.layout`: where an array's elements sit in the buffer that owns them;
- :mod:`~memlayout.model.dtype`: the bytes of one item: fields, offsets, padding, byte order;
- :mod:`~memlayout.model.broadcast`: how operands broadcast, and which strides become 0;
- :mod:`~memlayout.model.index`: what an index selects, and whether it is a view or a gather.

The drawing and measuring layers build on these; nothing here imports them.
"""
