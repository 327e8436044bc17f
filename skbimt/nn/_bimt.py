"""Connection cost, swaps and positions for the declared layers of a torch module."""

import numpy as np
import torch

from .._connectivity import (
    DEFAULT_THRESHOLD,
    connectivity_graph,
    graph_modules,
)
from .._engine.cost import check_reduction, connection_cost
from .._engine.geometry import Geometry, NeuronLayer, grid_slots, line_slots
from .._engine.swap import swap_pass, swappable_layers


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

    Parameters
    ----------
    n_neurons : int
        Number of slots, filled row by row.
    width : float
        Side ``A`` of the square.
    height : float
        The layer's height (``i * y_star`` for the ``i``-th layer).
    shape : tuple of int, default=None
        ``(rows, columns)`` of the grid; near-square when None.

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
        self._distances = {}

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

        Parameters
        ----------
        layer : str
            Name of the declared layer whose neurons index the parameter.
        parameter : torch.Tensor
            The parameter; its size along ``dim`` is the layer's neuron count.
        dim : int, default=-1
            The dimension indexed by the neurons.
        penalize : bool, default=True
            Whether the connection cost charges ``bias_distance * |p|``.
        """
        self._check_open()
        if parameter.shape[dim] != self._size(layer):
            raise ValueError(
                f"Dimension {dim} of the parameter has {parameter.shape[dim]} "
                f"entries; layer {layer!r} has {self._size(layer)} neurons."
            )
        self._neuron_parameters.append((layer, parameter, dim, penalize))

    def tie(self, *layers):
        """Make layers share one permutation (the residual stream; queries and keys).

        Parameters
        ----------
        *layers : str
            Names of declared layers of one size; a swap in one moves the
            same neurons in all of them.
        """
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
        check_reduction(reduction)
        self._build()
        others = [c.bias for c in self._connections]
        others += [p for _, p, _, penalize in self._neuron_parameters if penalize]
        return connection_cost(
            [c.in_out() for c in self._connections],
            others,
            self._distance_tensors(),
            self.bias_distance,
            reduction,
        )

    def swap(self, k, layers=None):
        """One swap pass (Eq. 5 scores, top ``k`` per layer, best slot).

        Parameters
        ----------
        k : int
            Neurons tried per layer.
        layers : list of str, default=None
            Layers to visit, in order; all swappable ones (declaration order)
            by default. A tie is searched once, from its first layer, and
            every layer named must be swappable (with its whole tie).

        Returns
        -------
        n_swaps : int
        """
        self._build()
        allowed = swappable_layers(self.geometry)
        if layers is None:
            indices = allowed
        else:
            names = list(self._layers)
            indices = []
            for name in layers:
                index = names.index(self._check_name(name))
                first = self.geometry.tied_with(index)[0]
                if first not in allowed:
                    raise ValueError(
                        f"Layer {name!r} cannot be swapped: it (or a layer tied "
                        "to it) was declared with swappable=False or has a "
                        "single neuron. Swappable layers: "
                        f"{[names[i] for i in allowed]}."
                    )
                indices.append(first)
        abs_weights = [np.abs(weight) for _, _, weight in self.weights()]
        n_swaps = swap_pass(self.geometry, abs_weights, k, indices)
        if n_swaps:
            self._distances = {}
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
        self._distances = {}

    def to_networkx(self, merge=(), threshold=DEFAULT_THRESHOLD):
        """Weighted graph: a node ``(layer, neuron)`` per neuron, an edge per weight.

        Built by the same function as the estimators' graphs
        (:func:`skbimt.inspection.connectivity_graph`); ``layer`` is the
        index of the layer in declaration order, and its name is the node
        attribute ``layer_name``.

        Parameters
        ----------
        merge : sequence of sequence of str, default=()
            Groups of layers that hold the same neurons, merged into the node
            set of the group's first layer: the layers of a residual stream
            are one set of neurons read and written by every block. Weights
            landing on the same pair of nodes add up.
        threshold : float, default=0.01
            Relative threshold deciding the ``active`` node attribute.

        Returns
        -------
        graph : networkx.Graph
            Nodes carry ``layer``, ``layer_name``, ``index``, ``pos`` and
            ``active``; edges ``weight`` (``|w|``) and ``value`` (``w``).
        """
        names = list(self._layers)
        positions = self.positions()
        index = {name: i for i, name in enumerate(names)}
        groups = [[index[self._check_name(n)] for n in group] for group in merge]
        return connectivity_graph(
            [weight for _, _, weight in self.weights()],
            coords=[positions[name] for name in names],
            threshold=threshold,
            sizes=[self._layers[name].n_neurons for name in names],
            connections=[(index[c.pre], index[c.post]) for c in self._connections],
            layer_names=names,
            merge=groups,
        )

    def modularity(self, method="louvain", random_state=0, merge=()):
        """Newman modularity of :meth:`to_networkx`'s graph, as ``modularity_``.

        Parameters
        ----------
        method : {"louvain", "greedy"}, default="louvain"
            Community detection, see
            :func:`skbimt.inspection.find_communities`.
        random_state : int or None, default=0
            Seed for Louvain.
        merge : sequence of sequence of str, default=()
            Layers merged into one node set, see :meth:`to_networkx`.

        Returns
        -------
        modularity : float
            0 for a network whose weights are all zero.
        """
        graph = self.to_networkx(merge)
        return graph_modules(graph, method, random_state)[1]

    # -- internals --------------------------------------------------------------------

    def _check_name(self, name):
        if name not in self._layers:
            raise ValueError(
                f"No layer named {name!r}; declare it with add_layer first. "
                f"Declared layers: {list(self._layers)}."
            )
        return name

    def _size(self, name):
        return self._layers[self._check_name(name)].n_neurons

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
        """Lengths of every declared weight, cached per device and dtype."""
        weight = self._connections[0].weight
        key = (weight.device, weight.dtype)
        if key not in self._distances:
            self._distances[key] = [
                torch.as_tensor(self.geometry.distance(i), dtype=weight.dtype).to(
                    weight.device
                )
                for i in range(len(self._connections))
            ]
        return self._distances[key]
