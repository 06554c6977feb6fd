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


@pytest.mark.parametrize(("func", "nbytes", "error", "match"), [
    (None, 8, TypeError, "lambda"),
    (lambda: None, 0, ValueError, "positive"),
    (lambda: None, 2.5, ValueError, "positive"),
    (lambda: None, True, ValueError, "positive"),
])
def test_bad_input(func, nbytes, error, match):
    with pytest.raises(error, match=match):
        bandwidth(func, nbytes, reference_gbps=1.0)


def test_a_timer_that_sees_no_time_is_an_error_not_a_division_by_zero():
    with pytest.raises(ValueError, match="too small to time"):
        bandwidth(lambda: None, 8, timer=fake_timer([0.0]), repeat=1, reference_gbps=1.0)


def test_repeat_must_be_positive():
    with pytest.raises(ValueError, match="repeat"):
        bandwidth(lambda: None, 8, repeat=0, reference_gbps=1.0)
