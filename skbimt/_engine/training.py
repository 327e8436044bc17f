"""The BIMT training loop: prediction loss + lambda * connection cost, with swaps.

One step is: forward/backward by hand (:mod:`.backprop`), add the
connection-cost gradient ``lambda * length * sign(theta)`` (the subgradient
of Eq. 3, zero at zero as autograd's ``abs``), one Adam update. Every
``swap_every`` steps the swap search moves neurons (:mod:`.swap`) and the
parameter lengths are re-read from the geometry. Weights and the optimizer
state never move.

Every :data:`CHECK_EVERY` steps the loop checks that the loss is still
finite and keeps a copy of the parameters and placements to fall back on;
divergence and Ctrl-C both return that copy, so the parameters, ``n_iter``
and the loss curve always describe the same step. From the last constant
stretch of the lambda schedule on, the same checks decide whether training
has converged.
"""

from dataclasses import dataclass, field

import numpy as np
import torch

from .backprop import MLPBackprop
from .cost import fill_flat_lengths
from .optimizer import FlatAdam
from .progress import Progress
from .schedule import final_stretch_start
from .sparse import SparseRows
from .swap import swap_pass

#: Steps between two checks: finiteness, fall-back copy, convergence.
CHECK_EVERY = 100


@dataclass
class Network:
    """A network being trained: flat parameters, their layout and geometry.

    Attributes
    ----------
    flat : torch.Tensor
        Flat parameters laid out by ``layout``; updated in place.
    layout : FlatLayout
    geometry : Geometry
        Its assignments are updated by the swaps.
    activation : str
        Hidden activation, see :class:`~skbimt._engine.backprop.MLPBackprop`.
    loss : {"squared_error", "cross_entropy", "binary_cross_entropy"}
    optimizer_state : dict or None
        Adam's state (:meth:`FlatAdam.state`) to continue from; :func:`train`
        starts a fresh optimizer without one and leaves its final state here.
    """

    flat: torch.Tensor
    layout: object
    geometry: object
    activation: str
    loss: str
    optimizer_state: dict = None


@dataclass
class TrainingData:
    """Training samples, with optional sample weights.

    Attributes
    ----------
    X : torch.Tensor of shape (n_samples, n_inputs) or SparseRows
        Or integer token ids of shape (n_samples, n_tokens).
    target : torch.Tensor of shape (n_samples, n_outputs)
        Regression targets or one-hot class indicators.
    sample_weight : torch.Tensor of shape (n_samples,) or None
    """

    X: torch.Tensor
    target: torch.Tensor
    sample_weight: torch.Tensor = None


@dataclass
class TrainingSettings:
    """How to train: schedule, optimizer, swaps, stopping.

    Attributes
    ----------
    lambdas : ndarray of shape (max_iter,)
        Regularization strength at each step.
    learning_rate : float
        Adam's learning rate.
    weight_decay : float
        Decoupled weight decay (AdamW); 0 for plain Adam.
    batch_size : int or None
        Samples per step; None for full batch. Mini-batches are consecutive
        slices of a stream of shuffled epochs, so every sample is used once
        per epoch and every batch has ``batch_size`` samples.
    swap_every : int or None
        Steps between swap passes; None disables swaps.
    k : int
        Neurons tried per layer and pass.
    swap_layers : list of int
        Layers the swap search visits.
    cost_reduction : {"sum", "mean"}
        How the connection cost adds up, see :mod:`.cost`.
    input_cost : float
        Factor on the cost of the first weight matrix; the swap search weighs
        those weights by it too, so that swaps still lower the cost trained on.
    snapshot_every : int or None
        Record parameters and placements every this many steps.
    tol : float or None
        Stop once the monitored value has not improved by ``tol`` for
        ``n_iter_no_change`` checks in a row, in the last constant stretch
        of the schedule. None trains every step.
    n_iter_no_change : int
        Checks without improvement before stopping.
    validation_score : callable or None
        ``validation_score(flat) -> float``, greater is better, evaluated at
        every check. When given, it is the monitored value and training ends
        on the parameters of its best check; otherwise the monitored value is
        the mean training objective (loss + lambda * cost) since the last
        check, lower is better.
    verbose : int
        Print progress when >= 1, swaps too when >= 2.
    first_step : int
        Steps the network has trained before this call (continued training):
        swap passes and snapshots keep their rhythm across calls, and
        snapshots are numbered from the first call.
    mask : torch.Tensor or None
        Of the shape of the flat parameters, 1 where a parameter trains and
        0 where it is held at exactly zero (set to zero before the first
        step and after every update; its gradient is zeroed, so Adam's
        moments for it stay zero). None trains every parameter.
    """

    lambdas: np.ndarray
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    batch_size: int = None
    swap_every: int = None
    k: int = 6
    swap_layers: list = field(default_factory=list)
    cost_reduction: str = "sum"
    input_cost: float = 1.0
    snapshot_every: int = None
    tol: float = None
    n_iter_no_change: int = 10
    validation_score: object = None
    verbose: int = 0
    first_step: int = 0
    mask: torch.Tensor = None


