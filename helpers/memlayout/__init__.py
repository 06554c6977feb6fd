"""memlayout: see and measure how NumPy arrays live in memory.

Three layers, data flowing one way: an ndarray → a description of its memory (the model:
:func:`layout`, :func:`dtype_layout`, :func:`broadcast_layout`, :func:`index_layout`) →
a picture (``show*``) or a number (the measurements).
"""

from memlayout.broadcast import Broadcast, Operand, broadcast_layout
from memlayout.drawing.array import show
from memlayout.drawing.index import show_index
from memlayout.indexing import Selection, index_layout
from memlayout.model import Layout, find_owner, layout
from memlayout.structs import DtypeLayout, Segment, dtype_layout
from memlayout.drawing.residency import show_residency
from memlayout.measure.bandwidth import Bandwidth, bandwidth, copy_bandwidth
from memlayout.measure.peak import PeakMemory, peak_memory
from memlayout.measure.residency import Residency, residency

__all__ = [
    "show_residency",
    "residency",
    "peak_memory",
    "copy_bandwidth",
    "bandwidth",
    "Residency",
    "PeakMemory",
    "Bandwidth",
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
    "show_index",
]


def load_ipython_extension(ipython) -> None:
    """Register the ``%peakmem`` / ``%%peakmem`` magics: what ``%load_ext memlayout`` runs."""
    from memlayout.measure.magics import load_ipython_extension as load_magics

    load_magics(ipython)
