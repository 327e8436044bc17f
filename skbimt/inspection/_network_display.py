"""The connectivity graph as a scikit-learn Display (paper, section 2).

:class:`NetworkDisplay` follows :mod:`sklearn.inspection`'s convention:
``NetworkDisplay.from_estimator(fitted)`` computes what to draw and draws it,
``display.plot(ax=...)`` draws it again, and the drawing lives in ``ax_``
and ``figure_``. :func:`plot_network` and :func:`plot_connectivity`, the
entry points before it, are deprecated aliases that draw the same.
"""

import numpy as np

from .._connectivity import DEFAULT_THRESHOLD, relative_magnitudes
from .._validation import warn
from ._names import named_network
from ._parts import find_parts
from ._plot import (
    _add_legend,
    _check_labels_option,
    _check_max_lines,
    _check_max_linewidth,
    _check_network,
    _check_per_neuron,
    _check_threshold,
    _draw_network,
    _frame_axes,
    _legend_handles,
    _line_threshold,
    _prepare_axes,
    _token_layout,
)


def _spread_collapsed_layers(coords):
    """Spread a network whose layers have no width (``A = 0``) over [0, 1].

    With ``A = 0`` every connection has the same length and all neurons of a
    layer sit at one point, which draws the whole network as one vertical
    line. Such a network is drawn with each layer's neurons side by side in
    neuron order instead, centred like any other network.
    """
    coords = [np.asarray(layer, dtype=np.float64) for layer in coords]
    if any(np.ptp(layer[:, :-1], axis=0).max() > 0 for layer in coords if len(layer)):
        return coords
    spread = []
    for layer in coords:
        layer = layer.copy()
        layer[:, 0] = (np.arange(len(layer)) + 0.5) / len(layer)
        spread.append(layer)
    return spread


def _with_outputs_coloured(coefs, parts, threshold):
    """``parts`` with every output labelled by the one part feeding it.

    An output fed by several parts gets ``SHARED`` (drawn black, as an
    active neuron), one fed by none keeps -1 (grey).
    """
    parts = [np.asarray(p, dtype=int).copy() for p in parts]
    last = np.asarray(coefs[-1])
    feeding = parts[-2]
    visible = relative_magnitudes(last) > threshold
    for output in range(last.shape[1]):
        fed_by = np.unique(feeding[visible[:, output] & (feeding >= 0)])
        parts[-1][output] = (
            fed_by[0] if fed_by.size == 1 else (-2 if fed_by.size else -1)
        )
    return parts


