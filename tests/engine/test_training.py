"""The training loop: mini-batches, checks, fall-back, stopping, snapshots."""

import numpy as np
import pytest
import torch

from skbimt._engine import training
from skbimt._engine.geometry import Geometry
from skbimt._engine.network import FlatLayout, init_parameters
from skbimt._engine.schedule import lambda_values
from skbimt._engine.swap import swappable_layers
from skbimt._engine.training import (
    CHECK_EVERY,
    Network,
    TrainingData,
    TrainingSettings,
    _batch_indices,
    train,
)


def problem(seed=0, n_samples=120, sizes=(3, 8, 2)):
    """A small network and regression data, built from the engine alone."""
    generator = torch.Generator().manual_seed(seed)
    layout = FlatLayout(sizes)
    network = Network(
        flat=init_parameters(layout, generator),
        layout=layout,
        geometry=Geometry.stacked(sizes, 2.0, 0.1),
        activation="silu",
        loss="squared_error",
    )
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n_samples, sizes[0]))
    target = np.column_stack([X[:, 0] ** 2, X[:, 1] * X[:, 2]])[:, : sizes[-1]]
    data = TrainingData(
        X=torch.tensor(X, dtype=torch.float32),
        target=torch.tensor(target, dtype=torch.float32),
    )
    return network, data


def settings(network, max_iter, schedule=1e-3, **kwargs):
    options = {
        "swap_every": 50,
        "k": 4,
        "swap_layers": swappable_layers(network.geometry),
        **kwargs,
    }
    return TrainingSettings(lambdas=lambda_values(schedule, max_iter), **options)


def test_mini_batches_cover_every_sample_once_per_epoch():
    batches = _batch_indices(10, 4, np.random.RandomState(0), "cpu")
    drawn = [next(batches) for _ in range(10)]
    assert {len(b) for b in drawn} == {4}
    stream = torch.cat(drawn).numpy()
    for epoch in range(4):
        assert sorted(stream[10 * epoch : 10 * (epoch + 1)]) == list(range(10))
    assert _batch_indices(10, 10, np.random.RandomState(0), "cpu") is None
    assert _batch_indices(10, None, np.random.RandomState(0), "cpu") is None


def test_full_run_records_every_step():
    network, data = problem()
    log = train(network, data, settings(network, 250), np.random.RandomState(0))
    assert log.stop_reason == "max_iter" and log.n_iter == 250
    assert log.loss_curve.shape == log.cost_curve.shape == (250,)
    assert np.isfinite(log.loss_curve).all()
    assert len(log.n_swaps) == 5


def run_until(n_iter, interrupt_at=None, monkeypatch=None):
    network, data = problem()
    if interrupt_at is not None:
        real = training.swap_pass
        calls = []

        def interrupt(*args, **kwargs):
            calls.append(1)
            if len(calls) * 50 == interrupt_at:
                raise KeyboardInterrupt
            return real(*args, **kwargs)

        monkeypatch.setattr(training, "swap_pass", interrupt)
    log = train(network, data, settings(network, n_iter), np.random.RandomState(0))
    return network, log


def test_an_interrupt_returns_the_last_check_consistently(monkeypatch):
    # Ctrl-C during the swap pass after step 250: parameters, placement,
    # n_iter and the loss curve all describe step 200, the last check.
    network, log = run_until(1000, interrupt_at=250, monkeypatch=monkeypatch)
    assert log.stop_reason == "interrupted" and log.interrupted_at == 249
    assert log.n_iter == 200 == 2 * CHECK_EVERY
    assert len(log.loss_curve) == 200
    reference, reference_log = run_until(200)
    torch.testing.assert_close(network.flat, reference.flat, rtol=0, atol=0)
    for a, b in zip(
        network.geometry.get_state(), reference.geometry.get_state(), strict=True
    ):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(log.loss_curve, reference_log.loss_curve)


def test_divergence_falls_back_to_the_last_finite_check():
    network, data = problem()
    # From step 250 on, lambda * length overflows and the weights turn NaN.
    schedule = lambda step, n: 1e-3 if step < 250 else 3e38  # noqa: E731
    log = train(
        network, data, settings(network, 1000, schedule), np.random.RandomState(0)
    )
    assert log.stop_reason == "diverged" and log.n_iter == 200
    assert torch.isfinite(network.flat).all()
    reference, _ = run_until(200)
    torch.testing.assert_close(network.flat, reference.flat, rtol=0, atol=0)


