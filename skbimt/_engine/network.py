"""The torch MLP and the flat parameter layout shared by training and export.

All weights and biases of a network live in one flat float tensor, so the
optimizer and the connection-cost gradient touch a single contiguous buffer.
``coefs_[i]`` has shape ``(n_i, n_{i+1})`` (inputs along rows), as in
scikit-learn's MLP and the paper's notation ``x @ W + b``.
"""

import math

import numpy as np
import torch
from scipy.special import expit
from torch import nn

ACTIVATIONS = ("silu", "relu", "tanh", "sigmoid", "identity")

_TORCH_ACTIVATIONS = {
    "silu": torch.nn.functional.silu,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "identity": lambda x: x,
}


def _silu(z):
    # torch's kernel, in place on the numpy array: four times faster than
    # z * expit(z) (scipy's expit is slow), with no overflow warning.
    torch.nn.functional.silu(torch.from_numpy(z), inplace=True)
    return z


# In place where that saves a copy: prediction owns its work arrays.
_NUMPY_ACTIVATIONS = {
    "silu": _silu,
    "relu": lambda z: np.maximum(z, 0.0, out=z),
    "tanh": lambda z: np.tanh(z, out=z),
    "sigmoid": lambda z: expit(z, out=z),
    "identity": lambda z: z,
}


def forward(coefs, intercepts, activation, X, embedding=None):
    """Output of the MLP for ``X``, in numpy.

    The prediction path of the estimators: a few matrix products, with none
    of torch's per-call overhead (which dominates on a few rows).

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``, ``intercepts[i]`` of shape
        ``(n_{i+1},)``.
    activation : {"silu", "relu", "tanh", "sigmoid", "identity"}
        Hidden activation; the output layer is linear.
    X : ndarray of shape (n_samples, n_inputs)
        Or ``(n_samples, n_tokens)`` integer token ids, with ``embedding``.
    embedding : ndarray of shape (vocab_size, embedding_dim), default=None
        Token embeddings; the first layer reads their concatenation.

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
    """
    if embedding is not None:
        X = embedding[X].reshape(len(X), -1)
    act = _NUMPY_ACTIVATIONS[activation]
    last = len(coefs) - 1
    for i, (weight, bias) in enumerate(zip(coefs, intercepts, strict=True)):
        X = X @ weight
        X += bias
        if i < last:
            X = act(X)
    return X


#: Rows per block of :func:`forward_in_blocks`: a block's hidden layers stay
#: in cache (20 neurons x 8192 rows x 8 bytes = 1.3 MB per layer).
BLOCK_ROWS = 8192


def forward_in_blocks(coefs, intercepts, activation, X, block_rows=BLOCK_ROWS):
    """:func:`forward` for many rows: in torch, one block of rows at a time.

    On a million rows the one-shot numpy pass writes and re-reads every
    hidden layer through main memory and computes SiLU in several passes;
    blocks keep each layer in cache and torch fuses the activation, about
    five times faster. Same arithmetic as :func:`forward` up to rounding.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        In the dtype of the result (float32 or float64).
    activation : str
    X : ndarray of shape (n_samples, n_inputs)
        Dense, in the dtype of ``coefs``.
    block_rows : int, default=BLOCK_ROWS

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
    """
    weights = [torch.from_numpy(np.ascontiguousarray(w)) for w in coefs]
    biases = [torch.from_numpy(np.ascontiguousarray(b)) for b in intercepts]
    act = _TORCH_ACTIVATIONS[activation]
    rows = torch.from_numpy(np.ascontiguousarray(X))
    output = torch.empty((len(X), weights[-1].shape[1]), dtype=weights[0].dtype)
    last = len(weights) - 1
    with torch.no_grad():
        for start in range(0, len(X), block_rows):
            h = rows[start : start + block_rows]
            for i, (weight, bias) in enumerate(zip(weights, biases, strict=True)):
                h = torch.addmm(bias, h, weight)
                if i < last:
                    h = act(h)
            output[start : start + block_rows] = h
    return output.numpy()