class NetworkDisplay:
    """Connectivity graph of a BIMT network: neurons at their places, weights as lines.

    Every neuron sits at its position (``coords_``). Every weight is a line
    between its two neurons, blue when positive and red when negative, of
    width ``|w|`` divided by the largest ``|w|`` of its weight matrix (times
    ``max_linewidth``). Lines thinner than ``threshold`` of that largest
    ``|w|`` are not drawn: they would be invisible, and leaving them out
    keeps large networks fast to draw. Inactive neurons (no visible path
    from an input to an output, as ``modules_`` decides) are grey. Networks
    with image input live in 3D and are drawn on a 3D Axes, as in the
    paper's Figure 8.

    Use :meth:`from_estimator` for a fitted estimator or pipeline; the
    constructor takes weights and positions directly, for example the
    records of ``snapshots_``. Nothing is shown or saved: use
    ``display.figure_.savefig``.

    Parameters
    ----------
    coefs : list of array-like
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``: weights from neuron layer
        ``i`` to ``i + 1``.
    coords : list of array-like
        ``coords[i]`` of shape ``(n_i, 2)`` for ``(x, height)`` (drawn in 2D)
        or ``(n_i, 3)`` for ``(x, z, height)`` (drawn in 3D).
    neuron_labels : list of list of str, default=None
        Label of every neuron, per layer; those of the input and output
        layers are written.
    modules : list of array-like of int, default=None
        Module of every neuron, per layer (-1: inactive), for
        ``plot(color_modules=True)``.
    modularity : float, default=None
        Newman's Q of ``modules``, shown in the legend.
    parts : list of array-like of int, default=None
        Part of every neuron, per layer (-1: in no part), as
        :attr:`Parts.neuron_parts` gives it, for ``plot(color_modules="auto")``
        and ``plot(color_modules="parts")``.
    input_groups : list of (array of int, str), default=None
        Groups of input neurons labelled once each, by name, instead of
        every input: the rows of each token's embedding with token input.

    Attributes
    ----------
    ax_ : matplotlib.axes.Axes
        The Axes drawn on (a 3D Axes for 3D coordinates).
    figure_ : matplotlib.figure.Figure
        The figure of ``ax_``.
    weight_lines_ : list of matplotlib.collections.LineCollection
        One collection of lines per weight matrix.
    neurons_ : matplotlib.collections.PathCollection
        The neurons.
    texts_ : list of matplotlib.text.Text
        The input and output labels.
    legend_ : matplotlib.legend.Legend or None
        The legend, None when ``legend=False``.

    See Also
    --------
    PruningFrontierDisplay : Loss against the parameters kept.
    skbimt.inspection.animate_training : The graph over training, as a film.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skbimt import BIMTClassifier
    >>> from skbimt.inspection import NetworkDisplay
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> pipe = make_pipeline(StandardScaler(), BIMTClassifier(max_iter=300,
    ...                                                       random_state=0))
    >>> pipe = pipe.fit(X, y)
    >>> display = NetworkDisplay.from_estimator(pipe, color_modules=True)
    >>> display.figure_.savefig("iris_network.png")  # doctest: +SKIP
    """

    def __init__(
        self,
        coefs,
        coords,
        *,
        neuron_labels=None,
        modules=None,
        modularity=None,
        parts=None,
        input_groups=None,
    ):
        self.coefs = coefs
        self.coords = coords
        self.neuron_labels = neuron_labels
        self.modules = modules
        self.modularity = modularity
        self.parts = parts
        self.input_groups = input_groups

    def plot(
        self,
        ax=None,
        *,
        threshold=DEFAULT_THRESHOLD,
        color_modules="auto",
        legend=True,
        labels="auto",
        max_linewidth=2.0,
        node_size=None,
        max_lines=30_000,
    ):
        """Draw the network.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Where to draw; a 3D Axes for 3D coordinates. None makes a new
            figure whose layout engine keeps labels and legend inside it.
            On an Axes of your own, save with ``bbox_inches="tight"`` or use
            a figure with ``layout="constrained"``.
        threshold : float, default=0.01
            Hide lines with ``|w|`` at most ``threshold`` times the largest
            ``|w|`` of their weight matrix: at the default, lines thinner
            than 1 % of the heaviest, the threshold ``modules_`` uses. ``0``
            draws every non-zero weight.
        color_modules : bool or {"auto", "parts"}, default="auto"
            ``"parts"``: colour neurons by ``parts`` (see
            :func:`find_parts`), an output fed by one part in its colour,
            one fed by several black; ``"auto"``: the same when there are
            two parts or more, else no colours; ``True``: colour by the
            Louvain ``modules`` (the paper's communities, whose modularity
            is Q); ``False``: active neurons black. Inactive neurons are
            grey throughout.
        legend : bool, default=True
            Explain colours, line widths, modules and Q in a legend to the
            right of the Axes.
        labels : bool or "auto", default="auto"
            Whether to write input and output labels. ``"auto"`` writes
            those of layers with at most 30 neurons, so image pixels stay
            unlabelled.
        max_linewidth : float, default=2.0
            Width in points of the heaviest line of each weight matrix.
        node_size : float, default=None
            Marker area of the neurons; None makes crowded layers smaller.
        max_lines : int or None, default=30_000
            Draw at most this many lines, the heaviest (relative to their
            matrix's largest ``|w|``), and say so in the legend. A dense
            network of a million weights would take a minute to draw and
            show nothing more; None draws every line above ``threshold``.

        Returns
        -------
        display : NetworkDisplay
            This object, with ``ax_``, ``figure_`` and the artists set.
        """
        coefs, coords = _check_network(self.coefs, self.coords)
        sizes = [len(c) for c in coords]
        neuron_labels = _check_per_neuron(self.neuron_labels, sizes, "neuron_labels")
        modules = _check_per_neuron(self.modules, sizes, "modules")
        groups, kind = self._colour_groups(color_modules, modules, sizes, threshold)
        threshold = _check_threshold(threshold)
        labels = _check_labels_option(labels)
        max_linewidth = _check_max_linewidth(max_linewidth)
        max_lines = _check_max_lines(max_lines)
        line_threshold, n_drawn, n_passing = _line_threshold(
            coefs, threshold, max_lines
        )
        ax = _prepare_axes(ax, coords)
        artists = _draw_network(
            ax,
            coefs,
            coords,
            modules=groups,
            neuron_labels=neuron_labels,
            labels=labels,
            threshold=line_threshold,
            max_linewidth=max_linewidth,
            node_size=node_size,
            input_groups=self.input_groups,
        )
        _frame_axes(ax, coords)
        self.weight_lines_ = artists[: len(coefs)]
        self.neurons_ = artists[len(coefs)]
        self.texts_ = artists[len(coefs) + 1 :]
        self.legend_ = None
        if legend:
            handles = _legend_handles(
                max_linewidth=max_linewidth,
                threshold=threshold,
                modules=groups,
                modularity=self.modularity if kind == "module" else None,
                capped=(n_drawn, n_passing) if n_drawn < n_passing else None,
                kind=kind,
            )
            self.legend_ = _add_legend(ax, handles)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _colour_groups(self, color_modules, modules, sizes, threshold):
        """Labels to colour neurons by, and what they are ("part", "module")."""
        if color_modules not in (True, False, "auto", "parts"):
            raise ValueError(
                'color_modules must be True, False, "auto" or "parts", got '
                f"{color_modules!r}."
            )
        if color_modules is True:
            if modules is None:
                raise ValueError(
                    "color_modules=True needs the modules of the neurons: build "
                    "the display with NetworkDisplay.from_estimator, or pass "
                    "modules= to NetworkDisplay."
                )
            return modules, "module"
        if color_modules is False:
            return None, None
        parts = _check_per_neuron(self.parts, sizes, "parts")
        if parts is None:
            if color_modules == "parts":
                raise ValueError(
                    'color_modules="parts" needs the parts of the neurons: build '
                    "the display with NetworkDisplay.from_estimator, or pass "
                    "parts= to NetworkDisplay."
                )
            return None, None
        n_parts = len(np.unique(np.concatenate(parts)[np.concatenate(parts) >= 0]))
        if color_modules == "auto" and n_parts < 2:
            return None, None
        return _with_outputs_coloured(self.coefs, parts, threshold), "part"

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        feature_names=None,
        target_names=None,
        ax=None,
        threshold=DEFAULT_THRESHOLD,
        color_modules="auto",
        legend=True,
        labels="auto",
        max_linewidth=2.0,
        node_size=None,
        max_lines=30_000,
    ):
        """Draw the connectivity graph of a fitted estimator or pipeline.

        The trained, unit-free weights (``scaled_coefs_``) are drawn, so the
        picture does not depend on the units of the data. A network trained
        with ``A=0`` has all neurons of a layer at one point; each layer is
        then drawn side by side in neuron order.

        Parameters
        ----------
        estimator : BIMTRegressor, BIMTClassifier or Pipeline
            Fitted. A pipeline's last step must be a BIMT estimator; its
            inputs are then named by the steps before it
            (``get_feature_names_out``).
        feature_names : array-like of str, default=None
            Input names; by default those of the data (DataFrame columns or
            the pipeline's), else ``x0, x1, ...``.
        target_names : array-like of str, default=None
            Output names: one per class (order of ``classes_``) or per
            target column; by default the classes, or the name of the ``y``
            Series or DataFrame columns, else ``y0, y1, ...``.
        ax : matplotlib.axes.Axes, default=None
            Where to draw, see :meth:`plot`.
        threshold, color_modules, legend, labels
            See :meth:`plot`.
        max_linewidth, node_size, max_lines
            See :meth:`plot`.

        Returns
        -------
        display : NetworkDisplay
        """
        network = named_network(
            estimator,
            "NetworkDisplay.from_estimator",
            feature_names=feature_names,
            target_names=target_names,
        )
        fitted = network.estimator
        coords, input_groups = _token_layout(
            fitted, _spread_collapsed_layers(fitted.coords_), network.labels
        )
        display = cls(
            fitted.scaled_coefs_,
            coords,
            neuron_labels=network.labels,
            modules=fitted.modules_,
            modularity=fitted.modularity_,
            parts=find_parts(
                estimator, threshold=_check_threshold(threshold)
            ).neuron_parts,
            input_groups=input_groups,
        )
        return display.plot(
            ax,
            threshold=threshold,
            color_modules=color_modules,
            legend=legend,
            labels=labels,
            max_linewidth=max_linewidth,
            node_size=node_size,
            max_lines=max_lines,
        )


