"""scikit-learn conformance of every public estimator, and BIMT behaviour."""

import inspect
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import load_diabetes, load_iris, make_moons
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_classifiers_train,
    check_regressors_train,
    parametrize_with_checks,
)

import skbimt
from skbimt import BIMTClassifier, BIMTRegressor
from skbimt.datasets import make_symbolic


def public_estimators():
    """Every estimator class exported by skbimt, found by introspection."""
    return [
        obj
        for name in skbimt.__all__
        if inspect.isclass(obj := getattr(skbimt, name))
        and issubclass(obj, BaseEstimator)
    ]


def quick_instance(cls):
    # Like scikit-learn's own MLP checks: fewer steps keep the suite fast.
    if issubclass(cls, skbimt.BIMTPruner):
        return cls(BIMTRegressor(max_iter=300, random_state=0))
    return cls(max_iter=300, random_state=0)


def test_discovery_finds_the_estimators():
    assert {BIMTRegressor, BIMTClassifier, skbimt.BIMTPruner} <= set(
        public_estimators()
    )


@parametrize_with_checks([quick_instance(cls) for cls in public_estimators()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.slow
def test_default_regressor_fits_sklearn_regression_check():
    # check_regressors_train asserts R^2 > 0.5 with default parameters.
    check_regressors_train("BIMTRegressor", BIMTRegressor())


@pytest.mark.slow
def test_default_classifier_fits_sklearn_classification_check():
    # check_classifiers_train asserts accuracy > 0.83 with default parameters.
    check_classifiers_train("BIMTClassifier", BIMTClassifier())


def symbolic_a(n_samples=300, seed=0):
    return make_symbolic("a", n_samples, random_state=seed)


def test_same_seed_is_bit_identical_swaps_included():
    X, y = symbolic_a()
    params = dict(max_iter=800, swap_every=100, random_state=3)
    a = BIMTRegressor(**params).fit(X, y)
    b = BIMTRegressor(**params).fit(X, y)
    assert a.swap_counts_.sum() > 0
    for wa, wb in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_array_equal(wa, wb)
    for ca, cb in zip(a.coords_, b.coords_, strict=True):
        np.testing.assert_array_equal(ca, cb)
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)
    c = BIMTRegressor(**{**params, "random_state": 4}).fit(X, y)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_minibatches_are_seeded_too():
    X, y = symbolic_a()
    params = dict(max_iter=200, batch_size=32, random_state=0)
    a = BIMTRegressor(**params).fit(X, y)
    b = BIMTRegressor(**params).fit(X, y)
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)


def test_fitted_attributes_have_documented_shapes():
    X, y = symbolic_a()
    reg = BIMTRegressor(hidden_layer_sizes=(7, 5), max_iter=50).fit(X, y)
    assert [w.shape for w in reg.coefs_] == [(4, 7), (7, 5), (5, 2)]
    assert [b.shape for b in reg.intercepts_] == [(7,), (5,), (2,)]
    assert [c.shape for c in reg.coords_] == [(4, 2), (7, 2), (5, 2), (2, 2)]
    assert [m.shape for m in reg.modules_] == [(4,), (7,), (5,), (2,)]
    assert reg.n_iter_ == 50
    assert reg.loss_curve_.shape == reg.connection_cost_curve_.shape == (50,)
    assert -0.5 <= reg.modularity_ <= 1
    assert reg.n_layers_ == 4 and reg.n_outputs_ == 2
    assert reg.module_.weights[0].dtype == skbimt._network.torch.float64


def test_connection_cost_curve_is_eq_3_of_the_weights():
    X, y = symbolic_a()
    reg = BIMTRegressor(max_iter=1, swap_every=None, random_state=0).fit(X, y)
    # Recompute the cost of the initial weights from the same seed.
    zero_step = BIMTRegressor(
        max_iter=1, learning_rate=1e-30, swap_every=None, random_state=0
    ).fit(X, y)
    geometry = zero_step.geometry_
    expected = sum(
        (geometry.distance(c) * np.abs(w)).sum() for c, w in enumerate(zero_step.coefs_)
    ) + 0.1 * sum(np.abs(b).sum() for b in zero_step.intercepts_)
    assert reg.connection_cost_curve_[0] == pytest.approx(expected, rel=1e-5)


