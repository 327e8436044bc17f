"""skbimt's defaults on real and synthetic tables, beside what a user would pick.

Five-fold cross-validation, every model in the same run, one thread each:

* ``BIMT``: ``BIMTRegressor()`` / ``BIMTClassifier()``, defaults;
* ``BIMT input_cost=C`` (with ``--input-cost C``): the defaults with a
  ``C`` times dearer first weight matrix;
* ``BIMT fixed schedule`` (with ``--fixed-schedule``): the defaults with
  ``"auto"``'s tuned schedule at every size, not shrunk above 500 rows;
* ``BIMT-CV``: ``BIMTRegressorCV()`` / ``BIMTClassifierCV()`` (inner 5-fold
  CV over the lambda path, the sparsest network within one standard error);
* ``MLP``: ``MLPRegressor()`` / ``MLPClassifier()`` defaults behind a
  ``StandardScaler`` (for regression the target is standardized too, with
  ``TransformedTargetRegressor``, as a careful user would);
* ``linear``: ``RidgeCV()`` / ``LogisticRegression()`` behind a
  ``StandardScaler``;
* ``HGB``: ``HistGradientBoosting*`` defaults;
* ``BIMT-select``: ``BIMTSelector(BIMT())`` with its defaults (the
  held-out check on 5 folds drawn twice included) in front of ``BIMT()``: the
  pipeline's score, and the inputs the selector keeps;
* ``Lasso-select``: ``SelectFromModel(LassoCV())`` (regression) or
  ``SelectFromModel(LogisticRegression(l1_ratio=1, C=0.1))`` (L1) for the
  inputs-kept column of the synthetic sets.

Data: scikit-learn's bundled diabetes, breast cancer, wine, iris and digits;
Friedman #1 (500 rows, 5 informative and 5 noise columns),
``make_classification`` (500 rows, 5 informative and 15 noise columns) and
``make_hastie_10_2`` (4,000 rows, 10 columns that all count).
Columns: mean (std) test score (R^2 or accuracy), mean fit time per fold,
active hidden neurons of the fold networks, and inputs kept
(``feature_importances_ >= threshold``, by default 0.01, the ``BIMTSelector``
default; several thresholds give one count each, separated by ``;``), split
into informative / noise on the synthetic sets.

    python benchmarks/tabular.py                  # ~35 min on 2 cores
    python benchmarks/tabular.py --no-cv          # without BIMT-CV, ~8 min
    python benchmarks/tabular.py --data diabetes breast_cancer
    python benchmarks/tabular.py --no-cv --data digits hastie --fixed-schedule
    python benchmarks/tabular.py --no-cv --data classification --data-seed 3 \
        --input-cost 3 --threshold 0.01 0.05
    python benchmarks/tabular.py --data diabetes breast_cancer wine iris \
        --models BIMT MLP --seed 1 2 3 4 5   # other folds and seeds, ~2 min
"""

import argparse
import time
import warnings

import numpy as np
import sklearn
from _timing import print_footer, print_header, set_single_thread
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
    make_friedman1,
    make_hastie_10_2,
)
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LassoCV, LogisticRegression, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbimt import (
    BIMTClassifier,
    BIMTClassifierCV,
    BIMTRegressor,
    BIMTRegressorCV,
    BIMTSelector,
)
from skbimt._base import DEFAULT_SCHEDULE
from skbimt._connectivity import DEFAULT_THRESHOLD, active_neuron_masks


def datasets(seed=0):
    """name -> (X, y, task, number of informative leading columns or None).

    ``seed`` draws the synthetic sets.
    """
    friedman = make_friedman1(
        n_samples=500, n_features=10, noise=1.0, random_state=seed
    )
    classification = make_classification(
        n_samples=500,
        n_features=20,
        n_informative=5,
        n_redundant=0,
        shuffle=False,
        random_state=seed,
    )
    return {
        "diabetes": (*load_diabetes(return_X_y=True), "regression", None),
        "breast_cancer": (*load_breast_cancer(return_X_y=True), "classification", None),
        "wine": (*load_wine(return_X_y=True), "classification", None),
        "iris": (*load_iris(return_X_y=True), "classification", None),
        "digits": (*load_digits(return_X_y=True), "classification", None),
        "friedman1": (*friedman, "regression", 5),
        "classification": (*classification, "classification", 5),
        "hastie": (*make_hastie_10_2(4000, random_state=seed), "classification", None),
    }


