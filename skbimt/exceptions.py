"""Warnings raised by skbimt."""

__all__ = ["DivergenceWarning"]


class DivergenceWarning(UserWarning):
    """Training diverged: the model is not what training should have given.

    Issued when the loss or the weights became NaN or infinite, in which case
    training stopped and the estimator keeps the last finite weights (its
    ``n_iter_`` says from which step); and when the loss stayed finite but
    the kept weights' training loss ended more than twice the untrained
    network's. Lower ``learning_rate`` or ``lambda_schedule``, or scale the
    data (``standardize=True``).
    """
