"""The computation-graph model: live bytes of an order, the exact minimum-peak search, reuse."""

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memlayout.model.dask_order import dask_order
from memlayout.model.graph import (
    Graph,
    Node,
    best_order,
    count_orders,
    greedy_order,
    reuse_plan,
    simulate,
)

MiB = 2**20


@st.composite
def graphs(draw, max_nodes=7):
    """Random DAGs: each node reads 1–3 earlier names, some in place; sizes from a few kinds."""
    n = draw(st.integers(1, max_nodes))
    names = ["x", "y"]
    nodes = []
    for number in range(n):
        inputs = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        size = draw(st.sampled_from([0, 1, 2, 4])) * MiB
        inplace = draw(st.sampled_from([None, *inputs])) if draw(st.booleans()) and number % 3 == 2 else None
        nodes.append(Node(f"n{number}", inputs, size, shape=(size,), dtype="<f8", inplace=inplace))
        names.append(f"n{number}")
    outputs = draw(st.lists(st.sampled_from(names[2:]), min_size=1, max_size=2, unique=True))
    return Graph(nodes, inputs=["x", "y"], outputs=outputs)


def valid_orders(graph):
    """Every permutation of the nodes that simulate accepts: the brute force."""
    for order in itertools.permutations(graph.as_written):
        try:
            yield simulate(graph, order)
        except ValueError:
            continue


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_the_search_finds_the_brute_force_minimum(graph):
    timelines = list(valid_orders(graph))
    found = best_order(graph)
    assert found.exact
    assert found.peak == min(t.peak for t in timelines)
    assert simulate(graph, found.order).peak == found.peak  # a valid order, as claimed
    assert count_orders(graph) == len(timelines)


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_reuse_never_raises_the_peak_and_keeps_sizes(graph):
    for order in (graph.as_written, greedy_order(graph)):
        plan = reuse_plan(graph, order)
        assert plan.peak <= simulate(graph, order).peak
        assert plan.allocations <= plan.allocations_without
        for name, physical in plan.buffer.items():
            assert graph.node(name).nbytes == graph.node(physical).nbytes


def chain():
    """x → a → b → c, 8 MiB each: the buffers of a pipeline of element-wise steps."""
    return Graph([Node("a", ["x"], 8 * MiB, shape=(MiB,), dtype="<f8"),
                  Node("b", ["a"], 8 * MiB, shape=(MiB,), dtype="<f8"),
                  Node("c", ["b"], 8 * MiB, shape=(MiB,), dtype="<f8")], inputs=["x"], outputs=["c"])


def test_a_buffer_lives_until_its_last_reader_has_run():
    timeline = simulate(chain())
    assert [(s.name, s.allocated, s.live, s.freed) for s in timeline.steps] == [
        ("a", 8 * MiB, 8 * MiB, 0), ("b", 8 * MiB, 16 * MiB, 8 * MiB), ("c", 8 * MiB, 16 * MiB, 8 * MiB)]
    assert (timeline.peak, timeline.peak_step, timeline.live_at_end) == (16 * MiB, 1, 8 * MiB)


def test_reuse_hands_a_chains_freed_buffer_to_the_step_after_next():
    plan = reuse_plan(chain())
    assert plan.buffer == {"a": "a", "b": "b", "c": "a"}
    assert (plan.allocations, plan.allocations_without, plan.saved, plan.peak) == (2, 3, 1, 16 * MiB)


def test_an_inplace_node_allocates_nothing_and_waits_for_the_other_readers():
    graph = Graph([Node("t", ["x"], 8, op="multiply"),
                   Node("u", ["t"], 8, op="sqrt"),
                   Node("t2", ["t"], 8, op="add", inplace="t"),
                   Node("z", ["u", "t2"], 8, op="add")], inputs=["x"], outputs=["z"])
    assert graph.node("t2").nbytes == 0
    assert simulate(graph).peak == 24  # t and u, then z beside them
    with pytest.raises(ValueError, match="node 't2' runs before u, which it needs"):
        simulate(graph, ["t", "t2", "u", "z"])


