"""
In-context linear regression with a transformer (paper Figure 7)
================================================================

A two-block, one-head causal transformer without LayerNorm (embedding size 32)
learns ``y = w x`` in context: it reads the example ``(x1, y1 = w x1)`` and
the query ``x`` and predicts ``y``, a new slope ``w`` for every sequence
(section 3.4). Inputs come from ``U[1, 3]`` and slopes from ``U[-1, 1]``, as in
the authors' notebook that produced the paper's losses (the paper's text swaps
the two ranges in section 3.4; appendix F confirms the inputs' range). BIMT
is applied to every matrix through :mod:`skbimt.nn`: the residual stream is
one tied permutation, queries, keys and values of a block another. Settings
as in the paper: Adam (lr 1e-3), 40000 steps with
``lambda = 0.001, 0.01, 0.1, 0.3`` for 10000 steps each, ``A = 2``,
``y_star = 0.5``, ``k = 30``, swaps every 200 steps. The authors' code
averages the cost over each matrix, which is what ``lambda`` refers to
(``cost(reduction="mean")``). The same network trained without the cost
(vanilla) gives the baseline. Modularity uses seeded Louvain communities
(the greedy method takes minutes on the transformer's 25000 weights) on the
graph whose residual-stream layers are merged into one set of neurons.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from _settings import training_steps
from matplotlib.collections import LineCollection

from skbimt.datasets import make_in_context_regression
from skbimt.nn import TinyTransformer, train_module

steps = training_steps(40000)
phases = [0.001, 0.01, 0.1, 0.3]
SLOPES = (-1.0, 1.0)


def as_tokens(X):
    """``(x1, y1, x)`` rows to two tokens: ``[x1, y1]`` and ``[x, 0]``."""
    X = torch.as_tensor(X, dtype=torch.float32)
    query = torch.stack([X[:, 2], torch.zeros(len(X))], dim=1)
    return torch.stack([X[:, :2], query], dim=1)


def train(use_bimt, seed=0, batch_size=128):
    torch.manual_seed(seed)
    model = TinyTransformer(d_in=2, d_out=1, d_model=32, n_layers=2, n_heads=1)
    bimt = model.bimt(width=2.0, spacing=0.5)
    rng = np.random.RandomState(seed)

    def batches(step):
        X, y, _ = make_in_context_regression(
            batch_size, slope_range=SLOPES, random_state=rng
        )
        return as_tokens(X), torch.as_tensor(y, dtype=torch.float32)

    train_module(
        model,
        bimt,
        batches,
        lambda output, y: torch.mean((output[:, -1, 0] - y) ** 2),
        max_iter=steps,
        lambda_schedule=[(lam, 0.25) for lam in phases] if use_bimt else 0.0,
        learning_rate=1e-3,
        k=30,
        swap_every=200 if use_bimt else None,
        cost_reduction="mean",
    )
    return model, bimt


X_test, y_test, w_test = make_in_context_regression(
    2000, slope_range=SLOPES, random_state=12345
)
results = {}
for name, use_bimt in (("vanilla", False), ("BIMT", True)):
    model, bimt = train(use_bimt)
    with torch.no_grad():
        prediction = model(as_tokens(X_test))[:, -1, 0].numpy()
    results[name] = (model, bimt, prediction)
    modularity = bimt.modularity(
        method="louvain", random_state=0, merge=[model.residual_layers]
    )
    mse = np.mean((prediction - y_test) ** 2)
    print(f"{name}: test MSE {mse:.2e}, modularity {modularity:.3f}")

# %%
# The last block of the BIMT network (queries, keys and values are drawn side
# by side) and its predictions.
model, bimt, prediction = results["BIMT"]
positions = bimt.positions()
last = len(model.blocks) - 1
shown = [
    "res" + str(2 * last),
    f"qkv{last}_q",
    f"qkv{last}_k",
    f"qkv{last}_v",
    "res" + str(2 * last + 1),
    f"mlp{last}",
    "res" + str(2 * last + 2),
    "output",
]
shift = {f"qkv{last}_q": -2.2, f"qkv{last}_v": 2.2}
fig, (ax, ax_pred) = plt.subplots(1, 2, figsize=(10, 5))
for pre, post, weight in bimt.weights():
    if pre not in shown or post not in shown:
        continue
    weight = weight / np.abs(weight).max()
    rows, cols = np.nonzero(np.abs(weight) > 0.02)
    start = positions[pre][rows][:, [0, -1]] + [shift.get(pre, 0), 0]
    end = positions[post][cols][:, [0, -1]] + [shift.get(post, 0), 0]
    values = weight[rows, cols]
    ax.add_collection(
        LineCollection(
            np.stack([start, end], axis=1),
            linewidths=2 * np.abs(values),
            colors=np.where(values > 0, "tab:blue", "tab:red"),
        )
    )
ax.autoscale_view()
ax.set_title("BIMT transformer, last block")
ax.set_axis_off()
ax_pred.scatter(y_test, prediction, s=3)
ax_pred.set_xlabel("true y")
ax_pred.set_ylabel("predicted y")
fig.tight_layout()
plt.show()
