"""``batch_size="auto"``: the full batch on small tables, mini-batches beyond."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from skbimt import BIMTClassifier
from skbimt._batching import AUTO_BATCH_ROWS, auto_batch_size, one_pass_steps


@pytest.mark.parametrize(
    "n_rows, expected",
    [(1, None), (AUTO_BATCH_ROWS, None), (AUTO_BATCH_ROWS + 1, AUTO_BATCH_ROWS)],
)
def test_auto_batch_is_the_full_batch_up_to_the_threshold(n_rows, expected):
    assert auto_batch_size(n_rows) == expected


@pytest.mark.parametrize(
    "n_rows, batch_size, steps",
    [
        (500, "auto", 1),
        (AUTO_BATCH_ROWS, "auto", 1),
        (AUTO_BATCH_ROWS * 2 + 1, "auto", 3),
        (500, None, 1),
        (500, 100, 5),
        (501, 100, 6),
        (50, 100, 1),
    ],
)
def test_one_pass_takes_one_step_per_batch(n_rows, batch_size, steps):
    assert one_pass_steps(n_rows, batch_size) == steps


@pytest.fixture(scope="module")
def long_table():
    return make_classification(
        AUTO_BATCH_ROWS + 2_000, 6, n_informative=3, random_state=0
    )


def fitted_weights(batch_size, X, y, **params):
    clf = BIMTClassifier(
        hidden_layer_sizes=(4,),
        max_iter=4,
        swap_every=None,
        batch_size=batch_size,
        random_state=0,
        **params,
    ).fit(X, y)
    return np.concatenate([w.ravel() for w in clf.scaled_coefs_])


def test_auto_trains_like_its_resolved_batch(long_table):
    X, y = long_table
    small = slice(0, AUTO_BATCH_ROWS)
    np.testing.assert_array_equal(
        fitted_weights("auto", X[small], y[small]),
        fitted_weights(None, X[small], y[small]),
    )
    np.testing.assert_array_equal(
        fitted_weights("auto", X, y), fitted_weights(AUTO_BATCH_ROWS, X, y)
    )
    # Mini-batches draw other rows than the full batch: the two differ.
    assert not np.array_equal(fitted_weights("auto", X, y), fitted_weights(None, X, y))


def test_auto_counts_the_rows_left_after_the_validation_split(long_table):
    X, y = long_table
    # 10% of 12,000 rows held out leaves 10,800 rows: mini-batches.
    held_out = {"early_stopping": True, "validation_fraction": 0.1}
    np.testing.assert_array_equal(
        fitted_weights("auto", X, y, **held_out),
        fitted_weights(AUTO_BATCH_ROWS, X, y, **held_out),
    )
    # 20% leaves 9,600 rows: the full batch.
    held_out["validation_fraction"] = 0.2
    np.testing.assert_array_equal(
        fitted_weights("auto", X, y, **held_out),
        fitted_weights(None, X, y, **held_out),
    )


def test_partial_fit_takes_a_step_per_auto_batch(long_table):
    X, y = long_table
    clf = BIMTClassifier(hidden_layer_sizes=(4,), swap_every=None, random_state=0)
    clf.partial_fit(X, y, classes=np.unique(y))
    assert clf.n_iter_ == 2  # 12,000 rows in batches of 10,000
    clf.partial_fit(X[:500], y[:500])
    assert clf.n_iter_ == 3