def test_regularization_strength_sparsifies():
    X, y = symbolic_a()
    common = dict(max_iter=1500, random_state=0, swap_every=None)
    vanilla = BIMTRegressor(lambda_schedule=0.0, **common).fit(X, y)
    strong = BIMTRegressor(lambda_schedule=1e-2, **common).fit(X, y)
    assert strong.connection_cost_curve_[-1] < 0.5 * vanilla.connection_cost_curve_[-1]
    active = lambda est: sum(int((m >= 0).sum()) for m in est.modules_)  # noqa: E731
    assert active(strong) < active(vanilla)


def test_ablations_are_one_parameter_away():
    X, y = symbolic_a()
    l1 = BIMTRegressor(A=0.0, max_iter=300, random_state=0).fit(X, y)
    # A=0: all neurons of a layer share a position, every length is y_star.
    for c in range(len(l1.coefs_)):
        np.testing.assert_allclose(l1.geometry_.distance(c), 0.1)
    no_swap = BIMTRegressor(swap_every=None, max_iter=300, random_state=0).fit(X, y)
    assert no_swap.swap_counts_.size == 0
    for layer in no_swap.geometry_.layers:
        np.testing.assert_array_equal(layer.assignment, np.arange(layer.n_neurons))
    vanilla = BIMTRegressor(
        lambda_schedule=0.0, swap_every=None, max_iter=300, random_state=0
    ).fit(X, y)
    with_cost = BIMTRegressor(swap_every=None, max_iter=300, random_state=0).fit(X, y)
    assert not np.array_equal(vanilla.coefs_[0], with_cost.coefs_[0])


def test_swap_switches_keep_inputs_and_outputs_in_place():
    X, y = symbolic_a()
    reg = BIMTRegressor(
        swap_inputs=False,
        swap_outputs=False,
        swap_every=50,
        max_iter=600,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(reg.geometry_.layers[0].assignment, np.arange(4))
    np.testing.assert_array_equal(reg.geometry_.layers[-1].assignment, np.arange(2))
    assert reg.swap_counts_.sum() > 0


def test_image_input_shape_builds_a_3d_network():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X[:300] / 16
    clf = BIMTClassifier(
        hidden_layer_sizes=(16,), input_shape=(8, 8), max_iter=200, random_state=0
    ).fit(X, y[:300])
    assert [c.shape[1] for c in clf.coords_] == [3, 3, 3]
    np.testing.assert_array_equal(clf.geometry_.layers[0].assignment, np.arange(64))
    with pytest.raises(ValueError, match="height \\* width equal to the number"):
        BIMTClassifier(input_shape=(8, 7), max_iter=5).fit(X, y[:300])


def test_classifier_string_labels_and_probabilities():
    X, y = make_moons(120, noise=0.1, random_state=0)
    labels = np.array(["left", "right"])[y]
    clf = BIMTClassifier(max_iter=1500, random_state=0).fit(X, labels)
    assert list(clf.classes_) == ["left", "right"]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(proba), clf.predict_log_proba(X), atol=1e-10)
    assert set(clf.predict(X)) <= {"left", "right"}
    assert clf.score(X, labels) > 0.85
    assert clf.neuron_labels()[-1] == ["left", "right"]


def test_multiclass_on_iris():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = BIMTClassifier(max_iter=2000, random_state=0).fit(X, y)
    assert clf.coefs_[-1].shape[1] == 3
    assert clf.score(X, y) > 0.9


def test_regressor_single_and_multi_output():
    X, y = symbolic_a()
    single = BIMTRegressor(max_iter=100, random_state=0).fit(X, y[:, 0])
    assert single.predict(X).shape == (len(X),)
    multi = BIMTRegressor(max_iter=100, random_state=0).fit(X, y)
    assert multi.predict(X).shape == (len(X), 2)


