"""Shared machinery of the BIMT estimators: parameters, fit, fitted attributes.

``fit`` reads as validate -> build -> train -> export. Every step before the
last works on local variables; the fitted attributes are assigned together at
the end, so a fit that fails (bad data, bad parameters, a diverged start)
leaves the estimator exactly as it was.
"""

from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from numbers import Integral, Real

import numpy as np
import torch
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import ThreadpoolController

from ._batching import one_pass_steps, resolved_batch_size
from ._building import DTYPES, initial_network, neuron_layer_positions
from ._connectivity import (
    DEFAULT_THRESHOLD,
    modules_and_modularity,
)
from ._diagnosis import (
    check_training_outcome,
    empty_network_advice,
    warn_about_training,
)
from ._engine.geometry import DISTANCE_NORMS
from ._engine.network import ACTIVATIONS, MLP, forward
from ._engine.schedule import lambda_values, scaled
from ._engine.sparse import SparseRows
from ._engine.swap import swappable_layers
from ._engine.training import TrainingData, TrainingSettings, joined_logs, train
from ._fit_data import ACCEPTED_DTYPES, token_ids, validate_fit_data
from ._incremental import (
    check_same_network,
    continued_history,
    fitted_network,
    fitted_scalings,
    partial_fit_lambdas,
    warm_start_strength,
)
from ._part_split import SPLIT_FRACTION, interaction_inputs, split_plan
from ._parts import estimator_importances, reference_rows
from ._prediction import network_output
from ._scaling import Scaling, fold
from ._sparse_input import SPARSE_FORMATS, check_sparse_input
from ._validation import warn
from .exceptions import DivergenceWarning

#: The default lambda schedule, chosen on real tables (benchmarks/tabular.py):
#: a weak quarter lets the network fit, then a ten times stronger cost
#: sparsifies it and holds it sparse to the end. Unlike the paper's schedule
#: there is no weak final phase, in which small tables overfit.
DEFAULT_SCHEDULE = ((3e-3, 0.25), (3e-2, 0.75))
#: ``lambda_schedule="auto"`` is DEFAULT_SCHEDULE up to the first number of
#: training rows, the size of the tables it was chosen on (120-460 rows); its
#: strengths then shrink as the square root of the rows up to the second
#: (a tenth of the tuned strengths), and stay there beyond (see auto_schedule).
AUTO_SCHEDULE_ROWS = (500, 50_000)


def auto_schedule(n_rows):
    """What ``lambda_schedule="auto"`` stands for on ``n_rows`` training rows.

    The prediction loss is a mean over the rows while the connection cost is
    not, so a fixed lambda charges each connection as much on 5,000 rows as
    on 500, although the rows are surer evidence that it is needed; a fixed
    strength underfits large tables. Dividing lambda by the rows themselves
    (as a prior is weighed against a likelihood summed over them) overshoots
    on noisy tables: on a 3,000-row wage table it let the network fit the
    noise (R^2 0.24-0.28 against 0.34-0.35 for the square root), while on
    ``make_hastie_10_2`` (4,000 rows, every input counts), titanic,
    concrete and digits the two rules scored within 0.005. So the strengths
    shrink as ``sqrt(500 / n_rows)``: the tuned default up to 500 rows, a
    tenth from 50,000 rows on, where weaker strengths wire noise inputs.

    Parameters
    ----------
    n_rows : float
        Rows the network trains on: the sum of their sample weights.

    Returns
    -------
    schedule : tuple of (float, float)
        ``DEFAULT_SCHEDULE`` with its strengths times
        ``sqrt(500 / clip(n_rows, 500, 50_000))`` (``AUTO_SCHEDULE_ROWS``).
    """
    fewest, most = AUTO_SCHEDULE_ROWS
    factor = float(np.sqrt(fewest / min(max(n_rows, fewest), most)))
    return tuple(
        (strength * factor, fraction) for strength, fraction in DEFAULT_SCHEDULE
    )


def is_auto(lambda_schedule):
    """Whether ``lambda_schedule`` is the string ``"auto"``."""
    return isinstance(lambda_schedule, str) and lambda_schedule == "auto"


def training_rows(data):
    """Rows a fit trains on, counted as the sum of their sample weights.

    A weight counts as that many repetitions of its row, scikit-learn's
    convention and the MLP's for ``alpha``: weighted and repeated rows then
    train the same way, and rows weighted zero count for none.
    """
    weights = data.sample_weight
    return data.X.shape[0] if weights is None else float(weights.sum())


