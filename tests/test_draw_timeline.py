"""show_timeline: one panel per order, its peak written and marked, on one byte scale."""

import pytest

import memlayout
from memlayout import Graph, Node


def two_branches():
    return Graph([Node("a", ["x"], 8 * 2**20, op="exp"), Node("b", ["x"], 8 * 2**20, op="sin"),
                  Node("c", ["a"], 2**20, op="sum"), Node("d", ["b"], 2**20, op="sum"),
                  Node("z", ["c", "d"], 2**20, op="add")], inputs=["x"], outputs=["z"])


def test_each_order_gets_a_panel_with_its_peak(read_figure, no_new_pyplot_figures):
    graph = two_branches()
    best = memlayout.best_order(graph)
    figure = read_figure(memlayout.show_timeline(graph, graph.as_written, best.order,
                                                 labels=["as written", "best"]))
    # As written, a and b are live when c is allocated; the best order sums a away first.
    assert "as written: peak 17 MiB at step 3 (c)" in figure.texts
    assert best.order[:2] == ("a", "c")
    assert "best: peak 10 MiB at step 4 (d)" in figure.texts
    assert figure.texts.count("17 MiB") == 1 and figure.texts.count("10 MiB") == 1
    assert "a\nexp" in figure.texts


def test_a_long_order_is_drawn_without_its_stack(read_figure):
    nodes = [Node("n0", ["x"], 8)] + [Node(f"n{i}", [f"n{i - 1}"], 8) for i in range(1, 200)]
    graph = Graph(nodes, inputs=["x"], outputs=["n199"])
    figure = read_figure(memlayout.show_timeline(graph, max_steps=40))
    assert "as written: peak 16 B at step 2 (n1)" in figure.texts
    assert "n5" not in figure.texts  # neither buffer names nor step labels fit


def test_without_labels_the_order_as_written_is_named_and_the_others_numbered(read_figure):
    graph = two_branches()
    figure = read_figure(memlayout.show_timeline(graph, ["b", "d", "a", "c", "z"], graph.as_written))
    assert "order 1: peak 10 MiB at step 4 (c)" in figure.texts
    assert "as written: peak 17 MiB at step 3 (c)" in figure.texts


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda g: memlayout.show_timeline(g, ["a", "a"]), ValueError, "appears twice"),
    (lambda g: memlayout.show_timeline(g, labels=["one", "two"]), ValueError, "one str per order"),
    (lambda g: memlayout.show_timeline(g, max_steps=0), ValueError, "max_steps"),
    (lambda g: memlayout.show_timeline("graph"), TypeError, "needs a Graph"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call(two_branches())
