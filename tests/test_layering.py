"""The package's layers import in one direction, checked from the source.

Lowest first: the engine, the foundations (warnings, scaling, the
connectivity graph, folds), the estimators, the readers (inspection, nn,
datasets) and the entry points. No module imports from a layer above its
own, and no two modules import each other, even inside a function.
"""

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


#: The layers, lowest first: a module imports from its own layer and the
#: layers below it, never from a layer above. Every module is placed.
LAYERS = [
    ("engine", ["skbimt._engine"]),
    (
        "foundations",
        [
            "skbimt.exceptions",
            "skbimt._validation",
            "skbimt._scaling",
            "skbimt._connectivity",
            "skbimt._folds",
            "skbimt._prediction",
            "skbimt._sparse_input",
            "skbimt._incremental",
            "skbimt._batching",
            "skbimt._part_split",
            "skbimt._parts",
            "skbimt._building",
            "skbimt._fit_data",
            "skbimt._diagnosis",
        ],
    ),
    (
        "estimators",
        [
            "skbimt._base",
            "skbimt._estimators",
            "skbimt._path",
            "skbimt._cv",
            "skbimt._grid_refit",
            "skbimt._heldout",
            "skbimt._selection",
            "skbimt._persistence",
        ],
    ),
    ("readers", ["skbimt.inspection", "skbimt.nn", "skbimt.datasets"]),
    ("entry points", ["skbimt", "skbimt.demo"]),
]


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name):
    """Index in LAYERS of the module ``name``: its longest matching prefix."""
    best = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if name == prefix or name.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (index, len(prefix))
    return None if best is None else best[0]


ALL_SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    unplaced = [module_name(p) for p in ALL_SOURCES if layer_of(module_name(p)) is None]
    assert unplaced == [], "place these modules in LAYERS"


@pytest.mark.parametrize("path", ALL_SOURCES, ids=module_name)
def test_no_module_imports_from_a_higher_layer(path):
    own = layer_of(module_name(path))
    higher = {
        name
        for name in skbimt_imports(path)
        if layer_of(name) is not None and layer_of(name) > own
    }
    assert higher == set(), (
        f"{module_name(path)} ({LAYERS[own][0]}) imports {higher} from above"
    )


def import_graph():
    return {
        module_name(path): {
            name for name in skbimt_imports(path) if name != module_name(path)
        }
        for path in ALL_SOURCES
    }


def find_cycle(graph):
    """One import cycle of ``graph`` as a list of modules, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state:
                cycle = visit(target, [*trail, target])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [node])
            if cycle:
                return cycle
    return None


def test_no_import_cycles_even_inside_functions():
    # A module that imports another inside a function to dodge a circular
    # import still depends on it both ways.
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def private_imports(path):
    """``(module, name)`` of every underscored name ``path`` imports."""
    tree = ast.parse(path.read_text())
    package = module_name(path).rsplit(".", 1)[0]
    if path.name == "__init__.py":
        package = module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            for alias in node.names:
                if alias.name.startswith("_"):
                    yield f"{package}.{node.module}", alias.name


@pytest.mark.parametrize("path", sources("inspection"), ids=lambda p: p.name)
def test_inspection_shares_helpers_through_helper_modules(path):
    # A picture's module (one that defines a public name) keeps its private
    # helpers; what two pictures share lives in a helper module both import.
    import skbimt.inspection

    public = set(skbimt.inspection.__all__)

    def owns_a_public_name(module):
        file = PACKAGE.parent / (module.replace(".", "/") + ".py")
        tree = ast.parse(file.read_text())
        defined = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef)
        }
        return bool(defined & public)

    borrowed = {
        (module, name)
        for module, name in private_imports(path)
        if owns_a_public_name(module)
    }
    assert borrowed == set(), f"{path.name} imports private helpers {borrowed}"


def test_the_checker_sees_relative_imports():
    imported = skbimt_imports(PACKAGE / "_base.py")
    assert "skbimt._engine.training" in imported
