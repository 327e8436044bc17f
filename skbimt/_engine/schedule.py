"""Regularization strength ``lambda`` as a function of the training step."""

import numbers

import numpy as np

#: The schedule of the paper's sections 3.1 and 3.2, as fractions of training:
#: ``lambda = 1e-3, 1e-2, 1e-3`` for 5000, 10000 and 5000 of 20000 steps.
PAPER_SCHEDULE = ((1e-3, 0.25), (1e-2, 0.5), (1e-3, 0.25))


def lambda_values(schedule, max_iter):
    """``lambda`` at every training step.

    Parameters
    ----------
    schedule : float, sequence of (float, float) or callable
        - float: constant ``lambda``;
        - sequence of ``(lambda, fraction)`` phases, fractions of ``max_iter``
          summing to 1, run in order;
        - callable ``schedule(step, max_iter) -> lambda``.
    max_iter : int
        Number of training steps.

    Returns
    -------
    values : ndarray of shape (max_iter,)
        Non-negative, finite ``lambda`` for steps ``0 .. max_iter - 1``.

    Raises
    ------
    ValueError
        If the schedule is malformed or gives a negative or non-finite value.
    """
    if isinstance(schedule, numbers.Real) and not isinstance(schedule, bool):
        values = np.full(max_iter, float(schedule))
    elif callable(schedule):
        values = np.array(
            [_called_value(schedule, step, max_iter) for step in range(max_iter)]
        )
    else:
        values = _phase_values(schedule, max_iter)
    # lambda multiplies float32 tensors: it must be finite in float32 too.
    bad = ~np.isfinite(values) | (values < 0) | (values > np.finfo(np.float32).max)
    if bad.any():
        step = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"lambda_schedule gives lambda={values[step]!r} at step {step}; "
            "lambda must be a finite number >= 0 (and at most 3.4e38, the "
            "float32 limit)."
        )
    return values


def scaled(schedule, factor):
    """``schedule`` with every strength multiplied by ``factor``.

    Parameters
    ----------
    schedule : float, sequence of (float, float) or callable
        As taken by :func:`lambda_values`.
    factor : float
        Non-negative multiplier.

    Returns
    -------
    schedule : float, tuple of (float, float) or callable
        Of the same kind: a float, phases with the same fractions, or a
        callable returning ``factor`` times the original's value.
    """
    factor = float(factor)
    if factor == 1.0:
        return schedule
    if isinstance(schedule, numbers.Real) and not isinstance(schedule, bool):
        return float(schedule) * factor
    if callable(schedule):
        return ScaledSchedule(schedule, factor)
    return tuple(
        (float(strength) * factor, float(fraction)) for strength, fraction in schedule
    )


class ScaledSchedule:
    """A callable schedule times a constant (picklable, unlike a closure).

    Parameters
    ----------
    schedule : callable
        ``schedule(step, max_iter) -> lambda``.
    factor : float
        Multiplier of every value.
    """

    def __init__(self, schedule, factor):
        self.schedule = schedule
        self.factor = factor

    def __call__(self, step, max_iter):
        return self.factor * self.schedule(step, max_iter)

    def __repr__(self):
        return f"ScaledSchedule({self.schedule!r}, {self.factor!r})"


def _called_value(schedule, step, max_iter):
    value = schedule(step, max_iter)
    if not isinstance(value, numbers.Real) and not (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        raise ValueError(
            f"A callable lambda_schedule must return one number per step; "
            f"schedule({step}, {max_iter}) returned {value!r}."
        )
    return float(value)


def _phase_values(phases, max_iter):
    try:
        phases = [(float(lam), float(fraction)) for lam, fraction in phases]
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "lambda_schedule must be a float, a callable (step, max_iter) -> "
            "lambda, or a sequence of (lambda, fraction_of_max_iter) pairs such "
            f"as ((1e-3, 0.25), (1e-2, 0.5), (1e-3, 0.25)); got {phases!r}."
        ) from exc
    if not phases:
        raise ValueError(
            "lambda_schedule is an empty sequence; give at least one phase."
        )
    fractions = np.array([fraction for _, fraction in phases])
    if (fractions <= 0).any() or not np.isclose(fractions.sum(), 1.0, atol=1e-6):
        raise ValueError(
            "The fractions of the lambda_schedule phases must be positive and "
            f"sum to 1; got {fractions.tolist()} (sum {fractions.sum():.6g})."
        )
    ends = np.rint(np.cumsum(fractions) * max_iter).astype(int)
    ends[-1] = max_iter
    values = np.empty(max_iter)
    start = 0
    for (lam, _), end in zip(phases, ends, strict=True):
        values[start:end] = lam
        start = max(start, end)
    return values


def final_stretch_start(values):
    """First step of the last constant stretch of a lambda schedule.

    Training may stop early only from this step on: before it, the schedule
    still has a phase to run (the strong phase that sparsifies the network,
    for the paper's schedule).

    Parameters
    ----------
    values : ndarray of shape (max_iter,)
        As returned by :func:`lambda_values`.

    Returns
    -------
    start : int
        ``0`` for a constant schedule, ``max_iter - 1`` for one that changes
        at every step.
    """
    changes = np.flatnonzero(values[1:] != values[:-1])
    return int(changes[-1]) + 1 if changes.size else 0
