"""Training animations from snapshots_: one frame per snapshot, clear errors."""

import matplotlib.animation
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError

from skbimt import BIMTClassifier
from skbimt.inspection import animate_training

from .figures import assert_texts_inside

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def data():
    return make_moons(100, noise=0.1, random_state=0)


@pytest.fixture(scope="module")
def snapshotted(data):
    X, y = data
    return BIMTClassifier(
        hidden_layer_sizes=(6, 6),
        max_iter=100,
        snapshot_every=20,
        swap_every=20,
        random_state=0,
    ).fit(X, y)


def test_gif_has_one_frame_per_snapshot(snapshotted, tmp_path):
    path = tmp_path / "training.gif"
    animation = animate_training(snapshotted, path, fps=4, dpi=40)
    assert isinstance(animation, matplotlib.animation.FuncAnimation)
    assert len(snapshotted.snapshots_) == 6  # steps 0, 20, ..., 100
    with Image.open(path) as gif:
        assert gif.n_frames == len(snapshotted.snapshots_)
        assert gif.info["duration"] == pytest.approx(250, abs=10)


def test_frames_show_each_snapshot(snapshotted):
    animation = animate_training(snapshotted, color_modules=True, threshold=0)
    fig = plt.gcf()  # animate_training made the current figure
    fig.canvas.draw()  # starts the animation, as plt.show() would
    ax = fig.axes[0]
    for index, snapshot in enumerate(snapshotted.snapshots_):
        animation._func(index)
        lines = [c for c in ax.collections if c.get_gid().startswith("weights_")]
        assert [len(c.get_segments()) for c in lines] == [
            np.count_nonzero(w) for w in snapshot["coefs"]
        ]
        assert ax.get_title() == f"step {snapshot['step']}"
        (neurons,) = [c for c in ax.collections if c.get_gid() == "neurons"]
        np.testing.assert_allclose(neurons.get_offsets(), np.vstack(snapshot["coords"]))


def test_without_path_nothing_is_written(snapshotted, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    animation = animate_training(snapshotted)
    plt.gcf().canvas.draw()  # starts it, as plt.show() would
    assert isinstance(animation, matplotlib.animation.FuncAnimation)
    assert list(tmp_path.iterdir()) == []


def test_fit_without_snapshots_is_refused(data):
    X, y = data
    clf = BIMTClassifier(hidden_layer_sizes=(4,), max_iter=10, random_state=0)
    with pytest.raises(NotFittedError):
        animate_training(clf)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="snapshot_every=N"):
        animate_training(clf)


def test_mp4_without_ffmpeg_suggests_gif(snapshotted, tmp_path, monkeypatch):
    monkeypatch.setattr(
        matplotlib.animation.writers, "is_available", lambda name: False
    )
    with pytest.raises(RuntimeError, match="ffmpeg.*'.gif'"):
        animate_training(snapshotted, tmp_path / "training.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(
    not matplotlib.animation.writers.is_available("ffmpeg"), reason="needs ffmpeg"
)
def test_mp4_with_ffmpeg(snapshotted, tmp_path):
    path = tmp_path / "training.mp4"
    animate_training(snapshotted, path, dpi=40)
    assert path.stat().st_size > 0


@pytest.mark.parametrize(
    "path, kwargs, error, message",
    [
        ("training.avi", {}, ValueError, "must end in one of"),
        ("training.gif", {"fps": 0}, ValueError, "fps must be a positive"),
        ("training.gif", {"threshold": 1.5}, ValueError, "threshold"),
        ("training.gif", {"labels": "yes"}, ValueError, "labels must be"),
    ],
)
def test_bad_arguments_are_refused(snapshotted, tmp_path, path, kwargs, error, message):
    with pytest.raises(error, match=message):
        animate_training(snapshotted, tmp_path / path, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_long_labels_stay_inside_every_frame():
    # Rotated feature names used to be cut off at the bottom of each frame.
    X, y = make_moons(100, noise=0.1, random_state=0)
    X = pd.DataFrame(X, columns=["a rather long feature name", "another long one"])
    clf = BIMTClassifier(
        hidden_layer_sizes=(6, 6), max_iter=40, snapshot_every=20, random_state=0
    ).fit(X, y.astype(str))
    animation = animate_training(clf)
    fig = plt.gcf()
    for index in range(len(clf.snapshots_)):
        animation._func(index)
        assert_texts_inside(fig)
