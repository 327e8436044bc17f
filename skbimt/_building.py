"""Building a new network from the engine's pieces, for a fit to train.

:func:`initial_network` is the one entry point: the neuron geometry, the flat
parameter layout and the initial parameters of the network a fit starts
from. The geometry alone is rebuilt on loading a saved model
(:func:`build_geometry`).
"""

import numpy as np
import torch

from ._engine.geometry import Geometry
from ._engine.network import FlatLayout, init_parameters
from ._engine.training import Network

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def build_geometry(params, layer_sizes, n_tokens=None, input_shape=None):
    """The neuron layers and slots of a network with these hyperparameters.

    Parameters
    ----------
    params : dict
        The estimator's ``get_params()``: ``A``, ``y_star``, ``distance``.
    layer_sizes : list of int
        Neurons per layer, input first (with token input, all tokens'
        embedding dimensions together).
    n_tokens : int, default=None
        Tokens per sample, with token input.
    input_shape : tuple of int, default=None
        ``(height, width)`` of image input.

    Returns
    -------
    geometry : Geometry
    """
    geometry = Geometry.stacked(
        layer_sizes,
        params["A"],
        params["y_star"],
        norm=params["distance"],
        input_shape=input_shape,
        n_tokens=n_tokens,
    )
    if input_shape is not None:
        geometry.layers[0].swappable = False
    return geometry


def build_network(
    params, loss, layer_sizes, n_tokens, vocab_size, input_shape, generator
):
    """Geometry, flat layout and initial parameters of a new network.

    Parameters
    ----------
    params : dict
        The estimator's ``get_params()``.
    loss : {"squared_error", "cross_entropy"}
        The estimator's training loss.
    layer_sizes : list of int
    n_tokens, vocab_size : int or None
        Token input.
    input_shape : tuple of int or None
        Image input.
    generator : torch.Generator
        Draws the initial parameters.

    Returns
    -------
    network : skbimt._engine.training.Network
        Parameters on the CPU, in ``params["dtype"]``.
    """
    layout = FlatLayout(
        layer_sizes,
        n_tokens=n_tokens,
        vocab_size=vocab_size if n_tokens else None,
    )
    return Network(
        flat=init_parameters(layout, generator, DTYPES[params["dtype"]]),
        layout=layout,
        geometry=build_geometry(params, layer_sizes, n_tokens, input_shape),
        activation=params["activation"],
        loss=loss,
    )


def initial_network(
    estimator,
    layer_sizes,
    rng,
    n_tokens=None,
    vocab_size=None,
    input_shape=None,
    loss=None,
):
    """The untrained network ``estimator.fit`` starts from, for a random state.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Gives the hyperparameters and the loss.
    layer_sizes : list of int
    rng : numpy.random.RandomState
        The fit's random state; one draw seeds the initial parameters.
    n_tokens, vocab_size, input_shape : default=None
        Token and image input, see :func:`build_network`.
    loss : str, default=None
        The training loss; None for the estimator's (``FitData.loss`` tells
        a multilabel classifier's).

    Returns
    -------
    network : skbimt._engine.training.Network
    """
    generator = torch.Generator().manual_seed(int(rng.randint(2**31 - 1)))
    return build_network(
        estimator.get_params(),
        estimator._loss if loss is None else loss,
        layer_sizes,
        n_tokens,
        vocab_size,
        input_shape,
        generator,
    )


def neuron_layer_positions(geometry, n_tokens=None, assignments=None):
    """Positions per MLP neuron layer: token layers stacked into the input."""
    positions = geometry.positions(assignments)
    n_tokens = n_tokens or 1
    return [np.vstack(positions[:n_tokens]), *positions[n_tokens:]]
