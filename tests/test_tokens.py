"""Token input: learned embeddings as the input neuron layer (paper 3.3)."""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from skbimt import BIMTClassifier
from skbimt.datasets import make_modular_addition


@pytest.fixture(scope="module")
def fitted():
    # Mod 31: 768 training pairs, enough to generalise in a few thousand steps
    # (with mod 11 the 96 training pairs are memorised, not generalised).
    X, y = make_modular_addition(31)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    clf = BIMTClassifier(
        hidden_layer_sizes=(40, 40),
        embedding_dim=16,
        lambda_schedule=1e-3,
        learning_rate=1e-2,
        max_iter=3000,
        swap_every=100,
        k=8,
        random_state=0,
    ).fit(X_train, y_train)
    return clf, X_test, y_test


def test_modular_addition_generalises(fitted):
    clf, X_test, y_test = fitted
    assert clf.score(X_test, y_test) > 0.9


def test_embedding_is_the_input_layer(fitted):
    clf, _, _ = fitted
    assert clf.embedding_.shape == (31, 16) and clf.vocab_size_ == 31
    assert clf.n_features_in_ == 2
    assert clf.coefs_[0].shape == (32, 40)
    assert clf.coords_[0].shape == (32, 2) and clf.modules_[0].shape == (32,)
    # Both tokens' dimension j sit at one position and moved together.
    np.testing.assert_array_equal(clf.coords_[0][:16], clf.coords_[0][16:])
    assert clf.swap_counts_.sum() > 0
    assert clf.neuron_labels()[0][:2] == ["x0[0]", "x0[1]"]
    assert clf.neuron_labels()[0][16] == "x1[0]"


def test_prediction_uses_the_embedding(fitted):
    clf, X_test, _ = fitted
    embedded = np.hstack([clf.embedding_[X_test[:, 0]], clf.embedding_[X_test[:, 1]]])
    h = embedded
    for i, (w, b) in enumerate(zip(clf.coefs_, clf.intercepts_, strict=True)):
        h = h @ w + b
        if i < len(clf.coefs_) - 1:
            h = h / (1 + np.exp(-h))
    np.testing.assert_array_equal(clf.predict(X_test), clf.classes_[h.argmax(1)])


def test_bad_token_ids_are_explained(fitted):
    clf, X_test, _ = fitted
    with pytest.raises(ValueError, match="unseen tokens"):
        clf.predict(np.array([[0, 31]]))
    with pytest.raises(ValueError, match="integer token ids"):
        BIMTClassifier(embedding_dim=4, max_iter=5).fit(
            np.array([[0.5, 1.0]] * 4), [0, 1, 0, 1]
        )
    with pytest.raises(ValueError, match=">= 0"):
        BIMTClassifier(embedding_dim=4, max_iter=5).fit(
            np.array([[-1, 1]] * 4), [0, 1, 0, 1]
        )
