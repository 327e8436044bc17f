"""BIMTRegressor and BIMTClassifier."""

import numpy as np
from scipy.special import expit
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._available_if import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from ._base import BaseBIMT
from ._fit_data import target_range


def _continues_training(estimator):
    """Whether ``partial_fit`` is offered (not by the CV estimators)."""
    return estimator._continues_training


_SHARED_PARAMETERS = """
    hidden_layer_sizes : array-like of int, default=(20, 20)
        Neurons of each hidden layer.

    activation : {"silu", "relu", "tanh", "sigmoid", "identity"}, default="silu"
        Hidden activation. The paper uses SiLU.

    lambda_schedule : "auto", float, sequence of (float, float) or callable, \
default="auto"
        Regularization strength ``lambda`` of the connection cost over
        training: a constant; ``(lambda, fraction_of_max_iter)`` phases run in
        order, fractions summing to 1; or ``callable(step, max_iter)``.
        ``"auto"`` is ``((3e-3, 0.25), (3e-2, 0.75))``, chosen on real tables
        (``benchmarks/tabular.py``): a weak quarter lets the network fit, a
        ten times stronger cost then sparsifies it and keeps it sparse to the
        end. Above 500 training rows both strengths are multiplied by
        ``sqrt(500 / n_rows)``, down to a tenth from 50,000 rows on: the mean
        loss over more rows is surer of each connection it needs, but noisy
        targets need a firm cost still. Rows count as the sum of
        ``sample_weight``: a weight of 2 is a repeated row. ``alpha``
        multiplies the result.
        ``lambda_schedule_`` holds the schedule used.
        The paper's schedule, ``((1e-3, 0.25), (1e-2, 0.5), (1e-3, 0.25))``,
        ends with a weak phase in which the loss recovers; see
        :func:`skbimt.datasets.paper_settings`. ``0`` trains a vanilla
        network. To tune the strength, search over ``alpha``, which keeps
        this shape; a float here replaces it by a constant.

    alpha : float, default=1.0
        Regularization strength: every ``lambda`` of ``lambda_schedule``
        (after ``"auto"`` is resolved) is multiplied by it. This is the knob
        to grid-search, on a log scale around 1, e.g. ``[0.3, 1, 3, 10]``:
        larger values give sparser, more readable networks, smaller ones
        fit more closely (and overfit small noisy tables quickly: below
        ``0.3`` the default network can score worse than a constant there).
        ``0`` trains a vanilla network.

    A : float, default=2.0
        Width of each layer: neurons sit evenly over ``[0, A]``. ``A=0`` puts
        every neuron at the same place, which turns the connection cost into
        plain L1 regularization.

    y_star : float, default=0.1
        Vertical distance between consecutive layers; also the length charged
        for each bias.

    k : int, default=6
        Neurons per layer (the ``k`` highest scores, Eq. 5) the swap search
        tries to move at each swap pass.

    swap_every : int or None, default=200
        Training steps between swap passes; None disables swaps.

    swap_inputs : bool, default=True
        Whether input neurons may be swapped.

    swap_outputs : bool, default=True
        Whether output neurons may be swapped.

    distance : {"l1", "l2"}, default="l1"
        Norm giving the length of a connection: ``|dx| + y_star`` (l1) or
        ``sqrt(dx^2 + y_star^2)`` (l2) between consecutive layers.

    input_shape : tuple of int or None, default=None
        ``(height, width)`` of image input with ``height * width`` features.
        Layers are then 2D grids and the network lives in 3D (paper section
        3.5); input swaps are disabled.

    embedding_dim : int or None, default=None
        Token input (paper, section 3.3): ``X`` holds integer token ids, one
        column per token, and each id is replaced by a trainable embedding
        vector of this size (drawn from ``N(0, 1)``, L1-regularised with length
        ``y_star`` like the biases). The input neuron layer is the
        concatenation of the tokens' embeddings; the dimensions of all tokens
        share positions and move together in swaps. None takes ``X`` as
        numeric features.

    cost_reduction : {"sum", "mean"}, default="sum"
        ``"sum"`` is the paper's Eq. 3. ``"mean"`` averages the cost over each
        weight matrix, bias vector and embedding table before adding them,
        as the authors' code does for modular addition, the permutation group,
        the transformer and MNIST: use it with the ``lambda`` values quoted for
        those tasks (0.1 to 1), which would wipe out a network under ``"sum"``.

    input_cost : float, default=1.0
        Factor on the connection cost of the first weight matrix, the wires
        leaving the input layer: an input must then earn its wires more than a
        hidden neuron does, and inputs that help little are cut. The paper
        charges every layer alike (1.0). Swaps weigh those wires by the same
        factor. Raise it (3.0) for feature selection: on ``make_classification``
        with 15 noise columns it halves the noise inputs kept (4.5 against 9.7
        on five seeds) at the same accuracy, but it costs accuracy where many
        inputs each carry a little (digits 0.937 against 0.950).
        The documentation's Results page has the measurements.

    standardize : bool, default=True
        Train on standardised inputs (zero mean, unit variance per column;
        one mean and scale for all pixels of image input; token ids are left
        alone) and, for a regressor, standardised targets, then fold the
        scales into the first and last weight matrices. The network found
        then does not depend on the units of the data; ``coefs_`` and
        ``predict`` stay in the data's units and ``scaled_coefs_`` holds the
        trained, unit-free weights.
        Sparse ``X`` (scipy CSR or CSC, e.g. a ``OneHotEncoder``'s output) is
        scaled without centring, each column divided by its standard
        deviation as ``StandardScaler(with_mean=False)`` does (``x_mean_`` is
        zero): centring would fill in every zero. It stays sparse through
        training (the first layer's product and every mini-batch) and
        prediction.

    max_iter : int, default=1000
        Number of training steps (optimizer updates), not epochs. On 26
        real tables, 1,000 steps scored within 0.005 of 2,000 (the default
        before) on 22, higher on three small noisy ones and 0.013 lower on
        one, in half the time. The paper trains for 20000 at
        ``learning_rate=1e-3``.

    learning_rate : float, default=1e-2
        Adam's learning rate.

    weight_decay : float, default=0.0
        Decoupled weight decay (AdamW): every step first shrinks all
        parameters by the factor ``1 - learning_rate * weight_decay``. Neither
        the paper nor the tabular defaults use it. On the paper's S4 task
        (0.3, with 40000 steps) it lifts BIMT's mean test accuracy over ten
        seeds from 0.78 to 0.96-0.99 (the documentation's Results page), at some cost
        in modularity: it shrinks every weight alike, where the connection
        cost prefers short ones. On 34 real tables (seeds 1-3), 0.3 or 0.5
        moved the mean score by under 0.001 and lowered the modularity on
        diabetes from 0.555 to 0.487 (0.3), so the defaults leave it off;
        1 lifts a small noisy wage table (cps1985) from R^2 0.06 to 0.23
        but costs smooth targets. Must satisfy
        ``learning_rate * weight_decay < 1``.

    batch_size : int, "auto" or None, default="auto"
        Samples per step; None (or a size of at least ``n_samples``) trains on
        the full batch, as the paper does. ``"auto"`` is the full batch up to
        10,000 training rows and mini-batches of 10,000 rows beyond, so a fit
        on a longer table costs about what it costs on 10,000 rows (its
        ``max_iter`` steps are then fewer passes over the data: 20 over a
        million rows).

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data and stop when
        the validation score (R^2 or accuracy) has not improved by ``tol``
        for ``n_iter_no_change`` checks (one every 100 steps), keeping the
        weights of the best check. Stopping only happens in the last constant
        stretch of ``lambda_schedule``, after the network has been sparsified.
        Needs ``tol``: ``tol=None`` with ``early_stopping=True`` raises a
        ValueError rather than hold out rows that nothing checks.

    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping``.

    n_iter_no_change : int, default=10
        Checks (one every 100 steps) without an improvement of at least
        ``tol`` before training stops.

    tol : float or None, default=1e-4
        Tolerance of the stopping rule: the validation score with
        ``early_stopping``, otherwise the training objective (loss + lambda *
        connection cost, averaged over the 100 steps before each check), in
        the last constant stretch of ``lambda_schedule``. None trains all
        ``max_iter`` steps.

    dtype : {"float32", "float64"}, default="float32"
        Precision of training. ``"float64"`` is about twice as slow; the
        authors' notebooks train in float64. The fitted weights are float64
        either way.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights and the mini-batches. The same seed gives
        bit-identical results on CPU.

    verbose : int, default=0
        0 is silent; 1 shows a progress bar with the loss, connection cost
        and lambda (tqdm; plain lines 20 times per fit without it); 2 prints
        those lines and reports each swap pass.

    device : str or torch.device, default="cpu"
        Where torch trains the network, for example ``"cuda"``. The fitted
        model is moved back to the CPU.

    n_threads : int or None, default=1
        Threads of torch and of numpy's BLAS during ``fit``, restored
        afterwards. One thread is fastest for small networks and lets
        parallel fits (grid searches with ``n_jobs``) share the cores; None
        keeps the current settings. Prediction runs in numpy, outside this
        limit.

    snapshot_every : int or None, default=None
        Record the weights, biases and neuron positions every this many steps
        (and at the start and end) in ``snapshots_``, for animations of
        training. Each snapshot holds a float64 copy of every parameter: about
        ``8 * n_parameters`` bytes, 10 kB for a 4-20-20-2 network, 0.7 MB for
        784-100-100-10. None records nothing.

    split_parts : bool, default=False
        After training, split every part (see
        :func:`~skbimt.inspection.find_parts`) whose inputs the network's
        function adds up separately, then train on briefly with the split
        held. The connection cost favours hidden neurons shared by several
        inputs, so a network often wires into one part inputs that do not
        interact. Two inputs of a part interact when changing both changes
        the part's contribution by more than changing each alone (measured
        on up to 256 training rows, as a share of the output's variance).
        Within each part the most interacting pairs are joined first,
        until the interactions left between groups add up to at most 1 %
        of the output's variance. Each neuron serving several groups is
        copied, one copy per group, into unused neurons, so the network
        starts from the sum of its groups' separate effects; then it trains
        another tenth of ``max_iter`` steps at the schedule's final
        strength on those wires alone: every other weight (between two
        groups, from an input in no part, or too thin to draw) is held at
        exactly zero. Costs that tenth of training when a
        part splits, and the measurement (about a second for a part of 64
        inputs); a part stays whole when too few unused neurons are left to
        copy into, or when it has more than 64 inputs. Only ``fit`` splits
        (``partial_fit`` and ``warm_start`` continue the network as it
        is). See "Reading a fitted model in parts" in the user guide.
"""