def _deprecated(name, replacement):
    warn(
        f"{name} is deprecated in skbimt 0.2 and will be removed in 0.3: it "
        f"draws the same as {replacement}, which also keeps the figure's "
        "artists. Use that instead.",
        FutureWarning,
    )


def plot_network(
    estimator,
    ax=None,
    *,
    threshold=DEFAULT_THRESHOLD,
    color_modules=False,
    legend=True,
    max_linewidth=2.0,
    labels="auto",
    node_size=None,
    max_lines=30_000,
):
    """Draw the connectivity graph of a fitted estimator or pipeline.

    .. deprecated:: 0.2
        Use ``NetworkDisplay.from_estimator(estimator, ...).ax_``, which this
        calls; ``plot_network`` will be removed in 0.3.

    Parameters
    ----------
    estimator : BIMTRegressor, BIMTClassifier or Pipeline
        Fitted.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.
    threshold, color_modules, legend, max_linewidth
        See :meth:`NetworkDisplay.plot`.
    labels, node_size, max_lines
        See :meth:`NetworkDisplay.plot`.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes drawn on.

    See Also
    --------
    NetworkDisplay : The same drawing, with its artists and options.
    """
    _deprecated("plot_network", "NetworkDisplay.from_estimator(estimator, ...).ax_")
    return NetworkDisplay.from_estimator(
        estimator,
        ax=ax,
        threshold=threshold,
        color_modules=color_modules,
        legend=legend,
        max_linewidth=max_linewidth,
        labels=labels,
        node_size=node_size,
        max_lines=max_lines,
    ).ax_


