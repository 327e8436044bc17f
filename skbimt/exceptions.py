"""Warnings raised by skbimt."""

__all__ = ["DivergenceWarning"]


class DivergenceWarning(UserWarning):
    """Training stopped because the loss or the weights became NaN or infinite.

    The estimator keeps the last finite weights; its ``n_iter_`` says from
    which step. Lower ``learning_rate`` or ``lambda_schedule``, or scale the
    data (``standardize=True``).
    """
