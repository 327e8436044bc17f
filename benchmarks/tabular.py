"""skbimt's defaults on real and synthetic tables, beside what a user would pick.

Five-fold cross-validation, every model in the same run, one thread each:

* ``BIMT``: ``BIMTRegressor()`` / ``BIMTClassifier()``, defaults;
* ``BIMT input_cost=C`` (with ``--input-cost C``): the defaults with a
  ``C`` times dearer first weight matrix;
* ``BIMT fixed schedule`` (with ``--fixed-schedule``): the defaults with
  ``"auto"``'s tuned schedule at every size, not shrunk above 500 rows;
* ``BIMT split_parts`` (with ``--split-parts``): the defaults with
  ``split_parts=True``;
* ``BIMT max_iter=N`` (with ``--max-iter N ...``): the defaults trained for
  ``N`` steps instead of the default 1,000;
* ``BIMT unclipped`` and ``BIMT-CV unclipped`` (regression, only when
  ``--models`` names them): the defaults with ``clip_predictions=False``,
  predictions not clipped to the training targets' range;
* ``BIMT NAME=VALUE`` (with ``--set NAME=VALUE ...``): the defaults with
  one parameter changed, e.g. ``--set early_stopping=True``;
* ``BIMT alpha=A`` (with ``--alpha A ...``): the defaults at strength
  ``A``, and for regression ``BIMT alpha=A unclipped`` beside it;
* ``BIMT-CV``: ``BIMTRegressorCV()`` / ``BIMTClassifierCV()`` with their
  default ``alphas`` (inner shuffled folds over the strength path; the
  default strength unless another beats it on every fold);
* ``BIMT-grid``: the README's ``GridSearchCV(BIMT(), {"alpha": [0.3, 1,
  3, 10]}, refit=prefer_default_alpha)`` with its default inner 5-fold CV
  (skipped with ``--no-cv``), and ``BIMT-grid-mean``, the same search with
  scikit-learn's refit at the best mean score (only when ``--models`` names
  it);
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
``make_hastie_10_2`` (4,000 rows, 10 columns that all count). With
``--real`` (or their names in ``--data``), the real tables of
``_real_tables.py``: 263 to 10,000 rows, most with categorical columns,
several sorted by something related to the target (each heading gives the
Spearman correlation of row order with y). They need the ``bench`` extra
(``pip install "skbimt[bench]"``). ``--held-out`` runs ten more real tables,
added after the defaults were chosen on the others (189 to 6,259 rows);
``--fresh`` eight more (872 to 5,748 rows), added after the default
``max_iter`` went from 2,000 to 1,000; ``--unseen`` fourteen more (98 to
5,226 rows), picked as a new user would after every default was chosen.
On them the BIMT models, the MLP and the linear model sit behind a
``ColumnTransformer``: one-hot categorical columns
(``handle_unknown="ignore"``), numeric columns passed through for BIMT
(which standardizes internally) and standardized for the MLP and the linear
model; HGB reads the categorical columns from their dtype.

Folds are shuffled (``KFold`` / ``StratifiedKFold`` with the seed), so a
sorted table does not bias them. ``--jobs N`` fits the (model, fold) pairs in
N processes, one thread each; the scores are those of ``--jobs 1``.
Columns: mean (std) test score (R^2 or accuracy), mean fit time per fold,
active hidden neurons of the fold networks (and the CV models' chosen
``alpha_`` per fold), and inputs kept
(widest-path strength ``>= threshold``, by default 0.01, the ``BIMTSelector``
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
    python benchmarks/tabular.py --real --models BIMT MLP linear --seed 1
    python benchmarks/tabular.py --held-out --models BIMT BIMT-CV MLP linear --seed 1
    python benchmarks/tabular.py --fresh --models BIMT 'BIMT max_iter=2000' MLP linear \
        --max-iter 2000 --seed 1 2 3 --jobs 2
    python benchmarks/tabular.py --data wage titanic --jobs 2
    python benchmarks/tabular.py --unseen --models BIMT BIMT-CV MLP linear --seed 1
    python benchmarks/tabular.py --real --models BIMT 'BIMT weight_decay=0.3' \
        --set weight_decay=0.3 --seed 1
"""

