"""
BIMT on your own table: diabetes progression
============================================

A real table, as a data scientist meets it: scikit-learn's diabetes data as
a pandas DataFrame (10 clinical measurements, a disease-progression score a
year later). With its default settings, :class:`~skbimt.BIMTRegressor`
standardizes the data itself, trains for 1,000 steps and ends with a network
small enough to read: which measurements it uses, and through which module.
:class:`~skbimt.BIMTRegressorCV` chooses the regularization strength, and
:class:`~skbimt.BIMTSelector` turns the wiring into feature selection,
checked on held-out rows.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline

from skbimt import BIMTRegressor, BIMTRegressorCV, BIMTSelector
from skbimt.inspection import NetworkDisplay, module_table

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", None)
data = load_diabetes(as_frame=True)
X, y = data.data, data.target
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
steps = 1000  # the default max_iter, passed to the CV estimator below too
# sphinx_gallery_start_ignore
from _settings import save_figures, training_steps  # noqa: E402

steps = training_steps(steps)
# sphinx_gallery_end_ignore

# %%
# Defaults, cross-validated on the training part, beside a ridge regression.
# The target is in its own units (up to 346): the estimator standardizes it.
bimt = BIMTRegressor(max_iter=steps, random_state=0)
ridge = RidgeCV()
for name, model in [("BIMT", bimt), ("ridge", ridge)]:
    scores = cross_val_score(model, X_train, y_train)
    print(f"{name:5s} 5-fold R^2 {scores.mean():.3f} +- {scores.std():.3f}")

# %%
# What the network says. ``feature_importances_`` shares the prediction's
# variance among the inputs by what each does to it; inputs at 0 have been
# cut off.
bimt.fit(X_train, y_train)
importances = pd.Series(bimt.feature_importances_, index=X.columns)
print(importances.sort_values(ascending=False).round(3))
ridge.fit(X_train, y_train)
print(
    f"test R^2: BIMT {bimt.score(X_test, y_test):.3f}, "
    f"ridge {ridge.score(X_test, y_test):.3f}"
)

# %%
# Which inputs feed which module, through how many hidden neurons, and how
# much the test R^2 drops when the module is knocked out.
print(module_table(bimt, X_test, y_test))

display = NetworkDisplay.from_estimator(bimt, color_modules=True)
display.ax_.set_title("diabetes: the trained network")

# %%
# Let cross-validation choose the strength alpha: the default (1) unless
# another strength scores higher on every fold, and by more than 0.01 on
# average.
cv = BIMTRegressorCV(
    alphas=(0.1, 1.0, 3.0, 10.0), max_iter=steps, random_state=0, n_jobs=2
).fit(X_train, y_train)
path = pd.DataFrame(cv.cv_results_)[
    [
        "alpha",
        "mean_test_score",
        "std_test_score",
        "mean_active_hidden",
        "mean_inputs_kept",
    ]
]
print(path.round(3))
# A chosen strength stronger than the default is refit scaled down for all
# the rows: times the square of the folds' share of them (4/9, three folds).
chosen = cv.cv_results_["alpha"][cv.best_index_]
print(f"chosen alpha {chosen:g}, refit at alpha_ {cv.alpha_:g}")
print(f"test R^2 {cv.score(X_test, y_test):.3f}")

# %%
# Feature selection: the inputs the network keeps wired *and* that help on
# rows it never saw. The selector also trains the network on 5 shuffled
# splits of the training part (twice), silences one input at a time, keeps the
# inputs whose silencing raises the held-out loss significantly (p-value at
# most ``alpha=0.1``). A ridge regression then uses the kept inputs.
selector = BIMTSelector(BIMTRegressor(max_iter=steps, random_state=0))
selected = make_pipeline(selector, RidgeCV()).fit(X_train, y_train)
checked = pd.DataFrame(
    {
        "importance": selector.estimator_.feature_importances_.round(3),
        "held-out p-value": selector.heldout_pvalues_,
        "kept": selector.get_support(),
    },
    index=X.columns,
)
print(checked.round(3))
kept = selector.get_feature_names_out()
print(f"kept {len(kept)} of {X.shape[1]}: {list(kept)}")
print(f"ridge on the kept inputs, test R^2 {selected.score(X_test, y_test):.3f}")
# sphinx_gallery_start_ignore
save_figures()
# sphinx_gallery_end_ignore
plt.show()