_SHARED_ATTRIBUTES = """
    coefs_ : list of ndarray
        ``coefs_[i]`` of shape ``(n_i, n_{i+1})``: the weights from neuron
        layer ``i`` to ``i + 1``, in the data's units (``X @ coefs_[0] +
        intercepts_[0]`` is the first layer's input); rows and columns in
        neuron order, the same order as ``coords_``.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` of shape ``(n_{i+1},)``.

    scaled_coefs_, scaled_intercepts_ : list of ndarray
        The weights and biases as trained, on standardised data (equal to
        ``coefs_`` and ``intercepts_`` without ``standardize``): what the
        connection cost regularised, and what ``modules_``, the plots,
        pruning and feature selection read.

    x_mean_, x_scale_ : ndarray of shape (n_inputs,) or None
        The input standardisation (zeros and ones without ``standardize``);
        None for token input.

    y_mean_, y_scale_ : ndarray of shape (n_outputs,)
        The target standardisation of a regressor.

    y_min_, y_max_ : ndarray of shape (n_outputs,)
        A regressor's smallest and largest training target per output, over
        the rows of positive ``sample_weight`` (and over every call of
        ``partial_fit`` or warm fit): the range ``clip_predictions`` clips
        ``predict`` to.

    coords_ : list of ndarray
        ``coords_[i]`` of shape ``(n_i, n_dims)``: position of every neuron of
        layer ``i`` after the swaps; the last coordinate is the height
        ``i * y_star``. Row ``j`` of ``coords_[0]`` is feature ``j``.

    modules_ : list of ndarray of int
        Module of every neuron, per layer. Modules are the communities of the
        weighted connectivity graph (networkx's Louvain, seeded, so the
        labels are reproducible; see
        :func:`skbimt.inspection.modules_and_modularity` for the greedy
        Clauset-Newman-Moore alternative). A neuron is *inactive*, label -1, unless it
        lies on a path from an input to an output whose every weight has
        ``|w| > 0.01 * max |w|`` of its weight matrix (thinner lines are
        invisible in a connectivity plot). Computed on first access.

    modularity_ : float
        Newman's modularity ``Q`` of those communities on the graph with a
        node per neuron and an edge per weight, weighted by ``|w|`` (the
        paper's Table 2 measure). Computed on first access.

    geometry_ : Geometry
        Slots and slot assignments of every layer.

    lambda_schedule_ : float, tuple of (float, float) or callable
        The schedule trained with: ``lambda_schedule``, or the phases
        ``"auto"`` gave for the number of training rows, times ``alpha``.

    n_iter_ : int
        Training steps run (fewer than ``max_iter`` if training diverged or
        was interrupted).

    loss_curve_ : ndarray of shape (``n_iter_``,)
        Prediction loss at each step (before its update). A step is one
        optimizer update: on the full batch (the default up to 10,000 rows)
        it is one pass over the data, as an entry of scikit-learn's MLP
        ``loss_curve_`` (one per epoch); with mini-batches an epoch spans
        several entries. The loss
        excludes the connection cost (``connection_cost_curve_``), as the
        MLP's excludes its ``alpha`` penalty.

    connection_cost_curve_ : ndarray of shape (``n_iter_``,)
        Connection cost ``l_w + l_b`` (Eq. 3) at each step.

    swap_counts_ : ndarray of int
        Number of swaps made at each swap pass.

    validation_scores_ : list of float
        Only with ``early_stopping``: the validation score at each check of
        the last stretch of the schedule.

    best_validation_score_ : float or None
        Only with ``early_stopping``: the best of ``validation_scores_``,
        whose weights the model keeps.

    best_loss_ : float or None
        With ``tol`` and without ``early_stopping``: the lowest training
        objective seen at a check (None with ``early_stopping``).

    snapshots_ : list of dict
        Only with ``snapshot_every``: dicts with keys ``step``, ``coefs``,
        ``intercepts`` and ``coords``; weights in training units, as
        ``scaled_coefs_``. Steps increase; the last record holds the fitted
        weights and the step they come from: ``n_iter_``, or, when
        ``early_stopping`` restored the best check, that check's step
        (records after it are dropped).

    n_layers_ : int
        Number of neuron layers, input and output included.

    out_activation_ : {"identity", "softmax", "logistic"}
        Output function, as scikit-learn's MLP names it: ``"identity"`` for
        a regressor, ``"softmax"`` for a classifier of one label per sample
        (binary included), ``"logistic"`` (one sigmoid per label, binary
        cross-entropy) for a classifier fitted on a multilabel indicator
        matrix.

    n_outputs_ : int
        Number of output neurons. A binary classifier has two (one per class,
        softmax), where scikit-learn's MLP has one logistic output: each
        class then has its own neuron, wires and modules in the network
        picture, as in the paper's two-moon example.

    embedding_ : ndarray of shape (``vocab_size_``, ``embedding_dim``)
        Token embeddings, only with ``embedding_dim``.

    vocab_size_ : int
        Number of token ids (largest id seen in fit + 1), only with
        ``embedding_dim``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit, when X has string column names.
"""