import argparse
import ast
import time
import warnings

import numpy as np
import sklearn
from _real_tables import (
    EVERY_TABLE,
    FRESH,
    HELD_OUT,
    TABLES,
    UNSEEN,
    check_extra,
    row_order_correlation,
)
from _timing import print_footer, print_header, set_single_thread
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.compose import (
    ColumnTransformer,
    TransformedTargetRegressor,
    make_column_selector,
)
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
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbimt import (
    BIMTClassifier,
    BIMTClassifierCV,
    BIMTRegressor,
    BIMTRegressorCV,
    BIMTSelector,
    prefer_default_alpha,
)
from skbimt._base import DEFAULT_SCHEDULE
from skbimt._connectivity import DEFAULT_THRESHOLD
from skbimt._path import network_size

#: The README's grid search over the strength (the default, 1, included).
README_GRID = [0.3, 1.0, 3.0, 10.0]
#: Rows that run only when ``--models`` names them: the search the README
#: advises against costs as much as the README's own.
ON_REQUEST = {"BIMT-grid-mean", "BIMT unclipped", "BIMT-CV unclipped"}

SKLEARN_SETS = (
    "diabetes",
    "breast_cancer",
    "wine",
    "iris",
    "digits",
    "friedman1",
    "classification",
    "hastie",
)


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


def load(names, data_seed):
    """name -> (X, y, task, informative) for scikit-learn's sets and real tables."""
    bundled = datasets(data_seed) if set(names) & set(SKLEARN_SETS) else {}
    found = {}
    for name in names:
        if name in bundled:
            found[name] = bundled[name]
        else:
            table = EVERY_TABLE[name]
            X, y = table.loader()
            found[name] = (X, y, table.kind, None)
    return found


def encoded(scale_numbers):
    """One-hot categorical columns; numeric ones standardized or passed through."""
    return ColumnTransformer(
        [
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                make_column_selector(dtype_include=["category", "object"]),
            ),
            (
                "numeric",
                StandardScaler() if scale_numbers else "passthrough",
                make_column_selector(dtype_exclude=["category", "object"]),
            ),
        ]
    )


def parse_setting(text):
    """``"name=value"`` -> ``(text, name, value)``, the value a Python literal
    and the name a parameter of both BIMT estimators (a run may hold
    regression and classification tables)."""
    name, sep, value = text.partition("=")
    shared = BIMTRegressor().get_params().keys() & BIMTClassifier().get_params()
    if not sep or name not in shared:
        raise ValueError(
            f"--set {text!r}: expected NAME=VALUE, NAME a parameter of both "
            "BIMTRegressor and BIMTClassifier"
        )
    try:
        return text, name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        raise ValueError(f"--set {text!r}: VALUE must be a Python literal") from None


