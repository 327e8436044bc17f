"""Shared machinery of the BIMT estimators: parameters, fit, fitted attributes."""

from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from ._geometry import DISTANCE_NORMS, Geometry
from ._graph import DEFAULT_THRESHOLD, modules_and_modularity
from ._network import ACTIVATIONS, MLP, FlatLayout, init_parameters
from ._schedule import PAPER_SCHEDULE, lambda_values
from ._swap import swappable_layers
from ._training import train


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
        with threadpool_limits(n_threads, user_api="blas"):
            yield
    finally:
        torch.set_num_threads(previous)


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


def _to_tensor(array, device):
    """float32 copy of a numpy array on ``device`` (input may be read-only)."""
    return torch.from_numpy(np.array(array, dtype=np.float32, order="C")).to(device)


_ACCEPTED_DTYPES = (np.float64, np.float32, np.int64, np.int32)


def _token_ids(X, vocab_size=None):
    """Check that ``X`` holds integer token ids; return them as int64."""
    ids = np.asarray(X)
    if ids.dtype.kind == "f" and not np.array_equal(ids, np.round(ids)):
        raise ValueError(
            "With embedding_dim set, X must hold integer token ids; it contains "
            "non-integer values. Encode tokens as 0, 1, ..., vocab_size - 1."
        )
    if ids.size and ids.min() < 0:
        raise ValueError("Token ids in X must be >= 0; found a negative id.")
    if vocab_size is not None and ids.size and ids.max() >= vocab_size:
        raise ValueError(
            f"X holds token id {int(ids.max())}, but the model was fitted on ids "
            f"0..{vocab_size - 1}; unseen tokens have no embedding."
        )
    return ids.astype(np.int64)


def _neuron_layer_positions(geometry, layout):
    """Positions per MLP neuron layer: token layers stacked into the input."""
    positions = geometry.positions()
    n_tokens = layout.n_tokens or 1
    return [np.vstack(positions[:n_tokens]), *positions[n_tokens:]]


def _snapshot_record(step, layout, geometry, values, assignments):
    saved = geometry.get_state()
    geometry.set_state(assignments)
    coords = _neuron_layer_positions(geometry, layout)
    geometry.set_state(saved)
    values = values.double()
    return {
        "step": step,
        "coefs": [w.numpy().copy() for w in layout.weights(values)],
        "intercepts": [b.numpy().copy() for b in layout.biases(values)],
        "coords": coords,
    }


def _check_float32_range(array, name):
    """Refuse values that are finite in float64 but overflow torch's float32."""
    limit = np.finfo(np.float32).max
    if array.size and np.abs(array).max() > limit:
        raise ValueError(
            f"{name} holds values too large for float32 (|value| > {limit:.3g}), "
            "the precision BIMT trains in; rescale it, for example with "
            "StandardScaler."
        )


