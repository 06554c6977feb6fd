"""memlayout.bandwidth: bytes over seconds, with a fake clock; no wall-clock thresholds."""

import itertools

import numpy as np
import pytest

from memlayout import Bandwidth, bandwidth, copy_bandwidth


def fake_timer(durations):
    """A clock whose successive start/stop pairs are `durations` seconds apart."""
    ticks = itertools.accumulate(itertools.chain.from_iterable((0.0, d) for d in durations))
    return lambda: next(ticks)


def test_gbps_is_bytes_over_the_fastest_call():
    calls = []
    result = bandwidth(lambda: calls.append(1), 4 * 10**9,
                       timer=fake_timer([2.0, 1.0, 4.0]), repeat=3, reference_gbps=8.0)
    assert len(calls) == 1 + 3  # one warm-up call, untimed
    assert result.seconds == 1.0
    assert result.gbps == 4.0
    assert result.fraction_of_copy == 0.5
    assert repr(result) == ("4.0 GB/s (3.7 GiB in 1000.0 ms); "
                            "a copy moving as many bytes: 8.0 GB/s")


def test_real_measurement_has_sane_types():
    x = np.ones(1024**2)  # 8 MiB
    result = bandwidth(lambda: np.multiply(x, 1.0, out=x), 2 * x.nbytes, repeat=2)
    assert isinstance(result, Bandwidth)
    assert isinstance(result.gbps, float) and result.gbps > 0
    assert isinstance(result.reference_gbps, float) and result.reference_gbps > 0
    assert result.nbytes == 16 * 1024**2


def test_copy_bandwidth_is_measured_once_per_process():
    first = copy_bandwidth()
    assert isinstance(first, float) and first > 0
    assert copy_bandwidth() is first


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"func": None}, TypeError, r"func must be a function.*lambda"),
    ({"nbytes": 0}, ValueError, r"nbytes must be an int of at least 1, not 0"),
    ({"nbytes": -5}, ValueError, "nbytes"),
    ({"nbytes": 2.5}, TypeError, r"nbytes must be an int.*2\.5 \(a float\)"),
    ({"nbytes": True}, TypeError, "nbytes"),
    ({"nbytes": "8"}, TypeError, "nbytes"),
    ({"repeat": 2.5}, TypeError, r"repeat must be an int of at least 1, not 2\.5"),
    ({"repeat": 0}, ValueError, "repeat"),
    ({"repeat": "3"}, TypeError, "repeat"),
    ({"reference_gbps": 0}, ValueError, r"reference_gbps must be a finite number greater than 0"),
    ({"reference_gbps": -1.0}, ValueError, "reference_gbps"),
    ({"reference_gbps": float("nan")}, ValueError, "reference_gbps"),
    ({"reference_gbps": float("inf")}, ValueError, "reference_gbps"),
    ({"reference_gbps": "fast"}, TypeError, "reference_gbps"),
    ({"timer": 5}, TypeError, "timer"),
    ({"timer": lambda: "now"}, TypeError, r"timer must return seconds as a number, not 'now'"),
])
def test_bad_input_names_the_argument(kwargs, error, match):
    arguments = {"func": lambda: None, "nbytes": 8, "reference_gbps": 1.0} | kwargs
    with pytest.raises(error, match=match):
        bandwidth(arguments.pop("func"), arguments.pop("nbytes"), **arguments)


def test_a_timer_that_sees_no_time_is_an_error_not_a_division_by_zero():
    with pytest.raises(ValueError, match="too small to time"):
        bandwidth(lambda: None, 8, timer=fake_timer([0.0]), repeat=1, reference_gbps=1.0)


def test_numpy_integers_are_whole_numbers():
    result = bandwidth(lambda: None, np.int64(10**9), repeat=np.uint8(2),
                       timer=fake_timer([1.0, 1.0]), reference_gbps=np.float32(2.0))
    assert (result.nbytes, result.gbps, result.reference_gbps) == (10**9, 1.0, 2.0)


@pytest.mark.parametrize(("nbytes", "error"), [(0, ValueError), (-5, ValueError),
                                               ("a", TypeError), (True, TypeError),
                                               (1.5, TypeError), ([8], TypeError),
                                               (10**13, ValueError)])
def test_copy_bandwidth_refuses_what_is_not_a_size(nbytes, error):
    with pytest.raises(error, match=r"copy_bandwidth\(\): nbytes must be"):
        copy_bandwidth(nbytes)


@pytest.mark.parametrize(("kwargs", "match"), [({"nbytes": 0}, "nbytes"),
                                               ({"seconds": 0.0}, "seconds"),
                                               ({"reference_gbps": -1.0}, "reference_gbps")])
def test_a_bandwidth_holds_positive_numbers(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Bandwidth(**({"nbytes": 8, "seconds": 1.0, "reference_gbps": 1.0} | kwargs))
