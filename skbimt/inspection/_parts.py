"""The parts of a fitted network: what they hold, and what each adds to the output.

A BIMT network is read part by part. Below the output layer, the visible
network (weights above ``threshold`` of their matrix's largest ``|w|``, the
lines :class:`NetworkDisplay` draws) falls into connected parts, and its
output (the prediction of a regressor, the class logits of a classifier) is
exactly the sum of one contribution per part plus an intercept. Each
contribution depends on its part's inputs only, so it can be drawn against
them (:class:`PartShapeDisplay`) and tabulated (:func:`part_table`).

What is drawn is what is summed: the contributions add up to the *visible*
network, the fitted one with the invisible weights set to zero. The fitted
network itself differs from it by the sum of those thin lines;
:meth:`Parts.gap` says by how much on given rows (0.003 to 0.024 of the
prediction's spread with the default threshold on the tables and seeds we
measured; see the user guide).
"""

from numbers import Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import validate_data

from .._connectivity import DEFAULT_THRESHOLD
from .._fit_data import ACCEPTED_DTYPES, token_ids
from .._parts import find_part_structure, part_contributions
from ._names import named_network


class Parts:
    """The additive parts of a fitted BIMT network; made by :func:`find_parts`.

    Parameters
    ----------
    named : object
        The fitted network with the names of its inputs and outputs, as
        :func:`find_parts` reads it.
    structure : object
        The network's visible parts, as ``skbimt._parts`` finds them.
    threshold : float
        The threshold that decides which weights are visible.

    Attributes
    ----------
    n_parts : int
        Number of parts.
    threshold : float
        The threshold that decides which weights are visible.
    inputs : list of list of str
        Per part, the names of its inputs (the columns of the data, or the
        features leaving the steps of a pipeline before the network).
    input_indices : list of ndarray of int
        Per part, the positions of its inputs among the network's inputs.
    hidden_sizes : list of tuple of int
        Per part, its number of neurons in each hidden layer.
    outputs : list of list of str
        Per part, the outputs (targets or classes) it feeds through a
        visible weight.
    dead_ends : list of dict
        Visible wiring that leaves some inputs but reaches no output, so
        adds nothing: ``{"inputs": [...], "hidden_sizes": (...)}`` each.
    neuron_parts : list of ndarray of int
        Per neuron layer, the part of every neuron; -1 for neurons in no
        part (inactive ones and the outputs), as ``modules_`` is laid out.
    output_names : list of str
        Names of the network's outputs.
    estimator : BIMTRegressor or BIMTClassifier
        The fitted network read.

    See Also
    --------
    find_parts : Build this object.
    part_table : One row per part, with its share of the prediction.
    PartShapeDisplay : Each part's contribution against its inputs.
    """

    def __init__(self, named, structure, threshold):
        self._named = named
        self._structure = structure
        self.estimator = named.estimator
        self.threshold = threshold
        names = named.labels
        labels = structure.labels
        self.n_parts = structure.n_parts
        self.neuron_parts = [np.array(layer) for layer in labels]
        self.input_indices = [
            np.flatnonzero(labels[0] == p) for p in range(self.n_parts)
        ]
        self.inputs = [[names[0][i] for i in idx] for idx in self.input_indices]
        hidden = range(1, len(labels) - 1)
        self.hidden_sizes = [
            tuple(int((labels[h] == p).sum()) for h in hidden)
            for p in range(self.n_parts)
        ]
        last = structure.coefs[-1] != 0
        self.output_names = list(names[-1])
        self.outputs = [
            [names[-1][o] for o in np.flatnonzero(last[labels[-2] == p].any(axis=0))]
            for p in range(self.n_parts)
        ]
        dead = structure.dead_ends
        self.dead_ends = [
            {
                "inputs": [names[0][i] for i in np.flatnonzero(dead[0] == d)],
                "hidden_sizes": tuple(int((dead[h] == d).sum()) for h in hidden),
            }
            for d in range(structure.n_dead_ends)
        ]

    def __repr__(self):
        groups = "; ".join(
            "{" + ", ".join(inputs) + "} -> " + ", ".join(outputs)
            for inputs, outputs in zip(self.inputs, self.outputs, strict=True)
        )
        return f"Parts({self.n_parts}: {groups})"

    def _network_inputs(self, X, transformed=False):
        """``X`` as the network's first layer reads it, in training units.

        ``transformed``: ``X`` has passed the pipeline's steps already;
        ``"checked"``: and it is an array checked by an earlier call.
        """
        network = self.estimator
        if not transformed:
            X = self._named.transform(X)
        if transformed != "checked":
            X = validate_data(network, X, dtype=ACCEPTED_DTYPES, reset=False)
        if network.embedding_dim is not None:
            ids = token_ids(X, network.vocab_size_)
            return network.embedding_[ids].reshape(len(ids), -1)
        return (np.asarray(X, dtype=np.float64) - network.x_mean_) / network.x_scale_

    def _in_user_units(self, values, shift):
        network = self.estimator
        scale = getattr(network, "y_scale_", None)
        if scale is not None:
            values = values * scale
            if shift:
                values = values + network.y_mean_
        return values

    @property
    def _one_output(self):
        """Whether the network's output is 1-d (a regressor fitted on a 1-d y)."""
        network = self.estimator
        return not is_classifier(network) and getattr(network, "_y_ndim_", 2) == 1

    @property
    def intercept(self):
        """What the visible network outputs besides its parts: the output bias
        plus the constant feed of neurons no input reaches. A float for a
        1-d output, else an array of shape ``(n_outputs,)``."""
        scaled = part_contributions(
            self.estimator.scaled_intercepts_,
            self.estimator.activation,
            np.zeros((1, self._structure.coefs[0].shape[0])),
            self._structure,
        )[1]
        value = self._in_user_units(scaled, shift=True)
        return float(value[0]) if self._one_output else value

    def contributions(self, X):
        """Each part's contribution to the output on the rows of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data as the estimator (or pipeline) takes it.

        Returns
        -------
        contributions : ndarray of shape (n_samples, n_parts[, n_outputs])
            In the units of the target (a regressor) or of the logits (a
            classifier); 2-d for a regressor fitted on a 1-d ``y``.
            ``contributions.sum(axis=1) + intercept`` equals
            :meth:`predict`.
        """
        return self._contributions(X)

    def _contributions(self, X, transformed=False, squeeze=True):
        parts, _ = part_contributions(
            self.estimator.scaled_intercepts_,
            self.estimator.activation,
            self._network_inputs(X, transformed),
            self._structure,
        )
        parts = self._in_user_units(parts, shift=False)
        return parts[..., 0] if squeeze and self._one_output else parts

    def predict(self, X):
        """Output of the visible network: the sum of the parts and the intercept.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        output : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            A regressor's prediction, or a classifier's class logits.
        """
        return self.contributions(X).sum(axis=1) + self.intercept

    def gap(self, X):
        """How far the visible network's output is from the fitted network's.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        gap : float
            Root mean square of the difference on ``X``, divided by the
            standard deviation of the fitted output (pooled over outputs);
            0 when the invisible weights change nothing.
        """
        fitted = self.estimator._forward(self._named.transform(X))
        visible = self.predict(X).reshape(fitted.shape)
        spread = fitted.std(axis=0).mean()
        rms = float(np.sqrt(np.mean((visible - fitted) ** 2)))
        return rms / spread if spread > 0 else rms


