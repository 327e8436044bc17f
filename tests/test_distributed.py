"""Grid search over lambda on a real dask.distributed cluster (loopback)."""

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.datasets import load_diabetes
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbimt import BIMTRegressor

distributed = pytest.importorskip("distributed")


def search():
    X, y = load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    pipe = make_pipeline(
        StandardScaler(),
        BIMTRegressor(
            hidden_layer_sizes=(10,), max_iter=300, learning_rate=1e-2, random_state=0
        ),
    )
    grid = {"bimtregressor__lambda_schedule": [1e-4, 1e-2, 1.0]}
    return GridSearchCV(pipe, grid, cv=3, n_jobs=-1), X, y


@pytest.mark.slow
def test_grid_search_on_a_local_dask_cluster_matches_the_local_run():
    local, X, y = search()
    local.fit(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote, _, _ = search()
        with parallel_backend("dask"):
            remote.fit(X, y)
        assert len(client.scheduler_info()["workers"]) == 2
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
