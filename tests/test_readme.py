"""Every Python snippet of the README runs as written, in order."""

import pathlib
import re

import numpy as np
import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def run_blocks(blocks, namespace):
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    return namespace


@pytest.mark.slow
def test_every_python_snippet_runs_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = run_blocks(python_blocks(), {})
    # What the snippets promise in their comments, checked on what they made.
    reg, X = namespace["reg"], namespace["X"]
    assert [c.shape for c in reg.coords_] == [(4, 2), (20, 2), (20, 2), (2, 2)]
    assert len(namespace["active"]) == 4
    assert namespace["scores"].shape == (5,)
    assert namespace["small"].predict(X).shape == (len(X), 2)
    assert list(namespace["table"].index) == sorted(
        set(np.unique(np.concatenate(reg.modules_)).tolist()) - {-1}
    )
    assert {"x0", "x1", "x2", "x3"} & set(namespace["by_input"])
    assert (tmp_path / "network.png").exists()
    assert namespace["selected"].predict(X).shape == (len(X), 2)


def test_own_module_recipe_is_short_and_runs():
    recipe = next(b for b in python_blocks() if "from skbimt.nn import BIMT" in b)
    assert len(recipe.strip().splitlines()) <= 20
    namespace = run_blocks([recipe], {})
    bimt = namespace["bimt"]
    assert bimt.cost().item() > 0
    assert bimt.positions()["layer1"].shape == (20, 2)
    assert 0 <= bimt.modularity() <= 1
    assert np.isfinite(bimt.modularity())
