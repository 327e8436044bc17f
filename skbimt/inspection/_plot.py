"""Connectivity graphs of BIMT networks, drawn with matplotlib (paper, section 2).

A connectivity graph draws every neuron at its position and every weight as a
line between its two neurons. Line widths are ``|w|`` divided by the largest
``|w|`` of the same weight matrix, so each layer's heaviest weight has the same
width; positive weights are blue and negative ones red. Networks whose neurons
have two coordinates ``(x, height)`` are drawn in 2D; image networks, whose
neurons have three ``(x, z, height)``, in 3D as in the paper's Figure 8.

This module holds the drawing itself and the layout both pictures share;
:class:`~skbimt.inspection.NetworkDisplay` and the training animation
(:func:`skbimt.inspection.animate_training`) call it.
"""

from numbers import Integral, Real

import numpy as np

from .._connectivity import active_neuron_masks, relative_magnitudes

POSITIVE_COLOR = "tab:blue"
NEGATIVE_COLOR = "tab:red"
NEURON_COLOR = "black"
INACTIVE_COLOR = "0.75"

# Module colours: tab20 without its blues, reds and greys, which mean
# positive weights, negative weights and inactive neurons. Dark shades first.
_MODULE_PALETTE_INDICES = (2, 4, 8, 10, 12, 16, 18, 3, 5, 9, 11, 13, 17, 19)

#: ``labels="auto"`` writes the labels of input and output layers with at
#: most this many neurons (pixels of an image input are left unlabelled).
AUTO_LABEL_LIMIT = 30

_LABEL_FONTSIZE = 8
_LABEL_OFFSET_POINTS = 4


# -- checks -------------------------------------------------------------------


def _check_network(coefs, coords):
    """Validate weights and positions; return them as lists of float arrays."""
    coefs = [np.asarray(w, dtype=np.float64) for w in coefs]
    coords = [np.asarray(c, dtype=np.float64) for c in coords]
    if not coefs:
        raise ValueError("coefs must hold at least one weight matrix.")
    if any(w.ndim != 2 for w in coefs):
        raise ValueError("Every weight matrix in coefs must be 2D (n_in, n_out).")
    if len(coords) != len(coefs) + 1:
        raise ValueError(
            f"coords must hold one array per neuron layer, {len(coefs) + 1} for "
            f"{len(coefs)} weight matrices, got {len(coords)}."
        )
    sizes = [coefs[0].shape[0]] + [w.shape[1] for w in coefs]
    for layer, w in enumerate(coefs[1:], start=1):
        if w.shape[0] != sizes[layer]:
            raise ValueError(
                f"coefs[{layer}] has {w.shape[0]} rows but layer {layer} has "
                f"{sizes[layer]} neurons."
            )
    dims = {c.shape[1] if c.ndim == 2 else None for c in coords}
    if len(dims) != 1 or dims.pop() not in (2, 3):
        raise ValueError(
            "coords must be 2D arrays of shape (n_neurons, 2) for (x, height) "
            "or (n_neurons, 3) for (x, z, height), the same for every layer."
        )
    for layer, (c, size) in enumerate(zip(coords, sizes, strict=True)):
        if c.shape[0] != size:
            raise ValueError(
                f"coords[{layer}] has {c.shape[0]} rows but layer {layer} has "
                f"{size} neurons."
            )
    return coefs, coords


def _check_per_neuron(values, sizes, name):
    """Check that ``values`` has one entry per neuron of every layer."""
    if values is None:
        return None
    lengths = [len(v) for v in values]
    if lengths != list(sizes):
        raise ValueError(
            f"{name} must hold one entry per neuron, per layer: lengths "
            f"{list(sizes)}, got {lengths}."
        )
    return values


def _check_threshold(threshold):
    if (
        not isinstance(threshold, Real)
        or isinstance(threshold, bool)
        or not 0 <= threshold <= 1
    ):
        raise ValueError(
            "threshold must be a number in [0, 1] (a fraction of the largest "
            f"|w| of each weight matrix), got {threshold!r}."
        )
    return float(threshold)


def _check_max_lines(max_lines):
    if max_lines is None:
        return None
    if (
        not isinstance(max_lines, Integral | np.integer)
        or isinstance(max_lines, bool)
        or max_lines < 1
    ):
        raise ValueError(
            f"max_lines must be a positive integer or None, got {max_lines!r}."
        )
    return int(max_lines)