_WARM_START_PARAMETER = """
    warm_start : bool, default=False
        Make ``fit`` continue from the fitted network: its weights, its
        neurons' places (earlier swaps kept), Adam's state and the input and
        target standardisation of the first fit, for ``max_iter`` more steps
        at the final strength of ``lambda_schedule`` times ``alpha`` (their
        current values). The weak opening phase of a schedule is not
        replayed: it lets a fresh network fit before the cost sparsifies
        it, and would let a sparse one grow its wires back. ``n_iter_`` and
        the curves then run over every step since the first fit, and
        ``lambda_schedule_`` is the strength of the last fit. Raise
        ``alpha`` between warm fits to walk to sparser networks.
"""


_CLIP_PREDICTIONS_PARAMETER = """
    clip_predictions : bool, default=True
        Clip ``predict`` to the range of the training targets, output by
        output (``y_min_`` to ``y_max_``): a network can extrapolate far past
        any target it saw (a fold of a wage table predicted 533 where the
        largest wage was 318), and trees never do. On 16 real regression
        tables (seeds 1-5) no seed's score fell and three rose (cps1985
        R^2 -0.034 to -0.002, boston 0.849 to 0.854, teaching 0.295 to
        0.298); at strengths well below the default it softens the
        overfitting without removing it (``alpha=0.1``, seed 1: cps1985
        -1.33 to -0.87, college -0.26 to -0.13). Set it to False for
        targets that must extrapolate, such as a trend beyond the training
        period.
        ``score``, knock-outs, pruning and ``early_stopping`` score the
        clipped predictions (early stopping clips to the range of the rows
        it trains on, not of the rows it holds out); ``to_torch`` and the
        parts of :func:`skbimt.inspection.find_parts` are the network
        itself, unclipped.
"""


