"""The inspection tools' first check names the caller and what to pass."""

import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbimt import BIMTRegressor
from skbimt.inspection._checks import check_fitted_bimt


def test_fitted_check_refuses_other_objects_and_unfitted_ones():
    with pytest.raises(NotFittedError, match="plot_thing needs a fitted estimator"):
        check_fitted_bimt(BIMTRegressor(), "plot_thing")
    with pytest.raises(TypeError, match="got an object of type LinearRegression"):
        check_fitted_bimt(LinearRegression(), "plot_thing")
    pipeline = make_pipeline(StandardScaler(), BIMTRegressor())
    with pytest.raises(TypeError, match="pass its last step"):
        check_fitted_bimt(pipeline, "plot_thing")
