"""feature_importances_ by effect, read on the parts of the visible network."""

import numpy as np
import pytest

import skbimt
from skbimt._parts import N_REFERENCE_ROWS, reference_rows
from skbimt.inspection import find_parts

from .inspection.test_parts import hand_made


def test_reference_rows_are_kept_evenly_and_skip_zero_weights():
    X = np.arange(1000.0)[:, None]
    rows = reference_rows(X)
    assert rows.shape == (N_REFERENCE_ROWS, 1)
    assert rows[0, 0] == 0 and rows[-1, 0] == 999
    weights = np.ones(1000)
    weights[::2] = 0
    assert np.all(reference_rows(X, weights) % 2 == 1)
    np.testing.assert_array_equal(reference_rows(X[:10]), X[:10])


def test_importances_share_the_parts_variance():
    reg, _ = hand_made()
    importances = reg.feature_importances_
    assert importances.shape == (4,)
    assert importances.sum() == pytest.approx(1)
    assert importances[3] == 0  # x3 is a dead end
    assert np.all(importances[:3] > 0)
    # On the kept rows (training units), each part's variance over the sum.
    rows = reg._reference_rows_ * reg.x_scale_ + reg.x_mean_
    contributions = find_parts(reg).contributions(rows) / reg.y_scale_
    variances = contributions.var(axis=0).sum(axis=-1)
    shares = variances / variances.sum()
    assert importances[2] == pytest.approx(shares[1])
    assert importances[0] + importances[1] == pytest.approx(shares[0])


def test_importances_follow_what_an_input_does_inside_a_part():
    reg, _ = hand_made()
    coefs = [w.copy() for w in reg.scaled_coefs_]
    coefs[0][1, 0] *= 0.1  # x1's weight into the shared neuron
    from .models import with_parameters

    weaker = with_parameters(reg, coefs, reg.scaled_intercepts_).feature_importances_
    assert weaker[1] < weaker[0]
    assert reg.feature_importances_[1] > weaker[1]


def test_importances_survive_saving_and_an_estimator_without_kept_rows(tmp_path):
    reg, _ = hand_made()
    skbimt.save(reg, tmp_path / "reg.pt")
    loaded = skbimt.load(tmp_path / "reg.pt")
    np.testing.assert_array_equal(loaded.feature_importances_, reg.feature_importances_)
    del loaded._reference_rows_  # a file of an earlier version
    fallback = loaded.feature_importances_
    assert fallback.sum() == pytest.approx(1)
    assert fallback[3] == 0
