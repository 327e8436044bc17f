"""Connectivity graphs: what is drawn matches the weights, labels and modules."""

import os

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.text import Text
from mpl_toolkits.mplot3d.art3d import Line3DCollection
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt.inspection import NetworkDisplay, active_neuron_masks, active_weight_masks
from skbimt.inspection._plot import INACTIVE_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR

from .. import models
from ..outcomes import outcome

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def moons_classifier(moons):
    """Two-moon classifier fitted on a DataFrame with string class labels."""
    return moons[0]


@pytest.fixture(scope="module")
def image_classifier():
    """A network on 6x6 'images': it lives in 3D."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 36))
    y = (X[:, :18].sum(axis=1) > 9).astype(int)
    return BIMTClassifier(
        hidden_layer_sizes=(9, 9), input_shape=(6, 6), max_iter=100, random_state=0
    ).fit(X, y)


def draw_fitted(estimator, ax=None, **options):
    """Axes of ``NetworkDisplay.from_estimator``."""
    return NetworkDisplay.from_estimator(estimator, ax=ax, **options).ax_


def draw_weights(
    coefs, coords, ax=None, *, modules=None, neuron_labels=None, **options
):
    """Axes of a ``NetworkDisplay`` of bare weights, modules coloured if given."""
    display = NetworkDisplay(
        coefs, coords, modules=modules, neuron_labels=neuron_labels
    )
    options = {"legend": False, "color_modules": modules is not None, **options}
    return display.plot(ax, **options).ax_


def weight_collections(ax):
    collections = {
        c.get_gid(): c for c in ax.collections if isinstance(c, LineCollection)
    }
    return [collections[f"weights_{i}"] for i in range(len(collections))]


def texts(ax, gid):
    return [t.get_text() for t in ax.findobj(Text) if t.get_gid() == gid]


def drawn_weight(segment, pre, post):
    """(row, column) of the weight whose line is ``segment``."""
    row = np.flatnonzero(np.all(np.isclose(pre, segment[0]), axis=1))
    col = np.flatnonzero(np.all(np.isclose(post, segment[1]), axis=1))
    assert len(row) == 1 and len(col) == 1
    return row[0], col[0]


@pytest.mark.parametrize("threshold", [0.0, 0.05, 0.3])
def test_one_collection_per_weight_matrix_with_one_line_per_visible_weight(
    moons_classifier, threshold
):
    ax = draw_fitted(moons_classifier, threshold=threshold)
    collections = weight_collections(ax)
    assert len(collections) == len(moons_classifier.scaled_coefs_)
    for weight, collection in zip(
        moons_classifier.scaled_coefs_, collections, strict=True
    ):
        visible = np.abs(weight) > threshold * np.abs(weight).max()
        assert len(collection.get_segments()) == visible.sum()
    if threshold == 0.0:  # every non-zero weight is drawn, as in the paper
        assert sum(len(c.get_segments()) for c in collections) == sum(
            np.count_nonzero(w) for w in moons_classifier.scaled_coefs_
        )


@outcome(at_least=1)
def moons_weights_of_each_sign(seed):
    """Fewer of positive and negative weights in any matrix."""
    coefs = models.moons(seed)[0].scaled_coefs_
    return min(min((w > 0).sum(), (w < 0).sum()) for w in coefs)


@pytest.mark.trained
def test_lines_join_the_right_neurons_with_sign_colour_and_relative_width(
    moons_classifier,
):
    moons_weights_of_each_sign.check()
    max_linewidth = 3.0
    ax = draw_fitted(moons_classifier, max_linewidth=max_linewidth)
    coords = moons_classifier.coords_
    for layer, (weight, collection) in enumerate(
        zip(moons_classifier.scaled_coefs_, weight_collections(ax), strict=True)
    ):
        colors = collection.get_colors()
        widths = np.broadcast_to(collection.get_linewidths(), len(colors))
        largest = np.abs(weight).max()
        for segment, color, width in zip(
            collection.get_segments(), colors, widths, strict=True
        ):
            row, col = drawn_weight(segment, coords[layer], coords[layer + 1])
            value = weight[row, col]
            expected = POSITIVE_COLOR if value > 0 else NEGATIVE_COLOR
            np.testing.assert_allclose(color, to_rgba(expected))
            np.testing.assert_allclose(width, max_linewidth * abs(value) / largest)
        assert widths.max() == pytest.approx(max_linewidth)


def test_labels_are_feature_names_and_class_labels(moons_classifier):
    ax = draw_fitted(moons_classifier)
    assert sorted(texts(ax, "input_label")) == ["height", "width"]
    assert sorted(texts(ax, "output_label")) == ["lower", "upper"]
    # Every label sits at its own neuron: input j is feature j.
    for annotation in ax.findobj(Text):
        if annotation.get_gid() == "input_label":
            j = list(moons_classifier.feature_names_in_).index(annotation.get_text())
            np.testing.assert_allclose(annotation.xy, moons_classifier.coords_[0][j])
    ax = draw_fitted(moons_classifier, labels=False)
    assert texts(ax, "input_label") == texts(ax, "output_label") == []


def test_regressor_outputs_are_labelled_by_target_index():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (50, 3))
    y = np.column_stack([X[:, 0], X[:, 1] * X[:, 2]])
    reg = BIMTRegressor(hidden_layer_sizes=(5,), max_iter=20, random_state=0).fit(X, y)
    ax = draw_fitted(reg)
    assert sorted(texts(ax, "input_label")) == ["x0", "x1", "x2"]
    assert sorted(texts(ax, "output_label")) == ["y0", "y1"]


@outcome(at_least=1)
def moons_inactive_and_active_neurons(seed):
    """Fewer of the two kinds: the colour test needs both to mean anything."""
    modules = np.concatenate(models.moons(seed)[0].modules_)
    return min((modules == -1).sum(), (modules >= 0).sum())


@pytest.mark.trained
def test_color_modules_greys_inactive_neurons(moons_classifier):
    moons_inactive_and_active_neurons.check()
    ax = draw_fitted(moons_classifier, color_modules=True)
    (neurons,) = [c for c in ax.collections if c.get_gid() == "neurons"]
    modules = np.concatenate(moons_classifier.modules_)
    colors = neurons.get_facecolors()
    assert len(colors) == len(modules) == sum(len(c) for c in moons_classifier.coords_)
    inactive = np.all(np.isclose(colors, to_rgba(INACTIVE_COLOR)), axis=1)
    np.testing.assert_array_equal(inactive, modules == -1)
    # Neurons of one module share a colour; different modules differ.
    for label in np.unique(modules[modules >= 0]):
        assert len(np.unique(colors[modules == label], axis=0)) == 1
    active_colors = {tuple(colors[modules == m][0]) for m in np.unique(modules)}
    assert len(active_colors) == len(np.unique(modules))
    # Without modules: active neurons black, inactive ones grey.
    plain = draw_fitted(moons_classifier)
    (neurons,) = [c for c in plain.collections if c.get_gid() == "neurons"]
    colors = neurons.get_facecolors()
    active = np.concatenate(active_neuron_masks(moons_classifier.scaled_coefs_))
    np.testing.assert_array_equal(
        np.all(np.isclose(colors, to_rgba("black")), axis=1), active
    )
    np.testing.assert_array_equal(
        np.all(np.isclose(colors, to_rgba(INACTIVE_COLOR)), axis=1), ~active
    )


def test_given_axes_is_drawn_on_and_returned(moons_classifier):
    fig, axes = plt.subplots(1, 2)
    assert draw_fitted(moons_classifier, ax=axes[1]) is axes[1]
    assert not axes[0].collections
    assert len(weight_collections(axes[1])) == len(moons_classifier.scaled_coefs_)


def test_nothing_is_saved_or_shown(
    moons_classifier, image_classifier, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)

    def refuse(*args, **kwargs):
        raise AssertionError("NetworkDisplay must not show or save figures")

    monkeypatch.setattr(plt, "show", refuse)
    monkeypatch.setattr(plt.Figure, "savefig", refuse)
    ax = draw_fitted(moons_classifier, color_modules=True)
    ax.figure.canvas.draw()
    draw_fitted(image_classifier).figure.canvas.draw()
    assert os.listdir(tmp_path) == []


def test_image_network_is_drawn_in_3d(image_classifier):
    ax = draw_fitted(image_classifier)
    assert ax.name == "3d"
    collections = weight_collections(ax)
    assert all(isinstance(c, Line3DCollection) for c in collections)
    ax.figure.canvas.draw()
    visible = active_weight_masks(image_classifier.scaled_coefs_)
    for mask, collection in zip(visible, collections, strict=True):
        assert len(collection.get_segments()) == mask.sum() > 0
        assert len(collection.get_colors()) == mask.sum()
    # 36 pixels stay unlabelled by default; the two classes are labelled.
    assert texts(ax, "input_label") == []
    assert sorted(texts(ax, "output_label")) == ["0", "1"]
    assert sorted(
        texts(draw_fitted(image_classifier, labels=True), "input_label")
    ) == sorted(f"x{i}" for i in range(36))


def test_image_network_on_given_3d_axes(image_classifier):
    ax = plt.figure().add_subplot(projection="3d")
    assert draw_fitted(image_classifier, ax=ax, threshold=0.5) is ax
    for weight, collection in zip(
        image_classifier.scaled_coefs_, weight_collections(ax), strict=True
    ):
        visible = np.abs(weight) > 0.5 * np.abs(weight).max()
        assert len(collection.get_linewidths()) == visible.sum()


def test_axes_of_the_wrong_dimension_are_refused(moons_classifier, image_classifier):
    _, flat = plt.subplots()
    with pytest.raises(ValueError, match="lives in 3D.*projection='3d'"):
        draw_fitted(image_classifier, ax=flat)
    solid = plt.figure().add_subplot(projection="3d")
    with pytest.raises(ValueError, match="lives in 2D"):
        draw_fitted(moons_classifier, ax=solid)


def test_snapshots_draw_like_the_fitted_network():
    X, y = make_moons(100, noise=0.1, random_state=0)
    clf = BIMTClassifier(
        hidden_layer_sizes=(6, 6), max_iter=60, snapshot_every=30, random_state=0
    ).fit(X, y)
    last = clf.snapshots_[-1]
    a = draw_weights(last["coefs"], last["coords"], neuron_labels=clf.neuron_labels())
    b = draw_fitted(clf)
    for ca, cb in zip(weight_collections(a), weight_collections(b), strict=True):
        np.testing.assert_allclose(
            np.asarray(ca.get_segments()), np.asarray(cb.get_segments())
        )
        np.testing.assert_allclose(ca.get_linewidths(), cb.get_linewidths())
    assert texts(a, "output_label") == texts(b, "output_label")
    first = clf.snapshots_[0]
    assert draw_weights(first["coefs"], first["coords"], ax=plt.gca()) is plt.gca()


def test_all_zero_weight_matrix_draws_an_empty_collection():
    coefs = [np.ones((2, 3)), np.zeros((3, 1))]
    coords = [
        np.column_stack([np.arange(n), np.full(n, i)]) for i, n in enumerate((2, 3, 1))
    ]
    ax = draw_weights(coefs, coords)
    assert [len(c.get_segments()) for c in weight_collections(ax)] == [6, 0]


def test_large_network_draws_lines_in_one_collection_per_matrix():
    # 784-100-100-10: ~89,000 lines in three collections (how fast that is,
    # is measured in benchmarks/, not here). By default only lines above 1 %
    # of their matrix's heaviest are drawn; threshold=0 draws every one.
    rng = np.random.RandomState(0)
    sizes = (784, 100, 100, 10)
    coefs = [
        rng.normal(size=shape) for shape in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    coords = [
        np.column_stack([np.linspace(0, 2, n), np.full(n, 0.1 * i)])
        for i, n in enumerate(sizes)
    ]
    ax = draw_weights(coefs, coords, threshold=0, max_lines=None)
    ax.figure.canvas.draw()
    assert [len(c.get_segments()) for c in weight_collections(ax)] == [
        w.size for w in coefs
    ]
    ax = draw_weights(coefs, coords, max_lines=None)
    assert [len(c.get_segments()) for c in weight_collections(ax)] == [
        mask.sum() for mask in active_weight_masks(coefs)
    ]
    assert all(mask.sum() < mask.size for mask in active_weight_masks(coefs))
    # By default at most 30,000 lines, the heaviest.
    ax = draw_weights(coefs, coords)
    assert sum(len(c.get_segments()) for c in weight_collections(ax)) == 30_000


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"threshold": -0.1}, "threshold must be a number in \\[0, 1\\]"),
        ({"threshold": 2}, "threshold must be a number in \\[0, 1\\]"),
        ({"labels": "some"}, "labels must be True, False or 'auto'"),
        ({"max_linewidth": 0}, "max_linewidth must be positive"),
    ],
)
def test_bad_options_are_refused(moons_classifier, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_fitted(moons_classifier, **kwargs)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_unfitted_or_foreign_estimator_is_refused():
    with pytest.raises(NotFittedError):
        draw_fitted(BIMTClassifier())
    X, y = make_moons(20, random_state=0)
    other = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5).fit(X, y)
    with pytest.raises(TypeError, match="fitted BIMTRegressor or BIMTClassifier"):
        draw_fitted(other)


def test_mismatched_weights_and_positions_are_refused():
    coefs = [np.ones((2, 3)), np.ones((3, 1))]
    with pytest.raises(ValueError, match="one array per neuron layer"):
        draw_weights(coefs, [np.zeros((2, 2)), np.zeros((3, 2))])
    with pytest.raises(ValueError, match="coords\\[1\\] has 4 rows"):
        draw_weights(coefs, [np.zeros((2, 2)), np.zeros((4, 2)), np.zeros((1, 2))])
    with pytest.raises(ValueError, match="\\(n_neurons, 2\\)"):
        draw_weights(coefs, [np.zeros((2, 4)), np.zeros((3, 4)), np.zeros((1, 4))])
    with pytest.raises(ValueError, match="modules must hold one entry per neuron"):
        draw_weights(
            coefs,
            [np.zeros((n, 2)) for n in (2, 3, 1)],
            modules=[[0, 0], [0, 0, 0], [0, 0]],
        )
    with pytest.raises(ValueError, match="neuron_labels must hold one entry"):
        draw_weights(
            coefs,
            [np.zeros((n, 2)) for n in (2, 3, 1)],
            neuron_labels=[["a"], ["b"] * 3, ["c"]],
        )


def test_token_embeddings_are_drawn_in_rows_labelled_by_token():
    # Paper, Figure 5: the tokens' embeddings share positions, so each token
    # gets its own row below the previous one and one label.
    X = pd.DataFrame({"a": np.repeat(np.arange(5), 5), "b": np.tile(np.arange(5), 5)})
    y = (X["a"] + X["b"]) % 5
    clf = BIMTClassifier(
        hidden_layer_sizes=(6,), embedding_dim=3, max_iter=30, random_state=0
    ).fit(X, y)
    ax = draw_fitted(clf)
    (neurons,) = [c for c in ax.collections if c.get_gid() == "neurons"]
    inputs = neurons.get_offsets()[:6]
    np.testing.assert_allclose(inputs[:3, 0], inputs[3:, 0])  # same x
    assert (inputs[3:, 1] < inputs[:3, 1]).all()  # token "b" drawn below "a"
    assert sorted(texts(ax, "input_label")) == ["a", "b"]
    segments = weight_collections(ax)[0].get_segments()
    assert len(segments) == active_weight_masks(clf.scaled_coefs_)[0].sum()
