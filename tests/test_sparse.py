"""Sparse X: trained sparse, scaled without centring, the dense answer."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from skbimt import (
    BIMTClassifier,
    BIMTClassifierCV,
    BIMTRegressor,
    BIMTRegressorCV,
    BIMTSelector,
)


def sparse_problem(n=120, n_features=15, seed=0):
    rng = np.random.RandomState(seed)
    X = sp.random(n, n_features, density=0.2, format="csr", random_state=rng)
    X.data = rng.uniform(0.5, 3.0, X.nnz)
    y = np.asarray(X[:, 0].toarray().ravel() - 2 * X[:, 1].toarray().ravel())
    return X, y


@pytest.mark.parametrize("format", ["csr", "csc", "coo"])
@pytest.mark.parametrize("batch_size", [None, 32])
def test_sparse_fit_equals_dense_fit_scaled_without_centring(format, batch_size):
    X, y = sparse_problem()
    common = dict(max_iter=60, batch_size=batch_size, random_state=0, dtype="float64")
    sparse = BIMTRegressor(**common).fit(X.asformat(format), y)
    # The dense twin: the same columns, divided by the same scales, uncentred.
    dense = BIMTRegressor(standardize=False, **common).fit(
        X.toarray() / sparse.x_scale_, y
    )
    np.testing.assert_array_equal(sparse.x_mean_, np.zeros(15))
    np.testing.assert_allclose(sparse.x_scale_, X.toarray().std(axis=0), rtol=1e-12)
    # The target is standardised alike; compare the trained weights.
    dense_y = BIMTRegressor(standardize=False, **common).fit(
        X.toarray() / sparse.x_scale_, (y - sparse.y_mean_) / sparse.y_scale_
    )
    for a, b in zip(sparse.scaled_coefs_, dense_y.scaled_coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    assert dense.n_iter_ == sparse.n_iter_


def test_sparse_predictions_equal_dense_predictions():
    X, y = sparse_problem()
    reg = BIMTRegressor(max_iter=30, random_state=0).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), reg.predict(X.toarray()), rtol=1e-10)
    assert reg.predict(X.astype(np.float32)).dtype == np.float32
    labels = (y > 0).astype(int)
    clf = BIMTClassifier(max_iter=30, random_state=0).fit(X.tocsc(), labels)
    np.testing.assert_allclose(
        clf.predict_proba(X), clf.predict_proba(X.toarray()), rtol=1e-10
    )


def test_sparse_validation_split_for_early_stopping():
    X, y = sparse_problem()
    reg = BIMTRegressor(
        max_iter=300, early_stopping=True, lambda_schedule=1e-3, random_state=0
    ).fit(X, y)
    assert len(reg.validation_scores_) > 0


def test_wide_one_hot_input_trains_without_densifying(monkeypatch):
    rng = np.random.RandomState(0)
    codes = rng.randint(0, 3000, size=(3000, 2)).astype(str)
    y = rng.randn(3000)
    densified = []
    original = sp.csr_matrix.toarray

    def spy(self, *args, **kwargs):
        densified.append(self.shape)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sp.csr_matrix, "toarray", spy)
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(handle_unknown="ignore"), [0, 1])),
        BIMTRegressor(max_iter=20, batch_size=64, random_state=0),
    ).fit(codes, y)
    assert model[-1].n_features_in_ > 2000
    assert densified == []
    assert model.predict(codes[:5]).shape == (5,)


@pytest.mark.parametrize(
    "params", [{"embedding_dim": 2}, {"input_shape": (3, 5)}], ids=str
)
def test_sparse_tokens_or_images_are_refused(params):
    X, y = sparse_problem()
    reg = BIMTRegressor(max_iter=5, **params)
    with pytest.raises(TypeError, match="toarray"):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_")


def test_selector_and_cv_estimators_take_sparse_X():
    X, y = sparse_problem()
    selector = BIMTSelector(BIMTRegressor(max_iter=30, random_state=0), cv=2).fit(X, y)
    assert sp.issparse(selector.transform(X))
    assert selector.heldout_pvalues_.shape == (15,)
    cv = BIMTRegressorCV(alphas=(0.3, 3.0), cv=2, max_iter=30, random_state=0)
    assert cv.fit(X, y).predict(X).shape == (120,)
    cv = BIMTClassifierCV(alphas=(0.3, 3.0), cv=2, max_iter=30, random_state=0)
    assert cv.fit(X, y > 0).predict(X).shape == (120,)
