"""module_table: one row per module, read from modules_ and knock-outs."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbimt import BIMTClassifier
from skbimt.inspection import knockout_scores, module_table

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def iris():
    data = load_iris(as_frame=True)
    X, y = data.data, data.target
    clf = BIMTClassifier(hidden_layer_sizes=(8, 8), max_iter=300, random_state=0)
    return make_pipeline(StandardScaler(), clf).fit(X, y), X, y, data.target_names


def test_rows_are_the_modules_and_hold_their_neurons(iris):
    pipe, X, _, target_names = iris
    network = pipe[-1]
    table = module_table(pipe, target_names=target_names)
    modules = [np.asarray(m) for m in network.modules_]
    labels = np.unique(np.concatenate(modules))
    assert list(table.index) == [int(m) for m in labels if m >= 0]
    assert table.index.name == "module"
    assert list(table.columns) == ["inputs", "h1", "h2", "outputs"]
    for module, row in table.iterrows():
        assert row["inputs"] == [
            X.columns[j] for j in np.flatnonzero(modules[0] == module)
        ]
        assert [row["h1"], row["h2"]] == [
            (modules[layer] == module).sum() for layer in (1, 2)
        ]
        assert row["outputs"] == [
            target_names[j] for j in np.flatnonzero(modules[-1] == module)
        ]
    # Every active neuron is in exactly one row.
    assert table[["h1", "h2"]].to_numpy().sum() == sum(
        (m >= 0).sum() for m in modules[1:-1]
    )
    assert sum(len(names) for names in table["inputs"]) == (modules[0] >= 0).sum()


def test_scores_are_the_module_knockouts(iris):
    pipe, X, y, _ = iris
    table = module_table(pipe, X, y)
    scores = knockout_scores(pipe, X, y, by="module")
    expected = [scores.get(m, np.nan) for m in table.index]
    np.testing.assert_array_equal(table["score without"], expected)
    # Only modules of output neurons alone have no knock-out score.
    alone = table["score without"].isna()
    assert (table.loc[alone, "inputs"].map(len) == 0).all()
    assert (table.loc[alone, ["h1", "h2"]].to_numpy() == 0).all()
    assert not alone.all()
    np.testing.assert_allclose(
        table["score drop"], pipe.score(X, y) - table["score without"]
    )


def test_half_given_data_is_refused(iris):
    pipe, X, y, _ = iris
    with pytest.raises(ValueError, match="Give both X and y"):
        module_table(pipe, X)
    with pytest.raises(TypeError, match="module_table works on a fitted"):
        module_table(StandardScaler().fit(X))
