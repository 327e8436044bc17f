"""The paper's tasks as data generators.

Each generator returns ``X, y`` as numpy arrays and is seeded by
``random_state``. Section numbers refer to Liu, Gan and Tegmark, "Seeing is
Believing: Brain-Inspired Modular Training for Mechanistic Interpretability",
Entropy 26, 41 (2024).
"""

import numpy as np
from sklearn.datasets import make_moons
from sklearn.utils import check_random_state

_FORMULAS = {
    # (a) independence: y1 uses only x2, x4; y2 only x1, x3.
    "a": (4, lambda x: np.column_stack(
        [x[:, 1] ** 2 + np.sin(np.pi * x[:, 3]), (x[:, 0] + x[:, 2]) ** 3])),
    # (b) feature sharing: every target reuses x1^2, x2^2, x3^2.
    "b": (3, lambda x: np.column_stack(
        [x[:, 0] ** 2, x[:, 0] ** 2 + x[:, 1] ** 2,
         x[:, 0] ** 2 + x[:, 1] ** 2 + x[:, 2] ** 2])),
    # (c) compositionality: y = sqrt(I), I = (x1 - x2)^2 + (x3 - x4)^2.
    "c": (4, lambda x: np.sqrt(
        (x[:, 0] - x[:, 1]) ** 2 + (x[:, 2] - x[:, 3]) ** 2)[:, None]),
}


def make_symbolic(formula="a", n_samples=1000, random_state=None):
    """Regression on a symbolic formula with modular structure (section 3.1).

    Inputs are drawn from ``U[-1, 1]``. Formulas, with 1-based ``x`` indices
    as in the paper:

    - ``"a"`` independence: ``y1 = x2^2 + sin(pi x4)``, ``y2 = (x1 + x3)^3``;
    - ``"b"`` feature sharing: ``(x1^2, x1^2 + x2^2, x1^2 + x2^2 + x3^2)``;
    - ``"c"`` compositionality: ``y = sqrt((x1 - x2)^2 + (x3 - x4)^2)``.

    Parameters
    ----------
    formula : {"a", "b", "c"}, default="a"
        Which formula.
    n_samples : int, default=1000
        Number of samples.
    random_state : int, RandomState instance or None, default=None
        Seed of the inputs.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples, n_targets)
        Always 2D, one column per target.
    """
    if formula not in _FORMULAS:
        raise ValueError(f"formula must be one of {sorted(_FORMULAS)}, got {formula!r}.")
    n_features, function = _FORMULAS[formula]
    rng = check_random_state(random_state)
    X = rng.uniform(-1, 1, size=(n_samples, n_features))
    return X, function(X)


def make_two_moons(n_samples=200, noise=0.1, random_state=None):
    """The two-moon classification task of section 3.2.

    scikit-learn's :func:`~sklearn.datasets.make_moons` with Gaussian noise of
    standard deviation ``noise``.

    Parameters
    ----------
    n_samples : int, default=200
    noise : float, default=0.1
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Labels 0 and 1.
    """
    return make_moons(n_samples=n_samples, noise=noise, random_state=random_state)
