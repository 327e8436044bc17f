"""Baseline for the benchmarks: BIMT the way the paper's notebooks run it.

A re-implementation, in our own code, of the approach of the notebooks that
accompany Liu, Gan & Tegmark, "Seeing is Believing: Brain-Inspired Modular
Training for Mechanistic Interpretability" (2024). It is *not* used by
``skbimt``; it exists so that the benchmarks time ``skbimt`` against the
straightforward implementation in the same process. What it does, and what
makes it slow:

* The network is a ``torch.nn.Module`` of ``nn.Linear`` layers (weights stored
  ``(n_out, n_in)``), SiLU between them, trained with autograd and
  ``torch.optim.Adam``.
* Neuron ``j`` of a layer of ``n`` neurons sits at ``x = A * (j + 1/2) / n``;
  neuron layer ``i`` at height ``i * y_star``. A weight between consecutive
  layers has length ``D[j, k] = |x_in_j - x_out_k| + y_star`` (the l1 norm),
  a bias length ``y_star``.
* The connection cost ``sum |W| * D + y_star * sum |b|`` is an autograd
  expression rebuilt at every training step (the distance matrices are
  recomputed at every call, as in the notebooks) and added to the loss.
* Neurons are swapped *physically*: exchanging neurons ``j`` and ``m`` of a
  layer exchanges rows of the incoming weight matrix and of the bias and
  columns of the outgoing weight matrix; for the input and output layers a
  permutation of the features / outputs is updated so that the network still
  computes the same function. Slots are positions in the tensors.
* The swap search (the "naive greedy search"): for every neuron layer, score
  the neurons (Eq. 5: summed ``|w|`` in and out), take the top ``k``; for each
  candidate ``j`` try exchanging it with every other neuron ``m`` of the
  layer, recomputing the *full* connection cost of the whole network (an
  autograd expression, as the notebooks compute it in grad mode) for each
  trial, and undo the trial; keep the cheapest exchange if it lowers the cost.
  As in the authors' code, candidates are evaluated for *every* layer, also
  those whose swaps are disabled (e.g. the input layer); the result is only
  applied where swaps are allowed.

Two quirks of the notebooks are kept because they do not change the amount
of work: the Adam moments are *not* permuted with the weights they belong to
(they stay with the tensor positions), and the connection cost is computed in
float32. One quirk is optional: the notebooks take the top-``k`` *positions*
once per layer and keep using them after earlier swaps of the same pass
moved other neurons into those positions; ``follow_neurons=True`` (default)
follows the neurons instead, which makes the decisions identical to
``skbimt._engine.swap.swap_pass`` (up to floating-point ties) so the benchmarks can
check the two agree.
"""

import math

import numpy as np
import torch
from torch import nn


