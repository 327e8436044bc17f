"""Public docstrings pass numpydoc's validation of what they document.

Every public class, function and method (the names of ``__all__`` of
:mod:`skbimt`, :mod:`skbimt.inspection`, :mod:`skbimt.nn` and the functions
of :mod:`skbimt.datasets`) has a docstring with a summary, and documents
exactly its parameters, in the order of its signature.
"""

import inspect

import pytest

validate = pytest.importorskip("numpydoc.validate").validate

import skbimt  # noqa: E402
import skbimt.datasets  # noqa: E402
import skbimt.inspection  # noqa: E402
import skbimt.nn  # noqa: E402

#: numpydoc's checks that run: no docstring (GL08), no summary (SS01),
#: parameters undocumented (PR01), documented but absent (PR02), documented
#: out of signature order (PR03).
CHECKS = {"GL08", "SS01", "PR01", "PR02", "PR03"}


def public_objects():
    """Import paths of every public object, and of its public methods."""
    names = [f"skbimt.{n}" for n in skbimt.__all__]
    names += [f"skbimt.inspection.{n}" for n in skbimt.inspection.__all__]
    names += [f"skbimt.nn.{n}" for n in skbimt.nn.__all__]
    names += [
        f"skbimt.datasets.{name}"
        for name, value in vars(skbimt.datasets).items()
        if inspect.isfunction(value)
        and not name.startswith("_")
        and value.__module__ == "skbimt.datasets"
    ]
    paths = []
    for path in names:
        module, name = path.rsplit(".", 1)
        value = getattr(__import__(module, fromlist=[name]), name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue  # a constant
        paths.append(path)
        if inspect.isclass(value):
            paths += [f"{path}.{method}" for method in own_methods(value)]
    return paths


def own_methods(cls):
    """Public methods defined by skbimt (not inherited from sklearn or torch)."""
    for name, member in inspect.getmembers(cls):
        function = getattr(member, "__func__", member)
        if (
            not name.startswith("_")
            and inspect.isfunction(function)
            and function.__module__.startswith("skbimt")
        ):
            yield name


def documented_attributes(path):
    """Names listed under Attributes (a dataclass documents its fields there)."""
    from numpydoc.docscrape import ClassDoc

    module, name = path.rsplit(".", 1)
    value = getattr(__import__(module, fromlist=[name]), name)
    return {n.strip() for a in ClassDoc(value)["Attributes"] for n in a.name.split(",")}


def problems(path):
    found = []
    for code, message in validate(path)["errors"]:
        if code not in CHECKS:
            continue
        if code == "PR01" and inspect.isclass(
            getattr(skbimt.inspection, path.rsplit(".", 1)[-1], None)
        ):
            # A result dataclass documents its fields as Attributes.
            missing = set(
                message.split("{")[1].split("}")[0].replace("'", "").split(", ")
            )
            if missing <= documented_attributes(path):
                continue
        found.append(f"{code}: {message}")
    return found


@pytest.mark.parametrize("path", public_objects())
def test_public_docstring_is_valid(path):
    assert problems(path) == []


def test_the_validation_sees_a_bad_docstring(monkeypatch):
    def draw(ax, threshold):
        """Draw.

        Parameters
        ----------
        threshold : float
            Cut.
        colour : str
            Colour.
        """

    monkeypatch.setattr(skbimt.inspection, "draw", draw, raising=False)
    codes = {message.split(":")[0] for message in problems("skbimt.inspection.draw")}
    assert codes == {"PR01", "PR02"}
