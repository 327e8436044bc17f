"""The torch MLP and the flat parameter layout shared by training and export.

All weights and biases of a network live in one flat float tensor, so the
optimizer and the connection-cost gradient touch a single contiguous buffer.
``coefs_[i]`` has shape ``(n_i, n_{i+1})`` (inputs along rows), as in
scikit-learn's MLP and the paper's notation ``x @ W + b``.
"""

import math

import torch
from torch import nn

ACTIVATIONS = ("silu", "relu", "tanh", "sigmoid", "identity")

_TORCH_ACTIVATIONS = {
    "silu": torch.nn.functional.silu,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "identity": lambda x: x,
}


class FlatLayout:
    """Offsets of every weight matrix and bias vector in a flat buffer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Neurons per layer, input first.

    Attributes
    ----------
    size : int
        Total number of parameters.
    """

    def __init__(self, layer_sizes):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.weight_slices, self.bias_slices = [], []
        offset = 0
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            self.weight_slices.append(slice(offset, offset + n_in * n_out))
            offset += n_in * n_out
            self.bias_slices.append(slice(offset, offset + n_out))
            offset += n_out
        self.size = offset

    @property
    def weight_shapes(self):
        return list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))

    def weights(self, flat):
        """Views of ``flat`` as the weight matrices, ``(n_in, n_out)`` each."""
        return [
            flat[s].view(shape)
            for s, shape in zip(self.weight_slices, self.weight_shapes)
        ]

    def biases(self, flat):
        """Views of ``flat`` as the bias vectors."""
        return [flat[s] for s in self.bias_slices]

    def bias_mask(self, flat_like):
        """Tensor like ``flat_like`` holding 1 on biases and 0 on weights."""
        mask = torch.zeros_like(flat_like)
        for s in self.bias_slices:
            mask[s] = 1
        return mask


def init_parameters(layout, generator):
    """Random initial parameters, torch's ``nn.Linear`` default.

    Weights and biases of a layer with ``n_in`` inputs are drawn from
    ``U(-1/sqrt(n_in), 1/sqrt(n_in))``.

    Parameters
    ----------
    layout : FlatLayout
    generator : torch.Generator
        CPU generator; the draw does not depend on the training device.

    Returns
    -------
    flat : torch.Tensor of shape (layout.size,)
        float32, on CPU.
    """
    flat = torch.empty(layout.size, dtype=torch.float32)
    for n_in, w_slice, b_slice in zip(
        layout.layer_sizes[:-1], layout.weight_slices, layout.bias_slices
    ):
        bound = 1.0 / math.sqrt(n_in)
        flat[w_slice].uniform_(-bound, bound, generator=generator)
        flat[b_slice].uniform_(-bound, bound, generator=generator)
    return flat


class MLP(nn.Module):
    """Fully connected network ``x -> act(x @ W_1 + b_1) -> ... -> x @ W_L + b_L``.

    Parameters
    ----------
    layer_sizes : sequence of int
        Neurons per layer, input first.
    activation : {"silu", "relu", "tanh", "sigmoid", "identity"}, default="silu"
        Applied after every hidden layer; the output layer is linear.

    Attributes
    ----------
    weights : torch.nn.ParameterList
        ``weights[i]`` of shape ``(n_i, n_{i+1})``.
    biases : torch.nn.ParameterList
        ``biases[i]`` of shape ``(n_{i+1},)``.
    """

    def __init__(self, layer_sizes, activation="silu"):
        super().__init__()
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.activation = activation
        self.weights = nn.ParameterList(
            nn.Parameter(torch.zeros(n_in, n_out))
            for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:])
        )
        self.biases = nn.ParameterList(
            nn.Parameter(torch.zeros(n_out)) for n_out in self.layer_sizes[1:]
        )

    @classmethod
    def from_flat(cls, layer_sizes, activation, flat):
        """Build a network holding a copy of the flat parameters ``flat``."""
        layout = FlatLayout(layer_sizes)
        return cls.from_parameters(
            layer_sizes, activation, layout.weights(flat), layout.biases(flat)
        )

    @classmethod
    def from_parameters(cls, layer_sizes, activation, weights, biases):
        """Build a network holding copies of the given weights and biases.

        Parameters
        ----------
        layer_sizes : sequence of int
        activation : str
        weights, biases : lists of array-like or torch.Tensor
            ``weights[i]`` of shape ``(n_i, n_{i+1})``; the module takes the
            dtype and device of ``weights[0]`` (float64 for numpy input).
        """
        weights = [torch.as_tensor(w) for w in weights]
        biases = [torch.as_tensor(b) for b in biases]
        module = cls(layer_sizes, activation).to(
            device=weights[0].device, dtype=weights[0].dtype
        )
        with torch.no_grad():
            for param, value in zip(module.weights, weights, strict=True):
                param.copy_(value)
            for param, value in zip(module.biases, biases, strict=True):
                param.copy_(value)
        return module

    def forward(self, x):
        return self.hidden_states(x)[-1]

    def hidden_states(self, x):
        """Output of every neuron layer, the input included.

        Parameters
        ----------
        x : torch.Tensor of shape (n_samples, n_inputs)

        Returns
        -------
        states : list of torch.Tensor
            ``states[i]`` of shape ``(n_samples, n_i)``; the last is the output.
        """
        act = _TORCH_ACTIVATIONS[self.activation]
        states = [x]
        last = len(self.weights) - 1
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            x = torch.addmm(bias, x, weight)
            if i < last:
                x = act(x)
            states.append(x)
        return states
