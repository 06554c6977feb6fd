"""How long the exact minimum-peak search takes, and how many states it visits (a report).

Usage: ``python benchmarks/bench_graph.py`` (``make bench`` runs it). For graphs of 10, 20,
25 and more nodes, of three shapes, it prints the search's time (best of 3), the down-sets
it visited, n! and the number of valid orders, and the peaks of the order as written, the
greedy heuristic, Dask's order and the exact search.

- ``layered``: each node reads 1–3 of the last six names; sizes 1, 2, 4 or 8 MiB;
- ``branches``: k independent chains of 3 nodes off one input, joined at the end (many orders);
- ``diamond``: a lattice of nodes each reading the two above it (few orders, long reach).
"""

import math
import random
import time

from memlayout import Graph, Node, best_order, count_orders, dask_order, greedy_order, simulate

MiB = 2**20


def layered(n, seed):
    """A random graph whose nodes read 1–3 of the six names before them."""
    rng = random.Random(seed)
    names, nodes = ["x"], []
    for i in range(n):
        reads = rng.sample(names[-6:], min(rng.choice([1, 1, 2, 2, 3]), len(names[-6:])))
        nodes.append(Node(f"n{i}", reads, rng.choice([1, 2, 4, 8]) * MiB))
        names.append(f"n{i}")
    return Graph(nodes, inputs=["x"], outputs=[names[-1]])


def branches(n, seed):
    """(n - 1) // 3 chains of three nodes off one input, joined by one node."""
    rng = random.Random(seed)
    k = (n - 1) // 3
    nodes = []
    for b in range(k):
        previous = "x"
        for level in range(3):
            name = f"b{b}_{level}"
            nodes.append(Node(name, [previous], rng.choice([1, 2, 4, 8]) * MiB))
            previous = name
    nodes.append(Node("z", [f"b{b}_2" for b in range(k)], MiB))
    return Graph(nodes, inputs=["x"], outputs=["z"])


def diamond(n, seed):
    """Rows of three nodes, each reading two nodes of the row above."""
    rng = random.Random(seed)
    width = 3
    rows = [["x"] * width]
    nodes = []
    while len(nodes) < n - 1:
        row = []
        for j in range(width):
            reads = sorted({rows[-1][j], rows[-1][(j + 1) % width]})
            name = f"d{len(nodes)}"
            nodes.append(Node(name, reads, rng.choice([1, 2, 4]) * MiB))
            row.append(name)
        rows.append(row)
    nodes.append(Node("z", rows[-1], MiB))
    return Graph(nodes, inputs=["x"], outputs=["z"])


#: Sets the search may visit in this report: past it, the answer is "not proven".
REPORT_STATES = 300_000


def best_time(graph, repeat=3):
    """Return the fastest of `repeat` searches, in seconds, and what the search found."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        found = best_order(graph, max_states=REPORT_STATES)
        times.append(time.perf_counter() - start)
        if not found.exact:
            break  # a search that ran out of states takes long: once is enough
    return min(times), found


def main():
    """Print one row per graph."""
    print(f"{'graph':18} {'n':>3} {'search':>9} {'states':>9} {'n!':>10} {'orders':>10} "
          f"{'written':>8} {'greedy':>7} {'dask':>6} {'best':>6}  MiB")
    for shape in (layered, branches, diamond):
        for n in (10, 20, 25, 31, 40):
            graph = shape(n, seed=n)
            seconds, found = best_time(graph)
            orders = count_orders(graph, max_states=200_000)
            peaks = [simulate(graph, order).peak // MiB
                     for order in (graph.as_written, greedy_order(graph), dask_order(graph))]
            proven = "" if found.exact else " (not proven)"
            print(f"{shape.__name__:18} {len(graph.nodes):3} {seconds * 1000:7.1f}ms {found.states:9,} "
                  f"{math.factorial(len(graph.nodes)):10.2e} {orders if orders else '>2e5 sets':>10} "
                  f"{peaks[0]:8} {peaks[1]:7} {peaks[2]:6} {found.peak // MiB:6}{proven}")


if __name__ == "__main__":
    main()
