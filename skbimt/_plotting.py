"""Connectivity graphs of fitted BIMT networks, drawn with matplotlib."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

POSITIVE_COLOR = "tab:blue"
NEGATIVE_COLOR = "tab:red"


def plot_network(estimator, ax=None, *, threshold=0.0, color_modules=False,
                 max_linewidth=2.0, labels=True):
    """Draw the connectivity graph of a fitted BIMT estimator (paper, section 2).

    Each weight is a line between its neurons, its width ``|w|`` divided by
    the largest ``|w|`` of its weight matrix (times ``max_linewidth``), blue
    when positive and red when negative. Neurons sit at ``coords_``.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.
    threshold : float, default=0.0
        Hide lines whose normalised width is at most this.
    color_modules : bool, default=False
        Colour neurons by ``modules_`` (inactive neurons grey).
    max_linewidth : float, default=2.0
        Width of the heaviest line of each layer.
    labels : bool, default=True
        Write input and output labels.

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    check_is_fitted(estimator)
    coords = [c[:, [0, -1]] for c in estimator.coords_]
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    for layer, weight in enumerate(estimator.coefs_):
        largest = np.abs(weight).max()
        if largest == 0:
            continue
        normalised = weight / largest
        rows, cols = np.nonzero(np.abs(normalised) > threshold)
        segments = np.stack(
            [coords[layer][rows], coords[layer + 1][cols]], axis=1
        )
        values = normalised[rows, cols]
        ax.add_collection(
            LineCollection(
                segments,
                linewidths=np.abs(values) * max_linewidth,
                colors=np.where(values > 0, POSITIVE_COLOR, NEGATIVE_COLOR),
            )
        )
    all_points = np.vstack(coords)
    if color_modules:
        modules = np.concatenate(estimator.modules_)
        colors = np.where(modules[:, None] < 0, 0.8, plt.cm.tab10(modules % 10)[:, :3])
    else:
        colors = "black"
    ax.scatter(all_points[:, 0], all_points[:, 1], s=12, c=colors, zorder=3)
    if labels:
        names = estimator.neuron_labels()
        span = np.ptp(all_points[:, 1]) or 1.0
        for layer, offset, va in ((0, -0.04, "top"), (-1, 0.04, "bottom")):
            for (x, y), name in zip(coords[layer], names[layer], strict=True):
                ax.text(x, y + offset * span, name, ha="center", va=va, fontsize=8)
    ax.set_axis_off()
    ax.autoscale_view()
    ax.margins(0.08)
    return ax
