"""
Two moons: a sparse network and its decision boundary (paper Figure 4)
======================================================================

BIMT on scikit-learn's two moons (200 samples, noise 0.1) with the settings
of section 3.2 (``paper_settings("two_moons")``: those of the symbolic
formulas, with cross-entropy): a 20-20 SiLU MLP trained for 20000
full-batch steps, ``lambda = 1e-3, 1e-2, 1e-3``.

What to look for: starting from a dense network, the network sparsifies
while the decision boundary stays clean, and ends with a handful of hidden
neurons (the paper's run keeps six). Appendix C then zeroes each remaining
weight in turn: every one of them matters, and each moves the boundary in
its own way.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from skbimt import BIMTClassifier
from skbimt.datasets import make_two_moons, paper_settings
from skbimt.inspection import NetworkDisplay, knockout, knockout_scores

settings = paper_settings("two_moons")
# sphinx_gallery_start_ignore
from _settings import save_figures, training_steps  # noqa: E402

settings["max_iter"] = training_steps(settings["max_iter"])
# sphinx_gallery_end_ignore
X, y = make_two_moons(200, random_state=0)
X_test, y_test = make_two_moons(1000, random_state=1)
snapshot_every = settings["max_iter"] // 4
clf = BIMTClassifier(**settings, snapshot_every=snapshot_every, random_state=0)
clf.fit(X, y)
active_hidden = sum(int((m >= 0).sum()) for m in clf.modules_[1:-1])
print(
    f"test accuracy {clf.score(X_test, y_test):.3f}, "
    f"{active_hidden} active hidden neurons, modularity {clf.modularity_:.3f}"
)

# %%
# The network over training (top) and its decision boundary (bottom). The
# snapshots hold the weights and biases of each step, so the boundary of an
# early network is one forward pass away. They are in training units: the
# paper's settings do not standardize, so these are the data's own units
# (with ``standardize=True``, pass ``(X - x_mean_) / x_scale_``
# first).
grid = np.stack(np.meshgrid(np.linspace(-1.5, 2.5, 150), np.linspace(-1, 1.5, 150)), -1)
points = grid.reshape(-1, 2)


def silu(z):
    return z / (1 + np.exp(-z))


def snapshot_classes(snapshot, X):
    """Predicted class of a snapshot's network (a SiLU MLP) on ``X``."""
    hidden = X
    for weight, bias in zip(snapshot["coefs"][:-1], snapshot["intercepts"][:-1]):
        hidden = silu(hidden @ weight + bias)
    logits = hidden @ snapshot["coefs"][-1] + snapshot["intercepts"][-1]
    return logits.argmax(axis=1)


def draw_boundary(ax, classes, title):
    ax.contourf(
        grid[..., 0],
        grid[..., 1],
        classes.reshape(grid.shape[:2]),
        levels=[-0.5, 0.5, 1.5],
        colors=["tab:purple", "tab:green"],
        alpha=0.25,
    )
    ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "tab:green", "tab:purple"), s=4)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


snapshots = clf.snapshots_
fig, axes = plt.subplots(
    2, len(snapshots), figsize=(2.6 * len(snapshots), 5.2), layout="constrained"
)
for snapshot, ax_network, ax_boundary in zip(snapshots, *axes):
    NetworkDisplay(
        snapshot["coefs"], snapshot["coords"], neuron_labels=clf.neuron_labels()
    ).plot(ax_network, legend=False)
    ax_network.set_title(f"step {snapshot['step']}", fontsize=9)
    classes = snapshot_classes(snapshot, points)
    accuracy = np.mean(snapshot_classes(snapshot, X_test) == y_test)
    draw_boundary(ax_boundary, classes, f"test accuracy {accuracy:.3f}")

# %%
# Appendix C: zero each remaining weight in turn (named from neuron to
# neuron) and look at the decision boundary it leaves.
scores = knockout_scores(clf, X_test, y_test, by="weight")
for (source, target), score in sorted(scores.items(), key=lambda item: item[1]):
    print(f"weight {source} -> {target} zeroed: test accuracy {score:.3f}")
n_columns = 6
n_rows = -(-len(scores) // n_columns)
fig, axes = plt.subplots(
    n_rows, n_columns, figsize=(2.2 * n_columns, 2.1 * n_rows), layout="constrained"
)
for ax in axes.flat[len(scores) :]:
    ax.set_axis_off()
for ((source, target), score), ax in zip(sorted(scores.items()), axes.flat):
    edited = knockout(clf, weights=[(source, target)])
    draw_boundary(ax, edited.predict(points), f"{source} -> {target}: {score:.2f}")
# sphinx_gallery_start_ignore
save_figures()
# sphinx_gallery_end_ignore
plt.show()
