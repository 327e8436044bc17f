"""The package's layers import in one direction, checked from the source."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "skbimt"


def skbimt_imports(path):
    """Absolute names of the skbimt modules a source file imports."""
    tree = ast.parse(path.read_text())
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    # A package's __init__ resolves relative imports against the package.
    package = ".".join(parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            names.add(name)
    return {n for n in names if n == "skbimt" or n.startswith("skbimt.")}


def sources(folder):
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", sources("_engine"), ids=lambda p: p.name)
def test_engine_imports_nothing_else_from_skbimt(path):
    outside = {n for n in skbimt_imports(path) if not n.startswith("skbimt._engine")}
    assert outside == set(), f"{path.name} imports {outside}"


def test_the_estimators_do_not_import_inspection_or_nn():
    # Lower layers never import higher ones: inspection and nn read the
    # estimators, not the reverse.
    for name in ("_base.py", "_estimators.py", "_scaling.py", "_connectivity.py"):
        imported = skbimt_imports(PACKAGE / name)
        higher = {
            n for n in imported if n.startswith(("skbimt.inspection", "skbimt.nn"))
        }
        assert higher == set(), f"{name} imports {higher}"


def test_the_checker_sees_relative_imports():
    imported = skbimt_imports(PACKAGE / "_base.py")
    assert "skbimt._engine.training" in imported
