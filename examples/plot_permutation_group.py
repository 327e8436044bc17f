"""
The permutation group S4: nine embedding neurons (paper Figure 6)
=================================================================

Predict the product ``a o b`` of two of the 24 permutations of four objects
from learned embeddings, with the settings of modular addition. The paper
finds only nine active embedding neurons (S4 has a 3x3 matrix
representation), one of them the sign of the permutation.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from _settings import training_steps
from sklearn.model_selection import train_test_split

from skbimt import BIMTClassifier
from skbimt.datasets import make_permutation_group, permutations_of
from skbimt.inspection import plot_network

X, y = make_permutation_group(4)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
clf = BIMTClassifier(
    hidden_layer_sizes=(50, 50),
    embedding_dim=32,
    cost_reduction="mean",
    lambda_schedule=((0.1, 0.25), (1.0, 0.5), (0.1, 0.25)),
    A=2.0,
    y_star=0.5,
    k=30,
    swap_every=200,
    max_iter=training_steps(20000),
    random_state=0,
).fit(X_train, y_train)
print(
    f"test accuracy {clf.score(X_test, y_test):.3f}, modularity {clf.modularity_:.3f}"
)

# %%
# Active embedding dimensions (active for either token) and the sign neuron:
# the dimension whose normalised embedding best matches the parity +-1.
dim = clf.embedding_dim
active = (clf.modules_[0][:dim] >= 0) | (clf.modules_[0][dim:] >= 0)
print(
    f"{active.sum()} active embedding neurons (paper: 9): "
    f"{np.flatnonzero(active).tolist()}"
)
parity = np.array([np.linalg.det(np.eye(4)[p]) for p in permutations_of(4)])
normalised = clf.embedding_ / np.abs(clf.embedding_).max(axis=0).clip(1e-12)
match = np.abs(normalised.T @ parity) / len(parity)
sign = int(np.argmax(np.where(active, match, 0)))
print(
    f"sign neuron: embedding dimension {sign}, "
    f"mean |value * parity| = {match[sign]:.2f} (1 for a perfect sign neuron)"
)

fig, (ax, ax_emb) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
plot_network(clf, ax=ax, color_modules=True, labels=False)
ax_emb.imshow(normalised[:, active].T, cmap="RdBu", vmin=-1, vmax=1)
ax_emb.set_xlabel("group element")
ax_emb.set_ylabel("active embedding neuron")
plt.show()