def test_outputs_are_never_freed():
    graph = Graph([Node("a", ["x"], 4), Node("b", ["a"], 4)], inputs=["x"], outputs=["a", "b"])
    assert simulate(graph).live_at_end == 8


@pytest.mark.parametrize(("order", "message"), [
    (["a", "b", "q"], "'q' in the order is not a node of the graph"),
    (["a", "a", "b"], "node 'a' appears twice in the order"),
    (["b", "a", "c"], "node 'b' runs before a, which it needs"),
    (["a", "b"], "the order leaves out c"),
])
def test_an_invalid_order_names_the_node(order, message):
    with pytest.raises(ValueError, match=message):
        simulate(chain(), order)


@pytest.mark.parametrize(("build", "error", "message"), [
    (lambda: Graph([]), ValueError, "at least one Node"),
    (lambda: Graph([Node("a", ["q"], 1)]), ValueError, "reads 'q', which is neither an input"),
    (lambda: Graph([Node("a", ["x"], 1), Node("a", ["x"], 1)], inputs=["x"]), ValueError, "used twice"),
    (lambda: Graph([Node("a", ["x"], 1)], inputs=["x"], outputs=["x"]), ValueError, "not a node"),
    (lambda: Graph(["a"]), TypeError, "Node objects"),
    (lambda: Node("a", "x", 1), TypeError, "sequence of names"),
    (lambda: Node("a", ["x"], -1), ValueError, "whole number"),
    (lambda: Node("a", ["x"], 1, inplace="y"), ValueError, "not one of its inputs"),
    (lambda: best_order(chain(), max_states=0), ValueError, "max_states"),
    (lambda: simulate("graph"), TypeError, "needs a Graph"),
])
def test_bad_descriptions_get_a_clear_error(build, error, message):
    with pytest.raises(error, match=message):
        build()


def wide(k):
    """k independent branches x → aᵢ (4 B) → bᵢ (1 B), joined at the end: many valid orders."""
    nodes = []
    for i in range(k):
        nodes += [Node(f"a{i}", ["x"], 4), Node(f"b{i}", [f"a{i}"], 1)]
    nodes.append(Node("z", [f"b{i}" for i in range(k)], 1))
    return Graph(nodes, inputs=["x"], outputs=["z"])


def test_the_search_visits_down_sets_not_sequences():
    graph = wide(5)  # 11 nodes
    found = best_order(graph)
    assert found.exact and found.peak == 4 + 4 + 1  # one branch at a time: a, b; the next a
    assert found.states < math.factorial(11) // 1000
    assert count_orders(graph) == math.factorial(10) // 2**5  # interleavings of 5 chains of 2


def test_a_search_out_of_states_says_its_answer_is_not_proven():
    found = best_order(wide(6), max_states=3)
    assert not found.exact
    assert found.peak == simulate(wide(6), found.order).peak
    assert count_orders(wide(6), max_states=3) is None


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_dasks_order_is_valid_and_never_beats_the_search(graph):
    order = dask_order(graph)
    assert simulate(graph, order).peak >= best_order(graph).peak


def test_the_search_beats_dask_where_sizes_matter():
    # Two branches off x: a big one (a: 8 B, then b: 1 B) and a small one (c: 1 B, d: 1 B).
    # Finishing the big branch first frees a early; Dask, blind to bytes, keeps a alive.
    graph = Graph([Node("c", ["x"], 1), Node("a", ["x"], 8), Node("b", ["a"], 1),
                   Node("d", ["c"], 1), Node("z", ["b", "d"], 1)], inputs=["x"], outputs=["z"])
    assert best_order(graph).peak == 9
    assert simulate(graph, dask_order(graph)).peak == 10  # c, d first: 1 B more
