"""Brain-Inspired Modular Training (BIMT) as scikit-learn estimators.

The estimators live here; :mod:`skbimt.inspection` reads fitted networks
(graphs, modules, plots, knock-outs, pruning), :mod:`skbimt.nn` brings BIMT
to any torch module, and :mod:`skbimt.datasets` holds the paper's tasks.
"""

import importlib

from ._cv import BIMTClassifierCV, BIMTRegressorCV
from ._estimators import BIMTClassifier, BIMTRegressor
from ._grid_refit import prefer_default_alpha
from ._persistence import load, save
from ._selection import BIMTSelector
from .exceptions import DivergenceWarning

__version__ = "0.2.0"

__all__ = [
    "BIMTClassifier",
    "BIMTClassifierCV",
    "BIMTRegressor",
    "BIMTRegressorCV",
    "BIMTSelector",
    "DivergenceWarning",
    "load",
    "prefer_default_alpha",
    "save",
]

# Names that moved to their public homes in 0.2; importable from here, with a
# FutureWarning, until 0.3.
_MOVED = {
    **dict.fromkeys(
        (
            "PruningFrontier",
            "active_neuron_masks",
            "animate_training",
            "connectivity_graph",
            "find_communities",
            "knockout",
            "knockout_scores",
            "modules_and_modularity",
            "plot_connectivity",
            "plot_network",
            "prune",
            "pruning_frontier",
            "to_networkx",
        ),
        "skbimt.inspection",
    ),
    **dict.fromkeys(
        (
            "Geometry",
            "MLP",
            "NeuronLayer",
            "PAPER_SCHEDULE",
            "connection_cost",
            "lambda_values",
        ),
        "skbimt.nn",
    ),
}


# Names that changed in 0.2, by their new name; the old ones work, with a
# FutureWarning, until 0.3.
_RENAMED = {"BIMTPruner": "BIMTSelector"}


def __getattr__(name):
    if name in _MOVED or name in _RENAMED:
        from ._validation import warn

        home = _MOVED.get(name, "skbimt")
        new_name = _RENAMED.get(name, name)
        change = f"was renamed {new_name}" if name in _RENAMED else f"moved to {home}"
        warn(
            f"skbimt.{name} {change} in skbimt 0.2; importing it as "
            f"skbimt.{name} will stop working in 0.3. Use `from {home} import "
            f"{new_name}`.",
            FutureWarning,
        )
        return getattr(importlib.import_module(home), new_name)
    raise AttributeError(f"module 'skbimt' has no attribute {name!r}")