@validate_params(
    {
        "estimator": "no_validation",
        "threshold": [Interval(Real, 0, 1, closed="both")],
        "feature_names": ["array-like", None],
        "target_names": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def find_parts(
    estimator, *, threshold=DEFAULT_THRESHOLD, feature_names=None, target_names=None
):
    """The additive parts of a fitted BIMT network.

    Below the output layer, the network's visible weights (``|w|`` above
    ``threshold`` times the largest ``|w|`` of their matrix, the lines
    :class:`NetworkDisplay` draws) join the active neurons into connected
    parts. The parts share no visible weight, so the visible network's
    output is the sum of one contribution per part, each a function of its
    part's inputs only, plus an intercept.

    Parameters
    ----------
    estimator : BIMTRegressor, BIMTClassifier or Pipeline
        Fitted; a pipeline's last step is read, its inputs are named by the
        steps before it and data passes through those steps.
    threshold : float, default=0.01
        Which weights are visible, relative to their matrix's largest
        ``|w|``; the default is the threshold of ``modules_`` and of the
        plots. ``0`` keeps every non-zero weight: the visible network is
        then the fitted one, usually as a single part.
    feature_names, target_names : array-like of str, default=None
        Names of the inputs and outputs, overriding those read from the data.

    Returns
    -------
    parts : Parts

    See Also
    --------
    part_table : One row per part.
    PartShapeDisplay : Each part's contribution against its inputs.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skbimt import BIMTRegressor
    >>> from skbimt.inspection import find_parts
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> reg = BIMTRegressor(max_iter=500, random_state=0).fit(X, y)
    >>> parts = find_parts(reg)
    >>> total = parts.contributions(X).sum(axis=1) + parts.intercept
    >>> bool(abs(total - parts.predict(X)).max() < 1e-6)
    True
    """
    named = named_network(
        estimator, "find_parts", feature_names=feature_names, target_names=target_names
    )
    structure = find_part_structure(named.estimator.scaled_coefs_, threshold)
    return Parts(named, structure, float(threshold))
