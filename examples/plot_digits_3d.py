"""
Images in 3D: BIMT on digits (paper Figure 8)
=============================================

Section 3.5 embeds an image MLP in 3D: input pixels on their 2D grid (input
swaps disabled), hidden layers on grids above. The paper uses MNIST; this
example uses scikit-learn's bundled 8x8 digits, which need no download (swap
in :func:`skbimt.datasets.fetch_mnist` and ``input_shape=(28, 28)`` for
MNIST). Settings as in the paper: Adam lr 1e-3, mini-batches of 100, 40000
steps, ``lambda = 0.001, 0.01, 0.1, 0.3`` for a quarter each (cost averaged
per tensor), ``A = 2``, ``y_star = 0.5``, ``k = 30``, swaps every 200 steps.
The paper trains with squared error on one-hot targets; the classifier uses
cross-entropy.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from _settings import training_steps
from sklearn.model_selection import train_test_split

from skbimt import BIMTClassifier
from skbimt.datasets import load_digit_images
from skbimt.inspection import plot_connectivity

steps = training_steps(40000)
X, y = load_digit_images()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
clf = BIMTClassifier(
    hidden_layer_sizes=(100, 100),
    input_shape=(8, 8),
    cost_reduction="mean",
    lambda_schedule=tuple((lam, 0.25) for lam in (1e-3, 1e-2, 0.1, 0.3)),
    A=2.0,
    y_star=0.5,
    k=30,
    swap_every=200,
    batch_size=100,
    max_iter=steps,
    snapshot_every=steps // 4,
    random_state=0,
).fit(X_train, y_train)
print(
    f"test accuracy {clf.score(X_test, y_test):.3f}, modularity {clf.modularity_:.3f}"
)
for layer, weight in enumerate(clf.coefs_, start=1):
    strong = weight[np.abs(weight) > 0.01 * np.abs(weight).max()]
    negative = np.mean(strong < 0)
    print(f"weight layer {layer}: {negative:.0%} of visible weights negative")
outputs = clf.coords_[-1][:, 0]
print("output classes from left to right:", clf.classes_[np.argsort(outputs)].tolist())

# %%
# The network over training: it becomes sparser and its receptive field
# shrinks to the pixels that carry information.
fig = plt.figure(figsize=(4 * len(clf.snapshots_), 4))
for i, snapshot in enumerate(clf.snapshots_):
    ax = fig.add_subplot(1, len(clf.snapshots_), i + 1, projection="3d")
    plot_connectivity(snapshot["coefs"], snapshot["coords"], ax=ax, threshold=0.01)
    ax.set_title(f"step {snapshot['step']}")
plt.show()
