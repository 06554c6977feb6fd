"""A computation as a graph of array operations, and the memory each order of it needs.

Part of the model layer (NumPy and the standard library only). A :class:`Graph` holds
:class:`Node` objects, each one operation that writes one buffer. Running the nodes in some
valid order allocates each node's buffer when the node runs and frees it after its last
consumer has run, unless it is an output. :func:`simulate` gives the live bytes at every step
of an order; :func:`best_order` finds an order with the smallest peak, exactly;
:func:`count_orders` counts the valid orders; :func:`reuse_plan` hands freed buffers to later
nodes of the same size and dtype without raising the peak.

What counts: the buffers the nodes allocate. The graph's inputs exist before the first step
and after the last one, whatever the order, so they are left out of every number here. A node
that writes into one of its inputs (``inplace``) allocates nothing; it must run after every
other reader of that input, and the buffer lives on under the node's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Graph",
    "Node",
    "Search",
    "Step",
    "Timeline",
    "Reuse",
    "best_order",
    "count_orders",
    "greedy_order",
    "reuse_plan",
    "simulate",
]

#: Down-sets :func:`best_order` may visit before it gives up on proving its answer optimal.
MAX_STATES = 2_000_000


@dataclass(frozen=True)
class Node:
    """One operation: the buffer it writes, from which inputs.

    Parameters
    ----------
    name : str
        Unique in its graph.
    inputs : sequence of str
        Names of the graph's inputs or of other nodes that this node reads.
    nbytes : int
        Bytes of the buffer it allocates (ignored, and 0, when `inplace` is set).
    op : str, optional
        What it computes, for pictures and messages (``"multiply"``).
    shape : tuple of int, optional
        Shape of the result; nodes whose buffers may be reused for each other must agree.
    dtype : str, optional
        ``dtype.str`` of the result (``"<f8"``).
    inplace : str, optional
        The input whose buffer this node overwrites (``x *= 2``): it allocates nothing.
    writes_out : bool, optional
        Whether the operation can write into a buffer it is given (``out=``), so that
        :func:`reuse_plan` may hand it a freed one. True by default; :func:`memlayout.trace`
        sets it from the operation.
    compute : callable, optional
        ``compute(*inputs, out=None)`` returns the node's array: what a runner calls. Set by
        :func:`memlayout.trace`; a graph described by hand can be simulated without it.

    Examples
    --------
    >>> Node("t", ["x", "y"], 8_000_000, op="multiply")
    Node('t' = multiply(x, y), 8000000 B)
    """

    name: str
    inputs: tuple[str, ...]
    nbytes: int
    op: str = ""
    shape: tuple[int, ...] = ()
    dtype: str = ""
    inplace: str | None = None
    writes_out: bool = True
    compute: Callable | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"Node name must be a non-empty str, got {self.name!r}")
        if isinstance(self.inputs, str) or not isinstance(self.inputs, Iterable):
            raise TypeError(f"Node {self.name!r}: inputs must be a sequence of names, got {self.inputs!r}")
        object.__setattr__(self, "inputs", tuple(self.inputs))
        if not all(isinstance(name, str) for name in self.inputs):
            raise TypeError(f"Node {self.name!r}: every input must be a name (str), got {self.inputs!r}")
        if self.inplace is not None:
            if self.inplace not in self.inputs:
                raise ValueError(f"Node {self.name!r} writes into {self.inplace!r}, which is not one "
                                 f"of its inputs {self.inputs}")
            object.__setattr__(self, "nbytes", 0)
        if isinstance(self.nbytes, bool) or not isinstance(self.nbytes, int | float):
            raise TypeError(f"Node {self.name!r}: nbytes must be an int, got {self.nbytes!r}")
        if self.nbytes < 0 or self.nbytes != int(self.nbytes):
            raise ValueError(f"Node {self.name!r}: nbytes must be a whole number ≥ 0, got {self.nbytes!r}")
        object.__setattr__(self, "nbytes", int(self.nbytes))
        object.__setattr__(self, "shape", tuple(self.shape))

    def __repr__(self) -> str:
        args = ", ".join(self.inputs)
        into = f" into {self.inplace}" if self.inplace else ""
        return f"Node({self.name!r} = {self.op or 'op'}({args}){into}, {self.nbytes} B)"


class Graph:
    """Nodes in the order they are written, the graph's inputs and its outputs.

    Parameters
    ----------
    nodes : sequence of Node
        In the order the code writes them, which must itself be a valid order.
    inputs : sequence of str
        Arrays that exist before the computation (not counted).
    outputs : sequence of str
        Nodes whose buffers the computation returns (never freed).

    Raises
    ------
    ValueError
        A repeated name, an input that names nothing, a node used before it is written, or an
        output that is not a node.

    Examples
    --------
    >>> g = Graph([Node("a", ["x"], 8), Node("b", ["a"], 8), Node("c", ["a", "b"], 8)],
    ...           inputs=["x"], outputs=["c"])
    >>> g
    Graph(3 nodes: a b c; inputs x; outputs c)
    """

    def __init__(self, nodes: Sequence[Node], inputs: Sequence[str] = (), outputs: Sequence[str] = ()):
        nodes = tuple(nodes)
        if not nodes:
            raise ValueError("a Graph needs at least one Node")
        for node in nodes:
            if not isinstance(node, Node):
                raise TypeError(f"Graph nodes must be Node objects, got {node!r}")
        self.nodes = nodes
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self.by_name = {}
        for name in self.inputs:
            if name in self.by_name or self.inputs.count(name) > 1:
                raise ValueError(f"the input {name!r} is listed twice")
            self.by_name[name] = None
        for node in nodes:
            if node.name in self.by_name:
                raise ValueError(f"the name {node.name!r} is used twice")
            for source in node.inputs:
                if source not in self.by_name:
                    raise ValueError(f"node {node.name!r} reads {source!r}, which is neither an input "
                                     "nor a node written before it")
            self.by_name[node.name] = node
        for name in self.outputs:
            if not isinstance(self.by_name.get(name), Node):
                raise ValueError(f"the output {name!r} is not a node of the graph")
        self.as_written = tuple(node.name for node in nodes)
        self._index = {name: number for number, name in enumerate(self.as_written)}
        self._compile()

    def __repr__(self) -> str:
        shown = " ".join(self.as_written[:12]) + (" …" if len(self.nodes) > 12 else "")
        return (f"Graph({len(self.nodes)} nodes: {shown}; inputs {' '.join(self.inputs) or '-'}; "
                f"outputs {' '.join(self.outputs) or '-'})")

    def _compile(self) -> None:
        """Precompute, per node (by index as written), what the simulator and the search need.

        - ``_need[v]``: bit mask of the nodes that must run before ``v``: those it reads and,
          for an in-place node, every earlier reader of the buffer it overwrites;
        - ``_frees[v]``: ``(members, nbytes, name)`` of each counted buffer ``v`` touches, where
          ``members`` is the mask of every node that reads or writes that buffer; the buffer
          is freed by the step that completes its members, unless an output keeps it.
        """
        bit = {name: 1 << number for number, name in enumerate(self.as_written)}
        owner = {name: name for name in self.inputs}  # the buffer each name stands for
        for node in self.nodes:
            owner[node.name] = owner[node.inplace] if node.inplace else node.name
        members: dict[str, int] = {}
        for node in self.nodes:
            for name in (node.name, *node.inputs):
                buffer = owner[name]
                if buffer in bit:  # allocated by a node, not one of the graph's inputs
                    members[buffer] = members.get(buffer, 0) | bit[node.name]
        kept = {owner[name] for name in self.outputs}
        self._need = []
        for node in self.nodes:
            need = 0
            for source in node.inputs:
                need |= bit.get(source, 0)
            if node.inplace:
                for other in self.nodes[:self._index[node.name]]:
                    if any(owner[source] == owner[node.inplace] for source in other.inputs):
                        need |= bit[other.name]
            self._need.append(need)
        self._frees = [
            tuple((members[buffer], self.by_name[buffer].nbytes, buffer)
                  for buffer in sorted({owner[name] for name in (node.name, *node.inputs)})
                  if buffer in members and buffer not in kept)
            for node in self.nodes
        ]
        self._alloc = [node.nbytes for node in self.nodes]
        self._owner = owner
        self._full = (1 << len(self.nodes)) - 1

    def _freed(self, v: int, done: int) -> int:
        """Bytes freed right after node `v` runs, when `done` (a mask) includes `v`."""
        return sum(nbytes for members, nbytes, _ in self._frees[v] if members & ~done == 0)

    def _freed_buffers(self, v: int, done: int) -> list[str]:
        """Names of the buffers freed right after node `v` runs (each named by its allocator)."""
        return [name for members, _, name in self._frees[v] if members & ~done == 0]

    def _ready(self, done: int) -> list[int]:
        """Indices of the nodes not in `done` whose predecessors all are."""
        return [v for v in range(len(self.nodes))
                if not done >> v & 1 and self._need[v] & ~done == 0]

    def node(self, name: str) -> Node:
        """Return the node called `name`."""
        found = self.by_name.get(name)
        if not isinstance(found, Node):
            raise ValueError(f"{name!r} is not a node of the graph; its nodes are "
                             f"{', '.join(self.as_written)}")
        return found


@dataclass(frozen=True)
class Step:
    """One node run: bytes it allocated, bytes live while it ran, bytes freed after it."""

    name: str
    allocated: int
    live: int
    freed: int


@dataclass(frozen=True)
class Timeline:
    """The live bytes of every step of one order: what :func:`simulate` returns.

    Attributes
    ----------
    order : tuple of str
    steps : tuple of Step
    peak : int
        The most bytes live at once (``max(step.live)``).
    peak_step : int
        Index (from 0) of the first step that reaches `peak`; the printed form and the
        drawings count steps from 1.
    live_at_end : int
        Bytes still allocated after the last step: the outputs.
    """

    order: tuple[str, ...]
    steps: tuple[Step, ...]
    peak: int
    peak_step: int
    live_at_end: int
    held: dict = field(default_factory=dict, compare=False, repr=False)

    def __repr__(self) -> str:
        return (f"Timeline({len(self.steps)} steps, peak {self.peak:,} B at step {self.peak_step + 1} "
                f"({self.order[self.peak_step]}), {self.live_at_end:,} B kept)")


def _check_order(graph: Graph, order: Sequence[str]) -> tuple[int, ...]:
    """Return `order` as node indices, or raise ValueError naming the first node out of place."""
    if isinstance(order, str) or not isinstance(order, Iterable):
        raise TypeError(f"an order must be a sequence of node names, got {order!r}")
    indices, done = [], 0
    for name in order:
        v = graph._index.get(name) if isinstance(name, str) else None
        if v is None:
            raise ValueError(f"{name!r} in the order is not a node of the graph")
        if done >> v & 1:
            raise ValueError(f"node {name!r} appears twice in the order")
        missing = graph._need[v] & ~done
        if missing:
            names = [graph.as_written[u] for u in range(len(graph.nodes)) if missing >> u & 1]
            raise ValueError(f"node {name!r} runs before {', '.join(names)}, which it needs")
        done |= 1 << v
        indices.append(v)
    if done != graph._full:
        absent = [graph.as_written[u] for u in range(len(graph.nodes)) if not done >> u & 1]
        raise ValueError(f"the order leaves out {', '.join(absent)}")
    return tuple(indices)


def _require_graph(graph: object, caller: str) -> Graph:
    if not isinstance(graph, Graph):
        raise TypeError(f"{caller} needs a Graph, got {type(graph).__name__}")
    return graph


def simulate(graph: Graph, order: Sequence[str] | None = None) -> Timeline:
    """Return the live bytes at every step of running `graph` in `order`.

    Parameters
    ----------
    graph : Graph
    order : sequence of str, optional
        Every node once, each after what it needs; the order as written by default.

    Returns
    -------
    Timeline

    Raises
    ------
    ValueError
        If `order` names a node twice, leaves one out, names something else, or runs a node
        before its inputs; the message names the node.

    Examples
    --------
    >>> g = Graph([Node("a", ["x"], 8), Node("b", ["x"], 8), Node("c", ["a", "b"], 8)],
    ...           inputs=["x"], outputs=["c"])
    >>> simulate(g).peak
    24
    >>> simulate(g, ["b", "a", "a"])
    Traceback (most recent call last):
    ...
    ValueError: node 'a' appears twice in the order
    """
    _require_graph(graph, "simulate")
    indices = tuple(range(len(graph.nodes))) if order is None else _check_order(graph, order)
    done = live = 0
    steps = []
    for v in indices:
        live += graph._alloc[v]
        done |= 1 << v
        freed = graph._freed(v, done)
        steps.append(Step(graph.as_written[v], graph._alloc[v], live, freed))
        live -= freed
    peak = max(step.live for step in steps)
    first = next(number for number, step in enumerate(steps) if step.live == peak)
    return Timeline(tuple(graph.as_written[v] for v in indices), tuple(steps), peak, first, live)


def greedy_order(graph: Graph) -> tuple[str, ...]:
    """Return a valid order chosen step by step: the ready node that leaves the fewest bytes live.

    A heuristic in time ``O(n²)``: what to use when :func:`best_order` would take too long. Ties
    go to the node written first.

    Examples
    --------
    >>> g = Graph([Node("a", ["x"], 8), Node("b", ["x"], 8), Node("c", ["a"], 8),
    ...            Node("d", ["b"], 8), Node("e", ["c", "d"], 8)], inputs=["x"], outputs=["e"])
    >>> greedy_order(g)
    ('a', 'c', 'b', 'd', 'e')
    """
    _require_graph(graph, "greedy_order")
    done, order = 0, []
    while done != graph._full:
        def left_live(v: int, done: int = done) -> tuple[int, int]:
            return graph._alloc[v] - graph._freed(v, done | 1 << v), v

        v = min(graph._ready(done), key=left_live)
        done |= 1 << v
        order.append(graph.as_written[v])
    return tuple(order)


@dataclass(frozen=True)
class Search:
    """What :func:`best_order` found, and what it took to find it.

    Attributes
    ----------
    order : tuple of str
        An order with the smallest peak (the best one found if `exact` is False).
    peak : int
    exact : bool
        Whether `peak` is proven the smallest of all valid orders.
    states : int
        Distinct sets of computed nodes the search visited.
    """

    order: tuple[str, ...]
    peak: int
    exact: bool
    states: int

    def __repr__(self) -> str:
        proven = "proven smallest" if self.exact else "best found, not proven"
        return f"Search(peak {self.peak:,} B, {proven}, {self.states:,} states)"


def best_order(graph: Graph, max_states: int = MAX_STATES) -> Search:
    """Find a valid order of `graph` with the smallest peak, by an exact search.

    The search asks, for a byte budget ``B``, whether some order never has more than ``B``
    bytes live. It extends partial orders one ready node at a time (the seeds' backtracking)
    and remembers every set of computed nodes from which no order fits: the live bytes after
    a set depend on the set alone, not on the order that computed it, so a set that fails
    once fails for every path and every smaller budget. It starts from the greedy order's
    peak and lowers ``B`` below each peak it finds until nothing fits. The sets are the
    graph's down-sets: far fewer than the ``n!`` sequences of nodes.

    Parameters
    ----------
    graph : Graph
    max_states : int, optional
        Stop after visiting this many sets and return the best order found so far, with
        ``exact=False``.

    Returns
    -------
    Search

    Notes
    -----
    One pruning rule keeps wide graphs tractable. If a ready node ``v`` frees at least the
    bytes it allocates, and allocates no more than any other ready node, some best order runs
    it next: moving ``v`` to the front of any order from here costs its step no more than the
    order's own next step (which allocates at least as much on the same live bytes), and
    lowers or keeps the live bytes of every step it jumps over (its output is added, at least
    as much is freed earlier). So the search tries only ``v`` there.

    Examples
    --------
    >>> g = Graph([Node("a", ["x"], 8), Node("b", ["x"], 8), Node("c", ["a"], 8),
    ...            Node("d", ["b"], 8), Node("e", ["c", "d"], 8)], inputs=["x"], outputs=["e"])
    >>> simulate(g).peak, best_order(g).peak
    (24, 24)
    """
    _require_graph(graph, "best_order")
    if isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 1:
        raise ValueError(f"max_states must be a positive int, got {max_states!r}")
    best = greedy_order(graph)
    best_peak = simulate(graph, best).peak
    dead: set[int] = set()
    seen: set[int] = set()
    path: list[int] = []

    def fits(done: int, live: int, budget: int) -> bool:
        if done == graph._full:
            return True
        seen.add(done)
        if len(seen) > max_states:
            raise _OutOfStates
        ready = graph._ready(done)
        choices = []
        for v in ready:
            running = live + graph._alloc[v]
            if running <= budget:
                after = done | 1 << v
                choices.append((running - graph._freed(v, after), v, after))
        choices.sort()
        # Dominance: a ready node that frees at least what it allocates, and allocates no more
        # than any other ready node, can go first in some best order (see the Notes).
        smallest = min(graph._alloc[v] for v in ready)
        for rest, v, after in choices:
            if rest <= live and graph._alloc[v] == smallest:
                choices = [(rest, v, after)]
                break
        for rest, v, after in choices:
            if after in dead:
                continue
            path.append(v)
            if fits(after, rest, budget):
                return True
            path.pop()
        dead.add(done)
        return False

    exact = True
    try:
        while best_peak > 0:
            path.clear()
            if not fits(0, 0, best_peak - 1):
                break
            best = tuple(graph.as_written[v] for v in path)
            best_peak = simulate(graph, best).peak
    except _OutOfStates:
        exact = False
    return Search(best, best_peak, exact, len(seen))


class _OutOfStates(Exception):
    """The search visited more sets than it was allowed."""


def count_orders(graph: Graph, max_states: int = MAX_STATES) -> int | None:
    """Count the valid orders of `graph` (its topological sorts), or None past `max_states` sets.

    Examples
    --------
    >>> g = Graph([Node("a", ["x"], 8), Node("b", ["x"], 8), Node("c", ["a", "b"], 8)],
    ...           inputs=["x"], outputs=["c"])
    >>> import math
    >>> count_orders(g), math.factorial(3)
    (2, 6)
    """
    _require_graph(graph, "count_orders")
    counts: dict[int, int] = {graph._full: 1}
    stack = [0]
    while stack:  # depth first, without recursion: a set is counted once its successors are
        done = stack[-1]
        if done in counts:
            stack.pop()
            continue
        successors = [done | 1 << v for v in graph._ready(done)]
        pending = [after for after in successors if after not in counts]
        if pending:
            if len(counts) + len(stack) > max_states:
                return None
            stack.extend(pending)
        else:
            counts[done] = sum(counts[after] for after in successors)
            stack.pop()
    return counts[0]


@dataclass(frozen=True)
class Reuse:
    """Which buffer each node writes when freed buffers are handed on: :func:`reuse_plan`.

    Attributes
    ----------
    order : tuple of str
    buffer : dict of str to str
        For each node that allocates, the node whose buffer it writes (itself when new).
    allocations : int
        New buffers allocated with reuse.
    allocations_without : int
        New buffers allocated without it.
    peak : int
        The peak with reuse: never above the peak without it.
    """

    order: tuple[str, ...]
    buffer: dict[str, str]
    allocations: int
    allocations_without: int
    peak: int

    @property
    def saved(self) -> int:
        """Allocations that reuse saves."""
        return self.allocations_without - self.allocations

    def __repr__(self) -> str:
        return (f"Reuse({self.allocations} allocations instead of {self.allocations_without}, "
                f"peak {self.peak:,} B)")


def reuse_plan(graph: Graph, order: Sequence[str] | None = None) -> Reuse:
    """Hand each freed buffer to a later node of the same size, shape and dtype.

    A buffer freed after step ``j`` is kept for the first later node ``k`` that allocates a
    buffer like it and can write into a given one (``writes_out``), if keeping it from ``j``
    to ``k`` never raises the live bytes above the order's peak; that node then writes into
    it (``out=``) and allocates nothing.

    Examples
    --------
    >>> g = Graph([Node("a", ["x"], 8, shape=(1,), dtype="<f8"), Node("b", ["a"], 8, shape=(1,), dtype="<f8"),
    ...            Node("c", ["b"], 8, shape=(1,), dtype="<f8")], inputs=["x"], outputs=["c"])
    >>> reuse_plan(g)
    Reuse(2 allocations instead of 3, peak 16 B)
    >>> reuse_plan(g).buffer
    {'a': 'a', 'b': 'b', 'c': 'a'}
    """
    timeline = simulate(graph, order)
    names = timeline.order
    kind = {node.name: (node.nbytes, node.shape, node.dtype) for node in graph.nodes}
    profile = [step.live for step in timeline.steps]
    done, freed_after = 0, []
    for name in names:
        done |= 1 << graph._index[name]
        freed_after.append(graph._freed_buffers(graph._index[name], done))
    buffer_of = {name: name for name in names if kind[name][0]}
    claimed: set[int] = set()
    for j, freed in enumerate(freed_after):
        for buffer in freed:
            k = next((k for k in range(j + 1, len(names))
                      if k not in claimed and kind[names[k]][0] and kind[names[k]] == kind[buffer]
                      and graph.by_name[names[k]].writes_out), None)
            nbytes = kind[buffer][0]
            if k is None or any(profile[i] + nbytes > timeline.peak for i in range(j + 1, k)):
                continue
            for i in range(j + 1, k):  # the buffer is held, not freed, until step k
                profile[i] += nbytes
            claimed.add(k)
            buffer_of[names[k]] = buffer_of[buffer]
    allocations = sum(1 for name, physical in buffer_of.items() if name == physical)
    return Reuse(names, buffer_of, allocations, len(buffer_of), max(profile))

