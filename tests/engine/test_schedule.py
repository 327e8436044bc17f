import pickle

import numpy as np
import pytest

from skbimt._engine.schedule import (
    PAPER_SCHEDULE,
    final_stretch_start,
    lambda_values,
    scaled,
)


def test_constant():
    np.testing.assert_array_equal(lambda_values(0.01, 5), np.full(5, 0.01))


def test_paper_phases_match_paper_step_counts():
    values = lambda_values(PAPER_SCHEDULE, 20000)
    assert np.all(values[:5000] == 1e-3)
    assert np.all(values[5000:15000] == 1e-2)
    assert np.all(values[15000:] == 1e-3)


def test_callable_receives_step_and_max_iter():
    values = lambda_values(lambda step, n: step / n, 4)
    np.testing.assert_allclose(values, [0, 0.25, 0.5, 0.75])


@pytest.mark.parametrize(
    "schedule, message",
    [
        (((0.1, 0.5), (0.2, 0.2)), "sum to 1"),
        (((0.1, -0.5), (0.2, 1.5)), "positive"),
        ((), "empty"),
        (("a", "b"), "sequence of \\(lambda, fraction"),
        (lambda step, n: -1.0, "lambda must be a finite number >= 0"),
        (lambda step, n: float("nan"), "lambda must be a finite number >= 0"),
        (((-0.1, 1.0),), "lambda must be a finite number >= 0"),
    ],
)
def test_bad_schedules_are_explained(schedule, message):
    with pytest.raises(ValueError, match=message):
        lambda_values(schedule, 10)


@pytest.mark.parametrize(
    "schedule, expected",
    [
        (PAPER_SCHEDULE, 15000),
        (0.01, 0),
        (((1e-3, 0.5), (1e-3, 0.5)), 0),
        (lambda step, n: step / n, 19999),
    ],
)
def test_final_stretch_is_the_last_constant_run(schedule, expected):
    assert final_stretch_start(lambda_values(schedule, 20000)) == expected


def test_scaled_multiplies_every_strength_and_keeps_the_kind():
    assert scaled(2e-3, 10.0) == pytest.approx(2e-2)
    np.testing.assert_allclose(
        scaled(((1e-3, 0.25), (1e-2, 0.75)), 3.0), [(3e-3, 0.25), (3e-2, 0.75)]
    )
    schedule = ((1e-3, 0.5), (1e-2, 0.5))
    assert scaled(schedule, 1.0) is schedule
    doubled = scaled(lambda step, max_iter: step / max_iter, 2.0)
    np.testing.assert_allclose(
        lambda_values(doubled, 4), 2 * np.arange(4) / 4, rtol=0, atol=0
    )
    assert lambda_values(scaled(schedule, 0.0), 10).max() == 0.0


def test_a_scaled_callable_pickles():
    restored = pickle.loads(pickle.dumps(scaled(_half, 4.0)))
    assert restored(3, 10) == 6.0


def _half(step, max_iter):
    return step / 2
