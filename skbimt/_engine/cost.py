"""Connection cost of the paper's Eq. (3), and the length of every parameter.

``l_w = sum d * |w|`` over every weight, ``d`` its length in the geometry;
``l_b = sum y_star * |b|`` over every bias (and every other parameter that
belongs to a neuron, such as a token embedding). ``A = 0`` makes every length
``y_star`` and the cost plain L1.

The cost is written as a *length per parameter*: ``cost = sum length * |p|``.
With ``reduction="sum"`` that length is ``d`` for a weight and ``y_star`` for
a bias; with ``reduction="mean"`` it is further divided by the number of
entries of the parameter's tensor, so that each tensor contributes the mean
of its cost (the convention of the authors' code for their algorithmic,
transformer and MNIST runs). Training (one flat buffer), :mod:`skbimt.nn`
(separate tensors) and :func:`connection_cost` all take their lengths from
this module.
"""

import numpy as np
import torch

REDUCTIONS = ("sum", "mean")


def check_reduction(reduction):
    """Refuse anything but ``"sum"`` and ``"mean"``."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction must be one of {REDUCTIONS}, got {reduction!r}: 'sum' is "
            "the paper's Eq. 3, 'mean' averages the cost of each tensor."
        )


def weight_lengths(distance, reduction="sum"):
    """Length charged for every weight of one matrix.

    Parameters
    ----------
    distance : ndarray or torch.Tensor of shape (n_pre, n_post)
        Distance between the neurons each weight joins.
    reduction : {"sum", "mean"}, default="sum"

    Returns
    -------
    lengths : same type and shape as ``distance``
        ``distance``, divided by its number of entries for ``"mean"``.
    """
    size = distance.numel() if isinstance(distance, torch.Tensor) else np.size(distance)
    if reduction == "mean" and size:
        return distance / size
    return distance


def other_length(bias_distance, size, reduction="sum"):
    """Length charged for every entry of a bias or other per-neuron tensor.

    Parameters
    ----------
    bias_distance : float
        ``y_star``.
    size : int
        Number of entries of the tensor.
    reduction : {"sum", "mean"}, default="sum"

    Returns
    -------
    length : float
    """
    if reduction == "mean" and size:
        return bias_distance / size
    return bias_distance


def connection_cost(weights, biases, distances, bias_distance, reduction="sum"):
    """Differentiable connection cost ``l_w + l_b`` (Eq. 3).

    Parameters
    ----------
    weights : list of torch.Tensor
        One ``(n_pre, n_post)`` matrix per connection.
    biases : list of torch.Tensor or None
        Biases, and any other tensor charged ``bias_distance`` per entry (a
        token embedding, a positional embedding); None entries are skipped.
    distances : list of array-like or torch.Tensor
        Length of every weight, same shapes as ``weights``.
    bias_distance : float
        Length charged for each bias entry (``y_star``).
    reduction : {"sum", "mean"}, default="sum"
        ``"mean"`` averages the cost of each tensor before adding them up.

    Returns
    -------
    cost : torch.Tensor
        Scalar, differentiable with respect to weights and biases.

    Examples
    --------
    >>> import torch
    >>> from skbimt.nn import connection_cost
    >>> w = torch.tensor([[1.0, -2.0]], dtype=torch.float64)
    >>> b = torch.tensor([0.5, 0.0], dtype=torch.float64)
    >>> round(float(connection_cost([w], [b], [[[0.1, 0.3]]], 0.1)), 12)
    0.75
    """
    check_reduction(reduction)
    total = None
    for weight, distance in zip(weights, distances, strict=True):
        distance = torch.as_tensor(distance, dtype=weight.dtype, device=weight.device)
        term = (weight_lengths(distance, reduction) * weight.abs()).sum()
        total = term if total is None else total + term
    for bias in biases:
        if bias is None:
            continue
        length = other_length(bias_distance, bias.numel(), reduction)
        term = length * bias.abs().sum()
        total = term if total is None else total + term
    if total is None:
        raise ValueError("connection_cost needs at least one weight or bias.")
    return total


def fill_flat_lengths(
    out, layout, distances, bias_distance, reduction="sum", input_cost=1.0
):
    """Write the length of every parameter of a flat buffer into ``out``.

    Parameters
    ----------
    out : torch.Tensor
        Flat tensor laid out by ``layout``; overwritten.
    layout : FlatLayout
        Where weights, biases and the embedding table sit in ``out``.
    distances : list of ndarray
        Length of every weight of each geometry connection, in the order of
        ``layout.connection_blocks`` (with token input the first weight
        matrix is one connection per token).
    bias_distance : float
        ``y_star``: length of biases and token embedding entries.
    reduction : {"sum", "mean"}, default="sum"
        ``"mean"`` averages over whole tensors: the first weight matrix of a
        token network counts once, not once per token.
    input_cost : float, default=1.0
        Factor on the lengths of the first weight matrix, the wires leaving
        the input layer.

    Returns
    -------
    out : torch.Tensor
    """
    check_reduction(reduction)
    matrices = [np.empty(shape) for shape in layout.weight_shapes]
    for (layer, rows), distance in zip(
        layout.connection_blocks, distances, strict=True
    ):
        matrices[layer][rows] = distance
    matrices[0] *= input_cost
    for view, distance in zip(layout.weights(out), matrices, strict=True):
        view.copy_(torch.as_tensor(weight_lengths(distance, reduction)))
    others = list(layout.biases(out))
    if layout.embedding_slice is not None:
        others.append(out[layout.embedding_slice])
    for view in others:
        view.fill_(other_length(bias_distance, view.numel(), reduction))
    return out
