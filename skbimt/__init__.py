"""Brain-Inspired Modular Training (BIMT) as scikit-learn estimators."""

from ._ablation import knockout, knockout_scores
from ._animation import animate_training
from ._cost import connection_cost
from ._estimators import BIMTClassifier, BIMTRegressor
from ._geometry import Geometry, NeuronLayer
from ._graph import (
    active_neuron_masks,
    connectivity_graph,
    find_communities,
    modules_and_modularity,
    to_networkx,
)
from ._network import MLP
from ._persistence import load, save
from ._plotting import plot_connectivity, plot_network
from ._prune import BIMTPruner, PruningFrontier, prune, pruning_frontier
from ._schedule import PAPER_SCHEDULE, lambda_values
from ._training import DivergenceWarning

__version__ = "0.1.0"

__all__ = [
    "BIMTClassifier",
    "BIMTPruner",
    "BIMTRegressor",
    "DivergenceWarning",
    "Geometry",
    "MLP",
    "NeuronLayer",
    "PAPER_SCHEDULE",
    "PruningFrontier",
    "active_neuron_masks",
    "animate_training",
    "connection_cost",
    "connectivity_graph",
    "find_communities",
    "knockout",
    "knockout_scores",
    "lambda_values",
    "load",
    "modules_and_modularity",
    "plot_connectivity",
    "plot_network",
    "prune",
    "pruning_frontier",
    "save",
    "to_networkx",
]
