"""
Modular addition: a tree of voting modules (paper Figure 5)
===========================================================

Predict ``(a + b) mod 59`` from learned 32-dimensional embeddings of ``a``
and ``b`` (section 3.3): a 64-50-50-59 MLP trained on 80 % of the 3481 pairs,
with the paper's settings (``paper_settings("modular_addition")``: Adam lr
1e-3, 20000 full-batch steps, ``A = 2``, ``y_star = 0.5``, ``k = 30``, swaps
every 200 steps, ``lambda = 0.1, 1, 0.1`` for 5000, 10000 and 5000 steps,
on the cost averaged per tensor as in the authors' code).

What to look for: the trained network is a tree of a few modules (colours)
that each read a handful of embedding dimensions; in each module the
embeddings of the 59 numbers lie on a circle; and knocking out any single
module breaks the prediction although the others are intact: the modules
cooperate, like voters correcting each other's errors (Figure 5, right). The
paper finds three modules.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skbimt import BIMTClassifier
from skbimt.datasets import make_modular_addition, paper_settings
from skbimt.inspection import NetworkDisplay, knockout_scores

settings = paper_settings("modular_addition")
# sphinx_gallery_start_ignore
from _settings import save_figures, training_steps  # noqa: E402

settings["max_iter"] = training_steps(settings["max_iter"])
# sphinx_gallery_end_ignore
X, y = make_modular_addition(59)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
clf = BIMTClassifier(**settings, random_state=0).fit(X_train, y_train)
print(
    f"test accuracy {clf.score(X_test, y_test):.3f}, modularity {clf.modularity_:.3f}"
)

# %%
# Knock out one module at a time: every neuron of the module, embedding
# dimensions included, is set to zero (modules numbered as in ``modules_``).
d = clf.embedding_dim
embedding_modules = clf.modules_[0].reshape(2, d).max(axis=0)
scores = knockout_scores(clf, X_test, y_test, by="module")
for module, score in scores.items():
    size = sum(int((m == module).sum()) for m in clf.modules_[1:-1])
    dims = np.flatnonzero(embedding_modules == module).tolist()
    print(
        f"module {module}: embedding dimensions {dims}, {size} hidden neurons; "
        f"knocked out: test accuracy {score:.3f}"
    )

# %%
# The network, and each module's embedding of the numbers 0..58 in its two
# strongest embedding dimensions: circles, in the embedding's own axes.
circle_modules = [
    module for module in scores if (embedding_modules == module).sum() >= 2
]
fig = plt.figure(figsize=(11, 7.5), layout="constrained")
top, bottom = fig.subfigures(2, 1, height_ratios=[1.4, 1])
NetworkDisplay.from_estimator(
    clf, feature_names=["a", "b"], ax=top.subplots(), color_modules=True
)
top.suptitle("modular addition mod 59: the trained network")
axes = np.atleast_1d(bottom.subplots(1, max(len(circle_modules), 1)))
for module, ax in zip(circle_modules, axes):
    dims = np.flatnonzero(embedding_modules == module)
    strongest = dims[np.argsort(clf.embedding_[:, dims].std(axis=0))[-2:]]
    points = ax.scatter(*clf.embedding_[:, strongest].T, c=np.arange(59), cmap="hsv")
    ax.set_xlabel(f"embedding dim {strongest[0]}")
    ax.set_ylabel(f"embedding dim {strongest[1]}")
    ax.set_title(f"module {module} (without it: {scores[module]:.0%})")
bottom.colorbar(points, ax=axes, label="number a")
# sphinx_gallery_start_ignore
save_figures()
# sphinx_gallery_end_ignore
plt.show()
