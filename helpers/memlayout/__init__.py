"""memlayout: see and measure how NumPy arrays live in memory.

Layers, data flowing one way, each a subpackage: an ndarray → a description of its memory
(``model/``: :func:`layout`, :func:`dtype_layout`, :func:`broadcast_layout`,
:func:`index_layout`) → a picture (``drawing/``: ``show*``) or a number (``measure/``:
:func:`peak_memory`, :func:`residency`, :func:`bandwidth`). ``model`` imports neither of the
others, ``measure`` imports ``model`` only, and ``drawing`` may draw a measurement.
Import the public names from here; the module paths may change.
"""

from memlayout.drawing.array import show
from memlayout.drawing.broadcast import show_broadcast
from memlayout.drawing.dtype import show_dtype
from memlayout.drawing.index import show_index
from memlayout.drawing.residency import show_residency
from memlayout.drawing.timeline import show_timeline
from memlayout.interactive.explorer import explore
from memlayout.measure.bandwidth import Bandwidth, bandwidth, copy_bandwidth
from memlayout.measure.graph_run import GraphRun, peak_summary, run_order
from memlayout.measure.peak import PeakMemory, peak_memory
from memlayout.measure.residency import Residency, drop_from_page_cache, residency
from memlayout.model.broadcast import Broadcast, Operand, broadcast_layout
from memlayout.model.dask_order import dask_order
from memlayout.model.dtype import DtypeLayout, Segment, dtype_layout
from memlayout.model.graph import (
    Graph,
    Node,
    Reuse,
    Search,
    Step,
    Timeline,
    best_order,
    count_orders,
    greedy_order,
    reuse_plan,
    simulate,
)
from memlayout.model.index import Selection, index_layout
from memlayout.model.layout import Layout, find_owner, layout
from memlayout.model.trace import Traced, trace

__all__ = [
    "Bandwidth",
    "Broadcast",
    "DtypeLayout",
    "Graph",
    "GraphRun",
    "Layout",
    "Node",
    "Operand",
    "PeakMemory",
    "Residency",
    "Reuse",
    "Search",
    "Segment",
    "Selection",
    "Step",
    "Timeline",
    "Traced",
    "bandwidth",
    "best_order",
    "broadcast_layout",
    "copy_bandwidth",
    "count_orders",
    "dask_order",
    "drop_from_page_cache",
    "dtype_layout",
    "explore",
    "find_owner",
    "greedy_order",
    "index_layout",
    "layout",
    "peak_memory",
    "peak_summary",
    "residency",
    "reuse_plan",
    "run_order",
    "show",
    "show_broadcast",
    "show_dtype",
    "show_index",
    "show_residency",
    "show_timeline",
    "simulate",
    "trace",
]


def load_ipython_extension(ipython) -> None:
    """Register the ``%peakmem`` / ``%%peakmem`` magics: what ``%load_ext memlayout`` runs."""
    from memlayout.measure.magics import load_ipython_extension as load_magics

    load_magics(ipython)