def plot_connectivity(
    coefs,
    coords,
    ax=None,
    *,
    modules=None,
    neuron_labels=None,
    labels="auto",
    threshold=DEFAULT_THRESHOLD,
    max_linewidth=2.0,
    node_size=None,
    legend=False,
    max_lines=30_000,
):
    """Draw a network given by its weights and neuron positions.

    .. deprecated:: 0.2
        Use ``NetworkDisplay(coefs, coords, ...).plot(...).ax_``, which this
        calls; ``plot_connectivity`` will be removed in 0.3.

    Parameters
    ----------
    coefs, coords
        See :class:`NetworkDisplay`.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.
    modules, neuron_labels
        See :class:`NetworkDisplay`. Neurons are coloured by ``modules``
        when given.
    labels, threshold, max_linewidth, node_size, legend, max_lines
        See :meth:`NetworkDisplay.plot`.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes drawn on.

    See Also
    --------
    NetworkDisplay : The same drawing, with its artists and options.
    """
    _deprecated("plot_connectivity", "NetworkDisplay(coefs, coords, ...).plot().ax_")
    display = NetworkDisplay(
        coefs, coords, neuron_labels=neuron_labels, modules=modules
    )
    return display.plot(
        ax,
        threshold=threshold,
        color_modules=modules is not None,
        legend=legend,
        labels=labels,
        max_linewidth=max_linewidth,
        node_size=node_size,
        max_lines=max_lines,
    ).ax_
