"""Connection cost, swaps and positions for the declared layers of a torch module."""

import numpy as np
import torch

from ._geometry import Geometry, NeuronLayer, grid_slots, line_slots
from ._schedule import lambda_values
from ._swap import swap_pass, swappable_layers


def line(n_neurons, width, height, offset=0.0):
    """Slots of ``n_neurons`` evenly spread over ``[offset, offset + width]``.

    Parameters
    ----------
    n_neurons : int
    width : float
        ``A`` of the paper.
    height : float
        The layer's height (``i * y_star`` for the ``i``-th layer).
    offset : float, default=0.0
        Start of the segment.

    Returns
    -------
    slots : ndarray of shape (n_neurons, 2)
        ``(x, height)`` of every slot.
    """
    x = line_slots(n_neurons, width)[:, 0] + offset
    return np.column_stack([x, np.full(n_neurons, float(height))])


def grid(n_neurons, width, height, shape=None):
    """Slots on a 2D grid over ``[0, width]^2`` at ``height`` (a 3D network).

    Returns
    -------
    slots : ndarray of shape (n_neurons, 3)
        ``(x, z, height)`` of every slot.
    """
    plane = grid_slots(n_neurons, width, shape)
    return np.column_stack([plane, np.full(n_neurons, float(height))])


class _Connection:
    def __init__(self, pre, post, weight, bias, orientation):
        self.pre, self.post = pre, post
        self.weight, self.bias = weight, bias
        self.orientation = orientation

    def in_out(self):
        """The weight as ``(n_pre, n_post)``."""
        return self.weight.t() if self.orientation == "out_in" else self.weight


