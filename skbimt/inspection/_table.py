"""Tables of a fitted network: one row per part, or per module."""

from numbers import Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils._param_validation import Interval, validate_params

from .._connectivity import DEFAULT_THRESHOLD
from ._knockout import knockout_scores
from ._names import named_network
from ._parts import find_parts


def _pandas(caller):
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError(
            f"{caller} returns a pandas DataFrame; install pandas "
            "(pip install pandas) to use it."
        ) from error
    return pd


def _score(estimator, output, y):
    """The estimator's own score (accuracy or R^2) of a network output."""
    if is_classifier(estimator):
        return accuracy_score(y, estimator.classes_[np.argmax(output, axis=-1)])
    return r2_score(y, output)


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like", None],
        "y": ["array-like", None],
        "threshold": [Interval(Real, 0, 1, closed="both")],
        "feature_names": ["array-like", None],
        "target_names": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def part_table(
    estimator,
    X=None,
    y=None,
    *,
    threshold=DEFAULT_THRESHOLD,
    feature_names=None,
    target_names=None,
):
    """The parts of a fitted network as a table, one row per part.

    The parts are those of :func:`find_parts`: the connected pieces of the
    visible network below the output layer, whose contributions add up to
    the visible network's output. Dead ends (visible wiring from some inputs
    that reaches no output) come last, flagged; they add nothing.

    Parameters
    ----------
    estimator : BIMTRegressor, BIMTClassifier or Pipeline
        Fitted; a pipeline's last step is read and ``X`` passes through the
        steps before it.
    X : array-like of shape (n_samples, n_features), default=None
        Rows to measure each part's share of the prediction on (usually
        held out); no share columns when None.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        Targets of ``X``, for the knock-out scores; needs ``X``.
    threshold : float, default=0.01
        Which weights are visible, see :func:`find_parts`.
    feature_names, target_names : array-like of str, default=None
        Names of the inputs and outputs, overriding those read from the data.

    Returns
    -------
    table : pandas.DataFrame
        Indexed by part (dead ends numbered after the parts), with columns:

        - ``inputs``: names of the part's inputs;
        - ``h1``, ``h2``, ...: its number of neurons in each hidden layer;
        - ``outputs``: names of the outputs (targets or classes) it feeds;
        - ``dead end``: True for wiring that reaches no output;
        - with ``X``, ``variance share``: the variance of the part's
          contribution on ``X`` (summed over outputs) over the sum of every
          part's; the shares add up to 1, and are the parts' shares of the
          prediction's variance when the parts vary independently;
        - with ``X`` and ``y``, ``score without``: the visible network's
          score (accuracy or R^2) with the part's contribution replaced by
          its mean on ``X`` (the part knocked out, the rest untouched), and
          ``score drop``: the visible network's score minus that.

    See Also
    --------
    find_parts : The parts and their contributions.
    module_table : One row per Louvain module (the paper's modularity).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skbimt import BIMTRegressor
    >>> from skbimt.inspection import part_table
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> reg = BIMTRegressor(max_iter=500, random_state=0).fit(X, y)
    >>> table = part_table(reg, X, y)
    >>> list(table.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['inputs', 'h1', 'h2', 'outputs', 'dead end', 'variance share',
     'score without', 'score drop']
    """
    pd = _pandas("part_table")
    if y is not None and X is None:
        raise ValueError(
            "y scores the knock-outs of the parts on X: give X with y, or "
            "neither for a table without scores."
        )
    parts = find_parts(
        estimator,
        threshold=threshold,
        feature_names=feature_names,
        target_names=target_names,
    )
    rows = []
    for inputs, sizes, outputs in zip(
        parts.inputs, parts.hidden_sizes, parts.outputs, strict=True
    ):
        rows.append((inputs, sizes, outputs, False))
    for dead in parts.dead_ends:
        rows.append((dead["inputs"], dead["hidden_sizes"], [], True))
    table = pd.DataFrame(
        [
            {
                "inputs": inputs,
                **{f"h{layer}": n for layer, n in enumerate(sizes, start=1)},
                "outputs": outputs,
                "dead end": dead,
            }
            for inputs, sizes, outputs, dead in rows
        ],
        columns=[
            "inputs",
            *[f"h{layer}" for layer in range(1, len(parts.neuron_parts) - 1)],
            "outputs",
            "dead end",
        ],
    )
    table.index.name = "part"
    if X is None:
        return table
    contributions = parts.contributions(X)
    variances = contributions.var(axis=0)
    variances = variances.reshape(parts.n_parts, -1).sum(axis=1)
    total = variances.sum()
    shares = variances / total if total > 0 else variances
    table["variance share"] = np.concatenate([shares, np.zeros(len(parts.dead_ends))])
    if y is not None:
        visible = parts.predict(X)
        full = _score(parts.estimator, visible, y)
        without = []
        for part in range(parts.n_parts):
            own = contributions[:, part]
            without.append(_score(parts.estimator, visible - own + own.mean(axis=0), y))
        table["score without"] = without + [full] * len(parts.dead_ends)
        table["score drop"] = full - table["score without"]
    return table