@dataclass
class TrainingLog:
    """What happened during training.

    Attributes
    ----------
    n_iter : int
        Steps run; the parameters are those reached after ``n_iter`` steps,
        or those of the best validation check (``best_step``).
    loss_curve : ndarray of shape (n_iter,)
        Prediction loss before each step.
    cost_curve : ndarray of shape (n_iter,)
        Connection cost ``l_w + l_b`` before each step.
    n_swaps : list of int
        Swaps made at each swap pass.
    stop_reason : {"max_iter", "converged", "diverged", "interrupted"}
    interrupted_at : int or None
        Step at which Ctrl-C arrived, when it did.
    snapshots : list of tuple
        ``(step, flat parameters on CPU, slot assignments)`` recorded every
        ``snapshot_every`` steps, the start included, in increasing steps.
        The last one holds the parameters training returns, labelled with
        the step they come from: ``n_iter``, or ``best_step`` after the
        best validation check was restored (later records are dropped).
    validation_scores : list of float
        ``validation_score`` at each check, when one was given.
    best_value : float or None
        Best monitored value once convergence checks began (highest
        validation score, or lowest mean objective).
    best_step : int or None
        Step of ``best_value``.
    """

    n_iter: int = 0
    loss_curve: np.ndarray = None
    cost_curve: np.ndarray = None
    n_swaps: list = field(default_factory=list)
    stop_reason: str = "max_iter"
    interrupted_at: int = None
    snapshots: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    best_value: float = None
    best_step: int = None


def joined_logs(first, then):
    """One log of two trainings run one after the other on the same network.

    ``then`` continued from the parameters ``first`` ended on (its
    ``first_step`` is ``first.n_iter``): steps and curves add up, the stop
    reason and the convergence record are the later training's, and the
    later training's opening snapshot, a copy of the parameters the first
    one ended on, is dropped.
    """
    return TrainingLog(
        n_iter=first.n_iter + then.n_iter,
        loss_curve=np.concatenate([first.loss_curve, then.loss_curve]),
        cost_curve=np.concatenate([first.cost_curve, then.cost_curve]),
        n_swaps=first.n_swaps + then.n_swaps,
        stop_reason=then.stop_reason,
        interrupted_at=None
        if then.interrupted_at is None
        else first.n_iter + then.interrupted_at,
        snapshots=first.snapshots + then.snapshots[1:],
        validation_scores=first.validation_scores + then.validation_scores,
        best_value=then.best_value,
        best_step=None if then.best_step is None else first.n_iter + then.best_step,
    )


def geometry_distances(geometry):
    """Current length of every weight of every connection."""
    return [geometry.distance(c) for c in range(len(geometry.connections))]


def _absolute_weights(layout, flat, input_cost=1.0):
    """``|W|`` of every geometry connection, the input wires times ``input_cost``."""
    cpu = flat.detach().to("cpu", torch.float64).abs()
    weights = [w.numpy() for w in layout.connection_weights(cpu)]
    if input_cost != 1.0:
        weights = [
            w * input_cost if layer == 0 else w
            for w, (layer, _) in zip(weights, layout.connection_blocks, strict=True)
        ]
    return weights


