"""
Symbolic formulas split into modules (paper Figure 3)
=====================================================

BIMT on the three formulas of section 3.1, with the paper's settings:
a 20-20 SiLU MLP, ``A=2``, ``y_star=0.1``, ``k=6``, swaps every 200 steps,
``lambda = 1e-3, 1e-2, 1e-3`` over 5000, 10000, 5000 steps (the estimator
defaults).

(a) independence, ``y1 = x2^2 + sin(pi x4)``, ``y2 = (x1 + x3)^3``: the
network splits into two modules, one per output. (b) feature sharing and
(c) compositionality use the same settings (the paper uses four hidden layers
for (c)).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from _settings import training_steps

from skbimt import BIMTRegressor
from skbimt.datasets import make_symbolic, paper_settings
from skbimt.inspection import plot_network

steps = training_steps(20000)
cases = [
    ("a", (20, 20), "(a) independence"),
    ("b", (20, 20), "(b) feature sharing"),
    ("c", (20, 20, 20, 20), "(c) compositionality"),
]

fig, axes = plt.subplots(1, 3, figsize=(12, 4))
for (formula, hidden, title), ax in zip(cases, axes):
    X, y = make_symbolic(formula, n_samples=1000, random_state=0)
    X_test, y_test = make_symbolic(formula, n_samples=1000, random_state=1)
    settings = {
        **paper_settings("symbolic"),
        "hidden_layer_sizes": hidden,
        "max_iter": steps,
    }
    reg = BIMTRegressor(**settings, random_state=0)
    reg.fit(X, y)
    test_loss = np.mean((reg.predict(X_test) - y_test) ** 2)
    active = [int((m >= 0).sum()) for m in reg.modules_]
    print(
        f"{title}: test MSE {test_loss:.2e}, modularity {reg.modularity_:.3f}, "
        f"active neurons per layer {active}"
    )
    plot_network(reg, ax=ax, color_modules=True, legend=False)
    ax.set_title(f"{title}\nMSE {test_loss:.1e}, Q = {reg.modularity_:.2f}")
fig.tight_layout()
plt.show()
