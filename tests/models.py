"""Fitted models shared by several test files, one fit per seed and session.

Each builder is cached: the tests of a session and the outcomes measured on
one seed share a single fit. ``conftest.py`` exposes the seed-0 fits as
fixtures; outcome measures call the builders with their seed.
"""

import copy
from functools import cache

import numpy as np
from sklearn.datasets import make_classification, make_friedman1, make_moons

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt.datasets import make_symbolic, paper_settings


@cache
def symbolic_a(seed):
    """Formula (a), paper settings over 6000 steps: two independent modules.

    Returns the regressor and its training data; y1 = x2^2 + sin(pi x4) and
    y2 = (x1 + x3)^3 share no input.
    """
    X, y = make_symbolic("a", n_samples=400, random_state=seed)
    settings = {**paper_settings("symbolic"), "max_iter": 6000}
    return BIMTRegressor(**settings, random_state=seed).fit(X, y), X, y


@cache
def moons(seed):
    """Two moons on a DataFrame with string labels, a 10-10 paper network."""
    import pandas as pd

    X, y = make_moons(200, noise=0.1, random_state=seed)
    X = pd.DataFrame(X, columns=["width", "height"])
    labels = np.where(y == 1, "upper", "lower")
    settings = {
        **paper_settings("two_moons"),
        "hidden_layer_sizes": (10, 10),
        "max_iter": 2000,
    }
    return BIMTClassifier(**settings, random_state=seed).fit(X, labels), X, labels


INFORMATIVE = [1, 4]


@cache
def noisy_task(seed, n_samples=300):
    """y depends on features 1 and 4 only; the other four are pure noise.

    Returns ``X_train, y_train, X_test, y_test`` (200 and 100 samples).
    """
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n_samples, 6))
    y = np.sin(np.pi * X[:, 1]) + X[:, 4] ** 2
    return X[:200], y[:200], X[200:], y[200:]


@cache
def noisy_selector(seed):
    """A selector that trains BIMT with the paper's schedule (half its steps).

    It reads the wiring alone (``cv=None``): what the connection cost keeps.
    """
    from skbimt import BIMTSelector

    X, y, _, _ = noisy_task(seed)
    settings = {**paper_settings("symbolic"), "max_iter": 10000}
    reg = BIMTRegressor(**settings, random_state=seed)
    return BIMTSelector(reg, cv=None).fit(X, y)


#: Columns of ``noisy_classification``: 5 informative, then 15 of noise.
N_INFORMATIVE_COLUMNS = 5


@cache
def noisy_classification(seed):
    """Two classes from 5 informative and 15 noise columns, 500 shuffled rows."""
    X, y = make_classification(
        n_samples=500,
        n_features=20,
        n_informative=N_INFORMATIVE_COLUMNS,
        n_redundant=0,
        shuffle=False,  # keeps the informative columns first; rows below
        random_state=seed,
    )
    rows = np.random.RandomState(seed).permutation(len(y))
    return X[rows], y[rows]


@cache
def checked_selector(seed):
    """The default selector, held-out check included, on ``noisy_classification``."""
    from skbimt import BIMTSelector

    X, y = noisy_classification(seed)
    return BIMTSelector(BIMTClassifier(random_state=seed)).fit(X, y)


@cache
def checked_friedman_selector(seed):
    """The default selector on Friedman #1: 5 informative, then 5 noise columns."""
    from skbimt import BIMTSelector

    X, y = make_friedman1(n_samples=500, n_features=10, noise=1.0, random_state=seed)
    return BIMTSelector(BIMTRegressor(random_state=seed)).fit(X, y)


@cache
def large_table(seed):
    """The default classifier on 1,500 rows of ``make_hastie_10_2``.

    The label is whether the sum of the ten inputs' squares exceeds its
    median, so every input counts. Returns the classifier and the other 500
    rows.
    """
    from sklearn.datasets import make_hastie_10_2

    X, y = make_hastie_10_2(2000, random_state=seed)
    clf = BIMTClassifier(random_state=seed).fit(X[:1500], y[:1500])
    return clf, X[1500:], y[1500:]


@cache
def paper_two_moons(seed):
    """Section 3.2 with the paper's settings: (classifier, X, y)."""
    from skbimt.datasets import make_two_moons

    X, y = make_two_moons(200, random_state=seed)
    clf = BIMTClassifier(**paper_settings("two_moons"), random_state=seed)
    return clf.fit(X, y), X, y


def with_parameters(estimator, coefs, intercepts):
    """Copy of ``estimator`` holding the given parameters (training units)."""
    other = copy.deepcopy(estimator)
    other._set_scaled_parameters(coefs, intercepts)
    return other


def n_parameters(estimator):
    """Weights and biases of a fitted network."""
    return sum(p.size for p in estimator.scaled_coefs_ + estimator.scaled_intercepts_)


def n_nonzero(estimator):
    """Weights and biases of a fitted network that are not exactly zero."""
    parameters = estimator.scaled_coefs_ + estimator.scaled_intercepts_
    return sum(int(np.count_nonzero(p)) for p in parameters)
