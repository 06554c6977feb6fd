"""Run a traced computation in a chosen order with real NumPy, and measure its peak.

The measuring half of the capstone: :func:`run_order` executes every node of a
:class:`~memlayout.model.trace.Traced` graph in the order given, frees each buffer after its
last reader as :func:`~memlayout.model.graph.simulate` assumes, optionally writes into freed
buffers as :func:`~memlayout.model.graph.reuse_plan` plans, and measures the whole run with
:func:`~memlayout.measure.peak.peak_memory`. The simulated and the measured peak then stand
side by side: the prediction checked by a measurement.

The prediction counts the buffers the nodes return. An operation that allocates scratch
space of its own while it runs (``np.std`` makes ``x - x.mean()`` inside, for instance) is
measured but not predicted: its scratch shows as a measured peak above the simulated one
whenever it exceeds what the other steps keep live.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from memlayout.measure._units import approx_size, exact_size
from memlayout.measure.peak import peak_memory
from memlayout.model.graph import Graph, best_order, reuse_plan, simulate
from memlayout.model.trace import Traced

__all__ = ["GraphRun", "peak_summary", "run_order"]

#: What the measured peak may exceed the simulated one by: NumPy's small scalars, array
#: objects and the runner's own bookkeeping, all far below the buffers a lesson draws.
OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class GraphRun:
    """One measured run of a traced graph.

    Attributes
    ----------
    order : tuple of str
    simulated : int
        The peak :func:`~memlayout.model.graph.simulate` predicts (with reuse, the plan's).
    measured : int
        The peak :func:`~memlayout.measure.peak.peak_memory` saw during the run.
    allocations : int
        Buffers the run allocated (fewer with reuse).
    outputs : tuple of numpy.ndarray
        The graph's outputs, in the order of ``graph.outputs``.
    """

    order: tuple[str, ...]
    simulated: int
    measured: int
    allocations: int
    outputs: tuple

    @property
    def agrees(self) -> bool:
        """Whether the measurement matches the prediction within `OVERHEAD` bytes."""
        return 0 <= self.measured - self.simulated <= OVERHEAD

    def __repr__(self) -> str:
        return (f"GraphRun(predicted {approx_size(self.simulated)}, measured {approx_size(self.measured)}, "
                f"{self.allocations} allocations)")


def run_order(traced: Traced, order: Sequence[str] | None = None, reuse: bool = False) -> GraphRun:
    """Execute a traced graph in `order` and measure its peak memory.

    Parameters
    ----------
    traced : Traced
        From :func:`memlayout.trace`; its nodes know how to compute themselves.
    order : sequence of str, optional
        A valid order of the graph's nodes; the order as written by default.
    reuse : bool, optional
        Write into freed buffers as :func:`~memlayout.model.graph.reuse_plan` plans.

    Returns
    -------
    GraphRun

    Raises
    ------
    ValueError
        If `order` is not a valid order (the message names the node).
    TypeError
        If `traced` is not what :func:`memlayout.trace` returns.

    Examples
    --------
    >>> import numpy as np
    >>> import memlayout
    >>> x = np.ones(2**20)                                   # 8 MiB
    >>> traced = memlayout.trace(lambda x: np.sqrt(x * 2.0) + 1.0, x, names=["x"])
    >>> run = run_order(traced)
    >>> run, run.agrees
    (GraphRun(predicted 16.0 MiB, measured 16.0 MiB, 3 allocations), True)
    >>> run_order(traced, reuse=True)
    GraphRun(predicted 16.0 MiB, measured 16.0 MiB, 2 allocations)
    """
    if not isinstance(traced, Traced):
        raise TypeError(f"run_order needs what memlayout.trace returns, got {type(traced).__name__}")
    if not isinstance(reuse, bool):
        raise TypeError(f"reuse must be True or False, got {reuse!r}")
    graph = traced.graph
    timeline = simulate(graph, order)
    plan = reuse_plan(graph, timeline.order) if reuse else None
    # The names that stand for each buffer (an in-place node's name and its input's), so that
    # dropping them all frees it.
    aliases: dict[str, list[str]] = {}
    for name, buffer in graph._owner.items():
        aliases.setdefault(buffer, []).append(name)
    # Nodes that will write into a freed buffer instead of a new one: name → that buffer.
    pending = {name: physical for name, physical in plan.buffer.items() if name != physical} if plan else {}
    values = dict(traced.inputs)
    held: dict[str, np.ndarray] = {}
    allocations = done = 0
    with peak_memory() as measured:
        for name in timeline.order:
            node = graph.node(name)
            arrays = [values[source] for source in node.inputs]
            if node.inplace:
                values[name] = node.compute(*arrays, out=values[node.inplace])
            elif name in pending:
                values[name] = node.compute(*arrays, out=held.pop(pending.pop(name)))
            else:
                values[name] = node.compute(*arrays)
                allocations += 1 if node.nbytes else 0
            done |= 1 << graph._index[name]
            for buffer in graph._freed_buffers(graph._index[name], done):
                array = values[buffer]
                for alias in aliases[buffer]:
                    values.pop(alias, None)
                physical = plan.buffer.get(buffer, buffer) if plan else buffer
                if physical in pending.values():
                    held[physical] = array  # kept for the node the plan hands it to
                del array
        outputs = tuple(values[output] for output in graph.outputs)
    simulated = plan.peak if plan else timeline.peak
    return GraphRun(timeline.order, simulated, measured.peak, allocations, outputs)


def peak_summary(graph: Graph, order: Sequence[str] | None = None) -> str:
    """One line, as the seeds' profiler printed it: this order's peak beside the best one's.

    Parameters
    ----------
    graph : Graph
    order : sequence of str, optional
        The order to report; the order as written by default.

    Returns
    -------
    str

    Examples
    --------
    >>> from memlayout import Graph, Node
    >>> MiB = 2**20
    >>> leaves = [Node(name, ["x"], 8 * MiB) for name in "abcd"]
    >>> g = Graph([*leaves, Node("ab", ["a", "b"], 8 * MiB), Node("cd", ["c", "d"], 8 * MiB),
    ...            Node("z", ["ab", "cd"], 8 * MiB)], inputs=["x"], outputs=["z"])
    >>> peak_summary(g)
    'peak 40 MiB as written (32 MiB in the best order, 3 allocations saved by reuse)'
    """
    found = best_order(graph)
    mine = simulate(graph, order)
    where = "as written" if order is None else "in this order"
    best = "the best order" if found.exact else "the best order found"
    saved = reuse_plan(graph, found.order).saved
    return (f"peak {exact_size(mine.peak)} {where} ({exact_size(found.peak)} in {best}, "
            f"{saved} allocation{'' if saved == 1 else 's'} saved by reuse)")