class ReferenceBIMT(nn.Module):
    """MLP with physical neuron swaps, as in the BIMT notebooks.

    Parameters
    ----------
    layer_sizes : sequence of int
        Neurons per layer, input first.
    A : float
        Width of each layer.
    y_star : float
        Distance between consecutive layers, also the length of a bias.
    dtype : torch.dtype, default=torch.float32
    seed : int or None
        Seed of ``nn.Linear``'s default initialization.
    """

    def __init__(self, layer_sizes, A=2.0, y_star=0.1, dtype=torch.float32, seed=None):
        super().__init__()
        if seed is not None:
            torch.manual_seed(seed)
        self.layer_sizes = [int(n) for n in layer_sizes]
        self.A = float(A)
        self.y_star = float(y_star)
        sizes = self.layer_sizes
        self.linears = nn.ModuleList(
            nn.Linear(n_in, n_out, dtype=dtype)
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=False)
        )
        self.activation = nn.SiLU()
        # Neuron x-coordinates of each layer, by tensor position (= slot).
        self.coordinates = [
            torch.tensor([A * (j + 0.5) / n for j in range(n)], dtype=dtype)
            for n in self.layer_sizes
        ]
        # in_perm[p]: original feature fed to input position p.
        # out_perm[p]: original output computed at output position p.
        self.register_buffer("in_perm", torch.arange(self.layer_sizes[0]))
        self.register_buffer("out_perm", torch.arange(self.layer_sizes[-1]))
        # identity[i][p]: which original neuron of layer i sits at position p
        # (bookkeeping for the benchmarks; the notebooks do not track it).
        self.identity = [np.arange(n) for n in self.layer_sizes]
        # Optimizer whose moments swap() permutes along with the weights. The
        # notebooks do not (None, the default); set it to check that the
        # quirk is what separates their results from skbimt's.
        self.optimizer = None

    @property
    def n_layers(self):
        """Number of neuron layers (input and output included)."""
        return len(self.layer_sizes)

    # -- network --------------------------------------------------------------

    def forward(self, x):
        x = x[:, self.in_perm]
        for linear in self.linears[:-1]:
            x = self.activation(linear(x))
        x = self.linears[-1](x)
        out_perm_inv = torch.zeros_like(self.out_perm)
        out_perm_inv[self.out_perm] = torch.arange(len(self.out_perm))
        return x[:, out_perm_inv]

    def connection_cost(self):
        """``sum |W| * D + y_star * sum |b|``, differentiable, rebuilt at each call."""
        cost = 0.0
        for i, linear in enumerate(self.linears):
            x_in, x_out = self.coordinates[i], self.coordinates[i + 1]
            distance = torch.abs(x_out.unsqueeze(1) - x_in.unsqueeze(0)) + self.y_star
            cost = cost + torch.sum(torch.abs(linear.weight) * distance)
            cost = cost + self.y_star * torch.sum(torch.abs(linear.bias))
        return cost

    def set_weights(self, weights, biases=None):
        """Load ``(n_in, n_out)`` weight matrices (skbimt's layout) and biases."""
        with torch.no_grad():
            for c, linear in enumerate(self.linears):
                linear.weight.copy_(torch.as_tensor(np.asarray(weights[c]).T))
                if biases is not None:
                    linear.bias.copy_(torch.as_tensor(np.asarray(biases[c])))
        return self

    # -- swaps ----------------------------------------------------------------

    def _swap_rows_of(self, param, j, m):
        self._swap_rows(param, j, m)
        for buffer in self._moments(param):
            self._swap_rows(buffer, j, m)

    def _swap_columns_of(self, param, j, m):
        self._swap_columns(param, j, m)
        for buffer in self._moments(param):
            self._swap_columns(buffer, j, m)

    def _moments(self, param):
        if self.optimizer is None:
            return []
        state = self.optimizer.state.get(param, {})
        return [state[name] for name in ("exp_avg", "exp_avg_sq") if name in state]

    @staticmethod
    def _swap_rows(tensor, j, m):
        row = tensor[j].clone()
        tensor[j] = tensor[m].clone()
        tensor[m] = row

    @staticmethod
    def _swap_columns(tensor, j, m):
        column = tensor[:, j].clone()
        tensor[:, j] = tensor[:, m].clone()
        tensor[:, m] = column

    def swap(self, layer, j, m):
        """Physically exchange neurons at positions ``j`` and ``m`` of ``layer``."""
        last = self.n_layers - 1
        with torch.no_grad():
            if layer > 0:  # incoming weights (rows) and biases
                self._swap_rows_of(self.linears[layer - 1].weight, j, m)
                self._swap_rows_of(self.linears[layer - 1].bias, j, m)
            if layer < last:  # outgoing weights (columns)
                self._swap_columns_of(self.linears[layer].weight, j, m)
            if layer == 0:
                self._swap_rows(self.in_perm, j, m)
            if layer == last:
                self._swap_rows(self.out_perm, j, m)
        ident = self.identity[layer]
        ident[[j, m]] = ident[[m, j]]

    def scores(self, layer):
        """Eq. 5: summed ``|w|`` of the incoming and outgoing weights, by position."""
        with torch.no_grad():
            score = torch.zeros(self.layer_sizes[layer], dtype=torch.float64)
            if layer > 0:
                score += self.linears[layer - 1].weight.abs().sum(dim=1).double()
            if layer < self.n_layers - 1:
                score += self.linears[layer].weight.abs().sum(dim=0).double()
        return score.numpy()

    def relocate_neuron(self, layer, j, apply=True):
        """Try every exchange of position ``j``; apply the best if it lowers the cost.

        Returns the position exchanged with, or None.
        """
        best_cost = self.connection_cost().item()
        best = None
        for m in range(self.layer_sizes[layer]):
            if m == j:
                continue
            self.swap(layer, j, m)
            trial = self.connection_cost().item()
            self.swap(layer, j, m)
            if trial < best_cost:
                best_cost, best = trial, m
        if best is not None and apply:
            self.swap(layer, j, best)
        return best if apply else None

    def relocate(
        self, k, allowed_layers=None, evaluate_all_layers=True, follow_neurons=True
    ):
        """One naive swap pass over the network, input to output.

        Parameters
        ----------
        k : int
            Candidates (top scores) per layer.
        allowed_layers : collection of int or None
            Layers whose swaps are applied; None: all.
        evaluate_all_layers : bool, default=True
            Search the disallowed layers too (and throw the result away), as
            the authors' code does.
        follow_neurons : bool, default=True
            Track candidate neurons through earlier swaps of the pass (see the
            module docstring); False reproduces the notebooks' indexing.

        Returns
        -------
        n_swaps : int
        """
        allowed = (
            set(range(self.n_layers)) if allowed_layers is None else set(allowed_layers)
        )
        n_swaps = 0
        for layer in range(self.n_layers):
            apply = layer in allowed
            if not apply and not evaluate_all_layers:
                continue
            if self.layer_sizes[layer] < 2:
                continue
            candidates = np.argsort(-self.scores(layer), kind="stable")[:k]
            neurons = self.identity[layer][candidates].copy()
            for position, neuron in zip(candidates, neurons, strict=True):
                if follow_neurons:
                    position = int(np.flatnonzero(self.identity[layer] == neuron)[0])
                if self.relocate_neuron(layer, int(position), apply=apply) is not None:
                    n_swaps += 1
        return n_swaps

    def assignments(self):
        """Slot (position) of every original neuron, per layer: skbimt's layout."""
        result = []
        for ident in self.identity:
            assignment = np.empty_like(ident)
            assignment[ident] = np.arange(len(ident))
            result.append(assignment)
        return result

    def weight_cost(self):
        """``l_w`` only (no biases), as a Python float."""
        with torch.no_grad():
            return self.connection_cost().item() - self.y_star * sum(
                linear.bias.abs().sum().item() for linear in self.linears
            )


