"""The check every inspection tool makes first: a fitted BIMT estimator."""

from sklearn.utils.validation import check_is_fitted

from .._base import BaseBIMT


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