def models(task, with_cv, input_cost=None, fixed_schedule=False, seed=0):
    scaled = StandardScaler
    if task == "regression":
        found = {
            "BIMT": BIMTRegressor(random_state=seed),
            "BIMT-CV": BIMTRegressorCV(random_state=seed),
            "MLP": TransformedTargetRegressor(
                make_pipeline(scaled(), MLPRegressor(random_state=seed)),
                transformer=scaled(),
            ),
            "linear": make_pipeline(scaled(), RidgeCV()),
            "HGB": HistGradientBoostingRegressor(random_state=seed),
        }
    else:
        found = {
            "BIMT": BIMTClassifier(random_state=seed),
            "BIMT-CV": BIMTClassifierCV(random_state=seed),
            "MLP": make_pipeline(scaled(), MLPClassifier(random_state=seed)),
            "linear": make_pipeline(scaled(), LogisticRegression(max_iter=1000)),
            "HGB": HistGradientBoostingClassifier(random_state=seed),
        }
    bimt = BIMTRegressor if task == "regression" else BIMTClassifier
    found["BIMT-select"] = make_pipeline(
        BIMTSelector(bimt(random_state=seed)), bimt(random_state=seed)
    )
    if not with_cv:
        del found["BIMT-CV"]
    if input_cost is not None:
        found[f"BIMT input_cost={input_cost:g}"] = bimt(
            input_cost=input_cost, random_state=seed
        )
    if fixed_schedule:
        found["BIMT fixed schedule"] = bimt(
            lambda_schedule=DEFAULT_SCHEDULE, random_state=seed
        )
    return found


def lasso_selector(task, seed=0):
    if task == "regression":
        lasso = LassoCV(random_state=seed)
        return make_pipeline(StandardScaler(), SelectFromModel(lasso))
    # scikit-learn 1.8 spells the L1 penalty l1_ratio=1 and deprecates penalty.
    version = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
    l1_penalty = {"l1_ratio": 1.0} if version >= (1, 8) else {"penalty": "l1"}
    l1 = LogisticRegression(**l1_penalty, C=0.1, solver="liblinear")
    return make_pipeline(StandardScaler(), SelectFromModel(l1))


def network_summary(estimator, thresholds):
    """Active hidden neurons and the kept-input mask of a fitted BIMT model."""
    masks = active_neuron_masks(estimator.scaled_coefs_, DEFAULT_THRESHOLD)
    hidden = sum(int(mask.sum()) for mask in masks[1:-1])
    total = sum(mask.size for mask in masks[1:-1])
    kept = [estimator.feature_importances_ >= t for t in thresholds]
    return hidden, total, kept


def kept_text(kept, informative):
    if informative is None:
        return f"{kept.sum():.1f}/{kept.size}"
    signal, noise = kept[:informative], kept[informative:]
    return f"{signal.sum():.1f}/{signal.size} + {noise.sum():.1f}/{noise.size} noise"


def evaluate(
    X,
    y,
    task,
    informative,
    with_cv,
    input_cost,
    thresholds,
    fixed_schedule=False,
    seed=0,
    only=None,
):
    splitter = (KFold if task == "regression" else StratifiedKFold)(
        5, shuffle=True, random_state=seed
    )
    found = models(task, with_cv, input_cost, fixed_schedule, seed)
    rows = []
    for label, model in found.items():
        if only is not None and label not in only:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = cross_validate(model, X, y, cv=splitter, return_estimator=True)
        scores = result["test_score"]
        row = {
            "model": label,
            "score": f"{scores.mean():.3f} ({scores.std():.3f})",
            "mean": scores.mean(),
            "fit_s": f"{result['fit_time'].mean():.2f}",
            "hidden": "",
            "inputs": "",
        }
        if label == "BIMT-select":
            kept = np.mean([p[0].get_support() for p in result["estimator"]], axis=0)
            row["inputs"] = kept_text(kept, informative)
        elif label.startswith("BIMT"):
            summaries = [network_summary(e, thresholds) for e in result["estimator"]]
            active = np.mean([s[0] for s in summaries])
            row["hidden"] = f"{active:.1f}/{summaries[0][1]}"
            kept = np.mean([s[2] for s in summaries], axis=0)
            row["inputs"] = " ; ".join(kept_text(k, informative) for k in kept)
        rows.append(row)
    if informative is not None and (only is None or "Lasso-select" in only):
        masks, seconds = [], []
        for train, _ in splitter.split(X, y):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                selector = lasso_selector(task, seed).fit(X[train], y[train])
            seconds.append(time.perf_counter() - start)
            masks.append(selector[-1].get_support())
        rows.append(
            {
                "model": "Lasso-select",
                "score": "",
                "fit_s": f"{np.mean(seconds):.2f}",
                "hidden": "",
                "inputs": kept_text(np.mean(masks, axis=0), informative),
            }
        )
    return rows