def test_grid_search_over_lambda_in_a_pipeline_on_diabetes():
    X, y = load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    pipe = make_pipeline(
        StandardScaler(),
        BIMTRegressor(
            hidden_layer_sizes=(10,), max_iter=400, learning_rate=1e-2, random_state=0
        ),
    )
    search = GridSearchCV(
        pipe, {"bimtregressor__lambda_schedule": [1e-4, 1e-3, 1.0]}, cv=3
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    # lambda=1 wipes the network out: its score must be the worst.
    assert scores[2] < min(scores[:2])
    assert search.best_params_["bimtregressor__lambda_schedule"] in (1e-4, 1e-3)
    assert search.best_score_ > 0.3


def test_pickle_round_trip_keeps_predictions():
    X, y = symbolic_a()
    reg = BIMTRegressor(max_iter=100, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))
    assert restored.modularity_ == reg.modularity_


def test_dataframe_feature_names_label_the_inputs():
    pd = pytest.importorskip("pandas")
    X, y = symbolic_a()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    reg = BIMTRegressor(max_iter=20).fit(frame, y)
    assert list(reg.feature_names_in_) == ["a", "b", "c", "d"]
    assert reg.neuron_labels()[0] == ["a", "b", "c", "d"]


def test_verbose_prints_progress_and_swaps(capsys):
    X, y = symbolic_a()
    BIMTRegressor(max_iter=400, swap_every=100, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert "step 400/400" in out and "lambda" in out and "swaps" in out
    BIMTRegressor(max_iter=400).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_verbose_one_shows_a_progress_bar(capsys):
    pytest.importorskip("tqdm")
    X, y = symbolic_a()
    BIMTRegressor(max_iter=400, verbose=1).fit(X, y)
    err = capsys.readouterr().err
    assert "400/400" in err and "loss=" in err and "lam=" in err


def test_threads_are_restored_after_fit():
    import torch

    X, y = symbolic_a()
    torch.set_num_threads(2)
    try:
        BIMTRegressor(max_iter=5, n_threads=1).fit(X, y)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)


def test_clone_has_no_fitted_state():
    X, y = symbolic_a()
    reg = BIMTRegressor(max_iter=10).fit(X, y)
    assert not hasattr(clone(reg), "coefs_")
    assert not hasattr(clone(reg), "modules_")


def test_cuda_device_is_refused_clearly_without_a_gpu():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    X, y = symbolic_a()
    with pytest.raises(ValueError, match="no CUDA GPU"):
        BIMTRegressor(max_iter=5, device="cuda").fit(X, y)


@pytest.mark.skipif(
    not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU"
)
def test_cuda_training_matches_cpu_closely():
    X, y = symbolic_a()
    cpu = BIMTRegressor(max_iter=300, random_state=0).fit(X, y)
    gpu = BIMTRegressor(max_iter=300, random_state=0, device="cuda").fit(X, y)
    np.testing.assert_allclose(gpu.predict(X), cpu.predict(X), atol=1e-3)
    assert gpu.module_.weights[0].device.type == "cpu"


def test_warnings_are_clean_on_a_normal_fit():
    X, y = symbolic_a()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BIMTRegressor(max_iter=50).fit(X, y).predict(X)


def test_mean_cost_reduction_averages_each_tensor():
    X, y = symbolic_a()
    common = dict(
        hidden_layer_sizes=(5,),
        max_iter=1,
        swap_every=None,
        learning_rate=1e-30,
        random_state=0,
    )
    mean = BIMTRegressor(cost_reduction="mean", **common).fit(X, y)
    geometry = mean.geometry_
    expected = sum(
        (geometry.distance(c) * np.abs(w)).mean() for c, w in enumerate(mean.coefs_)
    ) + 0.1 * sum(np.abs(b).mean() for b in mean.intercepts_)
    assert mean.connection_cost_curve_[0] == pytest.approx(expected, rel=1e-5)