def _doc(template, extra_parameters=""):
    parameters = _SHARED_PARAMETERS + _WARM_START_PARAMETER + extra_parameters
    return template.replace("%(parameters)s", parameters.strip("\n")).replace(
        "%(attributes)s", _SHARED_ATTRIBUTES.strip("\n")
    )


class BIMTRegressor(RegressorMixin, BaseBIMT):
    __doc__ = _doc(
        """Multi-layer perceptron regressor trained with BIMT.

    Brain-Inspired Modular Training (Liu, Gan and Tegmark, Entropy 2024) gives
    every neuron a position, adds ``lambda * (l_w + l_b)`` to the mean squared
    error, where each weight costs its length times ``|w|``, and periodically
    swaps neurons to shorten connections. The trained network becomes sparse
    and modular enough to read from its connectivity graph.

    Parameters
    ----------
%(parameters)s

    Attributes
    ----------
%(attributes)s

    See Also
    --------
    BIMTClassifier : The classifier counterpart.
    sklearn.neural_network.MLPRegressor : MLP regressor without BIMT.

    Examples
    --------
    >>> import numpy as np
    >>> from skbimt import BIMTRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 4))
    >>> y = np.column_stack([X[:, 1] ** 2 + np.sin(np.pi * X[:, 3]),
    ...                      (X[:, 0] + X[:, 2]) ** 3])
    >>> reg = BIMTRegressor(random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2, 2)
    >>> len(reg.coords_), reg.coords_[0].shape
    (4, (4, 2))
    """,
        _CLIP_PREDICTIONS_PARAMETER,
    )

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
        learning_rate=0.01,
        weight_decay=0.0,
        batch_size="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        dtype="float32",
        random_state=None,
        verbose=0,
        device="cpu",
        n_threads=1,
        snapshot_every=None,
        split_parts=False,
        warm_start=False,
        clip_predictions=True,
    ):
        super().__init__(
            hidden_layer_sizes,
            activation=activation,
            lambda_schedule=lambda_schedule,
            alpha=alpha,
            A=A,
            y_star=y_star,
            k=k,
            swap_every=swap_every,
            swap_inputs=swap_inputs,
            swap_outputs=swap_outputs,
            distance=distance,
            input_shape=input_shape,
            embedding_dim=embedding_dim,
            cost_reduction=cost_reduction,
            input_cost=input_cost,
            standardize=standardize,
            max_iter=max_iter,
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            batch_size=batch_size,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            dtype=dtype,
            random_state=random_state,
            verbose=verbose,
            device=device,
            n_threads=n_threads,
            snapshot_every=snapshot_every,
            split_parts=split_parts,
            warm_start=warm_start,
        )
        self.clip_predictions = clip_predictions

    _parameter_constraints: dict = {
        **BaseBIMT._parameter_constraints,
        "clip_predictions": ["boolean"],
    }

    _multi_output_y = True
    _scales_target = True
    _loss = "squared_error"

    def _encode_targets(self, y, _classes=None):
        y = np.asarray(y, dtype=np.float64)
        target = y.reshape(-1, 1) if y.ndim == 1 else y
        return target, {"_y_ndim_": y.ndim, "out_activation_": "identity"}

    def _output_labels(self):
        names = getattr(self, "target_names_", None)
        if names is not None:
            return [str(n) for n in names]
        return [f"y{i}" for i in range(self.n_outputs_)]

    def _validation_score(self, output, target, sample_weight, _loss):
        return r2_score(target, output, sample_weight=sample_weight)

    def _validation_output_range(self, data):
        # The training rows' range, in the network's (standardized) units:
        # the early-stopping score then reads what predict will return.
        if not self.clip_predictions:
            return None
        found = target_range(data.target, data.sample_weight)
        return found["y_min_"], found["y_max_"]

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        output = self._forward(X)
        if self.clip_predictions:
            output = np.clip(
                output,
                self.y_min_.astype(output.dtype),
                self.y_max_.astype(output.dtype),
            )
        return output.ravel() if self._y_ndim_ == 1 else output

    @available_if(_continues_training)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One pass over ``(X, y)``: the next steps of the network's training.

        The first call starts a network (standardisation fitted on its
        rows); each call then makes one step per mini-batch of the rows
        (one step on up to 10,000 rows with ``batch_size="auto"``), at the
        strengths the schedule has at those steps (see ``warm_start``), and
        keeps Adam's state for the next call. ``early_stopping`` and ``tol``
        do not apply.

        The schedule is resolved on the first call (``"auto"`` counts that
        call's rows, so a stream of small batches gets the strength of a
        small table: give a float or explicit phases for such streams) and
        walked in steps of ``max_iter``, its final strength held after.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        return self._partial_fit(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


class BIMTClassifier(ClassifierMixin, BaseBIMT):
    __doc__ = _doc(
        """Multi-layer perceptron classifier trained with BIMT.

    Brain-Inspired Modular Training (Liu, Gan and Tegmark, Entropy 2024) gives
    every neuron a position, adds ``lambda * (l_w + l_b)`` to the
    cross-entropy, where each weight costs its length times ``|w|``, and
    periodically swaps neurons to shorten connections. The network has one
    output neuron per class (two for binary problems, as in the paper's
    two-moon example) followed by a softmax. Fitted on a multilabel
    indicator matrix ``y`` (0/1, one column per label), it has one logistic
    output per label instead, trained on the binary cross-entropy as
    scikit-learn's MLP: ``predict`` returns the indicator matrix,
    ``predict_proba`` each label's probability, and ``classes_`` numbers the
    labels ``0 .. n_labels - 1`` (the network picture names them by the
    columns of a DataFrame ``y``).

    Parameters
    ----------
%(parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the output neurons (``0 .. n_labels -
        1`` for multilabel ``y``).

%(attributes)s

    See Also
    --------
    BIMTRegressor : The regressor counterpart.
    sklearn.neural_network.MLPClassifier : MLP classifier without BIMT.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skbimt import BIMTClassifier
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = BIMTClassifier(random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> clf.classes_
    array([0, 1])
    """
    )

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
        learning_rate=0.01,
        weight_decay=0.0,
        batch_size="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        dtype="float32",
        random_state=None,
        verbose=0,
        device="cpu",
        n_threads=1,
        snapshot_every=None,
        split_parts=False,
        warm_start=False,
    ):
        super().__init__(
            hidden_layer_sizes,
            activation=activation,
            lambda_schedule=lambda_schedule,
            alpha=alpha,
            A=A,
            y_star=y_star,
            k=k,
            swap_every=swap_every,
            swap_inputs=swap_inputs,
            swap_outputs=swap_outputs,
            distance=distance,
            input_shape=input_shape,
            embedding_dim=embedding_dim,
            cost_reduction=cost_reduction,
            input_cost=input_cost,
            standardize=standardize,
            max_iter=max_iter,
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            batch_size=batch_size,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            dtype=dtype,
            random_state=random_state,
            verbose=verbose,
            device=device,
            n_threads=n_threads,
            snapshot_every=snapshot_every,
            split_parts=split_parts,
            warm_start=warm_start,
        )

    _loss = "cross_entropy"
    _multi_output_y = True

    def _encode_targets(self, y, classes=None):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        kind = type_of_target(y)
        if kind == "multilabel-indicator":
            return multilabel_targets(y, classes)
        if y.ndim != 1:
            raise ValueError(
                f"BIMTClassifier fits one label per sample (binary or multiclass "
                f"y) or a multilabel indicator matrix of 0/1 columns, but y has "
                f"{y.shape[1]} columns of labels ({kind}). Wrap the classifier "
                "in sklearn.multioutput.MultiOutputClassifier to fit one network "
                "per column."
            )
        if classes is not None:
            return known_class_targets(y, classes)
        encoder = LabelEncoder()
        encoded = encoder.fit_transform(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(
                "BIMTClassifier needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {classes[0].tolist()!r}."
            )
        attributes = {"classes_": classes, "out_activation_": "softmax"}
        return np.eye(len(classes))[encoded], attributes

    @property
    def _multilabel(self):
        """Whether the network has one logistic output per label."""
        return getattr(self, "out_activation_", "softmax") == "logistic"

    def _output_labels(self):
        names = getattr(self, "target_names_", None)
        if self._multilabel and names is not None:
            return [str(n) for n in names]
        return [str(c) for c in self.classes_]

    def _validation_score(self, output, target, sample_weight, loss):
        if loss == "binary_cross_entropy":
            # Subset accuracy, as score() gives for multilabel y.
            correct = ((output > 0) == (target > 0.5)).all(axis=1)
        else:
            correct = output.argmax(axis=1) == target.argmax(axis=1)
        return float(np.average(correct, weights=sample_weight))

    def _stratify(self, target, out_activation):
        if out_activation == "logistic":
            return None
        labels = target.argmax(axis=1)
        # Stratifying needs two samples of every class.
        return labels if np.bincount(labels).min() >= 2 else None

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Class labels; for a network fitted on a multilabel indicator
            matrix, the indicator matrix (a label is on where its
            probability exceeds 0.5).
        """
        output = self._forward(X)
        if self._multilabel:
            return (output > 0).astype(self.classes_.dtype)
        return self.classes_[np.argmax(output, axis=1)]

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            For a network fitted on a multilabel indicator matrix, the
            probability of each label, independently of the others (rows do
            not sum to 1).
        """
        proba = self._forward(X)
        if self._multilabel:
            return expit(proba, out=proba)
        if proba.shape[1] == 2:
            # The softmax of two logits is the logistic of their difference.
            positive = expit(proba[:, 1] - proba[:, 0])
            proba[:, 1] = positive
            np.subtract(1.0, positive, out=proba[:, 0])
            return proba
        proba -= proba.max(axis=1, keepdims=True)
        np.exp(proba, out=proba)
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        output = self._forward(X)
        if self._multilabel:
            # log sigmoid(z) = -log(1 + exp(-z))
            return -np.logaddexp(0, -output, out=output)
        output -= output.max(axis=1, keepdims=True)
        output -= np.log(np.exp(output).sum(axis=1, keepdims=True))
        return output

    @available_if(_continues_training)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One pass over ``(X, y)``: the next steps of the network's training.

        The first call starts a network with one output per class of
        ``classes``; each call then makes one step per mini-batch of the
        rows (one step on up to 10,000 rows with ``batch_size="auto"``), at
        the strengths the schedule has at those steps (see ``warm_start``),
        and keeps Adam's state for the next call. ``early_stopping`` and
        ``tol`` do not apply.

        The schedule is resolved on the first call (``"auto"`` counts that
        call's rows, so a stream of small batches gets the strength of a
        small table: give a float or explicit phases for such streams) and
        walked in steps of ``max_iter``, its final strength held after.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels, or a multilabel indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data; required on the first call (the
            rows of one call need not hold them all), and if given later,
            the same.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        started = hasattr(self, "scaled_coefs_")
        if classes is None and not started:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the "
                "network needs one output per class of the whole data, which "
                "one batch of rows may not show."
            )
        if classes is not None:
            classes = np.unique(classes)
            if started and not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes={classes.tolist()!r} is not the same as on the "
                    f"first call to partial_fit ({self.classes_.tolist()!r})."
                )
        return self._partial_fit(X, y, sample_weight, classes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def multilabel_targets(y, classes=None):
    """Training targets and attributes of a multilabel indicator matrix.

    One logistic output per label; ``classes_`` numbers the labels, as
    scikit-learn's MLP (its ``LabelBinarizer``) does. Given ``classes``
    (``partial_fit``), ``y`` must have one column per class.
    """
    target = (np.asarray(y) > 0).astype(np.float64)
    if classes is not None and len(classes) != target.shape[1]:
        raise ValueError(
            f"y is a multilabel indicator matrix of {target.shape[1]} labels, "
            f"but classes holds {len(classes)}: pass one class per column of y."
        )
    return target, {
        "classes_": np.arange(target.shape[1]),
        "out_activation_": "logistic",
    }


def known_class_targets(y, classes):
    """One-hot targets of ``y`` over given ``classes`` (``partial_fit``).

    Rows may hold any subset of the classes; a label outside them is refused.
    """
    classes = np.unique(classes)
    if len(classes) < 2:
        raise ValueError(
            f"classes must list at least 2 class labels, got {classes.tolist()!r}."
        )
    unknown = np.setdiff1d(y, classes)
    if unknown.size:
        raise ValueError(
            f"y contains labels {unknown.tolist()!r} that are not in classes "
            f"{classes.tolist()!r}; the network has one output per class given "
            "to the first partial_fit (or seen by fit)."
        )
    encoded = np.searchsorted(classes, y)
    target = np.eye(len(classes))[encoded]
    return target, {"classes_": classes, "out_activation_": "softmax"}
