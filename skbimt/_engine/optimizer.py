"""Adam on a single flat parameter tensor, as torch.optim.Adam computes it."""

import math

import torch


def _fused_adam_works(dtype, device):
    """Whether torch's fused Adam kernel runs here and computes Adam.

    ``torch._fused_adam_`` is the kernel behind ``torch.optim.Adam(
    fused=True)``; calling it directly skips the optimizer's per-step
    bookkeeping, which costs ten times the update itself on the small
    networks BIMT trains. It is not public API, and older torch builds lack it
    on some devices, so it is used only after it has made one update on a
    probe tensor that matches :meth:`FlatAdam._step_in_place` exactly.
    """
    kernel = getattr(torch, "_fused_adam_", None)
    if kernel is None:
        return False
    probe = torch.tensor([0.5, -1.5, 2.0], dtype=dtype, device=device)
    grad = torch.tensor([0.25, 1.0, -3.0], dtype=dtype, device=device)
    fused, manual = FlatAdam(probe.clone(), lr=0.1), FlatAdam(probe.clone(), lr=0.1)
    manual._fused = False
    try:
        fused._fused = True
        fused.step(grad)
    except (RuntimeError, TypeError, NotImplementedError):
        return False
    manual.step(grad)
    return bool(torch.allclose(fused.param, manual.param, rtol=1e-5, atol=1e-7))


class FlatAdam:
    """Adam (Kingma and Ba, 2015) updating one flat tensor in place.

    Same arithmetic as ``torch.optim.Adam`` with ``amsgrad=False`` (and,
    with ``weight_decay``, as ``torch.optim.AdamW``), without its per-step
    dispatch over parameter groups. Where
    torch's fused Adam kernel works for this tensor's dtype and device (see
    :func:`_fused_adam_works`) one call does the whole update; otherwise the
    update runs as six public in-place tensor operations.

    Parameters
    ----------
    param : torch.Tensor
        Flat parameters, updated in place by :meth:`step`.
    lr : float
        Learning rate.
    betas : tuple of float, default=(0.9, 0.999)
        Decay rates of the first and second moment estimates.
    eps : float, default=1e-8
        Added to the denominator for numerical stability.
    weight_decay : float, default=0.0
        Decoupled weight decay (AdamW, Loshchilov and Hutter, 2019): every
        step first multiplies the parameters by ``1 - lr * weight_decay``.
    """

    _fused_support = {}

    def __init__(self, param, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.param = param
        self.lr = lr
        self.weight_decay = weight_decay
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.exp_avg = torch.zeros_like(param)
        self.exp_avg_sq = torch.zeros_like(param)
        self._denom = torch.empty_like(param)
        self.n_steps = 0
        self._step_tensor = torch.zeros((), dtype=torch.float32, device=param.device)
        self._one = torch.ones((), dtype=torch.float32, device=param.device)
        key = (param.dtype, param.device.type)
        if key not in self._fused_support:
            # Set first: the probe builds FlatAdams of its own.
            self._fused_support[key] = False
            self._fused_support[key] = _fused_adam_works(*key)
        self._fused = self._fused_support[key]

    def state(self):
        """Moment estimates and step count, copied to the CPU.

        Returns
        -------
        state : dict
            ``exp_avg``, ``exp_avg_sq`` (tensors) and ``n_steps``; give it to
            :meth:`load_state` to continue where this optimizer stopped.
        """
        return {
            "exp_avg": self.exp_avg.detach().to("cpu", copy=True),
            "exp_avg_sq": self.exp_avg_sq.detach().to("cpu", copy=True),
            "n_steps": self.n_steps,
        }

    def load_state(self, state):
        """Continue from a :meth:`state`: its moments and its step count."""
        if state["exp_avg"].shape != self.param.shape:
            raise ValueError(
                f"The optimizer state holds {state['exp_avg'].numel()} "
                f"parameters, the network {self.param.numel()}."
            )
        self.exp_avg.copy_(state["exp_avg"])
        self.exp_avg_sq.copy_(state["exp_avg_sq"])
        self.n_steps = int(state["n_steps"])
        self._step_tensor.fill_(self.n_steps)

    def step(self, grad):
        """Apply one update with gradient ``grad``."""
        self.n_steps += 1
        if self.weight_decay:
            self.param.mul_(1 - self.lr * self.weight_decay)
        if self._fused:
            self._step_tensor.add_(self._one)
            torch._fused_adam_(
                [self.param],
                [grad],
                [self.exp_avg],
                [self.exp_avg_sq],
                [],
                [self._step_tensor],
                lr=self.lr,
                beta1=self.beta1,
                beta2=self.beta2,
                weight_decay=0.0,
                eps=self.eps,
                amsgrad=False,
                maximize=False,
            )
        else:
            self._step_in_place(grad)

    def _step_in_place(self, grad):
        bias_correction1 = 1 - self.beta1**self.n_steps
        bias_correction2 = 1 - self.beta2**self.n_steps
        self.exp_avg.lerp_(grad, 1 - self.beta1)
        self.exp_avg_sq.mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
        torch.sqrt(self.exp_avg_sq, out=self._denom)
        self._denom.div_(math.sqrt(bias_correction2)).add_(self.eps)
        self.param.addcdiv_(
            self.exp_avg, self._denom, value=-self.lr / bias_correction1
        )
