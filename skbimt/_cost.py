"""Connection cost of the paper's Eq. (3).

``l_w = sum d * |w|`` over every weight, ``d`` its length in the geometry;
``l_b = sum y_star * |b|`` over every bias. ``A = 0`` makes every length
``y_star`` and the cost plain L1.
"""

import numpy as np
import torch


def connection_cost(weights, biases, distances, bias_distance):
    """Differentiable connection cost ``l_w + l_b``.

    Parameters
    ----------
    weights : list of torch.Tensor
        One ``(n_pre, n_post)`` matrix per connection.
    biases : list of torch.Tensor or None
        Bias vector of the post layer of each connection, or None.
    distances : list of torch.Tensor
        Length of every weight, same shapes as ``weights``.
    bias_distance : float
        Length charged for each bias (``y_star``).

    Returns
    -------
    cost : torch.Tensor
        Scalar, differentiable with respect to weights and biases.
    """
    cost = sum(
        (distance * weight.abs()).sum()
        for weight, distance in zip(weights, distances, strict=True)
    )
    bias_sum = sum(bias.abs().sum() for bias in biases if bias is not None)
    return cost + bias_distance * bias_sum


def weight_cost_numpy(geometry, abs_weights):
    """``l_w`` for given absolute weights at the geometry's current placement.

    Parameters
    ----------
    geometry : Geometry
    abs_weights : list of ndarray
        ``|W|`` of each connection, in neuron order.

    Returns
    -------
    cost : float
    """
    return float(
        sum(
            np.sum(geometry.distance(c) * weight)
            for c, weight in enumerate(abs_weights)
        )
    )


def distances_as_tensors(geometry, dtype=torch.float32, device="cpu"):
    """Current weight lengths of every connection as torch tensors."""
    return [
        torch.as_tensor(geometry.distance(c), dtype=dtype, device=device)
        for c in range(len(geometry.connections))
    ]
