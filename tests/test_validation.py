"""Warnings point at the user's code; the fitted-estimator check names callers."""

import warnings

import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbimt import BIMTRegressor
from skbimt._validation import check_fitted_bimt, warn


def test_warn_points_at_the_first_frame_outside_the_libraries():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warn("look here", UserWarning)
    assert record[0].filename == __file__
    assert record[0].message.args == ("look here",)


def test_fitted_check_refuses_other_objects_and_unfitted_ones():
    with pytest.raises(NotFittedError, match="plot_thing needs a fitted estimator"):
        check_fitted_bimt(BIMTRegressor(), "plot_thing")
    with pytest.raises(TypeError, match="got an object of type LinearRegression"):
        check_fitted_bimt(LinearRegression(), "plot_thing")
    pipeline = make_pipeline(StandardScaler(), BIMTRegressor())
    with pytest.raises(TypeError, match="pass its last step"):
        check_fitted_bimt(pipeline, "plot_thing")