def _line_threshold(coefs, threshold, max_lines):
    """The relative threshold that draws at most ``max_lines`` lines.

    Returns ``threshold`` raised, when more than ``max_lines`` weights pass
    it, to the relative magnitude of the ``max_lines``-th heaviest (relative
    to its matrix's largest, as widths are), the number of lines drawn at
    that threshold and the number of weights that pass ``threshold``.
    """
    relative = [relative_magnitudes(w).ravel() for w in coefs]
    passing = np.concatenate([r[r > threshold] for r in relative])
    if max_lines is None or passing.size <= max_lines:
        return threshold, passing.size, passing.size
    heaviest = np.partition(passing, passing.size - max_lines)[-max_lines:]
    # Lines strictly above the threshold are drawn: just below the lightest
    # of the heaviest max_lines, so that exactly those (and exact ties) pass.
    raised = float(np.nextafter(heaviest.min(), -np.inf))
    return raised, int((passing > raised).sum()), passing.size


def _check_labels_option(labels):
    if labels not in (True, False, "auto"):
        raise ValueError(f"labels must be True, False or 'auto', got {labels!r}.")
    return labels


def _is_3d(ax):
    return getattr(ax, "name", None) == "3d"


# -- drawing ------------------------------------------------------------------


def _weight_lines(weight, pre, post, threshold, max_linewidth):
    """Segments, widths and RGBA colours of one weight matrix's visible lines."""
    from matplotlib.colors import to_rgba

    relative = relative_magnitudes(weight)
    rows, cols = np.nonzero(relative > threshold)
    widths = relative[rows, cols]
    segments = np.stack([pre[rows], post[cols]], axis=1)
    colors = np.where(
        weight[rows, cols][:, None] > 0,
        np.asarray(to_rgba(POSITIVE_COLOR)),
        np.asarray(to_rgba(NEGATIVE_COLOR)),
    )
    return segments, widths * max_linewidth, colors


#: Label of a neuron in several groups (an output fed by several parts):
#: drawn as an active neuron, in no group's colour.
SHARED = -2


def module_colors(modules):
    """RGBA colour of every neuron from its module label (-1: inactive, grey).

    Parameters
    ----------
    modules : array-like of int
        Module labels; -1 marks inactive neurons.

    Returns
    -------
    colors : ndarray of shape (n_neurons, 4)
        Fourteen colours, free of the blue, red and grey of weights and
        inactive neurons, repeat for more modules.
    """
    import matplotlib as mpl
    from matplotlib.colors import to_rgba

    modules = np.asarray(modules, dtype=int)
    palette = mpl.colormaps["tab20"](np.array(_MODULE_PALETTE_INDICES))
    colors = palette[np.maximum(modules, 0) % len(palette)]
    colors[modules < 0] = to_rgba(INACTIVE_COLOR)
    colors[modules == SHARED] = to_rgba(NEURON_COLOR)
    return colors


def _node_sizes(sizes, node_size):
    """Marker area of each neuron: smaller in crowded layers when auto."""
    if node_size is not None:
        return np.concatenate([np.full(n, float(node_size)) for n in sizes])
    return np.concatenate([np.full(n, float(np.clip(600 / n, 2, 16))) for n in sizes])


def _labelled_layers(sizes, neuron_labels, labels):
    """Neuron layers whose labels are written: input and output, or none.

    ``sizes`` counts the labels each layer would get.
    """
    if neuron_labels is None or labels is False:
        return []
    ends = [0, len(sizes) - 1]
    if labels == "auto":
        ends = [layer for layer in ends if sizes[layer] <= AUTO_LABEL_LIMIT]
    return ends


def _label_rotation(ax, xs, texts, x_span):
    """0, or 90 degrees when horizontal labels would overlap their neighbours."""
    if len(xs) < 2 or x_span <= 0:
        return 0
    gaps = np.diff(np.sort(xs))
    gap = gaps[gaps > 0].min() if (gaps > 0).any() else 0.0
    axes_width = ax.bbox.width * 72 / ax.figure.dpi  # in points
    gap_points = gap / x_span * axes_width / 1.2  # 1.2: margins of the plot
    widest = max(len(t) for t in texts) * 0.6 * _LABEL_FONTSIZE
    return 90 if widest > 0.9 * gap_points else 0


