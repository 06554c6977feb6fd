"""The order Dask's scheduler would run a graph in, to compare with the exact search.

Dask (``dask.order.order``) orders the tasks of a graph ahead of time so that a
single-threaded run keeps few results in memory. It looks at the graph's shape only, never at
the bytes of a result: evaluating its order with :func:`~memlayout.model.graph.simulate`
shows what that heuristic costs against :func:`~memlayout.model.graph.best_order`.
Dask is an optional dependency, imported only when this is called.
"""

from __future__ import annotations

from memlayout.model.graph import Graph

__all__ = ["dask_order"]


def _task(*dependencies):
    """A stand-in for a node's work: Dask orders tasks without running them."""


def dask_order(graph: Graph) -> tuple[str, ...]:
    """Return the order in which ``dask.order.order`` would run the nodes of `graph`.

    Each node becomes a Dask task that depends on what it must follow (its inputs and, for
    an in-place node, the other readers of the buffer it overwrites); the graph's inputs
    become data. Dask's priorities, sorted, give a valid order of the graph.

    Raises
    ------
    ImportError
        If Dask is not installed, with the command that installs it.

    Examples
    --------
    >>> from memlayout.model.graph import Graph, Node
    >>> g = Graph([Node("a", ["x"], 8), Node("b", ["a"], 8), Node("c", ["x"], 8),
    ...            Node("d", ["b", "c"], 8)], inputs=["x"], outputs=["d"])
    >>> dask_order(g)
    ('a', 'b', 'c', 'd')
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"dask_order needs a Graph, got {type(graph).__name__}")
    try:
        from dask.order import order
    except ImportError as error:
        raise ImportError("dask_order needs Dask: pip install dask") from error
    tasks = {name: 0 for name in graph.inputs}
    for v, node in enumerate(graph.nodes):
        before = [graph.as_written[u] for u in range(len(graph.nodes)) if graph._need[v] >> u & 1]
        reads = [name for name in node.inputs if name in graph.inputs]
        tasks[node.name] = (_task, *reads, *before)
    priority = order(tasks)
    return tuple(sorted(graph.as_written, key=lambda name: priority[name]))