class _Checkpoint:
    """Parameters and placements of one step, to return to."""

    def __init__(self, network, step):
        self.flat = network.flat.detach().clone()
        self.placement = network.geometry.get_state()
        self.step = step

    def restore(self, network):
        network.flat.copy_(self.flat)
        network.geometry.set_state(self.placement)


class _Convergence:
    """Patience bookkeeping over the checks of the final schedule stretch."""

    def __init__(self, tol, patience, greater_is_better):
        self.tol, self.patience = tol, patience
        self.sign = 1.0 if greater_is_better else -1.0
        self.best, self.best_step, self.stale = None, None, 0

    def update(self, value, step):
        """Record one check; return whether it is the best so far."""
        signed = self.sign * value
        improved = self.best is None or signed > self.sign * self.best + self.tol
        is_best = self.best is None or signed > self.sign * self.best
        self.stale = 0 if improved else self.stale + 1
        if is_best:
            self.best, self.best_step = value, step
        return is_best

    @property
    def done(self):
        return self.stale >= self.patience


def train(network, data, settings, rng):
    """Train ``network`` in place with BIMT.

    Parameters
    ----------
    network : Network
    data : TrainingData
    settings : TrainingSettings
    rng : numpy.random.RandomState
        Draws the mini-batches.

    Returns
    -------
    log : TrainingLog
    """
    flat, layout, geometry = network.flat, network.layout, network.geometry
    lambdas = settings.lambdas
    max_iter = len(lambdas)
    grad = torch.zeros_like(flat)
    weighted = data.sample_weight is not None
    backprop = MLPBackprop(
        layout, network.activation, network.loss, flat, grad, weighted=weighted
    )
    adam = FlatAdam(flat, settings.learning_rate, weight_decay=settings.weight_decay)
    if network.optimizer_state is not None:
        adam.load_state(network.optimizer_state)
    offset = settings.first_step
    mask = settings.mask
    if mask is not None:
        mask = mask.to(device=flat.device, dtype=flat.dtype)
        flat.mul_(mask)
    lengths = torch.empty_like(flat)

    def refresh_lengths():
        fill_flat_lengths(
            lengths,
            layout,
            geometry_distances(geometry),
            geometry.bias_distance,
            settings.cost_reduction,
            settings.input_cost,
        )

    refresh_lengths()
    weighted_sign = torch.empty_like(flat)
    loss_history = flat.new_full((max_iter,), float("nan"))
    cost_history = flat.new_full((max_iter,), float("nan"))
    log = TrainingLog()
    lambda_list = lambdas.tolist()
    batches = _batch_indices(len(data.X), settings.batch_size, rng, flat.device)
    progress = Progress(max_iter, settings.verbose) if settings.verbose else None
    stop_from = final_stretch_start(lambdas)
    convergence = None
    if settings.tol is not None:
        convergence = _Convergence(
            settings.tol,
            settings.n_iter_no_change,
            greater_is_better=settings.validation_score is not None,
        )
    checkpoint = _Checkpoint(network, 0)
    best = None

    def snapshot(at_step):
        log.snapshots.append(
            (
                offset + at_step,
                flat.detach().to("cpu", copy=True),
                geometry.get_state(),
            )
        )

    if settings.snapshot_every:
        snapshot(0)
    step = 0
    try:
        for step in range(max_iter):
            if batches is None:
                X, target, weight = data.X, data.target, data.sample_weight
                if isinstance(X, SparseRows):
                    X = X.all()
            else:
                index = next(batches)
                X, target = _rows(data.X, index), _rows(data.target, index)
                weight = None if not weighted else _rows(data.sample_weight, index)
            backprop.loss_and_grad(X, target, loss_history[step], weight)
            torch.sign(flat, out=weighted_sign)
            weighted_sign.mul_(lengths)
            torch.dot(weighted_sign, flat, out=cost_history[step])
            if lambda_list[step]:
                grad.add_(weighted_sign, alpha=lambda_list[step])
            if mask is not None:
                grad.mul_(mask)
            adam.step(grad)
            if mask is not None:
                flat.mul_(mask)

            done = step + 1
            if settings.swap_every and (offset + done) % settings.swap_every == 0:
                n_swaps = swap_pass(
                    geometry,
                    _absolute_weights(layout, flat, settings.input_cost),
                    settings.k,
                    settings.swap_layers,
                )
                log.n_swaps.append(n_swaps)
                if n_swaps:
                    refresh_lengths()
                if settings.verbose >= 2:
                    print(f"[BIMT] step {done}: {n_swaps} swaps")
            if (
                settings.snapshot_every
                and (offset + done) % settings.snapshot_every == 0
            ):
                snapshot(done)
            if progress is not None and progress.due(step):
                progress.report(
                    step,
                    loss_history[step].item() * backprop.loss_scale,
                    cost_history[step].item(),
                    lambda_list[step],
                )
            if done % CHECK_EVERY and done != max_iter:
                continue
            window = slice(checkpoint.step, done)
            if not _finite(loss_history[window], flat):
                checkpoint.restore(network)
                log.stop_reason = "diverged"
                break
            checkpoint = _Checkpoint(network, done)
            log.n_iter = done
            if convergence is None or done <= stop_from:
                continue
            if settings.validation_score is not None:
                value = float(settings.validation_score(flat))
                log.validation_scores.append(value)
            else:
                objective = loss_history[window] * backprop.loss_scale
                objective = objective + cost_history[window] * lambdas[window.start]
                value = float(objective.mean())
            if convergence.update(value, done):
                best = checkpoint
            if convergence.done:
                log.stop_reason = "converged"
                break
    except KeyboardInterrupt:
        checkpoint.restore(network)
        log.stop_reason = "interrupted"
        log.interrupted_at = step

    # After a divergence the moments may hold NaN: a continuation restarts.
    diverged = log.stop_reason == "diverged"
    network.optimizer_state = None if diverged else adam.state()
    if progress is not None:
        progress.close()
    kept_step = log.n_iter
    if convergence is not None and convergence.best is not None:
        log.best_value, log.best_step = convergence.best, convergence.best_step
        if settings.validation_score is not None and best is not None:
            best.restore(network)
            kept_step = best.step
    if settings.snapshot_every:
        # End on the parameters the network keeps, labelled with the step
        # they come from: after a restore, the best check's, and no record
        # of the later steps that were thrown away. Earlier fits' records
        # (warm start) come before ``offset``.
        log.snapshots = [s for s in log.snapshots if s[0] < offset + kept_step]
        snapshot(kept_step)
    scale = backprop.loss_scale
    log.loss_curve = loss_history[: log.n_iter].cpu().double().numpy() * scale
    log.cost_curve = cost_history[: log.n_iter].cpu().double().numpy()
    return log


def _finite(losses, flat):
    return bool(torch.isfinite(losses).all() and torch.isfinite(flat).all())


def _rows(values, index):
    """The rows ``index`` of a tensor (or of ``SparseRows``)."""
    if isinstance(values, torch.Tensor):
        # Several times faster than values[index] for a tensor of indices.
        return torch.index_select(values, 0, index)
    return values[index]


def _batch_indices(n_samples, batch_size, rng, device):
    """Endless mini-batch indices from a stream of shuffled epochs.

    Returns None for full batch. A batch that reaches the end of an epoch
    takes the rest of it and continues with the next shuffled epoch, so no
    sample is skipped and every batch has ``batch_size`` samples.
    """
    if batch_size is None or batch_size >= n_samples:
        return None

    def generate():
        order, position = rng.permutation(n_samples), 0
        while True:
            end = position + batch_size
            if end <= n_samples:
                batch, position = order[position:end], end
            else:
                rest = order[position:]
                order, position = rng.permutation(n_samples), end - n_samples
                batch = np.concatenate([rest, order[:position]])
            yield torch.as_tensor(batch, device=device)

    return generate()
