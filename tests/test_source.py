"""The package carries no dead code, checked from the source.

A private helper nothing calls, or a parameter a function never reads, is a
question for every reader (what uses it? what does it change?) with no
answer. Hooks a subclass overrides are exempt: their parameters are the
contract.
"""

import ast
import pathlib
import re

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "skbimt"
SOURCES = sorted(PACKAGE.rglob("*.py"))
TEXTS = {path: path.read_text() for path in SOURCES}


def module_names(path):
    """Names a module defines at its top level (functions, classes, constants)."""
    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return [n for n in names if not (n.startswith("__") and n.endswith("__"))]


def is_private(path):
    return any(part.startswith("_") for part in path.relative_to(PACKAGE).parts)


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if is_private(p)], ids=lambda p: p.name
)
def test_every_name_of_a_private_module_is_used(path):
    unused = []
    for name in module_names(path):
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        uses = sum(len(pattern.findall(source)) for source in TEXTS.values())
        if uses <= 1:  # the definition itself
            unused.append(name)
    assert unused == [], f"{path.name} defines {unused}, which nothing uses"


def is_hook(function):
    """Abstract methods and defaults a subclass overrides (one-line bodies)."""
    if any(
        getattr(decorator, "id", getattr(decorator, "attr", None)) == "abstractmethod"
        for decorator in function.decorator_list
    ):
        return True
    body = function.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    ):
        body = body[1:]  # the docstring
    return len(body) <= 1 and all(
        isinstance(statement, ast.Pass)
        or (
            isinstance(statement, ast.Return)
            and isinstance(statement.value, ast.Constant | type(None))
        )
        for statement in body
    )


def unread_parameters(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.FunctionDef) or is_hook(node):
            continue
        arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        arguments += [a for a in (node.args.vararg, node.args.kwarg) if a]
        read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        for argument in arguments:
            name = argument.arg
            if name not in ("self", "cls") and not name.startswith("_"):
                if name not in read:
                    yield f"{node.name}({name}) line {node.lineno}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_parameter_is_read(path):
    assert list(unread_parameters(path)) == []


def test_the_checks_see_dead_code(tmp_path):
    source = tmp_path / "dead.py"
    source.write_text(
        "def helper(used, unused):\n"
        '    """Doc."""\n'
        "    return used\n"
        "def hook(self, y):\n"
        '    """Overridden."""\n'
        "    return None\n"
    )
    assert list(unread_parameters(source)) == ["helper(unused) line 1"]
    assert module_names(source) == ["helper", "hook"]