class FlatLayout:
    """Offsets of every weight matrix and bias vector in a flat buffer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Neurons per layer, input first.
    n_tokens : int, default=None
        With token input: how many tokens the input layer concatenates; its
        ``layer_sizes[0] / n_tokens`` neurons per token are embedding
        dimensions.
    vocab_size : int, default=None
        With token input: number of distinct tokens. The embedding table
        ``(vocab_size, layer_sizes[0] / n_tokens)`` is stored after the
        weights and biases.

    Attributes
    ----------
    size : int
        Total number of parameters.
    connection_blocks : list of tuple
        ``(weight_layer, row_slice)`` of every connection of the matching
        :class:`~skbimt.Geometry`: with token input, the first weight matrix
        is split into one row block per token.
    """

    def __init__(self, layer_sizes, n_tokens=None, vocab_size=None):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.weight_slices, self.bias_slices = [], []
        offset = 0
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            self.weight_slices.append(slice(offset, offset + n_in * n_out))
            offset += n_in * n_out
            self.bias_slices.append(slice(offset, offset + n_out))
            offset += n_out
        self.n_tokens = n_tokens
        self.vocab_size = vocab_size
        self.embedding_slice = None
        if vocab_size is not None:
            self.embedding_dim = self.layer_sizes[0] // n_tokens
            self.embedding_slice = slice(
                offset, offset + vocab_size * self.embedding_dim
            )
            offset += vocab_size * self.embedding_dim
        self.size = offset
        first = (
            [
                (0, slice(t * self.embedding_dim, (t + 1) * self.embedding_dim))
                for t in range(n_tokens)
            ]
            if vocab_size is not None
            else [(0, slice(0, self.layer_sizes[0]))]
        )
        self.connection_blocks = first + [
            (i, slice(0, n)) for i, n in enumerate(self.layer_sizes[1:-1], start=1)
        ]

    def embedding(self, flat):
        """View of ``flat`` as the embedding table, or None without tokens."""
        if self.embedding_slice is None:
            return None
        return flat[self.embedding_slice].view(self.vocab_size, self.embedding_dim)

    def connection_weights(self, flat):
        """The weight block of every geometry connection, in order."""
        weights = self.weights(flat)
        return [weights[layer][rows] for layer, rows in self.connection_blocks]

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


def init_parameters(layout, generator, dtype=torch.float32):
    """Random initial parameters, torch's ``nn.Linear`` default.

    Weights and biases of a layer with ``n_in`` inputs are drawn from
    ``U(-1/sqrt(n_in), 1/sqrt(n_in))``; token embeddings from ``N(0, 1)``.

    Parameters
    ----------
    layout : FlatLayout
    generator : torch.Generator
        CPU generator; the draw does not depend on the training device.
    dtype : torch.dtype, default=torch.float32
        Precision of the returned parameters. The draw is always made in
        float32, so that one seed starts float32 and float64 training from
        the same weights.

    Returns
    -------
    flat : torch.Tensor of shape (layout.size,)
        On CPU.
    """
    flat = torch.empty(layout.size, dtype=torch.float32)
    for n_in, w_slice, b_slice in zip(
        layout.layer_sizes[:-1], layout.weight_slices, layout.bias_slices
    ):
        bound = 1.0 / math.sqrt(n_in)
        flat[w_slice].uniform_(-bound, bound, generator=generator)
        flat[b_slice].uniform_(-bound, bound, generator=generator)
    if layout.embedding_slice is not None:
        # Token embeddings start as standard normal vectors (paper, 3.3).
        flat[layout.embedding_slice].normal_(generator=generator)
    return flat.to(dtype)