def resolved_schedule(lambda_schedule, alpha, data):
    """The schedule a fit trains with: ``"auto"`` resolved, times ``alpha``."""
    if is_auto(lambda_schedule):
        lambda_schedule = auto_schedule(training_rows(data))
    return scaled(lambda_schedule, alpha)


@contextmanager
def torch_threads(n_threads):
    """Limit torch and numpy's BLAS to ``n_threads`` threads, then restore them.

    The swap search runs numpy matrix products: without the BLAS limit they
    fight parallel fits for the cores.
    """
    if n_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        with _blas_controller().limit(limits=n_threads, user_api="blas"):
            yield
    finally:
        torch.set_num_threads(previous)


@cache
def _blas_controller():
    # Finding the loaded BLAS libraries reads the process's memory map, about
    # 7 ms: a twentieth of a small table's CV fit, which trains 16 times.
    # numpy loads its BLAS on import, before any fit, so one search will do.
    return ThreadpoolController()


def resolve_device(device):
    """Check that torch can use ``device`` and return it as ``torch.device``."""
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'cpu', 'cuda' or 'cuda:N'."
        ) from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but torch finds no CUDA GPU "
            "(torch.cuda.is_available() is False); use device='cpu'."
        )
    if resolved.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device={device!r} was requested but MPS is not available.")
    return resolved


