"""BIMT for any torch module: declare neuron layers and the weights joining them.

The estimators use this machinery for MLPs; this module exposes it for your
own networks (the paper's appendix F applies it to a transformer)::

    import torch
    from skbimt.nn import BIMT, line

    model = torch.nn.Sequential(torch.nn.Linear(4, 20), torch.nn.SiLU(),
                                torch.nn.Linear(20, 2))
    bimt = BIMT(bias_distance=0.1)
    bimt.add_layer("input", line(4, width=2.0, height=0.0))
    bimt.add_layer("hidden", line(20, width=2.0, height=0.1))
    bimt.add_layer("output", line(2, width=2.0, height=0.2))
    bimt.connect("input", "hidden", model[0].weight, model[0].bias)
    bimt.connect("hidden", "output", model[2].weight, model[2].bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(1000):
        loss = loss_fn(model(X), y) + 1e-3 * bimt.cost()
        optimizer.zero_grad(); loss.backward(); optimizer.step()
        if (step + 1) % 200 == 0:
            bimt.swap(k=6)

Swaps only change where neurons sit (:meth:`BIMT.positions`); weights,
optimizer state and the function never change. :meth:`BIMT.materialize`
reorders the parameters so that neuron ``j`` sits in slot ``j``, which checks
that the declared ties are complete: the reordered network must compute the
same function.

The engine's building blocks live here too: :class:`Geometry` and
:class:`NeuronLayer` (where neurons sit), :func:`connection_cost` (Eq. 3),
:func:`lambda_values` (schedules) and :class:`MLP` (the torch network the
estimators' ``to_torch()`` returns).
"""

from .._engine.cost import connection_cost
from .._engine.geometry import Geometry, NeuronLayer
from .._engine.network import MLP
from .._engine.schedule import PAPER_SCHEDULE, lambda_values
from ._bimt import BIMT, grid, line
from ._train import train_module
from ._transformer import TinyTransformer

__all__ = [
    "BIMT",
    "MLP",
    "PAPER_SCHEDULE",
    "Geometry",
    "NeuronLayer",
    "TinyTransformer",
    "connection_cost",
    "grid",
    "lambda_values",
    "line",
    "train_module",
]
