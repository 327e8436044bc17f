"""NetworkDisplay: scikit-learn's Display convention, pipelines, names, legend."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text
from sklearn.datasets import load_breast_cancer, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt.inspection import NetworkDisplay, active_weight_masks

from .figures import assert_texts_inside

pd = pytest.importorskip("pandas")


def _texts(display, gid):
    return [t.get_text() for t in display.ax_.findobj(Text) if t.get_gid() == gid]


@pytest.fixture(scope="module")
def cancer():
    data = load_breast_cancer(as_frame=True)
    return data.data, data.target, list(data.target_names)


@pytest.fixture(scope="module")
def cancer_pipeline(cancer):
    X, y, _ = cancer
    model = BIMTClassifier(hidden_layer_sizes=(8, 8), max_iter=200, random_state=0)
    return make_pipeline(StandardScaler(), model).fit(X, y)


def test_from_estimator_follows_the_display_convention(cancer_pipeline):
    display = NetworkDisplay.from_estimator(cancer_pipeline[-1])
    assert display.figure_ is display.ax_.figure
    network = cancer_pipeline[-1]
    assert len(display.weight_lines_) == len(network.scaled_coefs_)
    assert len(display.neurons_.get_offsets()) == sum(len(c) for c in network.coords_)
    # plot() draws the same network again on any Axes.
    fig, (left, right) = plt.subplots(1, 2)
    again = display.plot(ax=right, legend=False)
    assert again is display and display.ax_ is right and display.legend_ is None
    assert not left.collections
    assert NetworkDisplay.from_estimator(network, ax=left).ax_ is left


def test_pipeline_inputs_are_named_by_the_steps_before(cancer, cancer_pipeline):
    X, _, target_names = cancer
    display = NetworkDisplay.from_estimator(cancer_pipeline, labels=True)
    # StandardScaler hands numpy to the network; the names come from it.
    assert getattr(cancer_pipeline[-1], "feature_names_in_", None) is None
    assert sorted(_texts(display, "input_label")) == sorted(X.columns)
    assert sorted(_texts(display, "output_label")) == ["0", "1"]
    named = NetworkDisplay.from_estimator(cancer_pipeline, target_names=target_names)
    assert sorted(_texts(named, "output_label")) == sorted(target_names)


def test_a_selecting_step_names_the_kept_inputs(cancer):
    X, y, _ = cancer
    pipe = make_pipeline(
        SelectKBest(f_classif, k=5),
        BIMTClassifier(hidden_layer_sizes=(4,), max_iter=50, random_state=0),
    ).fit(X, y)
    display = NetworkDisplay.from_estimator(pipe)
    assert sorted(_texts(display, "input_label")) == sorted(
        pipe[0].get_feature_names_out()
    )


def test_a_step_without_feature_names_falls_back_to_positions(cancer):
    X, y, _ = cancer
    pipe = make_pipeline(
        FunctionTransformer(np.asarray),
        BIMTClassifier(hidden_layer_sizes=(4,), max_iter=50, random_state=0),
    ).fit(X, y)
    display = NetworkDisplay.from_estimator(pipe)
    assert sorted(_texts(display, "input_label")) == sorted(f"x{i}" for i in range(30))


def test_regression_target_is_named_by_the_series():
    X, y = make_regression(60, n_features=3, random_state=0)
    X = pd.DataFrame(X, columns=["area", "rooms", "age"])
    y = pd.Series(y, name="price")
    pipe = make_pipeline(
        StandardScaler(), BIMTRegressor(hidden_layer_sizes=(5,), max_iter=50)
    ).fit(X, y)
    display = NetworkDisplay.from_estimator(pipe)
    assert _texts(display, "output_label") == ["price"]
    assert sorted(_texts(display, "input_label")) == ["age", "area", "rooms"]
    renamed = NetworkDisplay.from_estimator(
        pipe, feature_names=["a", "b", "c"], target_names=["cents"]
    )
    assert _texts(renamed, "output_label") == ["cents"]
    assert sorted(_texts(renamed, "input_label")) == ["a", "b", "c"]


def test_legend_explains_signs_widths_modules_and_q(cancer_pipeline):
    network = cancer_pipeline[-1]
    display = NetworkDisplay.from_estimator(cancer_pipeline, color_modules=True)
    entries = [t.get_text() for t in display.legend_.get_texts()]
    assert {"positive weight", "negative weight", "inactive neuron"} <= set(entries)
    assert any(entry.startswith("|w| = largest") for entry in entries)
    modules = np.unique(np.concatenate(network.modules_))
    assert [e for e in entries if e.startswith("module ")] == [
        f"module {m}" for m in modules[modules >= 0]
    ]
    assert f"Q = {network.modularity_:.2f} (modularity_)" in entries
    plain = NetworkDisplay.from_estimator(cancer_pipeline, color_modules=False)
    plain_entries = [t.get_text() for t in plain.legend_.get_texts()]
    assert "active neuron" in plain_entries
    assert not any(e.startswith("module ") for e in plain_entries)


def test_only_visible_weights_are_drawn_by_default(cancer_pipeline):
    network = cancer_pipeline[-1]
    display = NetworkDisplay.from_estimator(network)
    visible = active_weight_masks(network.scaled_coefs_)
    assert [len(c.get_segments()) for c in display.weight_lines_] == [
        m.sum() for m in visible
    ]
    every = NetworkDisplay.from_estimator(network, threshold=0)
    assert [len(c.get_segments()) for c in every.weight_lines_] == [
        np.count_nonzero(w) for w in network.scaled_coefs_
    ]


def test_long_names_and_legend_are_not_clipped(cancer_pipeline):
    display = NetworkDisplay.from_estimator(cancer_pipeline, color_modules=True)
    assert_texts_inside(display.figure_)
    labelled = NetworkDisplay.from_estimator(
        cancer_pipeline, color_modules=True, labels=True
    )
    assert_texts_inside(labelled.figure_)


def segments(ax):
    return [np.asarray(c.get_segments()) for c in drawn_weights(ax)]


def drawn_weights(ax):
    by_gid = {c.get_gid(): c for c in ax.collections}
    return [
        by_gid[f"weights_{i}"]
        for i in range(len(ax.collections))
        if f"weights_{i}" in by_gid
    ]


def test_plot_network_and_plot_connectivity_are_deprecated_aliases(cancer_pipeline):
    from skbimt.inspection import plot_connectivity, plot_network

    network = cancer_pipeline[-1]
    display = NetworkDisplay.from_estimator(network, threshold=0.05)
    with pytest.warns(FutureWarning, match="plot_network is deprecated") as record:
        ax = plot_network(network, threshold=0.05)
    assert record[0].filename == __file__
    with pytest.warns(FutureWarning, match="plot_connectivity is deprecated"):
        bare = plot_connectivity(network.scaled_coefs_, network.coords_)
    direct = NetworkDisplay(network.scaled_coefs_, network.coords_).plot(legend=False)
    # The same drawing as the Display they call.
    for pair in (
        (segments(ax), segments(display.ax_)),
        (segments(bare), segments(direct.ax_)),
    ):
        for got, expected in zip(*pair, strict=True):
            np.testing.assert_array_equal(got, expected)
    assert len(drawn_weights(ax)) == len(network.scaled_coefs_)


def test_3d_network_and_its_legend_are_not_clipped():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 36))
    y = np.where(X[:, :18].sum(axis=1) > 9, "left half", "right half")
    clf = BIMTClassifier(
        hidden_layer_sizes=(9, 9), input_shape=(6, 6), max_iter=50, random_state=0
    ).fit(X, y)
    display = NetworkDisplay.from_estimator(clf, color_modules=True)
    assert display.ax_.name == "3d"
    assert_texts_inside(display.figure_)
    # Every visible line is drawn, and the legend does not claim a cap (3D
    # collections hold their segments only once projected by a draw).
    visible = sum(int(m.sum()) for m in active_weight_masks(clf.scaled_coefs_))
    assert visible < 30_000
    assert sum(len(lines._segments3d) for lines in display.weight_lines_) == visible
    entries = [text.get_text() for text in display.legend_.get_texts()]
    assert not any("heaviest" in entry for entry in entries)


def test_bad_requests_are_refused(cancer, cancer_pipeline):
    X, y, _ = cancer
    with pytest.raises(ValueError, match="target_names must hold 2 names"):
        NetworkDisplay.from_estimator(cancer_pipeline, target_names=["one"])
    with pytest.raises(ValueError, match="feature_names must hold 30 names"):
        NetworkDisplay.from_estimator(cancer_pipeline, feature_names="abc")
    with pytest.raises(TypeError, match="got an object of type LogisticRegression"):
        NetworkDisplay.from_estimator(
            make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
        )
    with pytest.raises(NotFittedError, match="call its fit"):
        NetworkDisplay.from_estimator(make_pipeline(StandardScaler(), BIMTClassifier()))
    network = cancer_pipeline[-1]
    bare = NetworkDisplay(network.scaled_coefs_, network.coords_)
    with pytest.raises(ValueError, match="color_modules=True needs the modules"):
        bare.plot(color_modules=True)
    with pytest.raises(ValueError, match="neuron_labels must hold one entry"):
        NetworkDisplay(
            network.scaled_coefs_, network.coords_, neuron_labels=[["a"]]
        ).plot()


def test_max_lines_keeps_the_heaviest_lines_and_says_so():
    rng = np.random.RandomState(0)
    sizes = (40, 30, 5)
    coefs = [rng.normal(size=shape) for shape in zip(sizes[:-1], sizes[1:])]
    coords = [
        np.column_stack([np.linspace(0, 2, n), np.full(n, 0.1 * i)])
        for i, n in enumerate(sizes)
    ]
    display = NetworkDisplay(coefs, coords).plot(max_lines=100)
    widths = np.concatenate([c.get_linewidths() for c in display.weight_lines_])
    assert len(widths) == 100
    # The drawn lines are the 100 heaviest relative to their matrix.
    relative = np.concatenate([np.abs(w).ravel() / np.abs(w).max() for w in coefs])
    np.testing.assert_allclose(np.sort(widths / 2.0), np.sort(relative)[-100:])
    entries = [t.get_text() for t in display.legend_.get_texts()]
    passing = int((relative > 0.01).sum())
    assert f"heaviest 100 of {passing:,} drawn" in entries
    uncapped = NetworkDisplay(coefs, coords).plot(max_lines=None)
    assert sum(len(c.get_segments()) for c in uncapped.weight_lines_) == passing
    with pytest.raises(ValueError, match="max_lines must be a positive integer"):
        NetworkDisplay(coefs, coords).plot(max_lines=0)


def test_a_network_without_width_is_drawn_spread_out():
    # A=0 (the L1 ablation) puts every neuron of a layer at one point.
    X, y = make_regression(60, 3, random_state=0)
    model = BIMTRegressor(
        hidden_layer_sizes=(5,), A=0.0, swap_every=None, max_iter=20, random_state=0
    ).fit(X, y)
    assert np.ptp(model.coords_[1][:, 0]) == 0
    display = NetworkDisplay.from_estimator(model, threshold=0)
    drawn = display.neurons_.get_offsets()
    hidden_x = np.sort(np.asarray(drawn[3:8])[:, 0])
    np.testing.assert_allclose(hidden_x, (np.arange(5) + 0.5) / 5)
    assert np.asarray(drawn)[8, 0] == 0.5  # the single output, centred
    # Widthless layers of the user's own coordinates are left as given.
    raw = NetworkDisplay(model.scaled_coefs_, model.coords_).plot()
    assert np.ptp(np.asarray(raw.neurons_.get_offsets())[3:8, 0]) == 0