class BaseBIMT(BaseEstimator, metaclass=ABCMeta):
    """Base class of BIMT estimators. Use BIMTRegressor or BIMTClassifier."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "lambda_schedule": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="left"),
            "array-like",
            callable,
        ],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "A": [Interval(Real, 0, None, closed="left")],
        "y_star": [Interval(Real, 0, None, closed="neither")],
        "k": [Interval(Integral, 1, None, closed="left")],
        "swap_every": [Interval(Integral, 1, None, closed="left"), None],
        "swap_inputs": ["boolean"],
        "swap_outputs": ["boolean"],
        "distance": [StrOptions(set(DISTANCE_NORMS))],
        "input_shape": ["array-like", None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "cost_reduction": [StrOptions({"sum", "mean"})],
        "input_cost": [Interval(Real, 0, None, closed="left")],
        "standardize": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "dtype": [StrOptions(set(DTYPES))],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "device": [str, torch.device],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "snapshot_every": [Interval(Integral, 1, None, closed="left"), None],
        "split_parts": ["boolean"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(20, 20),
        *,
        activation="silu",
        lambda_schedule="auto",
        alpha=1.0,
        A=2.0,
        y_star=0.1,
        k=6,
        swap_every=200,
        swap_inputs=True,
        swap_outputs=True,
        distance="l1",
        input_shape=None,
        embedding_dim=None,
        cost_reduction="sum",
        input_cost=1.0,
        standardize=True,
        max_iter=1000,
        learning_rate=1e-2,
        weight_decay=0.0,
        batch_size="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        dtype="float32",
        random_state=None,
        verbose=0,
        device="cpu",
        n_threads=1,
        snapshot_every=None,
        split_parts=False,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.lambda_schedule = lambda_schedule
        self.alpha = alpha
        self.A = A
        self.y_star = y_star
        self.k = k
        self.swap_every = swap_every
        self.swap_inputs = swap_inputs
        self.swap_outputs = swap_outputs
        self.distance = distance
        self.input_shape = input_shape
        self.embedding_dim = embedding_dim
        self.cost_reduction = cost_reduction
        self.input_cost = input_cost
        self.standardize = standardize
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.device = device
        self.n_threads = n_threads
        self.snapshot_every = snapshot_every
        self.split_parts = split_parts
        self.warm_start = warm_start

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Numeric X may be a scipy sparse matrix (skbimt._sparse_input).
        tags.input_tags.sparse = True
        return tags

    # -- hooks for the subclasses -------------------------------------------

    @abstractmethod
    def _encode_targets(self, y, classes=None):
        """Check ``y``; return a float target matrix and target attributes.

        ``classes``, when given, are a classifier's classes (``partial_fit``,
        continued training) rather than those found in ``y``.
        """

    @property
    @abstractmethod
    def _loss(self):
        """Name of the training loss, see :mod:`skbimt._engine.backprop`."""

    @abstractmethod
    def _output_labels(self):
        """Label of every output neuron."""

    @abstractmethod
    def _validation_score(self, output, target, sample_weight, loss):
        """Score (greater is better) of network outputs on validation data.

        ``loss`` is the network's training loss (``skbimt._fit_data.OUTPUT_LOSSES``).
        """

    def _validation_output_range(self, data):
        """``(low, high)`` that outputs are clipped to before the early-stopping
        score, as ``predict`` clips them; None leaves them as they are."""
        return None

    #: Whether y may have several columns, and is standardised with X.
    _multi_output_y = False
    _scales_target = False

    # -- fitting --------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network with BIMT.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the prediction loss (a weighted mean
            over samples); None weighs every sample equally.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if self.warm_start and hasattr(self, "scaled_coefs_"):
            return self._continue(X, y, sample_weight, incremental=False)
        return self._fit(X, y, sample_weight, self.lambda_schedule, self.alpha)

    def _new_network(self, X, y, sample_weight, **fit_data_options):
        """Checked fit data and an untrained network for it.

        The start of every training from scratch (``fit``, a first
        ``partial_fit``, a CV fold's path). ``fit_data_options`` go to
        :func:`~skbimt._fit_data.validate_fit_data`.

        Returns
        -------
        data, network, device, rng
            The data to train on, the network, the torch device and the
            random state that drew the validation split and the weights.
        """
        hidden = self._validated_hidden_sizes()
        self._check_weight_decay()
        device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        data = validate_fit_data(
            self, X, y, sample_weight, hidden, rng, **fit_data_options
        )
        network = initial_network(
            self,
            data.layer_sizes,
            rng,
            data.n_tokens,
            data.vocab_size,
            data.input_shape,
            data.loss,
        )
        return data, network, device, rng

    def _fit(self, X, y, sample_weight, lambda_schedule, alpha, extra_attributes=None):
        """Train with ``alpha`` times ``lambda_schedule``; install with extras."""
        data, network, device, rng = self._new_network(X, y, sample_weight)
        lambda_schedule = resolved_schedule(lambda_schedule, alpha, data)
        lambdas = lambda_values(lambda_schedule, self.max_iter)
        extra_attributes = {"lambda_schedule_": lambda_schedule} | (
            extra_attributes or {}
        )
        with torch_threads(self.n_threads):
            log = self._train(network, data, lambdas, device, rng)
            if self.split_parts:
                log = self._split_parts(network, data, log, lambdas, device, rng)
        check_training_outcome(self, log)
        extra_attributes["_optimizer_state"] = network.optimizer_state
        self._install(self._export(network, data, log) | extra_attributes)
        warn_about_training(self, log, lambdas, X, y, sample_weight)
        return self

    def _split_parts(self, network, data, log, lambdas, device, rng):
        """Train on with the cross-links of non-interacting inputs held at zero.

        See :mod:`skbimt._part_split`. Returns the log of both trainings
        together; the network is left as it is when no part splits, or
        when the first training did not end normally.
        """
        if log.stop_reason not in ("max_iter", "converged"):
            return log
        layout, flat = network.layout, network.flat
        split = split_plan(
            [w.numpy() for w in layout.weights(flat)],
            [b.numpy() for b in layout.biases(flat)],
            network.activation,
            interaction_inputs(data.X, _numpy_or_none(layout.embedding(flat))),
            DEFAULT_THRESHOLD,
        )
        if split is None:
            return log
        flat = flat.clone()
        mask = torch.ones_like(flat)
        for views, values in [
            (layout.weights(flat), split.coefs),
            (layout.biases(flat), split.intercepts),
            (layout.weights(mask), split.masks),
        ]:
            for view, value in zip(views, values, strict=True):
                view.copy_(torch.as_tensor(value))
        # Adam's moments belong to the neurons before the copies moved in.
        network.optimizer_state = None
        network.flat = flat.to(DTYPES[self.dtype])
        n_steps = max(1, round(SPLIT_FRACTION * self.max_iter))
        split_log = self._train(
            network,
            data,
            np.full(n_steps, lambdas[-1]),
            device,
            rng,
            first_step=log.n_iter,
            mask=mask,
        )
        return joined_logs(log, split_log)

    # -- continued training (warm_start, partial_fit; see _incremental) ------

    #: Whether the estimator continues training (partial_fit); not the CV ones.
    _continues_training = True

    def _partial_fit(self, X, y, sample_weight, classes=None):
        """One pass over ``(X, y)``: a new network's first, or the next."""
        if not hasattr(self, "scaled_coefs_"):
            return self._start_partial_fit(X, y, sample_weight, classes)
        return self._continue(X, y, sample_weight, incremental=True)

    def _start_partial_fit(self, X, y, sample_weight, classes):
        """First ``partial_fit`` call: a new network, one pass over the rows."""
        data, network, device, rng = self._new_network(
            X, y, sample_weight, classes=classes, hold_out=False
        )
        schedule = resolved_schedule(self.lambda_schedule, self.alpha, data)
        lambdas = partial_fit_lambdas(
            schedule,
            self.max_iter,
            0,
            one_pass_steps(data.X.shape[0], self.batch_size),
        )
        with torch_threads(self.n_threads):
            log = self._train(network, data, lambdas, device, rng, tol=None)
        self._finish_continued(network, data, log, schedule, None)
        return self

    def _continue(self, X, y, sample_weight, incremental):
        """Train the fitted network further on ``(X, y)``; install at the end.

        ``incremental``: one pass over the rows at the schedule's strengths
        from ``n_iter_`` on (``partial_fit``); otherwise ``max_iter`` steps
        at the final strength (``warm_start``).
        """
        hidden = self._validated_hidden_sizes()
        self._check_weight_decay()
        device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        check_sparse_input(self, X)
        # The fitted network's features: their number and names.
        validate_data(self, X, accept_sparse=SPARSE_FORMATS, dtype=None, reset=False)
        data = validate_fit_data(
            self,
            X,
            y,
            sample_weight,
            hidden,
            rng,
            classes=getattr(self, "classes_", None),
            scalings=fitted_scalings(self),
            hold_out=not incremental,
        )
        check_same_network(self, data, hidden)
        network = fitted_network(self, data.loss, DTYPES[self.dtype])
        if incremental:
            schedule = self.lambda_schedule_
            steps = one_pass_steps(data.X.shape[0], self.batch_size)
            lambdas = partial_fit_lambdas(schedule, self.max_iter, self.n_iter_, steps)
        else:
            strength = warm_start_strength(
                resolved_schedule(self.lambda_schedule, self.alpha, data),
                self.max_iter,
            )
            schedule = strength
            lambdas = np.full(self.max_iter, strength)
        settings = {"first_step": self.n_iter_}
        if incremental:
            settings["tol"] = None
        with torch_threads(self.n_threads):
            log = self._train(network, data, lambdas, device, rng, **settings)
        self._finish_continued(network, data, log, schedule, self)
        if not incremental:
            warn_about_training(self, log, lambdas, X, y, sample_weight)
        return self

    def _finish_continued(self, network, data, log, schedule, earlier):
        """Install the continued network; ``earlier``'s history comes first."""
        check_training_outcome(self, log)
        attributes = self._export(network, data, log)
        if earlier is not None:
            attributes = continued_history(earlier, attributes)
        attributes["lambda_schedule_"] = schedule
        attributes["_optimizer_state"] = network.optimizer_state
        self._install(attributes)
        if log.stop_reason == "diverged":
            warn(
                "The training loss became NaN or infinite; training stopped and "
                "the model keeps the last finite weights. Lower learning_rate "
                "or alpha, or scale X (and y for regression).",
                DivergenceWarning,
            )

    def _train(self, network, data, lambdas, device, rng, **overrides):
        """Run the training loop on ``device``; return its log.

        ``overrides`` replace fields of the engine's ``TrainingSettings``
        (``first_step``, ``tol``) for continued training.
        """
        dtype = network.flat.dtype
        network.flat = network.flat.to(device)

        def tensor(array, kind=dtype):
            return torch.as_tensor(np.ascontiguousarray(array), dtype=kind).to(device)

        X_kind = torch.int64 if data.n_tokens else dtype
        training = TrainingData(
            X=SparseRows(data.X, dtype, device)
            if issparse(data.X)
            else tensor(data.X, X_kind),
            target=tensor(data.target),
            sample_weight=None
            if data.sample_weight is None
            else tensor(data.sample_weight),
        )
        validation_score = None
        if data.validation is not None:
            X_val, target_val, weight_val = data.validation
            output_range = self._validation_output_range(data)

            def validation_score(flat):
                values = flat.detach().to("cpu", torch.float64)
                output = forward(
                    [w.numpy() for w in network.layout.weights(values)],
                    [b.numpy() for b in network.layout.biases(values)],
                    network.activation,
                    X_val,
                    _numpy_or_none(network.layout.embedding(values)),
                )
                if output_range is not None:
                    output = np.clip(output, *output_range)
                return self._validation_score(
                    output, target_val, weight_val, network.loss
                )

        settings = self._training_settings(
            network, lambdas, len(training.target), validation_score
        )
        log = train(network, training, replace(settings, **overrides), rng)
        network.flat = network.flat.detach().to("cpu", torch.float64)
        return log

    def _training_settings(self, network, lambdas, n_rows, validation_score=None):
        """The engine's settings for this estimator's hyperparameters.

        ``n_rows``: the rows trained on, which ``batch_size="auto"`` needs.
        """
        return TrainingSettings(
            lambdas=lambdas,
            learning_rate=float(self.learning_rate),
            weight_decay=float(self.weight_decay),
            batch_size=resolved_batch_size(self.batch_size, n_rows),
            swap_every=self.swap_every,
            k=self.k,
            swap_layers=swappable_layers(
                network.geometry, self.swap_inputs, self.swap_outputs
            ),
            cost_reduction=self.cost_reduction,
            input_cost=float(self.input_cost),
            snapshot_every=self.snapshot_every,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            validation_score=validation_score,
            verbose=self.verbose,
        )

    def _stratify(self, target, out_activation):
        """Labels to stratify the validation split on; None for regression."""
        return None

    def _export(self, network, data, log):
        """The fitted attributes of a trained network, as a dict."""
        layout = network.layout
        flat = network.flat
        embedding = _numpy_or_none(layout.embedding(flat))
        scaled_coefs = [w.numpy().copy() for w in layout.weights(flat)]
        scaled_intercepts = [b.numpy().copy() for b in layout.biases(flat)]
        attributes = dict(data.attributes)
        attributes.update(
            geometry_=network.geometry,
            coords_=neuron_layer_positions(network.geometry, data.n_tokens),
            n_iter_=log.n_iter,
            loss_curve_=log.loss_curve,
            connection_cost_curve_=log.cost_curve,
            swap_counts_=np.asarray(log.n_swaps, dtype=int),
            n_layers_=len(data.layer_sizes),
            n_outputs_=data.layer_sizes[-1],
            x_mean_=None if data.input_scaling is None else data.input_scaling.mean,
            x_scale_=None if data.input_scaling is None else data.input_scaling.scale,
            # Rows to measure feature_importances_ on, in training units.
            _reference_rows_=reference_rows(data.X, data.sample_weight),
        )
        if data.target_scaling is not None:
            attributes["y_mean_"] = data.target_scaling.mean
            attributes["y_scale_"] = data.target_scaling.scale
        if self.early_stopping:
            attributes["validation_scores_"] = list(log.validation_scores)
            attributes["best_validation_score_"] = log.best_value
            attributes["best_loss_"] = None
        elif self.tol is not None:
            attributes["best_loss_"] = log.best_value
        if embedding is not None:
            attributes["embedding_"] = embedding
        if self.snapshot_every:
            attributes["snapshots_"] = [
                {
                    "step": step,
                    "coefs": [
                        w.double().numpy().copy() for w in layout.weights(values)
                    ],
                    "intercepts": [
                        b.double().numpy().copy() for b in layout.biases(values)
                    ],
                    "coords": neuron_layer_positions(
                        network.geometry, data.n_tokens, assignments
                    ),
                }
                for step, values, assignments in log.snapshots
            ]
        attributes.update(
            _parameter_attributes(
                scaled_coefs,
                scaled_intercepts,
                attributes["x_mean_"],
                attributes["x_scale_"],
                attributes.get("y_mean_"),
                attributes.get("y_scale_"),
            )
        )
        return attributes

    def _advice_when_learned_nothing(self):
        """What to change when the fitted network predicts a constant."""
        return empty_network_advice(
            "lower alpha, or let BIMTRegressorCV / BIMTClassifierCV choose it"
        )

    def _install(self, attributes):
        """Replace every fitted attribute by ``attributes`` at once."""
        for name in [
            n for n in vars(self) if n.endswith("_") and not n.startswith("__")
        ]:
            delattr(self, name)
        self._interpretation = None
        for name, value in attributes.items():
            setattr(self, name, value)

    def _set_scaled_parameters(self, coefs, intercepts, embedding=None):
        """Install new training-unit parameters (prune, knockout) and fold them.

        ``coefs_``, ``intercepts_`` and the cached modules follow; a token
        embedding is replaced when given.
        """
        if embedding is not None:
            self.embedding_ = np.asarray(embedding, dtype=np.float64)
        for name, value in _parameter_attributes(
            coefs,
            intercepts,
            self.x_mean_,
            self.x_scale_,
            getattr(self, "y_mean_", None),
            getattr(self, "y_scale_", None),
        ).items():
            setattr(self, name, value)
        self._interpretation = None

    def _validated_hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral):
            sizes = [sizes]
        sizes = list(sizes)
        if not all(
            isinstance(n, Integral) and not isinstance(n, bool) and n > 0 for n in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must be a sequence of positive integers, got "
                f"{self.hidden_layer_sizes!r}."
            )
        return [int(n) for n in sizes]

    def _check_weight_decay(self):
        shrink = self.learning_rate * self.weight_decay
        if shrink >= 1:
            raise ValueError(
                f"learning_rate * weight_decay must be below 1, got "
                f"{self.learning_rate} * {self.weight_decay} = {shrink:g}: each "
                "step multiplies the parameters by 1 - learning_rate * "
                "weight_decay. Lower weight_decay or learning_rate."
            )

    def _validated_input_shape(self, n_features):
        if self.input_shape is None:
            return None
        if self.embedding_dim is not None:
            raise ValueError(
                "input_shape (image input) and embedding_dim (token input) "
                "describe different kinds of input and cannot be combined; set "
                "one of them to None."
            )
        shape = tuple(int(v) for v in np.ravel(self.input_shape))
        if len(shape) != 2 or min(shape) < 1 or shape[0] * shape[1] != n_features:
            raise ValueError(
                f"input_shape={self.input_shape!r} must be (height, width) with "
                f"height * width equal to the number of features, {n_features}."
            )
        return shape

    # -- prediction -----------------------------------------------------------

    def _forward(self, X):
        """Network output for ``X`` in the user's units.

        float32 for float32 ``X`` (as scikit-learn's MLP), else float64; see
        :mod:`skbimt._prediction`.
        """
        check_is_fitted(self)
        check_sparse_input(self, X)
        X = validate_data(
            self, X, accept_sparse=SPARSE_FORMATS, dtype=ACCEPTED_DTYPES, reset=False
        )
        if self.embedding_dim is not None:
            X = token_ids(X, self.vocab_size_)
        return network_output(self, X)

    def to_torch(self):
        """The fitted network as a torch module, in the user's units.

        Returns
        -------
        module : skbimt.nn.MLP
            A float64 copy on the CPU: ``module(torch.as_tensor(X))`` gives the
            network output of ``X`` (the prediction of a regressor, the class
            logits of a classifier).
        """
        check_is_fitted(self)
        embedding = getattr(self, "embedding_", None)
        return MLP.from_parameters(
            [self.coefs_[0].shape[0]] + [w.shape[1] for w in self.coefs_],
            self.activation,
            self.coefs_,
            self.intercepts_,
            embedding=embedding,
            n_tokens=None if embedding is None else self.n_features_in_,
        )

    @property
    def module_(self):
        """Deprecated: the fitted network as a torch module; use ``to_torch()``."""
        warn(
            "module_ is deprecated and will be removed in skbimt 0.3; use "
            "to_torch(), which returns the same float64 torch module.",
            FutureWarning,
        )
        return self.to_torch()

    # -- interpretation -------------------------------------------------------

    def _interpret(self):
        check_is_fitted(self)
        if getattr(self, "_interpretation", None) is None:
            modules, modularity = modules_and_modularity(
                self.scaled_coefs_, threshold=DEFAULT_THRESHOLD
            )
            self._interpretation = {"modules": modules, "modularity": modularity}
        return self._interpretation

    @property
    def modules_(self):
        """Module of every neuron, per neuron layer (-1: inactive).

        Computed on first access from the fitted weights, see
        :func:`skbimt.inspection.modules_and_modularity`.
        """
        return self._interpret()["modules"]

    @property
    def modularity_(self):
        """Newman modularity of the weighted connectivity graph.

        Computed on first access, see
        :func:`skbimt.inspection.modules_and_modularity`.
        """
        return self._interpret()["modularity"]

    @property
    def feature_importances_(self):
        """What each input feature does to the prediction; sums to 1.

        Read on the visible network (weights above 1 % of their matrix's
        largest ``|w|``, what :class:`~skbimt.inspection.NetworkDisplay`
        draws), which is a sum of parts (see
        :func:`skbimt.inspection.find_parts`). Each part's contribution
        varies over up to 256 training rows kept at fit; that variance is
        shared among the part's inputs in proportion to how much the
        contribution changes when each input alone is taken from another
        row. An input with no visible path to an output gets exactly 0. With
        token input, the sum over the token's embedding dimensions. Read by
        :class:`~sklearn.feature_selection.SelectFromModel`;
        :class:`~skbimt.BIMTSelector` thresholds the path strengths instead.
        """
        check_is_fitted(self)
        return estimator_importances(self, DEFAULT_THRESHOLD)

    def neuron_labels(self, feature_names=None, target_names=None):
        """Label of every neuron, per neuron layer.

        Inputs are named by ``feature_names``, else by ``feature_names_in_``
        when fitted on a DataFrame, else ``x0, x1, ...`` (``x0[j]``: dimension
        ``j`` of the embedding of token ``x0``, with token input). Outputs are
        named by ``target_names``, else by class (a classifier) or by the
        target's Series name or DataFrame columns (a regressor), else ``y0,
        y1, ...``. Hidden neurons are ``h<layer>.<neuron>``.

        Parameters
        ----------
        feature_names : array-like of str, default=None
            One name per input feature (``n_features_in_``), for example
            those of the transformers before the network in a pipeline.
        target_names : array-like of str, default=None
            One name per output neuron: per class for a classifier (in the
            order of ``classes_``), per target column for a regressor.

        Returns
        -------
        labels : list of list of str
        """
        check_is_fitted(self)
        if feature_names is not None:
            inputs = _checked_names(
                feature_names, self.n_features_in_, "feature_names", "input feature"
            )
        elif getattr(self, "feature_names_in_", None) is not None:
            inputs = [str(name) for name in self.feature_names_in_]
        else:
            inputs = [f"x{i}" for i in range(self.n_features_in_)]
        if self.embedding_dim is not None:
            inputs = [
                f"{name}[{j}]" for name in inputs for j in range(self.embedding_dim)
            ]
        hidden = [
            [f"h{layer}.{j}" for j in range(w.shape[1])]
            for layer, w in enumerate(self.coefs_[:-1], start=1)
        ]
        outputs = self._output_labels()
        if target_names is not None:
            outputs = _checked_names(
                target_names, len(outputs), "target_names", "output neuron"
            )
        return [inputs, *hidden, outputs]


def _checked_names(names, count, parameter, what):
    """``names`` as strings, checked to hold one name per ``what``."""
    if isinstance(names, str) or len(names) != count:
        raise ValueError(
            f"{parameter} must hold {count} names, one per {what}, got {names!r}."
        )
    return [str(name) for name in names]


def _numpy_or_none(tensor):
    return None if tensor is None else tensor.numpy().copy()


def _parameter_attributes(
    scaled_coefs, scaled_intercepts, x_mean, x_scale, y_mean, y_scale
):
    """Training-unit parameters and their fold into the user's units."""
    scaled_coefs = [np.asarray(w, dtype=np.float64) for w in scaled_coefs]
    scaled_intercepts = [np.asarray(b, dtype=np.float64) for b in scaled_intercepts]
    input_scaling = None if x_mean is None else Scaling(x_mean, x_scale)
    target_scaling = None if y_mean is None else Scaling(y_mean, y_scale)
    coefs, intercepts = fold(
        scaled_coefs, scaled_intercepts, input_scaling, target_scaling
    )
    return {
        "scaled_coefs_": scaled_coefs,
        "scaled_intercepts_": scaled_intercepts,
        "coefs_": coefs,
        "intercepts_": intercepts,
    }
