"""
Two moons: a sparse network and its decision boundary (paper Figure 4)
======================================================================

BIMT on scikit-learn's two moons (200 samples, noise 0.1) with the settings
of section 3.1 and cross-entropy. Snapshots taken during training show the
network getting sparser; the final network keeps a handful of hidden neurons
and the decision boundary stays clean.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from _settings import training_steps

from skbimt import BIMTClassifier
from skbimt.datasets import make_two_moons, paper_settings
from skbimt.inspection import knockout_scores, plot_connectivity

steps = training_steps(20000)
X, y = make_two_moons(200, random_state=0)
X_test, y_test = make_two_moons(1000, random_state=1)
settings = {**paper_settings("two_moons"), "max_iter": steps}
clf = BIMTClassifier(**settings, snapshot_every=max(1, steps // 4), random_state=0).fit(
    X, y
)
active_hidden = sum(int((m >= 0).sum()) for m in clf.modules_[1:-1])
print(
    f"test accuracy {clf.score(X_test, y_test):.3f}, "
    f"{active_hidden} active hidden neurons, modularity {clf.modularity_:.3f}"
)

# %%
# The network over training, then the final decision boundary.
snapshots = clf.snapshots_
fig, axes = plt.subplots(1, len(snapshots) + 1, figsize=(3 * (len(snapshots) + 1), 3))
for snapshot, ax in zip(snapshots, axes):
    plot_connectivity(
        snapshot["coefs"], snapshot["coords"], ax=ax, neuron_labels=clf.neuron_labels()
    )
    ax.set_title(f"step {snapshot['step']}")

grid = np.stack(np.meshgrid(np.linspace(-1.5, 2.5, 200), np.linspace(-1, 1.5, 200)), -1)
proba = clf.predict_proba(grid.reshape(-1, 2))[:, 1].reshape(200, 200)
axes[-1].contourf(grid[..., 0], grid[..., 1], proba > 0.5, alpha=0.3, cmap="PiYG")
axes[-1].scatter(X[:, 0], X[:, 1], c=y, s=8, cmap="PiYG")
axes[-1].set_title("decision boundary")
fig.tight_layout()

# %%
# Appendix C: zero each remaining weight in turn. Every one of them matters.
scores = knockout_scores(clf, X_test, y_test, by="weight")
for (source, target), score in sorted(scores.items()):
    print(f"weight {source} -> {target} zeroed: test accuracy {score:.3f}")
plt.show()
