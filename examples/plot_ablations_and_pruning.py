"""
Ablations and the pruning frontier (paper Figure 2 and Figure A1)
=================================================================

BIMT = L1 + local + swap. On the regression ``(y1, y2) = (x1 x4 + x2 x3,
x1 x4 - x2 x3)`` five trainings differ by one parameter each: vanilla
(``lambda_schedule=0``), L1 (``A=0``, no swaps), L1 + local (no swaps), L1 +
swap (``A=0``) and BIMT. Figure 2 draws their networks; appendix A prunes
each by parameter magnitude and plots the number of parameters kept against
the test loss (lower left is better).

With ``A=0`` every connection has the same length, so no swap can shorten the
wiring and "L1 + swap" trains exactly like L1 here. (The authors' notebook
swaps anyway in that case: ties in its argmin move each candidate to slot 0,
a permutation with no effect on the cost.)
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from _settings import training_steps

from skbimt import BIMTRegressor
from skbimt.datasets import make_symbolic, paper_settings
from skbimt.inspection import plot_network, pruning_frontier

steps = training_steps(20000)
X, y = make_symbolic("ablation", 1000, random_state=0)
X_test, y_test = make_symbolic("ablation", 1000, random_state=1)
variants = {
    "vanilla": dict(lambda_schedule=0.0, swap_every=None),
    "L1": dict(A=0.0, swap_every=None),
    "L1 + local": dict(swap_every=None),
    "L1 + swap": dict(A=0.0),
    "BIMT": dict(),
}
models = {
    name: BIMTRegressor(
        **{**paper_settings("symbolic"), "max_iter": steps, **params}, random_state=0
    ).fit(X, y)
    for name, params in variants.items()
}

fig, axes = plt.subplots(1, len(models), figsize=(3.2 * len(models), 3.4))
for (name, model), ax in zip(models.items(), axes):
    loss = np.mean((model.predict(X_test) - y_test) ** 2)
    print(f"{name:>10}: test MSE {loss:.2e}, modularity {model.modularity_:.3f}")
    plot_network(model, ax=ax, legend=False)
    ax.set_title(f"{name}\nMSE {loss:.1e}", fontsize=9)
fig.tight_layout()

# %%
# Pruning frontier: sweep the number of parameters kept.
fig, ax = plt.subplots(figsize=(5, 4))
for name, model in models.items():
    frontier = pruning_frontier(model, X_test, y_test, n_points=40)
    ax.plot(frontier.n_parameters, frontier.loss, label=name)
    good = frontier.n_parameters[frontier.loss < 1e-2]
    print(
        f"{name:>10}: {good.min() if good.size else 'no'} parameters reach "
        "test MSE < 1e-2"
    )
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("unpruned parameters")
ax.set_ylabel("test loss")
ax.legend()
plt.show()
