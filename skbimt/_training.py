"""The BIMT training loop: prediction loss + lambda * connection cost, with swaps.

One step is: forward/backward by hand (:mod:`._backprop`), add the
connection-cost gradient ``lambda * d * sign(theta)`` (the subgradient of
Eq. 3, zero at zero as autograd's ``abs``), one Adam update. Every
``swap_every`` steps the swap search moves neurons (:mod:`._swap`) and the
weight lengths are re-read from the geometry. Weights and the optimizer state
never move.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import torch

from ._adam import FlatAdam
from ._backprop import MLPBackprop
from ._progress import Progress
from ._swap import swap_pass

#: How often (in steps) the loop checks that the loss is still finite and
#: saves the parameters to fall back on.
CHECK_EVERY = 100


class DivergenceWarning(UserWarning):
    """Training stopped because the loss or the weights became NaN or infinite."""


@dataclass
class TrainingLog:
    """What happened during training.

    Attributes
    ----------
    n_iter : int
        Steps whose update was kept.
    loss_curve : ndarray of shape (n_iter,)
        Prediction loss before each kept step.
    cost_curve : ndarray of shape (n_iter,)
        Connection cost ``l_w + l_b`` before each kept step.
    n_swaps : list of int
        Swaps made at each swap pass.
    stop_reason : {"max_iter", "diverged", "interrupted"}
    snapshots : list of tuple
        ``(step, flat parameters on CPU, slot assignments)`` recorded every
        ``snapshot_every`` steps, the start and the end included.
    """

    n_iter: int = 0
    loss_curve: np.ndarray = None
    cost_curve: np.ndarray = None
    n_swaps: list = field(default_factory=list)
    stop_reason: str = "max_iter"
    snapshots: list = field(default_factory=list)


def flat_lengths(layout, geometry, out, reduction="sum"):
    """Write each parameter's length into ``out``.

    Weights get their length ``d`` in the geometry; biases and token
    embeddings ``y_star`` (the geometry's ``bias_distance``). With
    ``reduction="mean"`` every length is divided by the size of its weight
    matrix, bias vector or embedding table, so that ``sum(length * |theta|)``
    is the sum over tensors of their mean cost.
    """
    out.fill_(geometry.bias_distance)
    for block, distance in zip(
        layout.connection_weights(out), _distances(geometry), strict=True
    ):
        block.copy_(torch.as_tensor(distance, dtype=out.dtype))
    if reduction == "mean":
        tensors = [*layout.weight_slices, *layout.bias_slices]
        if layout.embedding_slice is not None:
            tensors.append(layout.embedding_slice)
        for part in tensors:
            out[part] /= part.stop - part.start
    return out


def _distances(geometry):
    return [geometry.distance(c) for c in range(len(geometry.connections))]


def _absolute_weights(layout, flat):
    cpu = flat.detach().to("cpu", torch.float64).abs()
    return [w.numpy() for w in layout.connection_weights(cpu)]


def train(
    flat,
    layout,
    geometry,
    *,
    activation,
    loss,
    X,
    target,
    lambdas,
    learning_rate,
    batch_size,
    swap_every,
    k,
    swap_layers,
    rng,
    verbose=0,
    snapshot_every=None,
    cost_reduction="sum",
):
    """Train the flat parameters ``flat`` in place with BIMT.

    Parameters
    ----------
    flat : torch.Tensor
        Flat float parameters laid out by ``layout``; updated in place.
    layout : FlatLayout
    geometry : Geometry
        Its assignments are updated by the swaps.
    activation : str
        Hidden activation, see :class:`~skbimt._backprop.MLPBackprop`.
    loss : {"squared_error", "cross_entropy"}
    X : torch.Tensor of shape (n_samples, n_inputs)
    target : torch.Tensor of shape (n_samples, n_outputs)
    lambdas : ndarray of shape (max_iter,)
        Regularization strength at each step.
    learning_rate : float
        Adam's learning rate.
    batch_size : int or None
        Samples per step; None for full batch.
    swap_every : int or None
        Steps between swap passes; None disables swaps.
    k : int
        Neurons tried per layer and pass.
    swap_layers : list of int
        Layers the swap search visits.
    rng : numpy.random.RandomState
        Draws the mini-batches.
    verbose : int, default=0
        Print progress when >= 1, swaps too when >= 2.
    snapshot_every : int or None, default=None
        Record parameters and positions every this many steps.
    cost_reduction : {"sum", "mean"}, default="sum"
        How the connection cost adds up, see :func:`flat_lengths`.

    Returns
    -------
    log : TrainingLog
    """
    max_iter = len(lambdas)
    n_samples = X.shape[0]
    grad = torch.zeros_like(flat)
    backprop = MLPBackprop(layout, activation, loss, flat, grad)
    adam = FlatAdam(flat, learning_rate)
    lengths = flat_lengths(layout, geometry, torch.empty_like(flat), cost_reduction)
    weighted_sign = torch.empty_like(flat)
    loss_history = torch.full((max_iter,), float("nan"), device=flat.device)
    cost_history = torch.full((max_iter,), float("nan"), device=flat.device)
    fallback = flat.clone()
    log = TrainingLog()
    lambda_list = lambdas.tolist()
    batches = _batch_indices(n_samples, batch_size, rng, flat.device)
    progress = Progress(max_iter, verbose) if verbose else None

    def snapshot(at_step):
        log.snapshots.append(
            (at_step, flat.detach().to("cpu", copy=True), geometry.get_state())
        )

    if snapshot_every:
        snapshot(0)
    step = 0
    try:
        for step in range(max_iter):
            if batches is None:
                X_batch, target_batch = X, target
            else:
                index = next(batches)
                X_batch, target_batch = X[index], target[index]
            backprop.loss_and_grad(X_batch, target_batch, loss_history[step])
            torch.sign(flat, out=weighted_sign)
            weighted_sign.mul_(lengths)
            torch.dot(weighted_sign, flat, out=cost_history[step])
            if lambda_list[step]:
                grad.add_(weighted_sign, alpha=lambda_list[step])
            adam.step(grad)

            if swap_every and (step + 1) % swap_every == 0:
                n_swaps = swap_pass(
                    geometry, _absolute_weights(layout, flat), k, swap_layers
                )
                log.n_swaps.append(n_swaps)
                if n_swaps:
                    flat_lengths(layout, geometry, lengths, cost_reduction)
                if verbose >= 2:
                    print(f"[BIMT] step {step + 1}: {n_swaps} swaps")
            if (step + 1) % CHECK_EVERY == 0 or step + 1 == max_iter:
                if not _finite(loss_history, flat, log.n_iter, step + 1):
                    _fall_back(flat, fallback, log, "diverged")
                    break
                fallback.copy_(flat)
                log.n_iter = step + 1
            if snapshot_every and (step + 1) % snapshot_every == 0:
                snapshot(step + 1)
            if progress is not None and progress.due(step):
                progress.report(
                    step,
                    loss_history[step].item() * backprop.loss_scale,
                    cost_history[step].item(),
                    lambda_list[step],
                )
    except KeyboardInterrupt:
        if _finite(loss_history, flat, log.n_iter, step):
            log.n_iter = step
        else:
            flat.copy_(fallback)
        log.stop_reason = "interrupted"
        warnings.warn(
            f"Training interrupted by user after {log.n_iter} steps; the model "
            "keeps the weights reached so far.",
            UserWarning,
            stacklevel=3,
        )

    if progress is not None:
        progress.close()
    if snapshot_every:
        # Keep only snapshots of kept steps, and end on the final weights.
        log.snapshots = [s for s in log.snapshots if s[0] < log.n_iter]
        snapshot(log.n_iter)
    log.loss_curve = (
        loss_history[: log.n_iter].cpu().numpy().astype(np.float64)
        * backprop.loss_scale
    )
    log.cost_curve = cost_history[: log.n_iter].cpu().numpy().astype(np.float64)
    return log


def _finite(loss_history, flat, start, stop):
    return bool(
        torch.isfinite(loss_history[start:stop]).all() and torch.isfinite(flat).all()
    )


def _fall_back(flat, fallback, log, reason):
    flat.copy_(fallback)
    log.stop_reason = reason
    warnings.warn(
        f"The training loss became NaN or infinite; training stopped and the "
        f"model keeps the last finite weights, from step {log.n_iter}. Lower "
        "learning_rate or lambda_schedule, or scale X (and y for regression).",
        DivergenceWarning,
        stacklevel=3,
    )


def _batch_indices(n_samples, batch_size, rng, device):
    """Endless mini-batch indices, reshuffled each epoch; None for full batch."""
    if batch_size is None or batch_size >= n_samples:
        return None

    def generate():
        while True:
            order = torch.as_tensor(rng.permutation(n_samples), device=device)
            for start in range(0, n_samples - batch_size + 1, batch_size):
                yield order[start : start + batch_size]

    return generate()