class MLP(nn.Module):
    """Fully connected torch network with the weight layout of ``coefs_``.

    It computes ``h_i = act(h_{i-1} @ W_i + b_i)`` for hidden layers and a
    linear output layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Neurons per layer, input first.
    activation : {"silu", "relu", "tanh", "sigmoid", "identity"}, default="silu"
        Applied after every hidden layer; the output layer is linear.
    vocab_size : int, default=None
        With token input: the network takes ``(n_samples, n_tokens)`` integer
        token ids and feeds the concatenation of their learned embeddings,
        ``layer_sizes[0] / n_tokens`` dimensions each, to the first layer.
    n_tokens : int, default=None
        Tokens per sample, with ``vocab_size``.

    Attributes
    ----------
    weights : torch.nn.ParameterList
        ``weights[i]`` of shape ``(n_i, n_{i+1})``.
    biases : torch.nn.ParameterList
        ``biases[i]`` of shape ``(n_{i+1},)``.
    embedding : torch.nn.Parameter or None
        ``(vocab_size, embedding_dim)`` token embeddings, with token input.
    """

    def __init__(self, layer_sizes, activation="silu", vocab_size=None, n_tokens=None):
        super().__init__()
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.activation = activation
        self.embedding = None
        if vocab_size is not None:
            self.embedding = nn.Parameter(
                torch.zeros(vocab_size, self.layer_sizes[0] // n_tokens)
            )
        self.weights = nn.ParameterList(
            nn.Parameter(torch.zeros(n_in, n_out))
            for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:])
        )
        self.biases = nn.ParameterList(
            nn.Parameter(torch.zeros(n_out)) for n_out in self.layer_sizes[1:]
        )

    @classmethod
    def from_flat(cls, layout, activation, flat):
        """Build a network holding a copy of the flat parameters ``flat``.

        Parameters
        ----------
        layout : FlatLayout
            Where each weight, bias and embedding sits in ``flat``.
        activation : str
            Hidden activation, see :class:`MLP`.
        flat : torch.Tensor
            The flat parameters.

        Returns
        -------
        module : MLP
        """
        return cls.from_parameters(
            layout.layer_sizes,
            activation,
            layout.weights(flat),
            layout.biases(flat),
            embedding=layout.embedding(flat),
            n_tokens=layout.n_tokens,
        )

    @classmethod
    def from_parameters(
        cls, layer_sizes, activation, weights, biases, embedding=None, n_tokens=None
    ):
        """Build a network holding copies of the given weights and biases.

        Parameters
        ----------
        layer_sizes : sequence of int
        activation : str
        weights, biases : lists of array-like or torch.Tensor
            ``weights[i]`` of shape ``(n_i, n_{i+1})``; the module takes the
            dtype and device of ``weights[0]`` (float64 for numpy input).
        embedding : array-like or torch.Tensor, default=None
            ``(vocab_size, embedding_dim)`` token embeddings.
        n_tokens : int, default=None
            Tokens per sample, with ``embedding``.
        """
        weights = [torch.as_tensor(w) for w in weights]
        biases = [torch.as_tensor(b) for b in biases]
        vocab_size = None if embedding is None else len(embedding)
        module = cls(layer_sizes, activation, vocab_size, n_tokens).to(
            device=weights[0].device, dtype=weights[0].dtype
        )
        with torch.no_grad():
            if embedding is not None:
                module.embedding.copy_(torch.as_tensor(embedding))
            for param, value in zip(module.weights, weights, strict=True):
                param.copy_(value)
            for param, value in zip(module.biases, biases, strict=True):
                param.copy_(value)
        return module

    def forward(self, x):
        """Output of the network (the last of :meth:`hidden_states`).

        Parameters
        ----------
        x : torch.Tensor of shape (n_samples, n_inputs)
            Or ``(n_samples, n_tokens)`` integer token ids, with token input.

        Returns
        -------
        output : torch.Tensor of shape (n_samples, n_outputs)
        """
        return self.hidden_states(x)[-1]

    def hidden_states(self, x):
        """Output of every neuron layer, the input included.

        Parameters
        ----------
        x : torch.Tensor of shape (n_samples, n_inputs)
            Or ``(n_samples, n_tokens)`` integer token ids, with token input.

        Returns
        -------
        states : list of torch.Tensor
            ``states[i]`` of shape ``(n_samples, n_i)``; the last is the output.
            With token input the first is the concatenated embeddings.
        """
        act = _TORCH_ACTIVATIONS[self.activation]
        if self.embedding is not None:
            x = self.embedding[x.long()].reshape(len(x), -1)
        states = [x]
        last = len(self.weights) - 1
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            x = torch.addmm(bias, x, weight)
            if i < last:
                x = act(x)
            states.append(x)
        return states
