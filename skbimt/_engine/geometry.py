"""Where neurons sit: slot layouts, slot assignments and distance matrices.

Every neuron layer owns a fixed set of *slots* (points in space) and an
*assignment*: a permutation saying which slot each neuron occupies. A swap
exchanges two entries of the assignment; weights never move. All distances
used by the connection cost, the swap search, ``coords_`` and the plots are
read from one :class:`Geometry`.
"""

import numpy as np

DISTANCE_NORMS = ("l1", "l2")


def line_slots(n_neurons, width):
    """Slot centres of ``n_neurons`` evenly spread over ``[0, width]``.

    Parameters
    ----------
    n_neurons : int
        Number of slots.
    width : float
        Length ``A`` of the segment.

    Returns
    -------
    slots : ndarray of shape (n_neurons, 1)
        ``width * (j + 1/2) / n_neurons`` for ``j = 0 .. n_neurons - 1``.
    """
    return (width * (np.arange(n_neurons) + 0.5) / n_neurons)[:, None]


def grid_shape(n_neurons):
    """Near-square ``(rows, columns)`` grid holding at least ``n_neurons``.

    Parameters
    ----------
    n_neurons : int
        Number of neurons to place.

    Returns
    -------
    shape : tuple of int
        ``rows * columns >= n_neurons`` with ``rows <= columns``.
    """
    rows = max(1, int(np.floor(np.sqrt(n_neurons))))
    return rows, int(np.ceil(n_neurons / rows))


