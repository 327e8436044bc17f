"""The README's torch-level recipe runs as written."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_own_module_recipe_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    recipe = next(b for b in blocks if "from skbimt.nn import BIMT" in b)
    assert len(recipe.strip().splitlines()) <= 20
    namespace = {}
    exec(compile(recipe, str(README), "exec"), namespace)
    bimt = namespace["bimt"]
    assert bimt.cost().item() > 0
    positions = bimt.positions()
    assert positions["layer1"].shape == (20, 2)
    assert 0 <= bimt.modularity() <= 1
