"""Continued training: ``warm_start`` and ``partial_fit``.

Both train a fitted network further rather than a fresh one: its weights,
its neurons' places (so earlier swaps are kept and later ones build on
them) and Adam's moment estimates, in the training units of the first fit
(the standardisation is not refitted, so the weights keep their meaning).

How the strength continues:

* ``fit`` with ``warm_start=True`` trains ``max_iter`` more steps at the
  *final* strength of the schedule (``lambda_schedule`` times ``alpha``, as
  set now; ``"auto"`` counted on the new rows). The weak opening phase of a
  schedule is there to let a fresh network fit before it is sparsified;
  replaying it would let a sparsified network grow back its wires. Raising
  ``alpha`` between warm fits walks a path of stronger costs, as the CV
  estimators do.
* ``partial_fit`` walks along the schedule resolved at its first call (or by
  the ``fit`` before it), counted in steps of ``max_iter``: a call's steps
  take the strengths the schedule has at ``n_iter_ + 1, n_iter_ + 2, ...``,
  and after ``max_iter`` steps the final strength.
"""

import copy

import numpy as np
import torch

from ._engine.network import FlatLayout
from ._engine.schedule import lambda_values
from ._engine.training import Network
from ._scaling import Scaling


def fitted_network(estimator, loss, dtype):
    """The network of a fitted estimator, ready to train further.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted; left untouched (the geometry and the optimizer state are
        copies).
    loss : str
        The training loss.
    dtype : torch.dtype
        Precision to train in.

    Returns
    -------
    network : skbimt._engine.training.Network
    """
    coefs, intercepts = estimator.scaled_coefs_, estimator.scaled_intercepts_
    layer_sizes = [coefs[0].shape[0], *(w.shape[1] for w in coefs)]
    embedding = getattr(estimator, "embedding_", None)
    n_tokens = None if embedding is None else estimator.n_features_in_
    layout = FlatLayout(
        layer_sizes,
        n_tokens=n_tokens,
        vocab_size=None if embedding is None else len(embedding),
    )
    flat = torch.empty(layout.size, dtype=torch.float64)
    for view, value in zip(layout.weights(flat), coefs, strict=True):
        view.copy_(torch.as_tensor(value))
    for view, value in zip(layout.biases(flat), intercepts, strict=True):
        view.copy_(torch.as_tensor(value))
    if embedding is not None:
        layout.embedding(flat).copy_(torch.as_tensor(embedding))
    state = getattr(estimator, "_optimizer_state", None)
    if state is not None:
        state = {
            key: value.clone() if isinstance(value, torch.Tensor) else value
            for key, value in state.items()
        }
    return Network(
        flat=flat.to(dtype),
        layout=layout,
        geometry=copy.deepcopy(estimator.geometry_),
        activation=estimator.activation,
        loss=loss,
        optimizer_state=state,
    )


def fitted_scalings(estimator):
    """``(input_scaling, target_scaling)`` of a fitted estimator."""
    inputs = targets = None
    if estimator.x_mean_ is not None:
        inputs = Scaling(estimator.x_mean_, estimator.x_scale_)
    if getattr(estimator, "y_mean_", None) is not None:
        targets = Scaling(estimator.y_mean_, estimator.y_scale_)
    return inputs, targets


def check_same_network(estimator, data, hidden):
    """Refuse data or hyperparameters the fitted network cannot train on."""
    fitted = [w.shape[1] for w in estimator.coefs_[:-1]]
    if fitted != list(hidden):
        raise ValueError(
            f"hidden_layer_sizes={estimator.hidden_layer_sizes!r} does not match "
            f"the fitted network's hidden layers {tuple(fitted)}: continued "
            "training (warm_start, partial_fit) keeps the network. Set "
            "warm_start=False, or clone the estimator, to train a new one."
        )
    n_outputs = data.layer_sizes[-1]
    if (n_outputs, data.attributes["out_activation_"]) != (
        estimator.n_outputs_,
        getattr(estimator, "out_activation_", data.attributes["out_activation_"]),
    ):
        raise ValueError(
            f"y gives {n_outputs} outputs ({data.attributes['out_activation_']}) "
            f"but the fitted network has {estimator.n_outputs_} "
            f"({estimator.out_activation_}); continued training needs targets "
            "of the same kind and number as the first fit."
        )


def partial_fit_lambdas(schedule, max_iter, first_step, n_steps):
    """Strengths of steps ``first_step + 1 ..``, the last held after ``max_iter``."""
    values = lambda_values(schedule, max_iter)
    steps = np.minimum(np.arange(first_step, first_step + n_steps), max_iter - 1)
    return values[steps]


def warm_start_strength(schedule, max_iter):
    """The strength a warm-started fit trains at: the schedule's final one."""
    return float(lambda_values(schedule, max_iter)[-1])


def continued_history(estimator, attributes):
    """Attributes with the curves and counts of earlier training prepended.

    ``n_iter_`` counts every step since the first fit, and ``loss_curve_``,
    ``connection_cost_curve_`` and ``swap_counts_`` run over all of them,
    as the MLP's ``n_iter_`` and ``loss_curve_`` do under ``warm_start``.
    A regressor's target range (``y_min_``, ``y_max_``) widens to hold the
    targets of every call.
    """
    merged = dict(attributes)
    if getattr(estimator, "y_min_", None) is not None and "y_min_" in attributes:
        merged["y_min_"] = np.minimum(estimator.y_min_, attributes["y_min_"])
        merged["y_max_"] = np.maximum(estimator.y_max_, attributes["y_max_"])
    merged["n_iter_"] = estimator.n_iter_ + attributes["n_iter_"]
    for name in ("loss_curve_", "connection_cost_curve_", "swap_counts_"):
        merged[name] = np.concatenate([getattr(estimator, name), attributes[name]])
    return merged
