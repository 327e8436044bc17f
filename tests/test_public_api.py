"""Public homes: a short top-level namespace, the rest where it belongs."""

import importlib
import warnings

import pytest

import skbimt
import skbimt.inspection
import skbimt.nn


def test_top_level_holds_the_estimators_and_a_few_tools():
    assert len(skbimt.__all__) <= 12
    for name in skbimt.__all__:
        assert getattr(skbimt, name) is not None
    assert {"BIMTRegressor", "BIMTClassifier", "save", "load"} <= set(skbimt.__all__)


@pytest.mark.parametrize("module", [skbimt.inspection, skbimt.nn])
def test_every_public_name_of_a_subpackage_exists(module):
    for name in module.__all__:
        assert getattr(module, name) is not None


@pytest.mark.parametrize("name, home", sorted(skbimt._MOVED.items()))
def test_moved_names_still_import_with_a_future_warning(name, home):
    with pytest.warns(FutureWarning, match=f"{name} moved to {home}") as record:
        value = getattr(skbimt, name)
    assert value is getattr(importlib.import_module(home), name)
    assert record[0].filename == __file__


@pytest.mark.parametrize("old, new", sorted(skbimt._RENAMED.items()))
def test_renamed_names_still_import_with_a_future_warning(old, new):
    with pytest.warns(FutureWarning, match=f"{old} was renamed {new}") as record:
        value = getattr(skbimt, old)
    assert value is getattr(skbimt, new)
    assert record[0].filename == __file__
    assert old not in skbimt.__all__


def test_from_import_of_a_moved_name_warns_too():
    with pytest.warns(FutureWarning, match="plot_network moved"):
        from skbimt import plot_network  # noqa: F401


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        skbimt.nothing_here  # noqa: B018
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        skbimt.BIMTRegressor  # noqa: B018


def test_version_matches_the_package_metadata():
    from importlib.metadata import version

    import skbimt

    assert skbimt.__version__ == version("skbimt")
