"""Animation of BIMT training from the snapshots recorded during fit."""

import os
from numbers import Real

from .._connectivity import DEFAULT_THRESHOLD, modules_and_modularity
from ._checks import check_fitted_bimt
from ._plot import (
    _check_labels_option,
    _check_max_lines,
    _check_max_linewidth,
    _check_network,
    _check_threshold,
    _draw_network,
    _frame_axes,
    _line_threshold,
    _prepare_axes,
    _token_layout,
)

#: File suffixes :func:`animate_training` can write, and their writers.
WRITERS = {".gif": "pillow", ".mp4": "ffmpeg"}


def _check_snapshots(estimator):
    check_fitted_bimt(estimator, "animate_training")
    snapshots = getattr(estimator, "snapshots_", None)
    if not snapshots:
        raise ValueError(
            f"{type(estimator).__name__} has no snapshots_ to animate: it was "
            "fitted without snapshot_every. Refit with snapshot_every=N (for "
            "example max_iter // 20) to record the network every N steps."
        )
    return snapshots


def _writer(path, fps):
    """The matplotlib writer for ``path``'s suffix, with a clear error if none."""
    from matplotlib import animation

    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in WRITERS:
        raise ValueError(
            f"Cannot write an animation to {os.fspath(path)!r}: the file name "
            f"must end in one of {sorted(WRITERS)} (GIF needs only Pillow; MP4 "
            "needs ffmpeg)."
        )
    if suffix == ".mp4":
        if not animation.writers.is_available("ffmpeg"):
            raise RuntimeError(
                "Writing MP4 needs the ffmpeg program, which matplotlib cannot "
                "find on the PATH (matplotlib.animation.writers.is_available"
                "('ffmpeg') is False). Install ffmpeg, or save a GIF instead: "
                "give a path ending in '.gif'."
            )
        return animation.FFMpegWriter(fps=fps)
    return animation.PillowWriter(fps=fps)


def animate_training(
    estimator,
    path=None,
    *,
    fps=5,
    threshold=DEFAULT_THRESHOLD,
    color_modules=False,
    max_linewidth=2.0,
    labels="auto",
    node_size=None,
    max_lines=30_000,
    figsize=None,
    dpi=100,
    title=True,
):
    """Animate the connectivity graph over training, one frame per snapshot.

    Each frame draws one record of ``estimator.snapshots_`` as
    :class:`NetworkDisplay` draws the fitted network: neurons at the positions
    they had then (swaps move them), weights as blue (positive) and red
    (negative) lines of width ``|w|`` over the largest ``|w|`` of their
    matrix at that step. This shows the paper's Figure 4 (and 8) as a film.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted with ``snapshot_every`` set, so that ``snapshots_`` exists.
    path : str or path-like, default=None
        Where to save the animation: a ``.gif`` file (written with Pillow)
        or an ``.mp4`` file (needs ffmpeg on the PATH). Nothing is saved
        when None.
    fps : float, default=5
        Frames, i.e. snapshots, per second.
    threshold : float, default=0.01
        Hide lines with ``|w|`` at most ``threshold`` times the largest
        ``|w|`` of their weight matrix in that snapshot (``0``: draw every
        non-zero weight).
    color_modules : bool, default=False
        Colour neurons by the modules of each snapshot's weights (see
        :func:`skbimt.inspection.modules_and_modularity`; inactive neurons grey).
        Modules are found anew for every frame, which is slow for large
        networks, and their colours may change between frames.
    max_linewidth : float, default=2.0
        Width in points of the heaviest line of each weight matrix.
    labels : bool or "auto", default="auto"
        Whether to write input and output labels, see :meth:`NetworkDisplay.plot`.
    node_size : float, default=None
        Marker area of the neurons; None makes crowded layers smaller.
    max_lines : int or None, default=30_000
        Draw at most this many lines per frame, the heaviest; see
        :meth:`NetworkDisplay.plot`.
    figsize : tuple of float, default=None
        Figure size in inches; ``(6.5, 4)`` in 2D and ``(7, 6)`` in 3D when
        None.
    dpi : float, default=100
        Resolution of the saved frames.
    title : bool, default=True
        Write the training step of each frame as the title.

    Returns
    -------
    animation : matplotlib.animation.FuncAnimation
        The animation, one frame per snapshot. Keep a reference to it while
        it plays; in a notebook, display ``animation.to_jshtml()``.

    See Also
    --------
    NetworkDisplay : Draw the fitted network, or a single snapshot.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skbimt import BIMTClassifier
    >>> from skbimt.inspection import animate_training
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = BIMTClassifier(max_iter=500, snapshot_every=100,
    ...                      random_state=0).fit(X, y)
    >>> anim = animate_training(clf, "training.gif")  # doctest: +SKIP
    """
    from matplotlib.animation import FuncAnimation

    snapshots = _check_snapshots(estimator)
    if not isinstance(fps, Real) or isinstance(fps, bool) or not fps > 0:
        raise ValueError(f"fps must be a positive number, got {fps!r}.")
    threshold = _check_threshold(threshold)
    labels = _check_labels_option(labels)
    max_linewidth = _check_max_linewidth(max_linewidth)
    max_lines = _check_max_lines(max_lines)
    writer = None if path is None else _writer(path, fps)

    neuron_labels = estimator.neuron_labels()
    frames = []
    for snapshot in snapshots:
        coefs, coords = _check_network(snapshot["coefs"], snapshot["coords"])
        coords, input_groups = _token_layout(estimator, coords, neuron_labels)
        frames.append((coefs, coords))
    ax = _prepare_axes(None, frames[0][1], figsize=figsize)
    fig = ax.figure
    # Neurons only trade places, so one frame fits every snapshot.
    _frame_axes(ax, [layer for _, coords in frames for layer in coords])
    drawn = []

    def draw_frame(index):
        for artist in drawn:
            artist.remove()
        coefs, coords = frames[index]
        modules = modules_and_modularity(coefs)[0] if color_modules else None
        drawn[:] = _draw_network(
            ax,
            coefs,
            coords,
            modules=modules,
            neuron_labels=neuron_labels,
            labels=labels,
            threshold=_line_threshold(coefs, threshold, max_lines)[0],
            max_linewidth=max_linewidth,
            node_size=node_size,
            input_groups=input_groups,
        )
        if title:
            ax.set_title(f"step {snapshots[index]['step']}")
        return drawn

    # Lay the figure out once, with the first frame's labels, then freeze it:
    # every frame keeps room for the labels and the network does not jitter.
    draw_frame(0)
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    animation = FuncAnimation(
        fig,
        draw_frame,
        frames=len(frames),
        init_func=lambda: drawn,  # frame 0 is already drawn
        interval=1000 / fps,
        blit=False,
        repeat=True,
    )
    if writer is not None:
        animation.save(os.fspath(path), writer=writer, dpi=dpi)
    return animation
