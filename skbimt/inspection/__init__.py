"""Reading fitted BIMT networks: graphs, modules, plots, knock-outs, pruning.

Like :mod:`sklearn.inspection`, the tools here take a fitted estimator
(``BIMTRegressor``, ``BIMTClassifier``) and tell what it learned. They read
the trained, unit-free weights (``scaled_coefs_``), so what they show does
not depend on the units of the data.
"""

from .._connectivity import (
    active_neuron_masks,
    active_weight_masks,
    connectivity_graph,
    find_communities,
    modules_and_modularity,
)
from ._animation import animate_training
from ._frontier_display import PruningFrontierDisplay
from ._graph import to_networkx
from ._knockout import knockout, knockout_scores

# plot_network and plot_connectivity are deprecated aliases of NetworkDisplay
# (removed in 0.3): calling them warns; they stay importable, out of __all__
# and of the API reference.
from ._network_display import (  # noqa: F401 (deprecated aliases)
    NetworkDisplay,
    plot_connectivity,
    plot_network,
)
from ._parts import Parts, find_parts
from ._prune import PruningFrontier, prune, pruning_frontier
from ._shape_display import PartShapeDisplay
from ._table import module_table, part_table

__all__ = [
    "NetworkDisplay",
    "PartShapeDisplay",
    "Parts",
    "PruningFrontier",
    "PruningFrontierDisplay",
    "active_neuron_masks",
    "active_weight_masks",
    "animate_training",
    "connectivity_graph",
    "find_communities",
    "find_parts",
    "knockout",
    "knockout_scores",
    "module_table",
    "modules_and_modularity",
    "part_table",
    "prune",
    "pruning_frontier",
    "to_networkx",
]
