"""What a finished fit tells about its training: refusals and warnings.

A fit that never produced finite weights is refused; one that diverged, ended
worse than it started, learned a constant or was interrupted is kept with a
warning that says what to change.
"""

import numpy as np

from ._engine.schedule import final_stretch_start
from ._engine.training import CHECK_EVERY
from ._validation import warn
from .exceptions import DivergenceWarning

#: How the warning about a network that predicts a constant begins.
LEARNED_NOTHING = "The fitted network predicts (almost) the same for every"


def predicts_a_constant(estimator, X, y, sample_weight=None):
    """Whether a fitted network's output hardly varies over ``X``.

    For a classifier, its class probabilities vary by less than 0.01 although
    ``y`` holds two classes or more; for a regressor, its predictions vary by
    less than 1 % of the spread of ``y``. Samples of zero weight are left out.
    """
    classifier = hasattr(estimator, "predict_proba")
    if y is None and not classifier:
        return False
    output = estimator.predict_proba(X) if classifier else estimator.predict(X)
    output = np.asarray(output).reshape(len(output), -1)
    if y is not None:
        y = np.asarray(y)
        if sample_weight is not None:
            kept = np.asarray(sample_weight) > 0
            output, y = output[kept], y[kept]
        if classifier and np.unique(y).size < 2:
            return False
    if classifier:
        return bool(np.ptp(output, axis=0).max() < 0.01)
    return bool(np.ptp(output, axis=0).max() < 0.01 * np.ptp(y.astype(np.float64)))


#: How many times the untrained network's loss the kept weights' training
#: loss may reach before a fit counts as diverged. A network that the
#: connection cost empties ends near the constant prediction's loss, about
#: the untrained network's, so a factor of 2 leaves room for that.
LOSS_RISE_LIMIT = 2.0


def _loss_rise(log, window=CHECK_EVERY):
    """Ratio of the kept weights' training loss to the first step's, if too high.

    The kept weights are those of step ``best_step`` when early stopping
    restored them, else the last step's; their loss is the mean over the
    ``window`` steps before. Returns None when the ratio is at most
    ``LOSS_RISE_LIMIT`` (or there is nothing to compare).
    """
    restored = log.validation_scores and log.best_step is not None
    end = log.best_step if restored else log.n_iter
    if end < 2 or log.loss_curve is None or len(log.loss_curve) < end:
        return None
    start = float(log.loss_curve[0])
    kept = float(np.mean(log.loss_curve[max(1, end - window) : end]))
    if start <= 0 or not np.isfinite(kept) or kept <= LOSS_RISE_LIMIT * start:
        return None
    return kept / start


def check_training_outcome(estimator, log):
    """Refuse a fit that never produced finite weights."""
    if log.stop_reason == "diverged" and log.n_iter == 0:
        raise ValueError(
            f"Training of {type(estimator).__name__} diverged within its first "
            "100 steps: the loss became NaN or infinite before any weights "
            "could be kept. Lower learning_rate or alpha, or "
            "scale X (and y for regression), for example with "
            "standardize=True. The estimator was left as it was."
        )


def empty_network_advice(how_to_weaken):
    """What to change when a fit learned nothing; ``how_to_weaken`` the cost."""
    return (
        "Either the connection cost shrank every weight to about zero "
        f"({how_to_weaken}), or training was too short (raise max_iter), or "
        "the inputs carry no signal about y."
    )


def warn_about_training(estimator, log, lambdas, X, y, sample_weight):
    """Warn when a fit diverged, got worse, learned nothing or was interrupted."""
    stretch = final_stretch_start(lambdas)
    unfinished = ""
    if log.n_iter < stretch:
        unfinished = (
            f" It stopped before the last phase of lambda_schedule, which "
            f"starts at step {stretch}, so the network may not be sparse "
            "yet."
        )
    if log.stop_reason == "diverged":
        warn(
            "The training loss became NaN or infinite; training stopped and "
            f"the model keeps the last finite weights, from step "
            f"{log.n_iter}.{unfinished} Lower learning_rate or alpha, or "
            "scale X (and y for regression).",
            DivergenceWarning,
        )
    elif (rise := _loss_rise(log)) is not None:
        warn(
            f"The training loss ended {rise:.3g} times higher than the "
            "untrained network's: training diverged without overflowing, "
            f"and the model is worse than its starting point.{unfinished} "
            "Lower learning_rate or alpha, or scale X (and y for "
            "regression).",
            DivergenceWarning,
        )
    elif predicts_a_constant(estimator, X, y, sample_weight):
        warn(
            f"{LEARNED_NOTHING} training sample: it has learned nothing, "
            "and its wiring (modules_, feature_importances_, the plots) is "
            f"noise around zero.{unfinished} "
            f"{estimator._advice_when_learned_nothing()}",
            UserWarning,
        )
    elif log.stop_reason == "interrupted":
        warn(
            f"Training interrupted by user at step {log.interrupted_at}; the "
            f"model keeps the weights of step {log.n_iter}, the last check."
            f"{unfinished}",
            UserWarning,
        )
