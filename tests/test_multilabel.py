"""Multilabel classification: one logistic output per label, as the MLP."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.neural_network import MLPClassifier

from skbimt import BIMTClassifier, BIMTSelector


@pytest.fixture(scope="module")
def data():
    return make_multilabel_classification(80, n_features=5, n_classes=3, random_state=0)


@pytest.fixture(scope="module")
def fitted(data):
    X, Y = data
    return BIMTClassifier(max_iter=30, random_state=0).fit(X, Y)


def test_indicator_y_gives_one_logistic_output_per_label(fitted, data):
    X, Y = data
    assert fitted.n_outputs_ == 3 and fitted.out_activation_ == "logistic"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = MLPClassifier(max_iter=5).fit(X, Y)
    np.testing.assert_array_equal(fitted.classes_, mlp.classes_)
    predicted = fitted.predict(X)
    assert predicted.shape == Y.shape and predicted.dtype == Y.dtype
    assert set(np.unique(predicted)) <= {0, 1}


def test_probabilities_are_per_label_and_match_predict(fitted, data):
    X, _ = data
    proba = fitted.predict_proba(X)
    assert proba.shape == (80, 3) and np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_array_equal(fitted.predict(X), (proba > 0.5).astype(int))
    np.testing.assert_allclose(
        fitted.predict_log_proba(X), np.log(proba), rtol=1e-10, atol=1e-12
    )


def test_training_loss_is_the_mlp_binary_log_loss(data):
    X, Y = data
    clf = BIMTClassifier(max_iter=1, random_state=0, lambda_schedule=0.0).fit(X, Y)
    # The loss before the one step is that of the initial weights: recompute
    # them with a zero learning rate.
    still = BIMTClassifier(
        max_iter=1, random_state=0, lambda_schedule=0.0, learning_rate=1e-30
    ).fit(X, Y)
    p = still.predict_proba(X)
    expected = -np.mean(np.sum(Y * np.log(p) + (1 - Y) * np.log(1 - p), axis=1))
    assert clf.loss_curve_[0] == pytest.approx(expected, rel=1e-5)


def test_the_network_picture_names_the_labels(data):
    X, Y = data
    frame = pd.DataFrame(Y, columns=["red", "round", "heavy"])
    clf = BIMTClassifier(max_iter=5, random_state=0).fit(X, frame)
    assert clf.neuron_labels()[-1] == ["red", "round", "heavy"]
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_multiclass_multioutput_y_is_refused_with_advice(data):
    X, _ = data
    y = np.column_stack([np.arange(80) % 3, np.arange(80) % 2])
    clf = BIMTClassifier(max_iter=5)
    with pytest.raises(ValueError, match="MultiOutputClassifier"):
        clf.fit(X, y)
    assert not hasattr(clf, "classes_")


def test_early_stopping_scores_subset_accuracy(data):
    X, Y = data
    clf = BIMTClassifier(
        max_iter=300, early_stopping=True, random_state=0, lambda_schedule=1e-3
    ).fit(X, Y)
    assert all(0 <= s <= 1 for s in clf.validation_scores_)


def test_selector_checks_a_multilabel_network_on_heldout_rows(data):
    X, Y = data
    selector = BIMTSelector(
        BIMTClassifier(max_iter=30, random_state=0), cv=2, n_repeats=1
    ).fit(X, Y)
    assert selector.heldout_pvalues_.shape == (5,)
    assert np.isfinite(selector.heldout_loss_increase_).all()
