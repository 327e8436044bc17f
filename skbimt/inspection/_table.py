"""One row per module: what each module of a fitted network holds and does."""

import numpy as np

from ._knockout import knockout_scores
from ._names import named_network


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
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError(
            "module_table returns a pandas DataFrame; install pandas "
            "(pip install pandas) to use it."
        ) from error
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