def module_table(estimator, X=None, y=None, *, feature_names=None, target_names=None):
    """The modules of a fitted network as a table, one row per module.

    A module is a community of the connectivity graph (``modules_``, the
    grouping whose Newman modularity is ``modularity_``); neurons colour
    the same in ``NetworkDisplay.from_estimator(..., color_modules=True)``.

    Parameters
    ----------
    estimator : BIMTRegressor, BIMTClassifier or Pipeline
        Fitted; a pipeline's last step is read and ``X`` passes through the
        steps before it.
    X : array-like of shape (n_samples, n_features), default=None
        Data to score the knock-outs on (usually held out); no knock-out
        columns when None.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        Targets of ``X``.
    feature_names, target_names : array-like of str, default=None
        Names of the inputs and outputs, overriding those read from the data
        (see ``neuron_labels``).

    Returns
    -------
    table : pandas.DataFrame
        Indexed by module label, with columns:

        - ``inputs``: names of the input features in the module;
        - ``h1``, ``h2``, ...: its number of neurons in each hidden layer;
        - ``outputs``: names of the outputs (classes or targets) in it;
        - with ``X`` and ``y``, ``score without``: the score
          (accuracy or R^2) with the module's input and hidden neurons
          knocked out (:func:`knockout_scores`; NaN for a module of output
          neurons only, which has none), and ``score drop``: the full
          network's score minus that.

    See Also
    --------
    part_table : One row per part, the groups whose contributions add up
        to the prediction; what a user reads first.
    knockout_scores : Knock-out scores of modules, neurons or weights.
    NetworkDisplay : The connectivity graph, coloured by module.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skbimt import BIMTClassifier
    >>> from skbimt.inspection import module_table
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> clf = BIMTClassifier(max_iter=300, random_state=0).fit(X, y)
    >>> table = module_table(clf, X, y)
    >>> list(table.columns)
    ['inputs', 'h1', 'h2', 'outputs', 'score without', 'score drop']
    """
    pd = _pandas("module_table")
    if (X is None) != (y is None):
        raise ValueError(
            "Give both X and y to score the knock-outs of the modules, or "
            "neither for a table without scores."
        )
    named = named_network(
        estimator,
        "module_table",
        feature_names=feature_names,
        target_names=target_names,
    )
    fitted, labels = named.estimator, named.labels
    modules = [np.asarray(m) for m in fitted.modules_]
    found = np.unique(np.concatenate(modules))
    rows = {}
    for module in (int(m) for m in found if m >= 0):
        row = {"inputs": [labels[0][j] for j in np.flatnonzero(modules[0] == module)]}
        for layer in range(1, len(modules) - 1):
            row[f"h{layer}"] = int((modules[layer] == module).sum())
        row["outputs"] = [labels[-1][j] for j in np.flatnonzero(modules[-1] == module)]
        rows[module] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "module"
    if X is not None:
        X = named.transform(X)
        scores = knockout_scores(fitted, X, y, by="module")
        full = fitted.score(X, y)
        # A module of output neurons only has nothing to knock out.
        table["score without"] = [scores.get(m, np.nan) for m in table.index]
        table["score drop"] = full - table["score without"]
    return table
