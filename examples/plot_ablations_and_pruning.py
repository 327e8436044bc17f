"""
Ablations and the pruning frontier (paper Figure 2 and Figure A1)
=================================================================

BIMT = L1 + local + swap. On the regression ``(y1, y2) = (x1 x4 + x2 x3,
x1 x4 - x2 x3)``, five trainings with the settings of section 3.1
(``paper_settings("symbolic")``, 20000 steps) differ by one parameter each:
vanilla (``lambda_schedule=0``), L1 (``A=0``, no swaps), L1 + local (no
swaps), L1 + swap (``A=0``) and BIMT. Figure 2 draws their networks;
appendix A prunes each by parameter magnitude and plots the test loss
against the number of parameters kept (lower left is better).

What to look for: vanilla is a dense hairball; L1 is sparse but tangled;
local and swaps make the wiring short, and BIMT's network is the simplest,
two parallel parts, one per output. On the pruning frontier the networks
trained with the local cost keep their test loss down to the fewest
parameters.

With ``A=0`` every connection has the same length, so no swap can shorten
the wiring and "L1 + swap" trains exactly like L1 here. (The authors'
notebook swaps anyway in that case: ties in its argmin move each candidate
to slot 0, a permutation with no effect on the cost.)
"""

# sphinx_gallery_thumbnail_number = 2

# %%
import matplotlib.pyplot as plt
import numpy as np

from skbimt import BIMTRegressor
from skbimt.datasets import make_symbolic, paper_settings
from skbimt.inspection import NetworkDisplay, PruningFrontierDisplay

settings = paper_settings("symbolic")
# sphinx_gallery_start_ignore
from _settings import save_figures, training_steps  # noqa: E402

settings["max_iter"] = training_steps(settings["max_iter"])
# sphinx_gallery_end_ignore
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
    name: BIMTRegressor(**{**settings, **params}, random_state=0).fit(X, y)
    for name, params in variants.items()
}
names = {
    "feature_names": ["x1", "x2", "x3", "x4"],
    "target_names": ["y1", "y2"],
}

fig, axes = plt.subplots(
    1, len(models), figsize=(3 * len(models), 3.4), layout="constrained"
)
for (name, model), ax in zip(models.items(), axes):
    loss = np.mean((model.predict(X_test) - y_test) ** 2)
    print(f"{name:>10}: test MSE {loss:.1e}, modularity {model.modularity_:.3f}")
    NetworkDisplay.from_estimator(model, **names, ax=ax, legend=name == "BIMT")
    ax.set_title(f"{name}\nMSE {loss:.1e}, Q = {model.modularity_:.2f}", fontsize=9)

# %%
# The pruning frontier: prune the smallest parameters first.
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
for name, model in models.items():
    display = PruningFrontierDisplay.from_estimator(
        model, X_test, y_test, n_points=40, estimator_name=name, ax=ax
    )
    kept = display.n_parameters[display.values < 1e-2]
    print(
        f"{name:>10}: {kept.min() if kept.size else 'no'} parameters keep the "
        "test loss below 1e-2"
    )
ax.axhline(1e-2, color="grey", linestyle=":", linewidth=1)
ax.set_yscale("log")
# sphinx_gallery_start_ignore
save_figures()
# sphinx_gallery_end_ignore
plt.show()