def paper_lambdas(max_iter, schedule=((1e-3, 0.25), (1e-2, 0.5), (1e-3, 0.25))):
    """Per-step lambda of the paper's 3-phase schedule (skbimt's phase rounding)."""
    values = np.empty(max_iter)
    start, total = 0, 0.0
    for lam, fraction in schedule:
        total += fraction
        end = max_iter if math.isclose(total, 1.0) else int(round(total * max_iter))
        values[start:end] = lam
        start = end
    return values


def train_reference(
    model,
    X,
    y,
    *,
    loss,
    lambdas,
    learning_rate=1e-3,
    swap_every=200,
    k=6,
    allowed_layers=None,
    permute_moments=False,
):
    """The notebooks' training loop: autograd loss + lambda * cost, Adam, swaps.

    Parameters
    ----------
    model : ReferenceBIMT
    X : torch.Tensor of shape (n_samples, n_inputs)
    y : torch.Tensor
        Float targets for ``loss="mse"``, class indices for ``loss="ce"``.
    loss : {"mse", "ce"}
    lambdas : sequence of float
        Lambda at each step; its length is the number of steps.
    swap_every : int or None
    k : int
    allowed_layers : collection of int or None
        Layers whose swaps are applied (all by default).
    permute_moments : bool, default=False
        Move Adam's moments with the swapped weights (skbimt's behaviour);
        the notebooks leave them in place.

    Returns
    -------
    info : dict
        Final prediction loss, connection cost and total swaps.
    """
    loss_fn = nn.MSELoss() if loss == "mse" else nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    model.optimizer = optimizer if permute_moments else None
    n_swaps = 0
    lambda_list = list(map(float, lambdas))
    for step, lam in enumerate(lambda_list):
        optimizer.zero_grad()
        prediction_loss = loss_fn(model(X), y)
        cost = model.connection_cost()
        total = prediction_loss + lam * cost
        total.backward()
        optimizer.step()
        if swap_every and (step + 1) % swap_every == 0:
            n_swaps += model.relocate(k, allowed_layers)
    with torch.no_grad():
        final_loss = loss_fn(model(X), y).item()
        final_cost = model.connection_cost().item()
    return {"loss": final_loss, "cost": final_cost, "n_swaps": n_swaps}