def test_training_objective_convergence_waits_for_the_final_stretch():
    network, data = problem()
    schedule = ((1e-3, 0.3), (1e-2, 0.4), (1e-3, 0.3))
    log = train(
        network,
        data,
        settings(network, 20000, schedule, tol=1.0, n_iter_no_change=2),
        np.random.RandomState(0),
    )
    # No check can improve the objective by tol=1: training stops at the
    # first chance, two checks into the last phase, which starts at 14000.
    assert log.stop_reason == "converged"
    assert log.n_iter == 14000 + 3 * CHECK_EVERY
    assert log.best_value is not None and log.validation_scores == []


def test_validation_stopping_keeps_the_best_check():
    network, data = problem()
    scores = iter([0.1, 0.5, 0.4, 0.3, 0.2, 0.9])
    seen = {}

    def validation_score(flat):
        score = next(scores)
        seen[score] = flat.clone()
        return score

    log = train(
        network,
        data,
        settings(
            network,
            5000,
            tol=0.0,
            n_iter_no_change=3,
            validation_score=validation_score,
        ),
        np.random.RandomState(0),
    )
    assert log.stop_reason == "converged"
    assert log.validation_scores == [0.1, 0.5, 0.4, 0.3, 0.2]
    assert log.best_value == 0.5 and log.best_step == 2 * CHECK_EVERY
    assert log.n_iter == 5 * CHECK_EVERY
    torch.testing.assert_close(network.flat, seen[0.5], rtol=0, atol=0)


def test_snapshots_record_placements_without_moving_neurons():
    network, data = problem()
    log = train(
        network,
        data,
        settings(network, 300, snapshot_every=100, swap_every=100),
        np.random.RandomState(0),
    )
    assert [s[0] for s in log.snapshots] == [0, 100, 200, 300]
    last_step, last_flat, last_placement = log.snapshots[-1]
    torch.testing.assert_close(last_flat, network.flat)
    for a, b in zip(last_placement, network.geometry.get_state(), strict=True):
        np.testing.assert_array_equal(a, b)
    first = log.snapshots[0][2]
    assert all(np.array_equal(a, np.arange(len(a))) for a in first)


@pytest.mark.parametrize("batch_size", [None, 32])
def test_sample_weights_of_one_change_nothing(batch_size):
    network, data = problem()
    weighted_network, _ = problem()
    weighted = TrainingData(data.X, data.target, torch.ones(len(data.X)))
    options = {"batch_size": batch_size, "swap_every": None}
    a = train(
        network, data, settings(network, 200, **options), np.random.RandomState(0)
    )
    b = train(
        weighted_network,
        weighted,
        settings(weighted_network, 200, **options),
        np.random.RandomState(0),
    )
    torch.testing.assert_close(
        network.flat, weighted_network.flat, rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(a.loss_curve, b.loss_curve, rtol=1e-5)


def test_masked_parameters_stay_exactly_zero_and_the_rest_train():
    network, data = problem()
    start = network.flat.clone()
    generator = torch.Generator().manual_seed(1)
    mask = (torch.rand(network.flat.shape, generator=generator) > 0.5).float()
    log = train(
        network, data, settings(network, 200, mask=mask), np.random.RandomState(0)
    )
    assert log.n_iter == 200
    held = mask == 0
    assert torch.all(network.flat[held] == 0)
    assert torch.all(network.flat[~held] != start[~held])
    # Adam's moments of a held parameter never saw a gradient.
    assert torch.all(network.optimizer_state["exp_avg"][held] == 0)


def test_joined_logs_count_steps_and_curves_of_both_trainings():
    network, data = problem()
    rng = np.random.RandomState(0)
    first = train(network, data, settings(network, 200, snapshot_every=100), rng)
    then = train(
        network,
        data,
        settings(network, 100, snapshot_every=100, first_step=200),
        rng,
    )
    log = training.joined_logs(first, then)
    assert log.n_iter == 300
    np.testing.assert_array_equal(
        log.loss_curve, np.concatenate([first.loss_curve, then.loss_curve])
    )
    assert log.n_swaps == first.n_swaps + then.n_swaps
    assert [step for step, _, _ in log.snapshots] == [0, 100, 200, 300]
    assert log.stop_reason == then.stop_reason