def grid_slots(n_neurons, width, shape=None):
    """Slot centres on a 2D grid covering ``[0, width]^2``, filled row by row.

    Parameters
    ----------
    n_neurons : int
        Number of slots.
    width : float
        Side ``A`` of the square.
    shape : tuple of int, default=None
        ``(rows, columns)`` of the grid; near-square when None.

    Returns
    -------
    slots : ndarray of shape (n_neurons, 2)
        ``(x, z)`` of each slot, ``x`` along columns and ``z`` along rows.
    """
    rows, columns = grid_shape(n_neurons) if shape is None else shape
    if rows * columns < n_neurons:
        raise ValueError(f"A {rows}x{columns} grid cannot hold {n_neurons} neurons.")
    index = np.arange(n_neurons)
    x = width * (index % columns + 0.5) / columns
    z = width * (index // columns + 0.5) / rows
    # Flip z so that image row 0 is drawn at the top, as in an image.
    return np.column_stack([x, width - z])


class NeuronLayer:
    """One layer of neurons: its slots and which neuron occupies which slot.

    Parameters
    ----------
    slots : array-like of shape (n_neurons, n_dims)
        Full coordinates of the slots (the height is the last coordinate).
    name : str
        Label used in plots and graphs.
    swappable : bool, default=True
        Whether the swap search may move neurons of this layer.
    swap_groups : array-like of int of shape (n_neurons,), default=None
        Group of every slot: a neuron may only move to a slot of its own
        group (for example the neurons of one attention head); whole groups
        of equal size may exchange places. None puts all slots in one group.
    """

    def __init__(self, slots, name, swappable=True, swap_groups=None):
        self.slots = np.asarray(slots, dtype=np.float64)
        self.name = name
        self.swappable = swappable
        self.assignment = np.arange(len(self.slots))
        self.swap_groups = None if swap_groups is None else np.asarray(swap_groups)
        if self.swap_groups is not None and self.swap_groups.shape != (
            len(self.slots),
        ):
            raise ValueError(
                f"swap_groups of layer {name!r} needs one group per slot "
                f"({len(self.slots)}), got shape {self.swap_groups.shape}."
            )

    @property
    def n_neurons(self):
        return len(self.slots)

    @property
    def positions(self):
        """Position of each neuron, in neuron order (rows match the weights)."""
        return self.slots[self.assignment]

    def occupants(self):
        """Inverse of the assignment: the neuron sitting in each slot."""
        occupant = np.empty_like(self.assignment)
        occupant[self.assignment] = np.arange(self.n_neurons)
        return occupant


class Geometry:
    """Neuron layers placed in space and the weight matrices joining them.

    Parameters
    ----------
    layers : list of NeuronLayer
        The neuron layers. All slots must have the same number of coordinates.
    connections : list of tuple of int
        ``(pre, post)`` layer indices for each weight matrix; the matrix has
        shape ``(n_pre, n_post)``, rows and columns in neuron order.
    norm : {"l1", "l2"}, default="l1"
        Vector norm used for connection lengths.
    bias_distance : float, default=1.0
        Length charged for every bias (``y_star`` in the paper, Eq. 3).
    ties : list of list of int, default=None
        Groups of layers that share one permutation: a swap in one moves the
        same neurons in all of them (the two token embeddings of an input, the
        residual stream of a transformer). Tied layers need the same number of
        neurons, and no weight matrix may join two layers of one tie.
    """

    def __init__(self, layers, connections, norm="l1", bias_distance=1.0, ties=None):
        if norm not in DISTANCE_NORMS:
            raise ValueError(f"norm must be one of {DISTANCE_NORMS}, got {norm!r}.")
        dims = {layer.slots.shape[1] for layer in layers}
        if len(dims) != 1:
            raise ValueError(
                f"All layers need the same number of coordinates, got {sorted(dims)}."
            )
        self.layers = list(layers)
        self.connections = [tuple(c) for c in connections]
        self.norm = norm
        self.bias_distance = float(bias_distance)
        self._slot_distances = [
            pairwise_distance(self.layers[pre].slots, self.layers[post].slots, norm)
            for pre, post in self.connections
        ]
        self._tie_of = {i: (i,) for i in range(len(self.layers))}
        for tie in ties or []:
            self._tie(tuple(tie))

    def _tie(self, members):
        sizes = {self.layers[i].n_neurons for i in members}
        if len(sizes) != 1:
            raise ValueError(
                f"Tied layers {members} have different sizes {sorted(sizes)}."
            )
        for pre, post in self.connections:
            if pre in members and post in members:
                raise ValueError(
                    f"Layers {pre} and {post} are tied and joined by a weight "
                    "matrix; a swap would move both ends of its weights."
                )
        shared = self.layers[members[0]].assignment
        for i in members:
            self.layers[i].assignment = shared
            self._tie_of[i] = members

    def tied_with(self, layer):
        """Layers sharing ``layer``'s permutation, itself included.

        Parameters
        ----------
        layer : int
            Index of a neuron layer.

        Returns
        -------
        layers : tuple of int
        """
        return self._tie_of[layer]

    @classmethod
    def stacked(
        cls,
        layer_sizes,
        width,
        spacing,
        norm="l1",
        input_shape=None,
        layer_names=None,
        n_tokens=None,
    ):
        """Layers stacked vertically, as in the paper's Eq. (1).

        Neuron layer ``i`` sits at height ``i * spacing``. Its neurons are
        spread over ``[0, width]`` on a line, or on a grid when
        ``input_shape`` is given (the network then lives in 3D: the input
        layer is the image grid, hidden layers near-square grids and the
        output layer a line through the middle).

        Parameters
        ----------
        layer_sizes : sequence of int
            Number of neurons per layer, input first.
        width : float
            ``A``: extent of each layer.
        spacing : float
            ``y_star``: vertical distance between consecutive layers, also the
            length charged for biases.
        norm : {"l1", "l2"}, default="l1"
            Vector norm for connection lengths.
        input_shape : tuple of int, default=None
            ``(height, width)`` of image input.
        layer_names : list of str, default=None
            Names of the layers; ``"input"``, ``"hidden_1"``, ... by default.
        n_tokens : int, default=None
            Token input: the input layer concatenates ``n_tokens`` embeddings
            of ``layer_sizes[0] / n_tokens`` dimensions. Each token becomes a
            layer of its own, all at the same slots and tied to one
            permutation (paper, section 3.3); the geometry then has
            ``n_tokens - 1`` more layers than ``layer_sizes``.

        Returns
        -------
        geometry : Geometry
        """
        n_layers = len(layer_sizes)
        if layer_names is None:
            layer_names = (
                ["input"] + [f"hidden_{i}" for i in range(1, n_layers - 1)] + ["output"]
            )
        layers = []
        for i, size in enumerate(layer_sizes):
            if input_shape is None:
                plane = line_slots(size, width)
            elif i == 0:
                plane = grid_slots(size, width, shape=tuple(input_shape))
            elif i == n_layers - 1:
                plane = np.column_stack(
                    [line_slots(size, width)[:, 0], np.full(size, width / 2)]
                )
            else:
                plane = grid_slots(size, width)
            height = np.full((size, 1), i * spacing)
            layers.append(NeuronLayer(np.hstack([plane, height]), layer_names[i]))
        if not n_tokens:
            connections = [(i, i + 1) for i in range(n_layers - 1)]
            return cls(layers, connections, norm=norm, bias_distance=spacing)
        dim = layer_sizes[0] // n_tokens
        if dim * n_tokens != layer_sizes[0]:
            raise ValueError(
                f"{layer_sizes[0]} input neurons cannot be split into "
                f"{n_tokens} tokens."
            )
        slots = np.column_stack([line_slots(dim, width)[:, 0], np.zeros(dim)])
        tokens = [NeuronLayer(slots, f"token_{t}") for t in range(n_tokens)]
        connections = [(t, n_tokens) for t in range(n_tokens)] + [
            (i, i + 1) for i in range(n_tokens, n_tokens + n_layers - 2)
        ]
        return cls(
            tokens + layers[1:],
            connections,
            norm=norm,
            bias_distance=spacing,
            ties=[list(range(n_tokens))],
        )

    @property
    def n_dims(self):
        return self.layers[0].slots.shape[1]

    def distance(self, connection):
        """Length of every weight of one connection, in neuron order.

        Parameters
        ----------
        connection : int
            Index into ``connections``.

        Returns
        -------
        distance : ndarray of shape (n_pre, n_post)
        """
        pre, post = self.connections[connection]
        slot_distance = self._slot_distances[connection]
        return slot_distance[
            np.ix_(self.layers[pre].assignment, self.layers[post].assignment)
        ]

    def slot_distance(self, connection):
        """Distances between every slot of ``pre`` and every slot of ``post``.

        Parameters
        ----------
        connection : int
            Index of a connection, in ``connections``.

        Returns
        -------
        distances : ndarray of shape (n_pre, n_post)
            In slot order, not neuron order (see :meth:`distance`).
        """
        return self._slot_distances[connection]

    def positions(self, assignments=None):
        """Positions of the neurons of every layer, in neuron order.

        Parameters
        ----------
        assignments : list of ndarray, default=None
            Slot assignments as returned by :meth:`get_state`, to read the
            positions of an earlier state without changing the geometry; the
            current assignments when None.

        Returns
        -------
        positions : list of ndarray
            ``positions[i]`` of shape ``(n_i, n_dims)``.
        """
        if assignments is None:
            assignments = [layer.assignment for layer in self.layers]
        return [
            layer.slots[assignment]
            for layer, assignment in zip(self.layers, assignments, strict=True)
        ]

    def swap(self, layer, neuron_a, neuron_b):
        """Exchange the slots of two neurons of one layer (and of its ties).

        Parameters
        ----------
        layer : int
            Index of the neuron layer.
        neuron_a, neuron_b : int
            The two neurons.
        """
        assignment = self.layers[layer].assignment
        assignment[[neuron_a, neuron_b]] = assignment[[neuron_b, neuron_a]]

    def get_state(self):
        """Assignments of all layers (copies), to save or restore."""
        return [layer.assignment.copy() for layer in self.layers]

    def set_state(self, assignments):
        """Restore assignments saved by :meth:`get_state`.

        Parameters
        ----------
        assignments : list of ndarray of int
            One slot assignment per layer, as :meth:`get_state` returns.
        """
        for layer, assignment in zip(self.layers, assignments, strict=True):
            # In place: tied layers keep sharing one array.
            layer.assignment[:] = assignment


def pairwise_distance(points_a, points_b, norm="l1"):
    """Distances between every point of ``points_a`` and of ``points_b``.

    Parameters
    ----------
    points_a : ndarray of shape (n_a, n_dims)
    points_b : ndarray of shape (n_b, n_dims)
    norm : {"l1", "l2"}, default="l1"

    Returns
    -------
    distance : ndarray of shape (n_a, n_b)
    """
    difference = np.abs(points_a[:, None, :] - points_b[None, :, :])
    if norm == "l1":
        return difference.sum(axis=-1)
    return np.sqrt((difference**2).sum(axis=-1))
