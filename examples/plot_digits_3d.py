"""
Images in 3D: BIMT on digits (paper Figure 8)
=============================================

Section 3.5 embeds an image MLP in 3D: input pixels on their 2D grid (input
swaps disabled), hidden layers on grids above. The paper uses MNIST; this
example uses scikit-learn's bundled 8x8 digits, which need no download (swap
in :func:`skbimt.datasets.fetch_mnist` and ``input_shape=(28, 28)`` for
MNIST). Settings as in the paper (``paper_settings("image")``): a 100-100
MLP, Adam lr 1e-3, mini-batches of 100, 40000 steps, ``lambda = 0.001, 0.01,
0.1, 0.3`` for a quarter each (cost averaged per tensor), ``A = 2``,
``y_star = 0.5``, ``k = 30``, swaps every 200 steps. The paper trains with
squared error on one-hot targets; the classifier uses cross-entropy.

What to look for: the network gets sparser over training and its receptive
field shrinks to the pixels that carry information (the border pixels of
digits are almost always blank). The paper also notes a symmetry breaking
between signs: the visible weights of one layer are mostly of one sign and
those of the next mostly of the other (its section 3.5 and its appendix G
disagree on which layer is which). The fractions printed below show how far
this run goes that way; it varies between runs.
"""

# sphinx_gallery_thumbnail_number = 2

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skbimt import BIMTClassifier
from skbimt.datasets import load_digit_images, paper_settings
from skbimt.inspection import NetworkDisplay, active_weight_masks

settings = {**paper_settings("image"), "input_shape": (8, 8)}
# sphinx_gallery_start_ignore
from _settings import save_figures, training_steps  # noqa: E402

settings["max_iter"] = training_steps(settings["max_iter"])
# sphinx_gallery_end_ignore
X, y = load_digit_images()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
snapshot_every = settings["max_iter"] // 4
clf = BIMTClassifier(**settings, snapshot_every=snapshot_every, random_state=0)
clf.fit(X_train, y_train)
print(
    f"test accuracy {clf.score(X_test, y_test):.3f}, modularity {clf.modularity_:.3f}"
)
for layer, (weight, visible) in enumerate(
    zip(clf.coefs_, active_weight_masks(clf.scaled_coefs_)), start=1
):
    negative = np.mean(weight[visible] < 0)
    print(
        f"weight layer {layer}: {visible.sum()} visible weights, "
        f"{negative:.0%} of them negative"
    )
pixels = (clf.modules_[0] >= 0).reshape(8, 8)
print(f"receptive field: {pixels.sum()} of 64 pixels wired to the output")
print("\n".join(" ".join("#" if on else "." for on in row) for row in pixels))
outputs = clf.coords_[-1][:, 0]
print("output classes from left to right:", clf.classes_[np.argsort(outputs)].tolist())

# %%
# The network over training.
snapshots = clf.snapshots_
fig = plt.figure(figsize=(3.2 * len(snapshots), 3.6), layout="constrained")
for i, snapshot in enumerate(snapshots):
    ax = fig.add_subplot(1, len(snapshots), i + 1, projection="3d")
    NetworkDisplay(
        snapshot["coefs"], snapshot["coords"], neuron_labels=clf.neuron_labels()
    ).plot(ax, legend=False)
    ax.set_title(f"step {snapshot['step']}")

# %%
# The trained network, larger: output neurons named by class.
display = NetworkDisplay.from_estimator(clf)
display.ax_.set_title(f"digits, after {settings['max_iter']} steps")
# sphinx_gallery_start_ignore
save_figures()
# sphinx_gallery_end_ignore
plt.show()