class BaseBIMT(BaseEstimator, metaclass=ABCMeta):
    """Base class of BIMT estimators. Use BIMTRegressor or BIMTClassifier."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "lambda_schedule": [
            Interval(Real, 0, None, closed="left"),
            "array-like",
            callable,
        ],
        "A": [Interval(Real, 0, None, closed="left")],
        "y_star": [Interval(Real, 0, None, closed="neither")],
        "k": [Interval(Integral, 1, None, closed="left")],
        "swap_every": [Interval(Integral, 1, None, closed="left"), None],
        "swap_inputs": ["boolean"],
        "swap_outputs": ["boolean"],
        "distance": [StrOptions(set(DISTANCE_NORMS))],
        "input_shape": ["array-like", None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "device": [str, torch.device],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "snapshot_every": [Interval(Integral, 1, None, closed="left"), None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "cost_reduction": [StrOptions({"sum", "mean"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(20, 20),
        *,
        activation="silu",
        lambda_schedule=PAPER_SCHEDULE,
        A=2.0,
        y_star=0.1,
        k=6,
        swap_every=200,
        swap_inputs=True,
        swap_outputs=True,
        distance="l1",
        input_shape=None,
        max_iter=20000,
        learning_rate=1e-3,
        batch_size=None,
        random_state=None,
        verbose=0,
        device="cpu",
        n_threads=1,
        snapshot_every=None,
        embedding_dim=None,
        cost_reduction="sum",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.lambda_schedule = lambda_schedule
        self.A = A
        self.y_star = y_star
        self.k = k
        self.swap_every = swap_every
        self.swap_inputs = swap_inputs
        self.swap_outputs = swap_outputs
        self.distance = distance
        self.input_shape = input_shape
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.random_state = random_state
        self.verbose = verbose
        self.device = device
        self.n_threads = n_threads
        self.snapshot_every = snapshot_every
        self.embedding_dim = embedding_dim
        self.cost_reduction = cost_reduction

    # -- hooks for the subclasses -------------------------------------------

    @abstractmethod
    def _validate_targets(self, y):
        """Check ``y``, set target attributes, return a float target matrix."""

    @property
    @abstractmethod
    def _loss(self):
        """Name of the training loss, see :mod:`skbimt._backprop`."""

    @abstractmethod
    def _output_labels(self):
        """Label of every output neuron."""

    # -- fitting --------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network with BIMT.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, y = validate_data(
            self,
            X,
            y,
            dtype=_ACCEPTED_DTYPES,
            multi_output=self._multi_output_y,
            y_numeric=self._loss == "squared_error",
        )
        target = self._validate_targets(y)
        _check_float32_range(target, "y")
        n_tokens = None
        for stale in ("embedding_", "vocab_size_", "snapshots_"):
            self.__dict__.pop(stale, None)
        if self.embedding_dim is None:
            X = X.astype(np.float32) if X.dtype.kind in "iu" else X
            _check_float32_range(X, "X")
            n_inputs = X.shape[1]
        else:
            X = _token_ids(X)
            self.vocab_size_ = int(X.max()) + 1
            n_tokens = X.shape[1]
            n_inputs = n_tokens * self.embedding_dim
        hidden = self._validated_hidden_sizes()
        layer_sizes = [n_inputs, *hidden, target.shape[1]]
        input_shape = self._validated_input_shape(X.shape[1])
        lambdas = lambda_values(self.lambda_schedule, self.max_iter)
        device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        generator = torch.Generator().manual_seed(int(rng.randint(2**31 - 1)))

        geometry = Geometry.stacked(
            layer_sizes,
            self.A,
            self.y_star,
            norm=self.distance,
            input_shape=input_shape,
            n_tokens=n_tokens,
        )
        if input_shape is not None:
            geometry.layers[0].swappable = False
        layout = FlatLayout(
            layer_sizes,
            n_tokens=n_tokens,
            vocab_size=None if n_tokens is None else self.vocab_size_,
        )
        with torch_threads(self.n_threads):
            flat = init_parameters(layout, generator).to(device)
            log = train(
                flat,
                layout,
                geometry,
                activation=self.activation,
                loss=self._loss,
                X=_to_tensor(X, device)
                if n_tokens is None
                else torch.from_numpy(X).to(device),
                target=_to_tensor(target, device),
                lambdas=lambdas,
                learning_rate=float(self.learning_rate),
                batch_size=self.batch_size,
                swap_every=self.swap_every,
                k=self.k,
                swap_layers=swappable_layers(
                    geometry, self.swap_inputs, self.swap_outputs
                ),
                rng=rng,
                verbose=self.verbose,
                snapshot_every=self.snapshot_every,
                cost_reduction=self.cost_reduction,
            )
        flat = flat.cpu().double()
        embedding = layout.embedding(flat)
        self._set_parameters(
            [w.numpy().copy() for w in layout.weights(flat)],
            [b.numpy().copy() for b in layout.biases(flat)],
            None if embedding is None else embedding.numpy().copy(),
        )
        if self.snapshot_every:
            self.snapshots_ = [
                _snapshot_record(step, layout, geometry, values, assignments)
                for step, values, assignments in log.snapshots
            ]
        self.geometry_ = geometry
        self.coords_ = _neuron_layer_positions(geometry, layout)
        self.n_iter_ = log.n_iter
        self.loss_curve_ = log.loss_curve
        self.connection_cost_curve_ = log.cost_curve
        self.swap_counts_ = np.asarray(log.n_swaps, dtype=int)
        self.n_layers_ = len(layer_sizes)
        self.n_outputs_ = target.shape[1]
        return self

    def _set_parameters(self, coefs, intercepts, embedding=None):
        """Install the parameters: ``coefs_``, ``intercepts_``, ``module_``.

        Prediction, modules and plots all read these; cached interpretation
        is dropped. Used by fit, pruning and ablation (on copies). With token
        input, ``embedding`` (default: the current ``embedding_``) is kept in
        ``embedding_``.
        """
        self.coefs_ = [np.asarray(w, dtype=np.float64) for w in coefs]
        self.intercepts_ = [np.asarray(b, dtype=np.float64) for b in intercepts]
        if embedding is None and self.embedding_dim is not None:
            embedding = self.embedding_
        if embedding is not None:
            self.embedding_ = np.asarray(embedding, dtype=np.float64)
        sizes = [self.coefs_[0].shape[0]] + [w.shape[1] for w in self.coefs_]
        # The exported network is float64 (holding the float32 values reached
        # in training) so that predictions do not depend on how many rows are
        # predicted at once, as scikit-learn expects.
        self.module_ = MLP.from_parameters(
            sizes,
            self.activation,
            self.coefs_,
            self.intercepts_,
            embedding=embedding,
            n_tokens=None if embedding is None else self.n_features_in_,
        )
        self._interpretation = None

    _multi_output_y = False

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

    def _validated_input_shape(self, n_features):
        if self.input_shape is None:
            return None
        shape = tuple(int(v) for v in np.ravel(self.input_shape))
        if len(shape) != 2 or min(shape) < 1 or shape[0] * shape[1] != n_features:
            raise ValueError(
                f"input_shape={self.input_shape!r} must be (height, width) with "
                f"height * width equal to the number of features, {n_features}."
            )
        return shape

    # -- prediction -----------------------------------------------------------

    def _forward(self, X):
        """Network output for ``X`` as a float64 array."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=_ACCEPTED_DTYPES, reset=False)
        if self.embedding_dim is not None:
            X = _token_ids(X, self.vocab_size_)
        with torch_threads(self.n_threads), torch.no_grad():
            output = self.module_(torch.tensor(X, dtype=torch.float64))
        return output.numpy()

    # -- interpretation -------------------------------------------------------

    def _interpret(self):
        check_is_fitted(self)
        if getattr(self, "_interpretation", None) is None:
            modules, modularity = modules_and_modularity(
                self.coefs_, threshold=DEFAULT_THRESHOLD
            )
            self._interpretation = {"modules": modules, "modularity": modularity}
        return self._interpretation

    @property
    def modules_(self):
        """Module of every neuron, per neuron layer (-1: inactive).

        Computed on first access from the fitted weights, see
        :func:`skbimt.modules_and_modularity`.
        """
        return self._interpret()["modules"]

    @property
    def modularity_(self):
        """Newman modularity of the weighted connectivity graph.

        Computed on first access, see :func:`skbimt.modules_and_modularity`.
        """
        return self._interpret()["modularity"]

    def neuron_labels(self):
        """Label of every neuron, per neuron layer.

        Inputs are named by ``feature_names_in_`` when fitted on a DataFrame,
        ``x0, x1, ...`` otherwise (``x0[j]``: dimension ``j`` of the embedding
        of token ``x0``, with token input); outputs by class or target; hidden neurons
        are ``h<layer>.<neuron>``.

        Returns
        -------
        labels : list of list of str
        """
        check_is_fitted(self)
        names = getattr(self, "feature_names_in_", None)
        inputs = (
            [str(n) for n in names]
            if names is not None
            else [f"x{i}" for i in range(self.n_features_in_)]
        )
        if self.embedding_dim is not None:
            inputs = [
                f"{name}[{j}]" for name in inputs for j in range(self.embedding_dim)
            ]
        hidden = [
            [f"h{layer}.{j}" for j in range(w.shape[1])]
            for layer, w in enumerate(self.coefs_[:-1], start=1)
        ]
        return [inputs, *hidden, self._output_labels()]


def _check_fitted_bimt(estimator, caller):
    """Refuse anything but a fitted BIMTRegressor or BIMTClassifier."""
    if not isinstance(estimator, BaseBIMT):
        raise TypeError(
            f"{caller} works on a fitted BIMTRegressor or BIMTClassifier, got "
            f"an object of type {type(estimator).__name__}."
        )
    check_is_fitted(
        estimator,
        msg=(
            f"{caller} needs a fitted estimator, but this %(name)s is not "
            "fitted yet; call its fit(X, y) first."
        ),
    )
