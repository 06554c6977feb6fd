"""trace records real NumPy code as a graph; run_order runs any valid order and measures it."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import memlayout

MiB = 2**20


def normalise(x, y):
    """A pipeline with temporaries of two sizes and an in-place step."""
    centred = x - x.mean()
    scaled = centred / x.std()
    scaled *= 2.0
    return np.sqrt(scaled * scaled + y)


def test_each_operation_becomes_a_node_with_its_bytes():
    x = np.linspace(0.0, 1.0, 1000)
    y = np.ones(1000)
    traced = memlayout.trace(normalise, x, y, names=["x", "y"])
    ops = [(node.op, node.inputs, node.nbytes, node.inplace) for node in traced.graph.nodes]
    assert ops == [
        ("mean", ("x",), 8, None), ("subtract", ("x", "t1"), 8000, None),
        ("std", ("x",), 8, None), ("divide", ("t2", "t3"), 8000, None),
        ("multiply", ("t4",), 0, "t4"), ("multiply", ("t5", "t5"), 8000, None),
        ("add", ("t6", "y"), 8000, None), ("sqrt", ("t7",), 8000, None),
    ]
    assert traced.graph.outputs == ("t8",)
    np.testing.assert_array_equal(traced.outputs[0], normalise(x, y))


@pytest.mark.parametrize(("function", "named"), [
    (lambda x: x[1:] * 2, "indexing"),
    (lambda x: x.T + 1, ".T"),
    (lambda x: x.reshape(2, 2) + 1, ".reshape()"),
    (lambda x: np.asarray(x) + 1, "conversion of the traced array x"),
    (lambda x: np.divmod(x, 2)[0], "several outputs"),
    (lambda x: x.tobytes(), "no attribute 'tobytes'"),
])
def test_what_trace_cannot_record_is_named(function, named):
    with pytest.raises((TypeError, AttributeError), match=named.replace(".", r"\.").replace("(", r"\(")
                       .replace(")", r"\)")):
        memlayout.trace(function, np.arange(4.0), names=["x"])


@pytest.mark.parametrize(("call", "message"), [
    (lambda: memlayout.trace(lambda x: x + 1, [1.0]), "must be a numpy.ndarray"),
    (lambda: memlayout.trace(lambda x: x, np.ones(2)), "must return arrays it computed"),
    (lambda: memlayout.trace(lambda x: 3, np.ones(2)), "must return arrays it computed"),
    (lambda: memlayout.trace(lambda x: x + 1, np.ones(2), names=["a", "b"]), "names must give 1"),
    (lambda: memlayout.trace(5), "needs a function"),
    (lambda: memlayout.run_order("graph"), "needs what memlayout.trace returns"),
])
def test_bad_arguments_get_a_clear_error(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_an_order_runs_as_simulated_and_gives_the_same_result():
    x = np.linspace(0.0, 1.0, MiB)
    y = np.ones(MiB)
    traced = memlayout.trace(normalise, x, y, names=["x", "y"])
    best = memlayout.best_order(traced.graph)
    for order in (None, best.order):
        for reuse in (False, True):
            run = memlayout.run_order(traced, order, reuse=reuse)
            assert run.agrees, run
            np.testing.assert_allclose(run.outputs[0], normalise(x, y))


@st.composite
def programs(draw):
    """Random straight-line programs of element-wise ufuncs over 1 MiB float64 arrays."""
    steps = []
    for number in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["add", "multiply", "subtract", "sqrt", "negative", "iadd"]))
        arity = 1 if op in ("sqrt", "negative") else 2
        operands = draw(st.lists(st.integers(0, number + 1), min_size=arity, max_size=arity))
        steps.append((op, operands))
    outputs = draw(st.lists(st.integers(0, len(steps) + 1), min_size=1, max_size=2, unique=True))
    return steps, outputs


def interpret(program):
    """Turn a random program into a function of two arrays."""
    steps, outputs = program

    def function(x, y):
        names = [x, y]
        for op, operands in steps:
            args = [names[i] for i in operands]
            if op == "iadd":
                target = np.multiply(args[0], 1.0)  # a fresh temporary to write into
                target += args[1]
                names.append(target)
            else:
                names.append(getattr(np, op)(*[np.abs(a) if op == "sqrt" else a for a in args]))
        chosen = [names[i] for i in outputs if i >= 2]
        return tuple(chosen) if chosen else np.add(x, y)

    return function


@settings(max_examples=25, deadline=None)
@given(programs(), st.randoms(use_true_random=False), st.booleans())
def test_measured_peaks_match_the_simulator_on_random_programs(program, random, reuse):
    x = np.linspace(1.0, 2.0, MiB // 8)
    y = np.linspace(2.0, 3.0, MiB // 8)
    function = interpret(program)
    traced = memlayout.trace(function, x, y, names=["x", "y"])
    graph = traced.graph
    order, done = [], set()
    while len(order) < len(graph.nodes):  # a random valid order
        ready = [n.name for n in graph.nodes
                 if n.name not in done and all(s in done or s in graph.inputs for s in n.inputs)
                 and not (n.inplace and any(n.inplace in m.inputs and m.name not in done and m is not n
                                            for m in graph.nodes[:graph.as_written.index(n.name)]))]
        name = random.choice(ready)
        order.append(name)
        done.add(name)
    run = memlayout.run_order(traced, order, reuse=reuse)
    assert run.agrees, (run, run.measured - run.simulated)
    expected = function(x, y)
    expected = expected if isinstance(expected, tuple) else (expected,)
    for got, want in zip(run.outputs, expected, strict=True):
        np.testing.assert_allclose(got, want)
