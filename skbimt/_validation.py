"""Checks shared by the public functions, and warnings aimed at the user's code."""

import os
import sys
import warnings

import sklearn
from sklearn.utils.validation import check_is_fitted

_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    for module in (sys.modules["skbimt"], sklearn)
)


def _outside_libraries(filename):
    path = os.path.abspath(filename)
    return not path.startswith(_LIBRARY_DIRS) and not filename.startswith("<frozen")


def warn(message, category=UserWarning):
    """Warn, attributing the warning to the first caller outside skbimt.

    A warning raised deep in a fit (in the training loop, or in scikit-learn's
    ``_fit_context`` wrapper around ``fit``) would otherwise point at library
    code; Python then shows it with a line of ours, and filters keyed on the
    user's module do not apply. This walks up the stack past skbimt's and
    scikit-learn's frames.

    Parameters
    ----------
    message : str
    category : type of Warning, default=UserWarning
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and not _outside_libraries(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    # +1: the call to warnings.warn below is one frame deeper than this one.
    warnings.warn(message, category, stacklevel=level + 1 if frame else 2)


def check_fitted_bimt(estimator, caller):
    """Refuse anything but a fitted BIMT estimator, naming ``caller``.

    Parameters
    ----------
    estimator : object
        Should be a fitted BIMTRegressor, BIMTClassifier or one of their CV
        variants.
    caller : str
        Name of the function asking, for the messages.

    Raises
    ------
    TypeError
        If ``estimator`` is not a BIMT estimator.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    """
    from ._base import BaseBIMT

    if not isinstance(estimator, BaseBIMT):
        hint = ""
        if hasattr(estimator, "steps"):
            hint = (
                " For a Pipeline, pass its last step (pipeline[-1]), or use "
                "skbimt.inspection.NetworkDisplay, which reads pipelines."
            )
        raise TypeError(
            f"{caller} works on a fitted BIMTRegressor or BIMTClassifier, got "
            f"an object of type {type(estimator).__name__}.{hint}"
        )
    check_is_fitted(
        estimator,
        msg=(
            f"{caller} needs a fitted estimator, but this %(name)s is not "
            "fitted yet; call its fit(X, y) first."
        ),
    )