class BIMT:
    """Connection cost and neuron swaps for the layers of a torch module.

    Parameters
    ----------
    norm : {"l1", "l2"}, default="l1"
        Vector norm giving connection lengths.
    bias_distance : float, default=1.0
        Length charged per bias and per extra neuron parameter (``y_star``).

    Attributes
    ----------
    geometry : Geometry
        Built on first use of :meth:`cost`, :meth:`swap` or
        :meth:`positions`; adding layers or connections afterwards is refused.
    """

    def __init__(self, norm="l1", bias_distance=1.0):
        self.norm = norm
        self.bias_distance = float(bias_distance)
        self._layers = {}
        self._connections = []
        self._neuron_parameters = []
        self._ties = []
        self.geometry = None
        self._distances = None

    # -- declaration ------------------------------------------------------------

    def add_layer(self, name, slots, *, swappable=True, swap_groups=None):
        """Declare a neuron layer.

        Parameters
        ----------
        name : str
            Unique name.
        slots : array-like of shape (n_neurons, n_dims)
            Slot coordinates (see :func:`line` and :func:`grid`); every layer
            needs the same number of coordinates.
        swappable : bool, default=True
            Whether swaps may move its neurons (False for image pixels, or for
            inputs and outputs whose order is fixed by the data).
        swap_groups : array-like of int, default=None
            Group of every slot; neurons only move within their group (the
            neurons of one attention head), and after the neuron swaps whole
            groups of equal size exchange places when that lowers the cost.

        Returns
        -------
        name : str
        """
        self._check_open()
        if name in self._layers:
            raise ValueError(f"A layer named {name!r} already exists.")
        self._layers[name] = NeuronLayer(slots, name, swappable, swap_groups)
        return name

    def connect(self, pre, post, weight, bias=None, *, orientation="out_in"):
        """Declare a weight matrix joining two layers.

        Parameters
        ----------
        pre, post : str
            Names of the layers the matrix reads from and writes to.
        weight : torch.Tensor
            ``(n_post, n_pre)`` as in ``torch.nn.Linear`` (``orientation=
            "out_in"``), or ``(n_pre, n_post)`` with ``orientation="in_out"``.
        bias : torch.Tensor, default=None
            ``(n_post,)``, charged ``bias_distance * |b|``.
        orientation : {"out_in", "in_out"}, default="out_in"
        """
        self._check_open()
        if orientation not in ("out_in", "in_out"):
            raise ValueError(
                f"orientation must be 'out_in' or 'in_out', got {orientation!r}."
            )
        n_pre, n_post = self._size(pre), self._size(post)
        expected = (n_post, n_pre) if orientation == "out_in" else (n_pre, n_post)
        if tuple(weight.shape) != expected:
            raise ValueError(
                f"Weight {pre!r} -> {post!r} has shape {tuple(weight.shape)}; with "
                f"orientation={orientation!r} it must be {expected}."
            )
        if bias is not None and tuple(bias.shape) != (n_post,):
            raise ValueError(
                f"Bias of {pre!r} -> {post!r} has shape {tuple(bias.shape)}, "
                f"expected ({n_post},)."
            )
        self._connections.append(_Connection(pre, post, weight, bias, orientation))

    def add_neuron_parameter(self, layer, parameter, dim=-1, *, penalize=True):
        """Declare a parameter indexed by a layer's neurons along ``dim``.

        Such parameters (a positional embedding added to the residual stream,
        a token embedding table) move with the neurons in :meth:`materialize`
        and, when ``penalize``, cost ``bias_distance * |p|``.
        """
        self._check_open()
        if parameter.shape[dim] != self._size(layer):
            raise ValueError(
                f"Dimension {dim} of the parameter has {parameter.shape[dim]} "
                f"entries; layer {layer!r} has {self._size(layer)} neurons."
            )
        self._neuron_parameters.append((layer, parameter, dim, penalize))

    def tie(self, *layers):
        """Make layers share one permutation (the residual stream; queries and keys)."""
        self._check_open()
        for name in layers:
            self._size(name)
        self._ties.append(list(layers))

    # -- use ----------------------------------------------------------------------

    def cost(self, reduction="sum"):
        """Connection cost ``l_w + l_b`` (Eq. 3), differentiable.

        Parameters
        ----------
        reduction : {"sum", "mean"}, default="sum"
            ``"sum"`` is Eq. 3. ``"mean"`` averages ``d * |w|`` over each
            weight matrix and ``|b|`` over each bias vector or neuron
            parameter before adding them up, the convention of the authors'
            transformer code, whose ``lambda`` values it matches.

        Returns
        -------
        cost : torch.Tensor
            Scalar on the device of the weights.
        """
        if reduction not in ("sum", "mean"):
            raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}.")
        reduce = torch.sum if reduction == "sum" else torch.mean
        self._build()
        total = 0.0
        biases = 0.0
        for connection, distance in zip(
            self._connections, self._distance_tensors(), strict=True
        ):
            total = total + reduce(distance * connection.in_out().abs())
            if connection.bias is not None:
                biases = biases + reduce(connection.bias.abs())
        for _, parameter, _, penalize in self._neuron_parameters:
            if penalize:
                biases = biases + reduce(parameter.abs())
        return total + self.bias_distance * biases

    def swap(self, k, layers=None):
        """One swap pass (Eq. 5 scores, top ``k`` per layer, best slot).

        Parameters
        ----------
        k : int
            Neurons tried per layer.
        layers : list of str, default=None
            Layers to visit, in order; all swappable ones (declaration order)
            by default. A tie is searched once.

        Returns
        -------
        n_swaps : int
        """
        self._build()
        if layers is None:
            indices = swappable_layers(self.geometry)
        else:
            names = list(self._layers)
            indices = [names.index(name) for name in layers]
        abs_weights = [np.abs(weight) for _, _, weight in self.weights()]
        n_swaps = swap_pass(self.geometry, abs_weights, k, indices)
        if n_swaps:
            self._distances = None
        return n_swaps

    def weights(self):
        """The declared matrices as ``(pre, post, |w| source)`` for plots and graphs.

        Returns
        -------
        weights : list of tuple
            ``(pre, post, weight)`` per declared connection, in declaration
            order: the layer names and the weight as a detached CPU float64
            ndarray of shape ``(n_pre, n_post)``, rows and columns in neuron
            order (index them with :meth:`positions`).
        """
        return [
            (c.pre, c.post, c.in_out().detach().to("cpu", torch.float64).numpy())
            for c in self._connections
        ]

    def positions(self):
        """Position of every neuron, per layer name, in neuron order."""
        self._build()
        return {
            name: layer.positions
            for name, layer in zip(self._layers, self.geometry.layers, strict=True)
        }

    def materialize(self):
        """Reorder every declared parameter so that neuron ``j`` sits in slot ``j``.

        Rows and columns of weights, biases and neuron parameters are permuted
        in place and every assignment becomes the identity. For a network
        whose ties are declared completely (every operation that mixes
        neurons of two layers ties them, or goes through declared weights),
        and whose input and output layers did not move, the function is
        unchanged.
        """
        self._build()
        names = list(self._layers)
        occupants = {
            name: torch.as_tensor(layer.occupants())
            for name, layer in zip(names, self.geometry.layers, strict=True)
        }
        with torch.no_grad():
            for c in self._connections:
                in_out = c.in_out()
                reordered = in_out[occupants[c.pre]][:, occupants[c.post]]
                in_out.copy_(reordered)
                if c.bias is not None:
                    c.bias.copy_(c.bias[occupants[c.post]])
            for layer, parameter, dim, _ in self._neuron_parameters:
                index = occupants[layer].to(parameter.device)
                parameter.copy_(parameter.index_select(dim, index))
        for layer in self.geometry.layers:
            layer.assignment[:] = np.arange(layer.n_neurons)
        self._distances = None

    def to_networkx(self, merge=()):
        """Weighted graph: a node ``(layer, neuron)`` per neuron, an edge per weight.

        Parameters
        ----------
        merge : sequence of sequence of str, default=()
            Groups of layers that hold the same neurons, merged into the node
            set of the group's first layer: the layers of a residual stream
            are one set of neurons read and written by every block. Weights
            landing on the same pair of nodes add up.

        Returns
        -------
        graph : networkx.Graph
            Nodes carry ``layer`` and ``pos``; edges ``weight`` (``|w|``).
        """
        import networkx as nx

        alias = {name: group[0] for group in merge for name in group}
        positions = self.positions()
        graph = nx.Graph()
        for name, pos in positions.items():
            if alias.get(name, name) != name:
                continue
            graph.add_nodes_from(
                ((name, j), {"layer": name, "pos": tuple(p)}) for j, p in enumerate(pos)
            )
        for pre, post, weight in self.weights():
            weight = np.abs(weight)
            pre, post = alias.get(pre, pre), alias.get(post, post)
            for r, q in zip(*np.nonzero(weight), strict=True):
                u, v = (pre, int(r)), (post, int(q))
                previous = graph.get_edge_data(u, v, {"weight": 0.0})["weight"]
                graph.add_edge(u, v, weight=previous + float(weight[r, q]))
        return graph

    def modularity(self, method="greedy", random_state=None, merge=()):
        """Newman modularity of :meth:`to_networkx`'s graph, as ``modularity_``.

        Parameters
        ----------
        method : {"greedy", "louvain"}, default="greedy"
            Community detection, see :func:`skbimt.find_communities`.
        random_state : int or None, default=None
            Seed for Louvain.
        merge : sequence of sequence of str, default=()
            Layers merged into one node set, see :meth:`to_networkx`.
        """
        import networkx as nx

        from ._graph import find_communities

        graph = self.to_networkx(merge)
        communities = find_communities(graph, method=method, random_state=random_state)
        return float(nx.community.modularity(graph, communities, weight="weight"))

    # -- internals --------------------------------------------------------------------

    def _size(self, name):
        if name not in self._layers:
            raise ValueError(
                f"No layer named {name!r}; declare it with add_layer first."
            )
        return self._layers[name].n_neurons

    def _check_open(self):
        if self.geometry is not None:
            raise RuntimeError(
                "The geometry is already in use (cost, swap or positions was "
                "called); declare every layer and connection before."
            )

    def _build(self):
        if self.geometry is not None:
            return
        if not self._connections:
            raise RuntimeError("No connection declared; use connect() first.")
        names = list(self._layers)
        self.geometry = Geometry(
            list(self._layers.values()),
            [(names.index(c.pre), names.index(c.post)) for c in self._connections],
            norm=self.norm,
            bias_distance=self.bias_distance,
            ties=[[names.index(n) for n in tie] for tie in self._ties],
        )

    def _distance_tensors(self):
        if self._distances is None:
            self._distances = [
                torch.as_tensor(
                    self.geometry.distance(i),
                    dtype=c.weight.dtype,
                    device=c.weight.device,
                )
                for i, c in enumerate(self._connections)
            ]
        return self._distances


def train_module(
    model,
    bimt,
    batches,
    loss_fn,
    *,
    max_iter,
    lambda_schedule,
    learning_rate=1e-3,
    k=6,
    swap_every=200,
    cost_reduction="sum",
):
    """Train a torch module with BIMT: Adam on ``loss + lambda * cost``, with swaps.

    The training loop of the estimators, for modules declared with
    :class:`BIMT` (autograd does the gradients here).

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
        As for the estimators, see :func:`skbimt.lambda_values`.
    learning_rate : float, default=1e-3
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