def parse_arguments():
    """The command line, with unknown data set and model names refused."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=None, help="data set names")
    parser.add_argument("--no-cv", action="store_true", help="skip BIMT-CV")
    parser.add_argument(
        "--input-cost", type=float, help="add BIMT with this input_cost"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        nargs="+",
        default=[DEFAULT_THRESHOLD],
        help="importances from which an input counts as kept",
    )
    parser.add_argument(
        "--data-seed", type=int, default=0, help="seed of the synthetic sets"
    )
    parser.add_argument(
        "--seed",
        type=int,
        nargs="+",
        default=[0],
        help="random_state of the folds and of every model; several seeds "
        "end with a table of the mean scores",
    )
    parser.add_argument(
        "--models", nargs="+", default=None, help="only these rows (e.g. BIMT MLP)"
    )
    parser.add_argument(
        "--fixed-schedule",
        action="store_true",
        help="add BIMT with the tuned schedule at every size (no row scaling)",
    )
    args = parser.parse_args()
    names = list(datasets())
    unknown = set(args.data or ()) - set(names)
    if unknown:
        parser.error(f"unknown --data {sorted(unknown)}; choose from {names}")
    known = set(models("regression", True, args.input_cost, True)) | {"Lasso-select"}
    unknown = set(args.models or ()) - known
    if unknown:
        parser.error(f"unknown --models {sorted(unknown)}; choose from {sorted(known)}")
    return args


def print_rows(rows):
    print("| model | score (std) | fit s | active hidden | inputs kept |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['model']} | {row['score']} | {row['fit_s']} | "
            f"{row['hidden']} | {row['inputs']} |"
        )


def main():
    args = parse_arguments()
    set_single_thread()
    print_header("skbimt on tables: 5-fold CV, defaults beside the usual choices")
    print(
        f"\nSynthetic sets drawn with seed {args.data_seed}; inputs kept at "
        f"importance >= {' ; '.join(f'{t:g}' for t in args.threshold)}."
    )
    available = datasets(args.data_seed)
    means = {}
    for name in args.data or available:
        X, y, task, informative = available[name]
        for seed in args.seed:
            start = time.perf_counter()
            rows = evaluate(
                X,
                y,
                task,
                informative,
                not args.no_cv,
                args.input_cost,
                args.threshold,
                args.fixed_schedule,
                seed,
                args.models,
            )
            print(f"\n### {name} ({X.shape[0]} x {X.shape[1]}, {task}), seed {seed}\n")
            print_rows(rows)
            for row in rows:
                if "mean" in row:
                    means.setdefault((name, row["model"]), []).append(row["mean"])
            print(f"\n({time.perf_counter() - start:.0f} s)")
    if len(args.seed) > 1:
        print_seed_summary(means, args.seed)
    print_footer()


def print_seed_summary(means, seeds):
    """One row per data set and model: the mean score over ``seeds``."""
    print(f"\n### Mean score over seeds {', '.join(map(str, seeds))}\n")
    print("| data | model | mean | lowest | highest |")
    print("|---|---|---|---|---|")
    for (name, model), scores in means.items():
        print(
            f"| {name} | {model} | {np.mean(scores):.3f} | {min(scores):.3f} | "
            f"{max(scores):.3f} |"
        )


if __name__ == "__main__":
    main()
