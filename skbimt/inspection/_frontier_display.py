"""The pruning frontier as a scikit-learn Display (paper, Appendix A)."""

import numpy as np

from ._prune import pruning_frontier


class PruningFrontierDisplay:
    """Loss (or score) of a network against the number of parameters it keeps.

    The paper's Appendix A prunes the smallest parameters first; a BIMT
    network whose curve stays flat down to a few parameters is as sparse as
    its connectivity graph looks. Use :meth:`from_estimator` (or
    :meth:`from_frontier` for a :class:`PruningFrontier` already computed).

    Parameters
    ----------
    n_parameters : array-like of int
        Parameters kept, increasing from 0 to all of them.
    values : array-like of float
        Loss (lower is better) or score (greater is better) at each count.
    value_name : str, default="loss"
        What ``values`` are, for the y-axis label.
    estimator_name : str, default=None
        Name of the curve in the legend; no legend when None.

    Attributes
    ----------
    ax_ : matplotlib.axes.Axes
    figure_ : matplotlib.figure.Figure
    line_ : matplotlib.lines.Line2D
        The frontier.

    See Also
    --------
    skbimt.inspection.pruning_frontier : The numbers behind the plot.
    NetworkDisplay : The connectivity graph.

    Examples
    --------
    >>> import numpy as np
    >>> from skbimt import BIMTRegressor
    >>> from skbimt.inspection import PruningFrontierDisplay
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(300, 3))
    >>> y = X[:, 0] - X[:, 1] ** 2
    >>> reg = BIMTRegressor(max_iter=300, random_state=0).fit(X[:200], y[:200])
    >>> display = PruningFrontierDisplay.from_estimator(reg, X[200:], y[200:])
    >>> display.figure_.savefig("frontier.png")  # doctest: +SKIP
    """

    def __init__(self, n_parameters, values, *, value_name="loss", estimator_name=None):
        self.n_parameters = n_parameters
        self.values = values
        self.value_name = value_name
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, **line_kwargs):
        """Draw the frontier.

        The x-axis is logarithmic above one parameter and linear below
        (``symlog``), so the empty network (0 parameters) is shown too.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Where to draw; a new figure when None.
        name : str, default=None
            Legend entry of the curve; ``estimator_name`` when None.
        **line_kwargs
            Passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : PruningFrontierDisplay
        """
        import matplotlib.pyplot as plt

        n_parameters = np.asarray(self.n_parameters)
        values = np.asarray(self.values, dtype=np.float64)
        if n_parameters.ndim != 1 or n_parameters.shape != values.shape:
            raise ValueError(
                "n_parameters and values must be 1D arrays of the same length, "
                f"got shapes {n_parameters.shape} and {values.shape}."
            )
        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
        name = self.estimator_name if name is None else name
        (self.line_,) = ax.plot(
            n_parameters, values, **({"marker": "o", "markersize": 3} | line_kwargs)
        )
        if name is not None:
            self.line_.set_label(name)
            ax.legend()
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(left=0)
        ax.set_xlabel("parameters kept (largest |value| first)")
        ax.set_ylabel(self.value_name)
        ax.grid(True, which="major", alpha=0.3)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_frontier(cls, frontier, *, estimator_name=None, ax=None, **line_kwargs):
        """Draw a :class:`PruningFrontier` computed before.

        Parameters
        ----------
        frontier : PruningFrontier
            For a frontier computed with a scorer (``loss_name`` starting
            with ``-``), the score itself, ``-frontier.loss``, is drawn:
            greater is better.
        estimator_name : str, default=None
            Legend entry.
        ax : matplotlib.axes.Axes, default=None
        **line_kwargs
            Passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : PruningFrontierDisplay
        """
        values, value_name = frontier.loss, frontier.loss_name
        if value_name.startswith("-"):
            values, value_name = -np.asarray(values), value_name[1:]
        display = cls(
            frontier.n_parameters,
            values,
            value_name=value_name,
            estimator_name=estimator_name,
        )
        return display.plot(ax, **line_kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        n_points=30,
        spacing="log",
        scoring=None,
        estimator_name=None,
        ax=None,
        **line_kwargs,
    ):
        """Prune a fitted estimator or pipeline step by step and draw the frontier.

        Parameters
        ----------
        estimator : BIMTRegressor, BIMTClassifier or Pipeline
            Fitted; a pipeline's last step is pruned and ``X`` passes
            through the steps before it.
        X : array-like of shape (n_samples, n_features)
            Data to measure on, usually held out.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        n_points, spacing, scoring
            See :func:`skbimt.inspection.pruning_frontier`. For a scorer the
            score is drawn (greater is better), otherwise the training loss
            (mean squared error, or log-loss for a classifier).
        estimator_name : str, default=None
            Legend entry.
        ax : matplotlib.axes.Axes, default=None
        **line_kwargs
            Passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : PruningFrontierDisplay
        """
        frontier = pruning_frontier(
            estimator, X, y, n_points=n_points, spacing=spacing, scoring=scoring
        )
        return cls.from_frontier(
            frontier,
            estimator_name=estimator_name,
            ax=ax,
            **line_kwargs,
        )
