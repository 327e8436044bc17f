"""Pickle and the safe save/load format."""

import os
import pickle

import joblib
import numpy as np
import pytest
import torch

import skbimt
from skbimt import BIMTClassifier, BIMTRegressor
from skbimt.datasets import make_modular_addition, make_symbolic


@pytest.fixture(scope="module")
def regressor():
    pd = pytest.importorskip("pandas")
    X, y = make_symbolic("a", 200, random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    return BIMTRegressor(max_iter=300, swap_every=50, random_state=0).fit(
        frame, y
    ), frame


def test_safe_round_trip_predicts_identically(regressor, tmp_path):
    reg, frame = regressor
    skbimt.save(reg, tmp_path / "model.skbimt")
    loaded = skbimt.load(tmp_path / "model.skbimt")
    np.testing.assert_array_equal(loaded.predict(frame), reg.predict(frame))
    for a, b in zip(loaded.coords_, reg.coords_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert list(loaded.feature_names_in_) == ["a", "b", "c", "d"]
    assert loaded.modularity_ == reg.modularity_
    np.testing.assert_array_equal(loaded.loss_curve_, reg.loss_curve_)


def test_safe_round_trip_of_a_token_classifier_with_string_labels(tmp_path):
    X, y = make_modular_addition(7)
    labels = np.array([f"r{v}" for v in y])
    clf = BIMTClassifier(
        embedding_dim=4, hidden_layer_sizes=(8,), max_iter=200, random_state=0
    ).fit(X, labels)
    skbimt.save(clf, tmp_path / "clf.skbimt")
    loaded = skbimt.load(tmp_path / "clf.skbimt")
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.classes_.dtype == clf.classes_.dtype


class _Payload:
    def __reduce__(self):
        return (os.system, ("touch PWNED_BY_PICKLE",))


def test_tampered_file_is_refused_not_executed(regressor, tmp_path, monkeypatch):
    reg, _ = regressor
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "model.skbimt"
    skbimt.save(reg, path)
    content = torch.load(path, weights_only=True)
    content["tensors"]["extra"] = _Payload()
    torch.save(content, path)
    with pytest.raises(ValueError, match="refusing to load"):
        skbimt.load(path)
    assert not (tmp_path / "PWNED_BY_PICKLE").exists()


def test_other_files_are_refused(tmp_path):
    torch.save({"format": "something else"}, tmp_path / "x.pt")
    with pytest.raises(ValueError, match="not a file written by skbimt.save"):
        skbimt.load(tmp_path / "x.pt")
    (tmp_path / "y.pt").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="refusing to load"):
        skbimt.load(tmp_path / "y.pt")


def test_callable_schedule_cannot_be_saved_safely(tmp_path):
    X, y = make_symbolic("a", 50, random_state=0)
    reg = BIMTRegressor(max_iter=5, lambda_schedule=lambda s, n: 1e-3).fit(X, y)
    with pytest.raises(TypeError, match="callable"):
        skbimt.save(reg, tmp_path / "m.skbimt")


def test_pickle_and_joblib_round_trips(regressor, tmp_path):
    reg, frame = regressor
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(reg)).predict(frame), reg.predict(frame)
    )
    joblib.dump(reg, tmp_path / "m.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "m.joblib").predict(frame), reg.predict(frame)
    )
