"""
Symbolic formulas split into modules (paper Figure 3)
=====================================================

BIMT on the three formulas of section 3.1, with the paper's settings
(``paper_settings("symbolic")``): a 20-20 SiLU MLP, ``A = 2``,
``y_star = 0.1``, ``k = 6``, swaps every 200 steps, ``lambda = 1e-3, 1e-2,
1e-3`` over 5000, 10000 and 5000 full-batch steps, 1000 training samples.

- (a) independence, ``y1 = x2^2 + sin(pi x4)`` and ``y2 = (x1 + x3)^3``:
  the network splits into two parts that share nothing, one reading
  ``(x2, x4)`` for ``y1``, the other ``(x1, x3)`` for ``y2``;
- (b) feature sharing, ``(x1^2, x1^2 + x2^2, x1^2 + x2^2 + x3^2)``: the
  squares are computed once and passed on from one output to the next;
- (c) compositionality, ``sqrt((x1 - x2)^2 + (x3 - x4)^2)``: the two
  squared differences are computed apart, then combined (four hidden
  layers, as in the paper).

The colours are ``modules_``, the Louvain communities that maximise
Newman's modularity Q; a single independent part can hold several of
them. What makes the paper's point for (a) is printed below: the connected
parts of the visible network and the inputs and outputs of each.
"""

# %%
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from skbimt import BIMTRegressor
from skbimt.datasets import make_symbolic, paper_settings
from skbimt.inspection import NetworkDisplay, active_weight_masks

settings = paper_settings("symbolic")
# sphinx_gallery_start_ignore
from _settings import save_figures, training_steps  # noqa: E402

settings["max_iter"] = training_steps(settings["max_iter"])
# sphinx_gallery_end_ignore
cases = [
    ("a", (20, 20), "(a) independence"),
    ("b", (20, 20), "(b) feature sharing"),
    ("c", (20, 20, 20, 20), "(c) compositionality"),
]


def independent_parts(reg, names):
    """Inputs and outputs of each connected part of the visible network."""
    labels = reg.neuron_labels(**names)
    graph = nx.Graph()
    for layer, mask in enumerate(active_weight_masks(reg.scaled_coefs_)):
        for pre, post in zip(*np.nonzero(mask)):
            graph.add_edge((layer, pre), (layer + 1, post))
    last = len(labels) - 1
    parts = []
    for part in nx.connected_components(graph):
        inputs = sorted(labels[0][i] for layer, i in part if layer == 0)
        outputs = sorted(labels[last][i] for layer, i in part if layer == last)
        if outputs:
            parts.append(f"{', '.join(inputs)} -> {', '.join(outputs)}")
    return sorted(parts)


fig, axes = plt.subplots(1, 3, figsize=(13, 4.5), layout="constrained")
for (formula, hidden, title), ax in zip(cases, axes):
    X, y = make_symbolic(formula, n_samples=1000, random_state=0)
    X_test, y_test = make_symbolic(formula, n_samples=1000, random_state=1)
    reg = BIMTRegressor(**{**settings, "hidden_layer_sizes": hidden}, random_state=0)
    reg.fit(X, y)
    test_loss = np.mean((reg.predict(X_test) - y_test) ** 2)
    hidden_active = [int((m >= 0).sum()) for m in reg.modules_[1:-1]]
    print(
        f"{title}: test MSE {test_loss:.1e}, Q = {reg.modularity_:.2f}, "
        f"active hidden neurons per layer {hidden_active}"
    )
    names = {
        "feature_names": [f"x{i}" for i in range(1, X.shape[1] + 1)],
        "target_names": [f"y{i}" for i in range(1, y.shape[1] + 1)],
    }
    print("    independent parts: " + "; ".join(independent_parts(reg, names)))
    NetworkDisplay.from_estimator(
        reg,
        **names,
        ax=ax,
        color_modules=True,
        legend=formula == "c",
    )
    ax.set_title(f"{title}\ntest MSE {test_loss:.1e}, Q = {reg.modularity_:.2f}")
# sphinx_gallery_start_ignore
save_figures()
# sphinx_gallery_end_ignore
plt.show()
