"""The BIMT training loop for any torch module declared with :class:`BIMT`."""

import numpy as np
import torch

from .._engine.schedule import lambda_values


def train_module(
    model,
    bimt,
    batches,
    loss_fn,
    *,
    max_iter,
    lambda_schedule,
    learning_rate=1e-3,
    weight_decay=0.0,
    k=6,
    swap_every=200,
    cost_reduction="sum",
):
    """Train a torch module with BIMT: Adam(W) on ``loss + lambda * cost``, with swaps.

    The training loop of the estimators, for modules declared with
    :class:`~skbimt.nn.BIMT` (autograd does the gradients here).

    Parameters
    ----------
    model : torch.nn.Module
    bimt : BIMT
        Declares ``model``'s layers.
    batches : callable
        ``batches(step) -> (inputs, targets)`` for each step.
    loss_fn : callable
        ``loss_fn(model(inputs), targets) -> scalar tensor``.
    max_iter : int
        Number of steps.
    lambda_schedule : float, sequence of (float, float) or callable
        As for the estimators, see :func:`skbimt.nn.lambda_values`.
    learning_rate : float, default=1e-3
    weight_decay : float, default=0.0
        Decoupled weight decay; with a nonzero value the optimizer is
        ``torch.optim.AdamW``.
    k : int, default=6
        Neurons tried per layer at each swap pass.
    swap_every : int or None, default=200
        Steps between swap passes; None disables swaps.
    cost_reduction : {"sum", "mean"}, default="sum"
        See :meth:`BIMT.cost`.

    Returns
    -------
    history : dict
        ``loss`` and ``cost``: ndarrays of shape (max_iter,), the prediction
        loss and the connection cost before each step.
    """
    lambdas = lambda_values(lambda_schedule, max_iter).tolist()
    if weight_decay:
        optimizer = torch.optim.AdamW(
            model.parameters(), lr=learning_rate, weight_decay=weight_decay
        )
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    losses, costs = np.empty(max_iter), np.empty(max_iter)
    for step in range(max_iter):
        inputs, targets = batches(step)
        loss = loss_fn(model(inputs), targets)
        cost = bimt.cost(cost_reduction)
        total = loss + lambdas[step] * cost if lambdas[step] else loss
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        losses[step], costs[step] = loss.item(), cost.item()
        if swap_every and (step + 1) % swap_every == 0:
            bimt.swap(k)
    return {"loss": losses, "cost": costs}
