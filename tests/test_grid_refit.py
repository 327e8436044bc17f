"""prefer_default_alpha: the CV estimators' rule as a search's ``refit``."""

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbimt import BIMTRegressor, prefer_default_alpha


def results(alphas, fold_scores, name="alpha", **other):
    """A search's ``cv_results_`` with ``fold_scores[i][k]`` for candidate i."""
    fold_scores = np.asarray(fold_scores, dtype=np.float64)
    found = {f"param_{name}": np.ma.MaskedArray(alphas, dtype=object)}
    for key, values in other.items():
        found[f"param_{key}"] = np.ma.MaskedArray(values, dtype=object)
    for k in range(fold_scores.shape[1]):
        found[f"split{k}_test_score"] = fold_scores[:, k]
    found["mean_test_score"] = fold_scores.mean(axis=1)
    return found


def test_keeps_the_default_when_the_best_mean_is_not_better_on_every_fold():
    # alpha=3 has the best mean, as GridSearchCV would pick, but loses a fold.
    scores = [[0.70, 0.70, 0.70], [0.71, 0.71, 0.71], [0.80, 0.80, 0.69], [0, 0, 0]]
    found = results([0.3, 1.0, 3.0, 10.0], scores)
    assert np.argmax(found["mean_test_score"]) == 2
    assert prefer_default_alpha(found) == 1


def test_keeps_the_default_when_the_gain_is_at_most_a_hundredth():
    scores = [[0.50, 0.50, 0.50], [0.505, 0.509, 0.51]]
    assert prefer_default_alpha(results([1.0, 3.0], scores)) == 0


def test_moves_to_the_best_of_the_clearly_better_strengths():
    scores = [[0.10, 0.10, 0.10], [0.20, 0.25, 0.22], [0.30, 0.27, 0.28]]
    assert prefer_default_alpha(results([1.0, 3.0, 10.0], scores)) == 2


def test_reads_the_candidates_in_the_searchs_order():
    # The same search as above, its candidates listed in another order.
    scores = [[0.30, 0.27, 0.28], [0.10, 0.10, 0.10], [0.20, 0.25, 0.22]]
    assert prefer_default_alpha(results([10.0, 1.0, 3.0], scores)) == 0
    scores = [[0.71, 0.71, 0.71], [0.80, 0.80, 0.69], [0.70, 0.70, 0.70]]
    assert prefer_default_alpha(results([1.0, 3.0, 0.3], scores)) == 0


def test_without_alpha_one_the_default_is_the_nearest_on_a_log_scale():
    # 2 is nearer to 1 than 0.4 is on a log scale, though not on a linear one.
    # 0.4 has the best mean, but is not better on every fold: 2 is kept.
    scores = [[0.2, 0.2], [0.56, 0.49], [0.5, 0.5]]
    assert prefer_default_alpha(results([0.1, 0.4, 2.0], scores)) == 2


def test_a_failed_default_gives_the_best_mean_of_the_others():
    scores = [[0.5, 0.5], [np.nan, 0.9], [0.6, 0.6]]
    assert prefer_default_alpha(results([0.3, 1.0, 3.0], scores)) == 2


def test_reads_the_strength_of_a_pipeline_step():
    scores = [[0.1, 0.1], [0.3, 0.3]]
    found = results([1.0, 3.0], scores, name="bimtregressor__alpha")
    assert prefer_default_alpha(found) == 1


@pytest.mark.parametrize(
    "found, message",
    [
        (
            results([1.0, 3.0], [[0, 0], [0, 0]], learning_rate=[0.01, 0.1]),
            r"also varies \['learning_rate'\]",
        ),
        (
            results([1.0, 3.0], [[0, 0], [0, 0]], name="max_iter"),
            r"one `alpha`.*\['max_iter'\]",
        ),
        (results([1.0, 1.0], [[0, 0], [0, 0]]), "each alpha once"),
    ],
)
def test_a_search_it_cannot_judge_is_refused(found, message):
    with pytest.raises(ValueError, match=message):
        prefer_default_alpha(found)


def test_a_candidate_without_an_alpha_is_refused():
    found = results([1.0, 3.0], [[0, 0], [0, 0]])
    found["param_alpha"] = np.ma.MaskedArray([1.0, 3.0], mask=[False, True])
    with pytest.raises(ValueError, match="alpha for every candidate"):
        prefer_default_alpha(found)


def test_a_fixed_second_parameter_is_allowed():
    found = results([1.0, 3.0], [[0.1, 0.1], [0.3, 0.3]], max_iter=[200, 200])
    assert prefer_default_alpha(found) == 1


def test_several_metrics_are_refused():
    found = results([1.0, 3.0], [[0, 0], [0, 0]])
    found["split0_test_r2"] = found.pop("split0_test_score")
    found["split1_test_r2"] = found.pop("split1_test_score")
    with pytest.raises(ValueError, match="several metrics"):
        prefer_default_alpha(found)


def test_grid_search_refits_the_strength_the_rule_chose():
    X, y = make_regression(n_samples=60, n_features=4, noise=5.0, random_state=0)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), BIMTRegressor(max_iter=30, random_state=0)),
        {"bimtregressor__alpha": [0.3, 1.0, 3.0]},
        cv=3,
        refit=prefer_default_alpha,
    ).fit(X, y)
    chosen = prefer_default_alpha(search.cv_results_)
    assert search.best_index_ == chosen
    refit_alpha = search.best_estimator_[-1].alpha
    assert refit_alpha == search.cv_results_["param_bimtregressor__alpha"][chosen]
    assert search.predict(X).shape == y.shape
