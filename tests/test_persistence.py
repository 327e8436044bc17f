"""Pickle and the safe save/load format."""

import json
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
    with pytest.raises(ValueError, match="not a file written by skbimt.save") as info:
        skbimt.load(tmp_path / "y.pt")
    assert str(info.value).endswith("(it is not even a torch.save archive).")
    with pytest.raises(FileNotFoundError, match="No file at .*missing.skbimt"):
        skbimt.load(tmp_path / "missing.skbimt")


def test_callable_schedule_cannot_be_saved_safely(tmp_path):
    X, y = make_symbolic("a", 50, random_state=0)
    reg = BIMTRegressor(max_iter=5, lambda_schedule=lambda s, n: 1e-3).fit(X, y)
    with pytest.raises(TypeError, match="callable"):
        skbimt.save(reg, tmp_path / "m.skbimt")


def test_numpy_hyperparameters_are_saved_and_tuples_come_back(tmp_path):
    # As GridSearchCV over np.arange or a hand-made array would set them.
    X, y = make_symbolic("a", 50, random_state=0)
    reg = BIMTRegressor(
        hidden_layer_sizes=np.array([6, 5]),
        max_iter=np.int64(5),
        learning_rate=np.float32(0.01),
        lambda_schedule=((1e-3, 0.5), (np.float64(1e-2), 0.5)),
        random_state=np.int64(0),
    ).fit(X, y)
    skbimt.save(reg, tmp_path / "m.skbimt")
    loaded = skbimt.load(tmp_path / "m.skbimt")
    params = loaded.get_params()
    assert params["hidden_layer_sizes"] == (6, 5)
    assert params["max_iter"] == 5 and type(params["max_iter"]) is int
    assert params["lambda_schedule"] == ((1e-3, 0.5), (1e-2, 0.5))
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    default = BIMTRegressor(max_iter=5, random_state=0).fit(X, y)
    skbimt.save(default, tmp_path / "d.skbimt")
    loaded_default = skbimt.load(tmp_path / "d.skbimt")
    assert loaded_default.get_params() == default.get_params()
    assert loaded_default.lambda_schedule_ == default.lambda_schedule_
    assert isinstance(loaded_default.lambda_schedule_, tuple)


def test_a_random_state_instance_is_named_as_what_cannot_be_saved(tmp_path):
    X, y = make_symbolic("a", 50, random_state=0)
    reg = BIMTRegressor(max_iter=5, random_state=np.random.RandomState(0)).fit(X, y)
    with pytest.raises(TypeError, match="random_state=RandomState.*int seed or None"):
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


def test_everything_fitted_survives_the_round_trip(tmp_path):
    X, y = make_symbolic("a", 200, random_state=0)
    reg = BIMTRegressor(
        max_iter=300,
        snapshot_every=100,
        standardize=True,
        early_stopping=True,
        tol=1e-3,
        lambda_schedule=1e-3,
        random_state=0,
    ).fit(X * 100, y[:, 0] + 5)
    skbimt.save(reg, tmp_path / "m.skbimt")
    loaded = skbimt.load(tmp_path / "m.skbimt")
    fitted = [k for k in vars(reg) if k.endswith("_") and not k.startswith("__")]
    assert sorted(fitted) == sorted(
        k for k in vars(loaded) if k.endswith("_") and not k.startswith("__")
    )
    np.testing.assert_array_equal(loaded.predict(X * 100), reg.predict(X * 100))
    for a, b in zip(loaded.coefs_, reg.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.x_scale_, reg.x_scale_)
    assert loaded.validation_scores_ == reg.validation_scores_
    assert len(loaded.snapshots_) == len(reg.snapshots_) == 4
    for saved, original in zip(loaded.snapshots_, reg.snapshots_, strict=True):
        assert saved["step"] == original["step"]
        for part in ("coefs", "intercepts", "coords"):
            for a, b in zip(saved[part], original[part], strict=True):
                np.testing.assert_array_equal(a, b)
    from skbimt.inspection import animate_training

    # The snapshots are usable, not dropped: the animation renders.
    animate_training(loaded, tmp_path / "training.gif", dpi=20)
    assert (tmp_path / "training.gif").stat().st_size > 0


def test_a_pipeline_is_refused_with_what_to_do_instead(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_symbolic("a", 50, random_state=0)
    pipeline = make_pipeline(StandardScaler(), BIMTRegressor(max_iter=5)).fit(X, y)
    with pytest.raises(TypeError, match="pipeline\\[-1\\].*joblib.dump"):
        skbimt.save(pipeline, tmp_path / "p.skbimt")
    assert not (tmp_path / "p.skbimt").exists()
    skbimt.save(pipeline[-1], tmp_path / "p.skbimt")


def test_files_of_the_previous_format_still_load(tmp_path):
    # skbimt 0.1 stored the trained weights as coefs_ (it did not scale data),
    # y_is_1d and classes_ beside their dtype.
    X, y = make_modular_addition(5)
    clf = BIMTClassifier(embedding_dim=2, max_iter=50, random_state=0).fit(X, y)
    old = {
        "format": "skbimt-safe-1",
        "class": "BIMTClassifier",
        "params": json.dumps({**clf.get_params(), "device": "cpu"}),
        "metadata": json.dumps(
            {
                "n_iter_": 50,
                "n_layers_": 4,
                "n_outputs_": 5,
                "n_features_in_": 2,
                "vocab_size_": 5,
                "classes_": clf.classes_.tolist(),
                "classes_dtype": clf.classes_.dtype.str,
            }
        ),
        "tensors": {
            "coefs_": [torch.tensor(w) for w in clf.coefs_],
            "intercepts_": [torch.tensor(b) for b in clf.intercepts_],
            "embedding_": torch.tensor(clf.embedding_),
            "loss_curve_": torch.tensor(clf.loss_curve_),
            "assignments": [torch.tensor(a) for a in clf.geometry_.get_state()],
        },
    }
    old_params = json.loads(old["params"])
    for new in (
        "standardize",
        "early_stopping",
        "validation_fraction",
        "tol",
        "n_iter_no_change",
        "dtype",
    ):
        old_params.pop(new)
    old["params"] = json.dumps(old_params)
    torch.save(old, tmp_path / "old.skbimt")
    loaded = skbimt.load(tmp_path / "old.skbimt")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.x_mean_ is None


def test_a_regressor_saved_without_a_target_range_predicts_as_then(tmp_path):
    # Files written before regressors kept y_min_ and y_max_: the loaded
    # estimator does not clip (it has no range to clip to) and says so.
    X, y = make_symbolic("a", 50, random_state=0)
    reg = BIMTRegressor(max_iter=20, random_state=0).fit(X, y[:, 0])
    skbimt.save(reg, tmp_path / "model.skbimt")
    content = torch.load(tmp_path / "model.skbimt", weights_only=True)
    del content["tensors"]["y_min_"], content["tensors"]["y_max_"]
    params = json.loads(content["params"])
    del params["clip_predictions"]
    content["params"] = json.dumps(params)
    torch.save(content, tmp_path / "older.skbimt")
    loaded = skbimt.load(tmp_path / "older.skbimt")
    assert loaded.clip_predictions is False
    np.testing.assert_array_equal(
        loaded.predict(10 * X), reg.set_params(clip_predictions=False).predict(10 * X)
    )
    assert not np.array_equal(
        loaded.predict(10 * X), reg.set_params(clip_predictions=True).predict(10 * X)
    )
