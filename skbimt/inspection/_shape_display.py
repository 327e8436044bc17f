"""PartShapeDisplay: each part's contribution to the output, against its inputs."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils._param_validation import Interval, validate_params

from .._connectivity import DEFAULT_THRESHOLD
from ._parts import find_parts

#: An input with at most this many distinct values is drawn at those values.
FEW_VALUES = 10

#: Rows averaged over for a part of more than two inputs.
MAX_AVERAGED_ROWS = 200


def _as_array(X):
    """The network's input as a float array (a DataFrame's values)."""
    values = X.to_numpy() if hasattr(X, "to_numpy") else X
    if hasattr(values, "toarray"):
        values = values.toarray()
    return np.asarray(values, dtype=np.float64)


def _values(column, resolution):
    """Where to evaluate an input: its distinct values if few, else a grid."""
    distinct = np.unique(column)
    if distinct.size <= FEW_VALUES:
        return distinct, True
    return np.linspace(distinct[0], distinct[-1], resolution), False


class PartShapeDisplay:
    """Each part's contribution to the output, drawn against its inputs.

    A fitted BIMT network's output is the sum of its parts' contributions
    plus an intercept (:func:`find_parts`), each a function of its part's
    inputs only. This draws those functions, one panel per part: a curve for
    a part of one input, a heatmap for two and, for more, a heatmap of the
    two inputs whose re-drawing changes the contribution most, averaged
    over the data's values of the others. Dots show the rows of ``X``.

    Use :meth:`from_estimator`. Nothing is shown or saved: use
    ``display.figure_.savefig``.

    Parameters
    ----------
    parts : Parts
        The parts of the network, from :func:`find_parts`.
    panels : list of dict
        One per panel: ``part``, ``inputs`` (names drawn), ``grid`` (values
        per input drawn), ``values`` (the contribution on the grid),
        ``points`` (the rows of the data, per input drawn),
        ``contributions`` (the part's contribution on those rows),
        ``averaged`` (names averaged over), ``discrete`` (per input drawn)
        and ``output`` (name of what the contribution is added to).

    Attributes
    ----------
    axes_ : ndarray of matplotlib.axes.Axes
        One per panel, row by row.
    figure_ : matplotlib.figure.Figure
    artists_ : list
        Per panel, the curve (``Line2D``) or heatmap (``QuadMesh``).

    See Also
    --------
    find_parts : The parts and their contributions.
    NetworkDisplay : The network itself, coloured by part.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skbimt import BIMTRegressor
    >>> from skbimt.inspection import PartShapeDisplay
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> reg = BIMTRegressor(max_iter=500, random_state=0).fit(X, y)
    >>> display = PartShapeDisplay.from_estimator(reg, X)
    >>> display.figure_.savefig("shapes.png")  # doctest: +SKIP
    """

    def __init__(self, parts, panels):
        self.parts = parts
        self.panels = panels

    @classmethod
    @validate_params(
        {
            "estimator": "no_validation",
            "X": ["array-like"],
            "parts": ["array-like", None],
            "output": [str, Integral, None],
            "threshold": [Interval(Real, 0, 1, closed="both")],
            "grid_resolution": [Interval(Integral, 2, None, closed="left")],
            "n_cols": [Interval(Integral, 1, None, closed="left")],
            "feature_names": ["array-like", None],
            "target_names": ["array-like", None],
        },
        prefer_skip_nested_validation=True,
    )
    def from_estimator(
        cls,
        estimator,
        X,
        *,
        parts=None,
        output=None,
        threshold=DEFAULT_THRESHOLD,
        grid_resolution=50,
        n_cols=3,
        feature_names=None,
        target_names=None,
    ):
        """Draw the shapes of the parts of a fitted estimator or pipeline.

        Parameters
        ----------
        estimator : BIMTRegressor, BIMTClassifier or Pipeline
            Fitted. A pipeline's inputs are named by its steps before the
            network, and drawn in the units those steps hand to it.
        X : array-like of shape (n_samples, n_features)
            Data as the estimator takes it: it sets the range drawn, the
            dots, the order of the panels (largest variance first) and the
            values averaged over.
        parts : array-like of int, default=None
            Which parts to draw (see :func:`find_parts`); None draws all.
        output : str or int, default=None
            Which output's contribution to draw, by name or index. None:
            per part, the first output it feeds; for a binary classifier,
            the log-odds of the second class.
        threshold : float, default=0.01
            Which weights are visible, see :func:`find_parts`.
        grid_resolution : int, default=50
            Points along each drawn input with more than 10 distinct values.
        n_cols : int, default=3
            Panels per row.
        feature_names, target_names : array-like of str, default=None
            Names overriding those read from the data.

        Returns
        -------
        display : PartShapeDisplay
        """
        found = find_parts(
            estimator,
            threshold=threshold,
            feature_names=feature_names,
            target_names=target_names,
        )
        if found.estimator.embedding_dim is not None:
            raise ValueError(
                "PartShapeDisplay draws a part against its input columns, but "
                "with token input (embedding_dim set) the network's inputs are "
                "embedding dimensions, not columns of X. Read such a network "
                "with find_parts and knockout_scores instead."
            )
        data = found._named.transform(X)
        found._network_inputs(data, transformed=True)  # checks X
        data = _as_array(data)
        contributions = found._contributions(data, "checked", squeeze=False)
        chosen = _chosen_parts(found, parts, contributions)
        panels = [
            _panel(found, data, contributions, part, output, grid_resolution)
            for part in chosen
        ]
        return cls(found, panels).plot(n_cols=n_cols)

    def plot(self, *, n_cols=3):
        """Draw the panels on a new figure.

        Parameters
        ----------
        n_cols : int, default=3
            Panels per row.

        Returns
        -------
        display : PartShapeDisplay
        """
        import matplotlib.pyplot as plt

        n = max(len(self.panels), 1)
        n_cols = min(n_cols, n)
        n_rows = -(-n // n_cols)
        figure, axes = plt.subplots(
            n_rows,
            n_cols,
            figsize=(4.2 * n_cols, 3.4 * n_rows),
            layout="constrained",
            squeeze=False,
        )
        self.artists_ = []
        for ax, panel in zip(axes.ravel(), self.panels, strict=False):
            self.artists_.append(_draw_panel(ax, panel))
        for ax in axes.ravel()[len(self.panels) :]:
            ax.set_axis_off()
        self.axes_ = axes
        self.figure_ = figure
        return self


def _chosen_parts(found, parts, contributions):
    """The parts to draw: those asked for, or all by decreasing variance."""
    if parts is None:
        spread = contributions.var(axis=0).reshape(found.n_parts, -1).sum(axis=1)
        return [int(p) for p in np.argsort(-spread, kind="stable")]
    parts = [int(p) for p in np.ravel(parts)]
    wrong = [p for p in parts if not 0 <= p < found.n_parts]
    if wrong:
        raise ValueError(
            f"parts {wrong} do not exist: this network has {found.n_parts} "
            f"parts, numbered 0 to {found.n_parts - 1} (see find_parts)."
        )
    return parts


def _output_index(found, part, output):
    """Index of the output drawn and its label; None index: binary log-odds."""
    names = found.output_names
    if output is None:
        if is_classifier(found.estimator) and len(names) == 2:
            return None, f"log-odds of {names[1]}"
        fed = found.outputs[part]
        index = names.index(fed[0]) if fed else 0
    elif isinstance(output, str):
        if output not in names:
            raise ValueError(f"output {output!r} is not one of the outputs {names}.")
        index = names.index(output)
    else:
        if not 0 <= output < len(names):
            raise ValueError(
                f"output={output} is out of range: the network has {len(names)} "
                f"outputs {names}."
            )
        index = int(output)
    kind = "logit of" if is_classifier(found.estimator) else "contribution to"
    return index, f"{kind} {names[index]}"


def _select(values, index):
    """One output of ``(..., n_outputs)`` values; None: log-odds of two."""
    if index is None:
        return values[..., 1] - values[..., 0]
    return values[..., index]


def _strongest_two(found, data, part, own, index):
    """The part's two inputs whose re-drawing changes its contribution most."""
    rng = np.random.default_rng(0)
    strength = []
    for column in found.input_indices[part]:
        moved = data.copy()
        moved[:, column] = data[rng.permutation(len(data)), column]
        changed = _select(found._contributions(moved, "checked", False)[:, part], index)
        strength.append(np.mean((changed - own) ** 2))
    order = np.argsort(-np.asarray(strength), kind="stable")[:2]
    return [int(found.input_indices[part][k]) for k in sorted(order)]


def _panel(found, data, contributions, part, output, resolution):
    """What one panel draws, computed on the network's inputs."""
    index, label = _output_index(found, part, output)
    own = _select(contributions[:, part], index)
    columns = [int(c) for c in found.input_indices[part]]
    drawn = columns
    if len(columns) > 2:
        drawn = _strongest_two(found, data, part, own, index)
    names = found._named.labels[0]
    grids, discrete = zip(
        *(_values(data[:, c], resolution) for c in drawn), strict=True
    )
    mesh = np.meshgrid(*grids, indexing="ij")
    # The part depends on its inputs only; the others stay at any row's
    # values. Inputs of the part not drawn are averaged over the data.
    base = data[: min(len(data), MAX_AVERAGED_ROWS)]
    if len(columns) <= 2:
        base = base[:1]
    rows = np.repeat(base, mesh[0].size, axis=0)
    for column, values in zip(drawn, mesh, strict=True):
        rows[:, column] = np.tile(values.ravel(), len(base))
    values = _select(found._contributions(rows, "checked", False)[:, part], index)
    values = values.reshape(len(base), *mesh[0].shape).mean(axis=0)
    return {
        "part": part,
        "inputs": [names[c] for c in drawn],
        "grid": list(grids),
        "values": values,
        "points": [data[:, c] for c in drawn],
        "contributions": own,
        "averaged": [names[c] for c in columns if c not in drawn],
        "discrete": list(discrete),
        "output": label,
    }


def _draw_panel(ax, panel):
    """Draw one panel on ``ax``; return its curve or heatmap."""
    title = f"part {panel['part']}"
    if panel["averaged"]:
        count = len(panel["averaged"])
        title += f": mean over its {count} other input{'s' * (count > 1)}"
    ax.set_title(title, fontsize="medium")
    if len(panel["inputs"]) == 1:
        style = "o-" if panel["discrete"][0] else "-"
        (artist,) = ax.plot(panel["grid"][0], panel["values"], style, color="C0")
        ax.plot(
            panel["points"][0],
            panel["contributions"],
            ".",
            color="0.4",
            alpha=0.3,
            markersize=3,
        )
        ax.set_xlabel(panel["inputs"][0])
        ax.set_ylabel(panel["output"])
        return artist
    first, second = panel["grid"]
    artist = ax.pcolormesh(
        first, second, panel["values"].T, shading="nearest", cmap="viridis"
    )
    ax.plot(*panel["points"], ".", color="white", alpha=0.4, markersize=3)
    colorbar = ax.figure.colorbar(artist, ax=ax)
    colorbar.set_label(panel["output"])
    ax.set_xlabel(panel["inputs"][0])
    ax.set_ylabel(panel["inputs"][1])
    return artist
