"""Hand-written forward and backward pass of the MLP, without autograd.

For the small networks BIMT is used on, autograd's bookkeeping costs more
than the arithmetic (about 300 us a step on a 2-core CPU). This module
computes the loss and writes the exact gradient into a flat buffer with a
fixed sequence of in-place torch kernels and preallocated work buffers.
``tests/test_backprop.py`` checks it against autograd.
"""

import torch

from .sparse import SparseBatch

LOSSES = ("squared_error", "cross_entropy", "binary_cross_entropy")


class MLPBackprop:
    """Loss and gradient of an MLP whose parameters live in a flat tensor.

    Parameters
    ----------
    layout : FlatLayout
        Where each weight and bias sits in ``flat``.
    activation : {"silu", "relu", "tanh", "sigmoid", "identity"}
        Hidden activation.
    loss : {"squared_error", "cross_entropy", "binary_cross_entropy"}
        ``squared_error`` is the mean over samples and outputs of
        ``(output - target)^2``; ``cross_entropy`` the mean over samples of
        ``-log softmax(output)[target]`` with one-hot ``target``;
        ``binary_cross_entropy`` (multilabel: one logistic output per label)
        the mean over samples of the sum over outputs of ``-y log p - (1 - y)
        log(1 - p)``, ``p = sigmoid(output)``, as scikit-learn's MLP. With
        sample weights, the mean over samples becomes their weighted average.
    flat : torch.Tensor
        Parameters; read, never written.
    grad : torch.Tensor
        Same shape as ``flat``; overwritten with the gradient.
    weighted : bool, default=False
        Whether every call passes sample weights.
    """

    def __init__(self, layout, activation, loss, flat, grad, weighted=False):
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}.")
        self.activation = activation
        self.loss = loss
        self.weighted = weighted
        self.weights = layout.weights(flat)
        self.weights_T = [w.T for w in self.weights]
        self.biases = layout.biases(flat)
        self.weight_grads = layout.weights(grad)
        self.bias_grads = layout.biases(grad)
        self.embedding = layout.embedding(flat)
        self.embedding_grad = layout.embedding(grad)
        self._buffers = None
        n_outputs = self.weights[-1].shape[1]
        # loss_and_grad writes the loss divided by loss_scale; see there.
        if loss == "squared_error":
            self._per_sample_scale = 1.0 / n_outputs
        elif loss == "cross_entropy":
            self._per_sample_scale = -1.0
        else:
            self._per_sample_scale = 1.0
        self.loss_scale = self._per_sample_scale

    def _allocate(self, n_samples, like):
        sizes = [w.shape[1] for w in self.weights]
        post = [like.new_empty((n_samples, n)) for n in sizes[:-1]]
        self._buffers = {
            "n_samples": n_samples,
            "pre": [like.new_empty((n_samples, n)) for n in sizes],
            "post": post,
            "post_T": [h.T for h in post],
            "aux": [like.new_empty((n_samples, n)) for n in sizes[:-1]],
            "delta": [like.new_empty((n_samples, n)) for n in sizes],
            "weighted": like.new_empty((n_samples, sizes[-1])),
            "sample_weight": like.new_empty((n_samples, 1)),
        }
        if self.embedding is not None:
            n_inputs = self.weights[0].shape[0]
            embedded = self.embedding.new_empty((n_samples, n_inputs))
            self._buffers["embedded"] = embedded
            self._buffers["embedded_T"] = embedded.T
            self._buffers["input_delta"] = embedded.new_empty((n_samples, n_inputs))
        # Python scalars passed to in-place kernels are wrapped into tensors at
        # every call; 0-d tensors made once avoid that cost.
        self._one = like.new_ones(())
        # d loss / d output = factor * (output - target) * sample share, where
        # the share is 1 / n_samples, or the normalised sample weight.
        factor = 2.0 / sizes[-1] if self.loss == "squared_error" else 1.0
        share = 1.0 if self.weighted else 1.0 / n_samples
        self._delta_scale = like.new_full((), factor * share)
        self.loss_scale = self._per_sample_scale * share

    def loss_and_grad(self, X, target, out, sample_weight=None):
        """Write the unscaled loss into ``out`` and the gradient into ``grad``.

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, n_inputs) or SparseBatch
            Or ``(n_samples, n_tokens)`` integer token ids with token input.
        target : torch.Tensor of shape (n_samples, n_outputs)
            Regression targets, or one-hot class indicators.
        out : torch.Tensor
            0-dimensional tensor receiving the loss divided by
            ``loss_scale``: multiply by ``loss_scale`` to get the loss. (The
            scaling is left to the caller so that a whole loss history is
            scaled in one operation.)
        sample_weight : torch.Tensor of shape (n_samples,), default=None
            Non-negative weights of the samples, needed when the instance was
            made with ``weighted=True``; normalised here to sum to 1.
        """
        self._forward(X)
        self._output_loss_and_delta(target, out, sample_weight)
        self._backward(X)

    def loss_value(self, X, target, sample_weight=None):
        """The loss for ``X`` (no gradient), as a Python float."""
        with torch.no_grad():
            self._forward(X)
            out = self._buffers["pre"][-1].new_empty(())
            self._output_loss_and_delta(target, out, sample_weight)
        return out.item() * self.loss_scale

    def _forward(self, X):
        n_samples = X.shape[0]
        if self._buffers is None or self._buffers["n_samples"] != n_samples:
            self._allocate(n_samples, self.weights[0])
        pre, post = self._buffers["pre"], self._buffers["post"]
        aux = self._buffers["aux"]
        n_layers = len(self.weights)
        if isinstance(X, SparseBatch):
            inputs = X.rows
        elif self.embedding is None:
            inputs = X
        else:
            inputs = self._buffers["embedded"]
            torch.index_select(
                self.embedding,
                0,
                X.reshape(-1),
                out=inputs.view(-1, self.embedding.shape[1]),
            )
        for i in range(n_layers):
            torch.addmm(self.biases[i], inputs, self.weights[i], out=pre[i])
            if i < n_layers - 1:
                self._activate(pre[i], post[i], aux[i])
                inputs = post[i]

    def _output_loss_and_delta(self, target, out, sample_weight):
        if self.weighted != (sample_weight is not None):
            raise ValueError(
                "sample_weight must be given exactly when the backprop was "
                "made with weighted=True."
            )
        output = self._buffers["pre"][-1]
        output_delta = self._buffers["delta"][-1]
        weighted = self._buffers["weighted"]
        if sample_weight is not None:
            weight = self._buffers["sample_weight"]
            torch.div(sample_weight.view(-1, 1), sample_weight.sum(), out=weight)
        if self.loss == "squared_error":
            torch.sub(output, target, out=output_delta)
            if sample_weight is None:
                flat_delta = output_delta.view(-1)
                torch.dot(flat_delta, flat_delta, out=out)
                output_delta.mul_(self._delta_scale)
            else:
                torch.mul(output_delta, weight, out=weighted)
                torch.dot(weighted.view(-1), output_delta.view(-1), out=out)
                torch.mul(weighted, self._delta_scale, out=output_delta)
        elif self.loss == "binary_cross_entropy":
            # -y log p - (1 - y) log(1 - p) = softplus(z) - y z, whose
            # derivative in z is sigmoid(z) - y.
            torch.sigmoid(output, out=output_delta)
            output_delta.sub_(target)
            losses = torch.nn.functional.softplus(output)
            losses.addcmul_(target, output, value=-1.0)
            if sample_weight is None:
                out.copy_(losses.sum())
                output_delta.mul_(self._delta_scale)
            else:
                torch.mul(losses, weight, out=weighted)
                out.copy_(weighted.sum())
                output_delta.mul_(weight)
        else:
            log_proba = torch.log_softmax(output, dim=1)
            torch.exp(log_proba, out=output_delta)
            output_delta.sub_(target)
            if sample_weight is None:
                torch.dot(log_proba.view(-1), target.view(-1), out=out)
                output_delta.mul_(self._delta_scale)
            else:
                torch.mul(target, weight, out=weighted)
                torch.dot(log_proba.view(-1), weighted.view(-1), out=out)
                output_delta.mul_(weight)

    def _backward(self, X):
        pre, post = self._buffers["pre"], self._buffers["post"]
        aux, delta = self._buffers["aux"], self._buffers["delta"]
        if isinstance(X, SparseBatch):
            first_T = X.columns
        elif self.embedding is None:
            first_T = X.T
        else:
            first_T = self._buffers["embedded_T"]
        inputs_T = [first_T, *self._buffers["post_T"]]
        for i in range(len(self.weights) - 1, -1, -1):
            torch.mm(inputs_T[i], delta[i], out=self.weight_grads[i])
            torch.sum(delta[i], dim=0, out=self.bias_grads[i])
            if i > 0:
                torch.mm(delta[i], self.weights_T[i], out=delta[i - 1])
                self._multiply_derivative(
                    delta[i - 1], pre[i - 1], post[i - 1], aux[i - 1]
                )
        if self.embedding is not None:
            input_delta = self._buffers["input_delta"]
            torch.mm(delta[0], self.weights_T[0], out=input_delta)
            self.embedding_grad.zero_()
            self.embedding_grad.index_add_(
                0, X.reshape(-1), input_delta.view(-1, self.embedding.shape[1])
            )

    def _activate(self, z, h, aux):
        """``h = act(z)``, keeping in ``aux`` what the derivative needs."""
        name = self.activation
        if name == "silu":
            torch.sigmoid(z, out=aux)
            torch.mul(z, aux, out=h)
        elif name == "relu":
            torch.clamp_min(z, 0.0, out=h)
        elif name == "tanh":
            torch.tanh(z, out=h)
        elif name == "sigmoid":
            torch.sigmoid(z, out=h)
        else:
            h.copy_(z)

    def _multiply_derivative(self, delta, z, h, aux):
        """``delta *= act'(z)`` in place."""
        name = self.activation
        if name == "silu":
            # silu'(z) = s * (1 + z * (1 - s)) = s + s * (z - h), s = sigmoid(z)
            torch.sub(z, h, out=z)
            z.mul_(aux).add_(aux)
            delta.mul_(z)
        elif name == "relu":
            delta.mul_(h > 0)
        elif name == "tanh":
            torch.mul(h, h, out=aux)
            torch.sub(self._one, aux, out=aux)
            delta.mul_(aux)
        elif name == "sigmoid":
            # sigmoid'(z) = h - h^2
            torch.mul(h, h, out=aux)
            torch.sub(h, aux, out=aux)
            delta.mul_(aux)
