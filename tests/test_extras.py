"""Each optional extra declares what its own job imports, checked from the source.

``pip install -e ".[docs]"`` must build the documentation on a fresh
environment, ``".[tests]"`` must run the tests and ``".[bench]"`` the
benchmarks: every third-party module they import must come from the
package's dependencies or from that extra, not from another extra that
happens to be installed. (CI also builds the docs in a fresh virtual
environment with only the docs extra.)
"""

import ast
import pathlib
import re
import sys

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: Import names whose distribution is named otherwise.
DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "PIL": "pillow",
    "distributed": "dask",  # declared as dask[distributed]
    "sphinx_gallery": "sphinx-gallery",
    "mpl_toolkits": "matplotlib",
}


def normalized(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements):
    return {normalized(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in requirements}


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def available_with(extra=None):
    """Distributions installed by ``pip install ".[extra]"`` (or ``"."``)."""
    metadata = project()
    names = requirement_names(metadata["dependencies"])
    if extra is not None:
        names |= requirement_names(metadata["optional-dependencies"][extra])
    return names


def imported_modules(paths, at_module_level=False):
    """Top-level names of the modules the files import, ``importorskip`` too.

    ``at_module_level`` keeps only the imports a module runs when imported,
    not those inside functions (optional dependencies such as pandas).
    """
    names = set()
    for path in paths:
        tree = ast.parse(path.read_text())
        nodes = tree.body if at_module_level else ast.walk(tree)
        for node in nodes:
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names.add(node.module)
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) == "importorskip"
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return {name.split(".")[0] for name in names}


def third_party(modules, local):
    return {
        m
        for m in modules
        if m not in sys.stdlib_module_names and m != "skbimt" and m not in local
    }


def sphinx_extensions():
    """Modules Sphinx imports by name: the ``extensions`` of docs/conf.py."""
    tree = ast.parse((ROOT / "docs" / "conf.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == "extensions" for target in node.targets
        ):
            return {element.value.split(".")[0] for element in node.value.elts}
    raise AssertionError("docs/conf.py has no extensions list")


def missing(modules, extra):
    needed = {normalized(DISTRIBUTIONS.get(m, m)) for m in modules}
    return needed - available_with(extra)


def test_the_dependencies_have_what_importing_skbimt_imports():
    modules = imported_modules(sorted((ROOT / "skbimt").rglob("*.py")), True)
    assert missing(third_party(modules, set()), None) == set()


def test_the_docs_extra_has_what_the_docs_build_imports():
    examples = sorted((ROOT / "examples").glob("*.py"))
    local = {path.stem for path in examples}
    modules = imported_modules([ROOT / "docs" / "conf.py", *examples])
    modules = third_party(modules | sphinx_extensions(), local)
    assert "pandas" in modules  # the gallery reads DataFrames
    assert missing(modules, "docs") == set()


def test_the_tests_extra_has_what_the_tests_import():
    files = sorted((ROOT / "tests").rglob("*.py"))
    local = {path.stem for path in files} | {"tests"}
    modules = third_party(imported_modules(files), local)
    assert missing(modules, "tests") == set()


def test_the_bench_extra_has_what_the_benchmarks_import():
    files = sorted((ROOT / "benchmarks").glob("*.py"))
    local = {path.stem for path in files} | {"tests"}
    modules = third_party(imported_modules(files), local)
    assert missing(modules, "bench") == set()


def test_the_check_sees_an_undeclared_import(tmp_path):
    script = tmp_path / "plot_new.py"
    script.write_text("import numpy\nimport seaborn\nfrom PIL import Image\n")
    modules = third_party(imported_modules([script]), {"plot_new"})
    assert modules == {"numpy", "seaborn", "PIL"}
    assert missing(modules, "docs") == {"seaborn"}