def models(
    task,
    with_cv,
    input_cost=None,
    fixed_schedule=False,
    seed=0,
    frame=False,
    split_parts=False,
    max_iters=(),
    cv_alphas=(),
    alphas=(),
    settings=(),
):
    """label -> unfitted model; ``frame``: X is a DataFrame with categories.

    ``settings``: ``(text, name, value)`` triples, each a "BIMT text" row
    with one parameter changed from the defaults.

    For a frame the BIMT models get one-hot categories and raw numbers
    (they standardize internally), the MLP and linear model one-hot
    categories and standardized numbers, HGB the categories from the dtype.
    """
    if frame:

        def bimt_input(model):
            return make_pipeline(encoded(scale_numbers=False), model)

        def scaled(model):
            return make_pipeline(encoded(scale_numbers=True), model)

        hgb = {"categorical_features": "from_dtype"}
    else:

        def bimt_input(model):
            return model

        def scaled(model):
            return make_pipeline(StandardScaler(), model)

        hgb = {}
    if task == "regression":
        bimt, bimt_cv = BIMTRegressor, BIMTRegressorCV
        found = {
            "BIMT unclipped": bimt_input(
                bimt(clip_predictions=False, random_state=seed)
            ),
            "BIMT-CV unclipped": bimt_input(
                bimt_cv(clip_predictions=False, random_state=seed)
            ),
            "MLP": TransformedTargetRegressor(
                scaled(MLPRegressor(random_state=seed)), transformer=StandardScaler()
            ),
            "linear": scaled(RidgeCV()),
            "HGB": HistGradientBoostingRegressor(random_state=seed, **hgb),
        }
    else:
        bimt, bimt_cv = BIMTClassifier, BIMTClassifierCV
        found = {
            "MLP": scaled(MLPClassifier(random_state=seed)),
            "linear": scaled(LogisticRegression(max_iter=1000)),
            "HGB": HistGradientBoostingClassifier(random_state=seed, **hgb),
        }
    found = {
        "BIMT": bimt_input(bimt(random_state=seed)),
        "BIMT-CV": bimt_input(bimt_cv(random_state=seed)),
        "BIMT-grid": bimt_input(
            GridSearchCV(
                bimt(random_state=seed),
                {"alpha": README_GRID},
                refit=prefer_default_alpha,
            )
        ),
        "BIMT-grid-mean": bimt_input(
            GridSearchCV(bimt(random_state=seed), {"alpha": README_GRID})
        ),
        **found,
    }
    if frame:
        found["BIMT-select"] = make_pipeline(
            encoded(scale_numbers=False),
            BIMTSelector(bimt(random_state=seed)),
            bimt(random_state=seed),
        )
    else:
        found["BIMT-select"] = make_pipeline(
            BIMTSelector(bimt(random_state=seed)), bimt(random_state=seed)
        )
    if not with_cv:
        del found["BIMT-CV"], found["BIMT-grid"], found["BIMT-grid-mean"]
    if input_cost is not None:
        found[f"BIMT input_cost={input_cost:g}"] = bimt_input(
            bimt(input_cost=input_cost, random_state=seed)
        )
    if fixed_schedule:
        found["BIMT fixed schedule"] = bimt_input(
            bimt(lambda_schedule=DEFAULT_SCHEDULE, random_state=seed)
        )
    if split_parts:
        found["BIMT split_parts"] = bimt_input(
            bimt(split_parts=True, random_state=seed)
        )
    for alpha in alphas:
        found[f"BIMT alpha={alpha:g}"] = bimt_input(
            bimt(alpha=alpha, random_state=seed)
        )
        if task == "regression":
            found[f"BIMT alpha={alpha:g} unclipped"] = bimt_input(
                bimt(alpha=alpha, clip_predictions=False, random_state=seed)
            )
    for text, name, value in settings:
        found[f"BIMT {text}"] = bimt_input(bimt(random_state=seed, **{name: value}))
    for steps in max_iters:
        found[f"BIMT max_iter={steps}"] = bimt_input(
            bimt(max_iter=steps, random_state=seed)
        )
    if cv_alphas:
        found["BIMT-CV alphas"] = bimt_input(
            bimt_cv(alphas=tuple(cv_alphas), random_state=seed)
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


def network_summary(model, thresholds, X_train, y_train):
    """Active hidden neurons and the kept-input mask of a fitted BIMT model
    (none for a model that learned nothing, as in ``cv_results_``)."""
    estimator, X_seen = model, X_train
    if isinstance(model, Pipeline):
        estimator, X_seen = model[-1], model[:-1].transform(X_train)
    if isinstance(estimator, GridSearchCV):
        estimator = estimator.best_estimator_
    hidden, strengths = network_size(estimator, X_seen, y_train)
    total = sum(coef.shape[1] for coef in estimator.scaled_coefs_[:-1])
    return hidden, total, [strengths >= t for t in thresholds]


def kept_text(masks, informative):
    """Inputs kept, averaged over the folds' masks.

    Folds of a real table may differ in width: a one-hot column exists only
    where the fold's training rows hold its category.
    """
    if informative is None:
        width = np.mean([mask.size for mask in masks])
        return f"{np.mean([mask.sum() for mask in masks]):.1f}/{width:g}"
    kept = np.mean(masks, axis=0)
    signal, noise = kept[:informative], kept[informative:]
    return f"{signal.sum():.1f}/{signal.size} + {noise.sum():.1f}/{noise.size} noise"


def rows_of(X, index):
    """The rows ``index`` of an array or a DataFrame."""
    return X.iloc[index] if hasattr(X, "iloc") else X[index]


def fit_fold(label, model, X, y, train, test, thresholds):
    """Fit one model on one fold, one thread; its score, fit time and network.

    Runs the same way in this process (``--jobs 1``) and in a worker.
    """
    set_single_thread()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(rows_of(X, train), y[train])
        seconds = time.perf_counter() - start
        score = check_scoring(model)(model, rows_of(X, test), y[test])
    found = {"score": score, "fit_s": seconds}
    if label == "BIMT-select":
        selector = next(s for s in model if isinstance(s, BIMTSelector))
        found["selected"] = selector.get_support()
    elif label.startswith("BIMT"):
        found["network"] = network_summary(
            model, thresholds, rows_of(X, train), y[train]
        )
        final = model[-1] if isinstance(model, Pipeline) else model
        if isinstance(final, GridSearchCV):
            found["alpha"] = final.best_params_["alpha"]
        else:
            found["alpha"] = getattr(final, "alpha_", None)
    return found


def fold_jobs(X, y, task, options, seed):
    """``(jobs, folds)``: a (label, unfitted model, train, test) job for every
    model and fold, and the folds (shuffled with ``seed``, stratified for
    classification)."""
    splitter = (KFold if task == "regression" else StratifiedKFold)(
        5, shuffle=True, random_state=seed
    )
    found = models(
        task,
        options.with_cv,
        options.input_cost,
        options.fixed_schedule,
        seed,
        frame=hasattr(X, "iloc"),
        split_parts=options.split_parts,
        max_iters=options.max_iter,
        cv_alphas=options.cv_alphas,
        alphas=options.alpha,
        settings=options.settings,
    )
    folds = list(splitter.split(X, y))
    return [
        (label, clone(model), train, test)
        for label, model in found.items()
        if (label not in ON_REQUEST if options.only is None else label in options.only)
        for train, test in folds
    ], folds


def summarise(label, results, informative):
    """One table row from a model's fold results."""
    scores = np.array([r["score"] for r in results])
    row = {
        "model": label,
        "score": f"{scores.mean():.3f} ({scores.std():.3f})",
        "mean": scores.mean(),
        "fit_mean": np.mean([r["fit_s"] for r in results]),
        "hidden": "",
        "inputs": "",
    }
    row["fit_s"] = f"{row['fit_mean']:.2f}"
    if label == "BIMT-select":
        row["inputs"] = kept_text([r["selected"] for r in results], informative)
    elif label.startswith("BIMT"):
        summaries = [r["network"] for r in results]
        active = np.mean([s[0] for s in summaries])
        row["hidden"] = f"{active:.1f}/{summaries[0][1]}"
        if results[0].get("alpha") is not None:
            chosen = ", ".join(f"{r['alpha']:g}" for r in results)
            row["hidden"] += f" (alpha_ {chosen})"
        per_threshold = zip(*(s[2] for s in summaries), strict=True)
        row["inputs"] = " ; ".join(
            kept_text(masks, informative) for masks in per_threshold
        )
    return row


def lasso_row(X, y, task, folds, seed, informative):
    """The inputs ``Lasso-select`` keeps on the synthetic sets."""
    masks, seconds = [], []
    for train, _ in folds:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            selector = lasso_selector(task, seed).fit(X[train], y[train])
        seconds.append(time.perf_counter() - start)
        masks.append(selector[-1].get_support())
    return {
        "model": "Lasso-select",
        "score": "",
        "fit_s": f"{np.mean(seconds):.2f}",
        "hidden": "",
        "inputs": kept_text(masks, informative),
    }


def parse_arguments():
    """The command line, with unknown data set and model names refused."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        nargs="+",
        default=None,
        help="data set names: scikit-learn's and real tables",
    )
    parser.add_argument(
        "--real", action="store_true", help="every real table (bench extra)"
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="the ten real tables kept out of tuning the defaults (bench extra)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="eight real tables added after the default max_iter went to 1,000",
    )
    parser.add_argument(
        "--unseen",
        action="store_true",
        help="fourteen real tables picked after every default was chosen",
    )
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
    parser.add_argument(
        "--split-parts",
        action="store_true",
        help="add BIMT with split_parts=True",
    )
    parser.add_argument(
        "--max-iter",
        type=int,
        nargs="+",
        default=[],
        help="add BIMT trained for each of these numbers of steps",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        nargs="+",
        default=[],
        help="add BIMT at each of these strengths (and, for regression, the "
        "same unclipped)",
    )
    parser.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="add BIMT with this parameter changed (a Python literal, e.g. "
        "early_stopping=True weight_decay=0.1)",
    )
    parser.add_argument(
        "--cv-alphas",
        type=float,
        nargs="+",
        default=[],
        help="add BIMT-CV alphas: the CV estimator with these alphas",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes fitting (model, fold) pairs, one thread each (default 1)",
    )
    args = parser.parse_args()
    names = [*SKLEARN_SETS, *EVERY_TABLE]
    unknown = set(args.data or ()) - set(names)
    if unknown:
        parser.error(f"unknown --data {sorted(unknown)}; choose from {names}")
    try:
        args.settings = [parse_setting(text) for text in args.set]
    except ValueError as error:
        parser.error(str(error))
    every = models(
        "regression",
        True,
        args.input_cost,
        True,
        split_parts=True,
        max_iters=args.max_iter,
        cv_alphas=args.cv_alphas,
        alphas=args.alpha,
        settings=args.settings,
    )
    known = set(every) | {"Lasso-select"}
    unknown = set(args.models or ()) - known
    if unknown:
        parser.error(f"unknown --models {sorted(unknown)}; choose from {sorted(known)}")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if any(steps < 1 for steps in args.max_iter):
        parser.error("--max-iter must be at least 1")
    real = args.real or args.held_out or args.fresh or args.unseen
    chosen = list(args.data or ([] if real else SKLEARN_SETS))
    for wanted, tables in (
        (args.real, TABLES),
        (args.held_out, HELD_OUT),
        (args.fresh, FRESH),
        (args.unseen, UNSEEN),
    ):
        if wanted:
            chosen += [name for name in tables if name not in chosen]
    if set(chosen) & set(EVERY_TABLE):
        try:
            check_extra()
        except ImportError as error:
            parser.error(str(error))
    args.names = chosen
    args.with_cv = not args.no_cv
    args.only = args.models
    return args


def print_rows(rows):
    print("| model | score (std) | fit s | active hidden | inputs kept |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['model']} | {row['score']} | {row['fit_s']} | "
            f"{row['hidden']} | {row['inputs']} |"
        )


def heading(name, X, y, task):
    """``name (rows x columns, categorical columns, task, row order vs y)``."""
    categorical = sum(
        str(dtype) in ("category", "object") for dtype in getattr(X, "dtypes", ())
    )
    return (
        f"{name} ({X.shape[0]} x {X.shape[1]}, {categorical} categorical, {task}, "
        f"row order vs y {row_order_correlation(np.asarray(y)):+.2f})"
    )


def main():
    args = parse_arguments()
    set_single_thread()
    print_header("skbimt on tables: 5-fold CV, defaults beside the usual choices")
    print(
        f"\nSynthetic sets drawn with seed {args.data_seed}; inputs kept at "
        f"importance >= {' ; '.join(f'{t:g}' for t in args.threshold)}; "
        f"{args.jobs} job(s)."
    )
    available = load(args.names, args.data_seed)
    groups, jobs = [], []
    for name in args.names:
        X, y, task, informative = available[name]
        for seed in args.seed:
            found, folds = fold_jobs(X, y, task, args, seed)
            groups.append((name, seed, found, folds))
            jobs += [
                (label, model, X, y, train, test) for label, model, train, test in found
            ]
    # An ordered generator: results arrive in submission order, so each
    # (table, seed) prints as soon as its last fold is done.
    results = Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(fit_fold)(*job, args.threshold) for job in jobs
    )
    means, fit_times = {}, {}
    start = time.perf_counter()
    for name, seed, found, folds in groups:
        X, y, task, informative = available[name]
        by_label = {}
        for (label, *_), result in zip(found, results, strict=False):
            by_label.setdefault(label, []).append(result)
        rows = [
            summarise(label, found_, informative) for label, found_ in by_label.items()
        ]
        if informative is not None and (
            args.only is None or "Lasso-select" in args.only
        ):
            rows.append(lasso_row(X, y, task, folds, seed, informative))
        print(f"\n### {heading(name, X, y, task)}, seed {seed}\n")
        print_rows(rows)
        for row in rows:
            if "mean" in row:
                means.setdefault((name, row["model"]), []).append(row["mean"])
                fit_times.setdefault((name, row["model"]), []).append(row["fit_mean"])
        print(f"\n({time.perf_counter() - start:.0f} s)")
        start = time.perf_counter()
    if len(args.seed) > 1:
        print_seed_summary(means, args.seed)
    if len(args.names) > 1:
        print_wide_summary(means, fit_times, available, args.seed)
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


def print_wide_summary(means, fit_times, available, seeds):
    """One row per data set: each model's mean score, BIMT's gap to the best
    of the MLP and the linear model, and the mean fit times per fold."""
    labels = list(dict.fromkeys(model for _, model in means))
    print(f"\n### Summary: mean test score over seeds {', '.join(map(str, seeds))}\n")
    baselines = [label for label in ("MLP", "linear") if label in labels]
    gap = "BIMT" in labels and baselines
    print(
        "| data | rows | row order vs y | "
        + " | ".join(labels)
        + (f" | BIMT - best of {'/'.join(baselines)}" if gap else "")
        + " | fit s per fold: "
        + " / ".join(labels)
        + " |"
    )
    print("|---" * (len(labels) + 4 + bool(gap)) + "|")
    for name in dict.fromkeys(name for name, _ in means):
        X, y, task, _ = available[name]
        scores = {label: np.mean(means[name, label]) for label in labels}
        best = f"{max(scores.values()):.3f}"
        cells = [f"{scores[label]:.3f}" for label in labels]
        cells = [f"**{cell}**" if cell == best else cell for cell in cells]
        if gap:
            cells.append(f"{scores['BIMT'] - max(scores[b] for b in baselines):+.3f}")
        times = " / ".join(f"{np.mean(fit_times[name, label]):.2f}" for label in labels)
        print(
            f"| {name} ({'R^2' if task == 'regression' else 'acc.'}) | {X.shape[0]} | "
            f"{row_order_correlation(np.asarray(y)):+.2f} | "
            + " | ".join(cells)
            + f" | {times} |"
        )


if __name__ == "__main__":
    main()
