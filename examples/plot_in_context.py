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
as in the paper: Adam (lr 1e-3), mini-batches of 128 sequences,
``lambda = 0.001, 0.01, 0.1, 0.3`` for a quarter of the steps each,
``A = 2``, ``y_star = 0.5``, ``k = 30``, swaps every 200 steps. The authors'
code averages the cost over each matrix, which is what ``lambda`` refers to
(``cost(reduction="mean")``). The same network trained without the cost
(vanilla) gives the baseline. Modularity uses seeded Louvain communities on
the graph whose residual-stream layers are merged into one set of neurons.

**Shortened:** the paper trains for 40000 steps (10000 per lambda); this
example trains for 10000 (2500 per lambda), which takes about a minute per
network instead of five. On seed 0 the BIMT network ends close to the full
run's: test MSE 5.2e-4 against 5.1e-4, modularity 0.37 against 0.41. Set
``steps = 40000`` below for the paper's run (``benchmarks/paper_tables.py
--tasks in_context`` runs it over seeds).

What to look for: the last block keeps few connections, the predictions lie
on the diagonal, and a few neurons of the residual stream encode the slope
``w`` of the sequence, together and non-linearly (Figure 7, right).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.collections import LineCollection
from sklearn.feature_selection import mutual_info_regression

from skbimt.datasets import make_in_context_regression
from skbimt.nn import TinyTransformer, train_module

steps = 10000  # the paper: 40000
# sphinx_gallery_start_ignore
from _settings import save_figures, training_steps  # noqa: E402

steps = training_steps(steps)
# sphinx_gallery_end_ignore
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
# Left: the last block of the BIMT network (queries, keys and values side by
# side). Right: predicted against true ``y``; the neuron of the residual
# stream after the first block (the paper's "Res2") that carries the most
# information about the slope ``w``, against ``w``; and the plane of the two
# most informative neurons, coloured by ``w``.
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
fig, axes = plt.subplot_mosaic(
    [["network", "prediction"], ["network", "neuron 1"], ["network", "neuron 2"]],
    figsize=(10, 7),
    width_ratios=[1.6, 1],
    layout="constrained",
)
ax = axes["network"]
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
for name in shown:
    x = positions[name][:, 0].mean() + shift.get(name, 0)
    height = positions[name][0, -1]
    if name.startswith("qkv"):
        ax.text(x, height + 0.08, name.rsplit("_", 1)[1], ha="center", fontsize=9)
    else:
        ax.annotate(
            name,
            (-0.02, height),
            xycoords=("axes fraction", "data"),
            ha="right",
            va="center",
            fontsize=8,
            annotation_clip=False,
        )
ax.autoscale_view()
ax.set_title("BIMT transformer, last block (blue +, red -)")
ax.set_axis_off()
axes["prediction"].scatter(y_test, prediction, s=2)
axes["prediction"].set_xlabel("true y")
axes["prediction"].set_ylabel("predicted y")

residual = {}
hook = model.blocks[0].register_forward_hook(
    lambda module, inputs, output: residual.update(res2=output[:, -1].detach())
)
with torch.no_grad():
    model(as_tokens(X_test))
hook.remove()
res2 = residual["res2"].numpy()
# Mutual information with w catches a non-linear code too. Neurons that
# hardly vary are left out: the cost drives most of the stream to constants.
spread = res2.std(axis=0)
information = mutual_info_regression(res2, w_test, random_state=0)
information[spread < 0.05 * spread.max()] = 0
first, second = np.argsort(-information)[:2]
for neuron in (first, second):
    print(
        f"res2 neuron {neuron}: mutual information with w "
        f"{information[neuron]:.2f} nats (spread {spread[neuron]:.2f})"
    )
axes["neuron 1"].scatter(w_test, res2[:, first], s=2)
axes["neuron 1"].set_xlabel("slope w")
axes["neuron 1"].set_ylabel(f"res2 neuron {first}")
points = axes["neuron 2"].scatter(
    res2[:, first], res2[:, second], c=w_test, s=2, cmap="coolwarm"
)
axes["neuron 2"].set_xlabel(f"res2 neuron {first}")
axes["neuron 2"].set_ylabel(f"res2 neuron {second}")
fig.colorbar(points, ax=axes["neuron 2"], label="slope w")
# sphinx_gallery_start_ignore
save_figures()
# sphinx_gallery_end_ignore
plt.show()
