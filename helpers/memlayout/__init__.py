"""memlayout: see and measure how NumPy arrays live in memory.

Three layers, data flowing one way: an ndarray → a description of its memory (the model:
:func:`layout`, :func:`dtype_layout`, :func:`broadcast_layout`, :func:`index_layout`) →
a picture (``show*``) or a number (the measurements).
"""

from memlayout.broadcast import Broadcast, Operand, broadcast_layout
from memlayout.drawing.array import show
from memlayout.indexing import Selection, index_layout
from memlayout.model import Layout, find_owner, layout
from memlayout.structs import DtypeLayout, Segment, dtype_layout

__all__ = [
    "Broadcast",
    "DtypeLayout",
    "Layout",
    "Operand",
    "Segment",
    "Selection",
    "broadcast_layout",
    "dtype_layout",
    "find_owner",
    "index_layout",
    "layout",
    "show",
]
