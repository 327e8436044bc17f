"""A small causal transformer without LayerNorm, declared for BIMT (paper 3.4).

LayerNorm mixes all neurons of the residual stream and works against
sparsity, so, as in the paper's appendix F, the blocks have none. Every
matrix (embedding, queries, keys, values, output projection, MLP, unembedding)
is a BIMT connection; the residual stream is one permutation shared by all of
its layers, and queries, keys and values of a block share one too.
"""

import math

import torch
from torch import nn

from ._bimt import BIMT, line


class _Block(nn.Module):
    def __init__(self, d_model, n_heads, d_mlp):
        super().__init__()
        self.n_heads = n_heads
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.project = nn.Linear(d_model, d_model)
        self.mlp_in = nn.Linear(d_model, d_mlp)
        self.mlp_out = nn.Linear(d_mlp, d_model)

    def forward(self, h):
        n, length, d_model = h.shape
        d_head = d_model // self.n_heads

        def heads(x):
            return x.view(n, length, self.n_heads, d_head).transpose(1, 2)

        q, k, v = heads(self.query(h)), heads(self.key(h)), heads(self.value(h))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d_head)
        causal = torch.ones(length, length, dtype=torch.bool, device=h.device).triu(1)
        attention = scores.masked_fill(causal, float("-inf")).softmax(dim=-1)
        mixed = (attention @ v).transpose(1, 2).reshape(n, length, d_model)
        h = h + self.project(mixed)
        return h + self.mlp_out(nn.functional.silu(self.mlp_in(h)))


class TinyTransformer(nn.Module):
    """Causal transformer without LayerNorm, for in-context regression.

    Parameters
    ----------
    d_in : int, default=2
        Size of every input token.
    d_out : int, default=1
        Size of the prediction read at every position.
    d_model : int, default=32
        Width of the residual stream (the paper: 32).
    n_layers : int, default=2
        Transformer blocks (the paper: 2).
    n_heads : int, default=1
        Attention heads (the paper: 1).
    d_mlp : int, default=None
        Hidden width of each block's MLP, ``4 * d_model`` when None.
    max_length : int, default=8
        Longest sequence, for the learned positional embedding.
    """

    def __init__(
        self,
        d_in=2,
        d_out=1,
        d_model=32,
        n_layers=2,
        n_heads=1,
        d_mlp=None,
        max_length=8,
    ):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(
                f"d_model={d_model} is not divisible by n_heads={n_heads}."
            )
        self.embed = nn.Linear(d_in, d_model)
        self.position = nn.Parameter(0.1 * torch.randn(max_length, d_model))
        self.blocks = nn.ModuleList(
            _Block(d_model, n_heads, d_mlp or 4 * d_model) for _ in range(n_layers)
        )
        self.unembed = nn.Linear(d_model, d_out)
        self.n_heads = n_heads
        #: Names of the residual-stream layers declared by :meth:`bimt`: one
        #: set of neurons, to merge when measuring modularity.
        self.residual_layers = [f"res{i}" for i in range(2 * n_layers + 1)]

    def forward(self, tokens):
        """Predictions for every position of a batch of sequences.

        Parameters
        ----------
        tokens : torch.Tensor of shape (n, length, d_in)
            Input vectors, one per position; ``length`` is at most the
            network's ``max_length``.

        Returns
        -------
        predictions : torch.Tensor of shape (n, length, d_out)
            Causal: position ``t`` sees positions up to ``t`` only.
        """
        h = self.embed(tokens) + self.position[: tokens.shape[1]]
        for block in self.blocks:
            h = block(h)
        return self.unembed(h)

    def bimt(self, width=2.0, spacing=0.5, norm="l1"):
        """Declare this network's neuron layers and connections for BIMT.

        Layers, bottom to top: ``input``, ``res0``, then per block ``b``:
        ``qkv{b}_q``/``_k``/``_v`` (tied, side by side at one height),
        ``res{2b+1}``, ``mlp{b}``, ``res{2b+2}``, and ``output``. All
        ``res`` layers are tied (the residual stream adds them), input and
        output are not swappable (their order is the data's), and neurons of
        the query/key/value layers only move within their head, while whole
        heads may exchange places.

        Parameters
        ----------
        width : float, default=2.0
            ``A``: extent of each layer.
        spacing : float, default=0.5
            ``y_star``: height between consecutive layers, and the length
            charged for biases and the positional embedding.
        norm : {"l1", "l2"}, default="l1"

        Returns
        -------
        bimt : skbimt.nn.BIMT
        """
        bimt = BIMT(norm=norm, bias_distance=spacing)
        d_model = self.embed.out_features
        d_head = d_model // self.n_heads
        head_of = [j // d_head for j in range(d_model)]
        height = 0
        bimt.add_layer(
            "input", line(self.embed.in_features, width, height), swappable=False
        )
        height += spacing
        bimt.add_layer("res0", line(d_model, width, height))
        bimt.connect("input", "res0", self.embed.weight, self.embed.bias)
        bimt.add_neuron_parameter("res0", self.position, dim=1)
        residual = ["res0"]
        for b, block in enumerate(self.blocks):
            height += spacing
            for part, linear in (
                ("q", block.query),
                ("k", block.key),
                ("v", block.value),
            ):
                name = f"qkv{b}_{part}"
                bimt.add_layer(name, line(d_model, width, height), swap_groups=head_of)
                bimt.connect(residual[-1], name, linear.weight, linear.bias)
            bimt.tie(f"qkv{b}_q", f"qkv{b}_k", f"qkv{b}_v")
            height += spacing
            after_attention = f"res{2 * b + 1}"
            bimt.add_layer(after_attention, line(d_model, width, height))
            bimt.connect(
                f"qkv{b}_v", after_attention, block.project.weight, block.project.bias
            )
            height += spacing
            bimt.add_layer(f"mlp{b}", line(block.mlp_in.out_features, width, height))
            bimt.connect(
                after_attention, f"mlp{b}", block.mlp_in.weight, block.mlp_in.bias
            )
            height += spacing
            after_mlp = f"res{2 * b + 2}"
            bimt.add_layer(after_mlp, line(d_model, width, height))
            bimt.connect(f"mlp{b}", after_mlp, block.mlp_out.weight, block.mlp_out.bias)
            residual += [after_attention, after_mlp]
        height += spacing
        bimt.add_layer(
            "output", line(self.unembed.out_features, width, height), swappable=False
        )
        bimt.connect(residual[-1], "output", self.unembed.weight, self.unembed.bias)
        bimt.tie(*residual)
        return bimt
