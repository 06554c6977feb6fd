"""memlayout: see and measure how NumPy arrays live in memory.

Three layers, data flowing one way: an ndarray → a description of its memory (the model:
:func:`layout`, :func:`dtype_layout`, :func:`broadcast_layout`, :func:`index_layout`) →
a picture (``show*``) or a number (the measurements).
"""

from memlayout.broadcast import Broadcast, Operand, broadcast_layout
from memlayout.drawing.array import show
from memlayout.drawing.broadcast import show_broadcast
from memlayout.drawing.dtype import show_dtype
from memlayout.drawing.index import show_index
from memlayout.drawing.residency import show_residency
from memlayout.indexing import Selection, index_layout
from memlayout.measure.bandwidth import Bandwidth, bandwidth, copy_bandwidth
from memlayout.measure.peak import PeakMemory, peak_memory
from memlayout.measure.residency import Residency, drop_from_page_cache, residency
from memlayout.model import Layout, find_owner, layout
from memlayout.structs import DtypeLayout, Segment, dtype_layout

__all__ = [
    "Bandwidth",
    "Broadcast",
    "DtypeLayout",
    "Layout",
    "Operand",
    "PeakMemory",
    "Residency",
    "Segment",
    "Selection",
    "bandwidth",
    "broadcast_layout",
    "copy_bandwidth",
    "drop_from_page_cache",
    "dtype_layout",
    "find_owner",
    "index_layout",
    "layout",
    "peak_memory",
    "residency",
    "show",
    "show_broadcast",
    "show_dtype",
    "show_index",
    "show_residency",
]


def load_ipython_extension(ipython) -> None:
    """Register the ``%peakmem`` / ``%%peakmem`` magics: what ``%load_ext memlayout`` runs."""
    from memlayout.measure.magics import load_ipython_extension as load_magics

    load_magics(ipython)