def _draw_network(
    ax,
    coefs,
    coords,
    *,
    modules=None,
    neuron_labels=None,
    labels="auto",
    threshold=0.0,
    max_linewidth=2.0,
    node_size=None,
    input_groups=None,
):
    """Add the connectivity graph's artists to ``ax``; return them in a list.

    Arguments are checked by the caller. Neurons are coloured by ``modules``
    when given, otherwise black when active and grey when inactive (as
    ``modules_`` decides, see :func:`active_neuron_masks`).
    ``input_groups``, a list of ``(input rows, name)``, labels each group of
    inputs once (token embeddings) instead of every input. Draws no axes
    decoration, so frames of an animation can remove these artists and draw
    the next ones.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    three_d = coords[0].shape[1] == 3
    if three_d:
        from mpl_toolkits.mplot3d.art3d import Line3DCollection
    artists = []
    for layer, weight in enumerate(coefs):
        segments, widths, colors = _weight_lines(
            weight, coords[layer], coords[layer + 1], threshold, max_linewidth
        )
        collection_class = Line3DCollection if three_d else LineCollection
        collection = collection_class(
            segments,
            linewidths=widths,
            colors=colors,
            zorder=1,
        )
        collection.set_gid(f"weights_{layer}")
        if three_d:
            ax.add_collection3d(collection)
        else:
            ax.add_collection(collection, autolim=False)
        artists.append(collection)

    points = np.vstack(coords)
    sizes = [len(c) for c in coords]
    if modules is None:
        active = np.concatenate(active_neuron_masks(coefs))
        colors = np.array([to_rgba(NEURON_COLOR)] * len(active))
        colors[~active] = to_rgba(INACTIVE_COLOR)
    else:
        colors = module_colors(np.concatenate([np.ravel(m) for m in modules]))
    options = {"depthshade": False} if three_d else {}
    nodes = ax.scatter(
        *points.T,
        s=_node_sizes(sizes, node_size),
        c=colors,
        zorder=3,
        linewidths=0,
        **options,
    )
    nodes.set_gid("neurons")
    artists.append(nodes)

    groups = None if three_d else input_groups
    counts = [sizes[0] if groups is None else len(groups), *sizes[1:]]
    for layer in _labelled_layers(counts, neuron_labels, labels):
        if layer == 0 and groups is not None:
            artists.extend(_group_labels(ax, coords[0], groups))
            continue
        write = _labels_3d if three_d else _labels_2d
        texts = [str(t) for t in neuron_labels[layer]]
        artists.extend(write(ax, coords[layer], texts, points, below=layer == 0))
    return artists


def _labels_2d(ax, positions, texts, points, below):
    rotation = _label_rotation(ax, positions[:, 0], texts, np.ptp(points[:, 0]))
    offset = -_LABEL_OFFSET_POINTS if below else _LABEL_OFFSET_POINTS
    artists = []
    for (x, y), text in zip(positions, texts, strict=True):
        annotation = ax.annotate(
            text,
            (x, y),
            xytext=(0, offset),
            textcoords="offset points",
            ha="center",
            va="top" if below else "bottom",
            rotation=rotation,
            rotation_mode="anchor" if rotation == 0 else "default",
            fontsize=_LABEL_FONTSIZE,
            annotation_clip=False,
        )
        annotation.set_gid("input_label" if below else "output_label")
        artists.append(annotation)
    return artists


def _group_labels(ax, positions, groups):
    """One label per group of input neurons, left of the group's row."""
    artists = []
    for rows, name in groups:
        left = rows[np.argmin(positions[rows, 0])]
        annotation = ax.annotate(
            str(name),
            positions[left],
            xytext=(-2 * _LABEL_OFFSET_POINTS, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=_LABEL_FONTSIZE,
            annotation_clip=False,
        )
        annotation.set_gid("input_label")
        artists.append(annotation)
    return artists


def _labels_3d(ax, positions, texts, points, below):
    span = np.ptp(points[:, 2]) or 1.0
    offset = -0.06 * span if below else 0.06 * span
    artists = []
    for (x, z, height), text in zip(positions, texts, strict=True):
        label = ax.text(
            x,
            z,
            height + offset,
            text,
            ha="center",
            va="top" if below else "bottom",
            fontsize=_LABEL_FONTSIZE,
        )
        label.set_gid("input_label" if below else "output_label")
        artists.append(label)
    return artists


def _prepare_axes(ax, coords, figsize=None):
    """Axes to draw ``coords`` on: check ``ax`` or create a 2D/3D one."""
    import matplotlib.pyplot as plt

    three_d = coords[0].shape[1] == 3
    if ax is None:
        if three_d:
            import mpl_toolkits.mplot3d  # noqa: F401  (registers "3d")

            fig = plt.figure(figsize=figsize or (7, 6), layout="constrained")
            ax = fig.add_subplot(projection="3d")
        else:
            # The layout engine makes room for labels and legend outside
            # the Axes, so nothing is clipped when the figure is saved.
            _, ax = plt.subplots(figsize=figsize or (6.5, 4), layout="constrained")
    elif three_d and not _is_3d(ax):
        raise ValueError(
            "This network lives in 3D (image input: neuron coordinates are "
            "(x, z, height)), but ax is a 2D Axes. Pass ax=None, or an Axes "
            "made with fig.add_subplot(projection='3d')."
        )
    elif not three_d and _is_3d(ax):
        raise ValueError(
            "This network lives in 2D (neuron coordinates are (x, height)), but "
            "ax is a 3D Axes. Pass ax=None or a 2D Axes such as plt.subplots()[1]."
        )
    return ax


def _frame_axes(ax, coords):
    """Fix limits and view around every neuron; hide the axes."""
    points = np.vstack(coords)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.06 * np.where(high > low, high - low, 1.0)
    if _is_3d(ax):
        ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        ax.set_zlim(low[2] - 2 * pad[2], high[2] + 2 * pad[2])
        # Upright like the paper's Figure 8: inputs at the bottom, a tall box.
        ax.set_box_aspect((1, 1, 1.3), zoom=1.2)
        ax.view_init(elev=15, azim=-60)
    else:
        ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        ax.set_ylim(low[1] - 2 * pad[1], high[1] + 2 * pad[1])
    ax.set_axis_off()


def _check_max_linewidth(max_linewidth):
    if (
        not isinstance(max_linewidth, Real)
        or isinstance(max_linewidth, bool)
        or not max_linewidth > 0
    ):
        raise ValueError(f"max_linewidth must be positive, got {max_linewidth!r}.")
    return float(max_linewidth)


#: ``legend=True`` names at most this many modules; more are summarised.
LEGEND_MODULE_LIMIT = 8


def _legend_handles(
    *, max_linewidth, threshold, modules, modularity, capped=None, kind="module"
):
    """Legend entries explaining colours, widths and neurons of a drawing."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def line(color, width, label):
        return Line2D([], [], color=color, linewidth=width, label=label)

    def dot(color, label):
        return Line2D(
            [], [], color=color, marker="o", linestyle="", markersize=5, label=label
        )

    handles = [
        line(POSITIVE_COLOR, max_linewidth, "positive weight"),
        line(NEGATIVE_COLOR, max_linewidth, "negative weight"),
        line("0.3", max_linewidth, "|w| = largest of its layer"),
        line("0.3", max_linewidth / 4, "|w| = 1/4 of that"),
    ]
    if capped is not None:
        drawn, passing = capped
        handles.append(
            Patch(color="none", label=f"heaviest {drawn:,} of {passing:,} drawn")
        )
    elif threshold > 0:
        handles.append(
            Patch(color="none", label=f"|w| <= {threshold:g} x largest: not drawn")
        )
    if modules is None:
        handles.append(dot(NEURON_COLOR, "active neuron"))
    else:
        labels = np.unique(np.concatenate([np.ravel(m) for m in modules]))
        labels = labels[labels >= 0]
        colors = module_colors(labels)
        for label, color in zip(labels[:LEGEND_MODULE_LIMIT], colors, strict=False):
            handles.append(dot(color, f"{kind} {label}"))
        if len(labels) > LEGEND_MODULE_LIMIT:
            more = len(labels) - LEGEND_MODULE_LIMIT
            handles.append(Patch(color="none", label=f"... and {more} more {kind}s"))
        if SHARED in np.concatenate([np.ravel(m) for m in modules]):
            handles.append(dot(NEURON_COLOR, f"output of several {kind}s"))
        if modularity is not None:
            handles.append(
                Patch(color="none", label=f"Q = {modularity:.2f} (modularity_)")
            )
    handles.append(dot(INACTIVE_COLOR, "inactive neuron"))
    return handles


def _add_legend(ax, handles):
    """Legend outside the Axes, on the right, where it hides no neuron."""
    return ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=7,
        handlelength=2.5,
    )


def _token_layout(estimator, coords, labels):
    """Token input drawn as in the paper's Figure 5: one row per token.

    The embeddings of all tokens share positions (they overlap); row ``t`` is
    drawn half a layer spacing below row ``t - 1``. Returns the coordinates
    to draw and the ``input_groups`` that label each row by its token name
    (read from the embedding labels ``name[j]``), or ``coords`` and None
    for other networks.
    """
    coords = [np.asarray(c, dtype=np.float64) for c in coords]
    dim = estimator.embedding_dim
    n_tokens = estimator.n_features_in_
    if dim is None or n_tokens < 2 or coords[0].shape != (n_tokens * dim, 2):
        return coords, None
    heights = [c[:, -1].mean() for c in coords[:2]]
    gap = 0.5 * ((heights[1] - heights[0]) or 1.0)
    inputs = coords[0].copy()
    groups = []
    for token in range(n_tokens):
        rows = np.arange(token * dim, (token + 1) * dim)
        inputs[rows, -1] -= token * gap
        groups.append((rows, labels[0][token * dim].rsplit("[", 1)[0]))
    return [inputs, *coords[1:]], groups
