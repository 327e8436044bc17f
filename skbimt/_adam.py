"""Adam on a single flat parameter tensor, as torch.optim.Adam computes it."""

import math

import torch


class FlatAdam:
    """Adam (Kingma and Ba, 2015) updating one flat tensor in place.

    Same arithmetic as ``torch.optim.Adam`` with ``amsgrad=False`` and no
    weight decay, without its per-step dispatch over parameter groups. Where
    torch has the fused Adam kernel (torch >= 2.4 on CPU and CUDA) one call
    does the whole update; otherwise the update runs as in-place tensor
    operations.

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
    """

    def __init__(self, param, lr, betas=(0.9, 0.999), eps=1e-8):
        self.param = param
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.exp_avg = torch.zeros_like(param)
        self.exp_avg_sq = torch.zeros_like(param)
        self._denom = torch.empty_like(param)
        self.n_steps = 0
        self._fused = hasattr(torch, "_fused_adam_") and param.device.type in (
            "cpu",
            "cuda",
        )
        self._step_tensor = torch.zeros((), dtype=torch.float32, device=param.device)
        self._one = torch.ones((), dtype=torch.float32, device=param.device)

    def step(self, grad):
        """Apply one update with gradient ``grad``."""
        self.n_steps += 1
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
            return
        bias_correction1 = 1 - self.beta1**self.n_steps
        bias_correction2 = 1 - self.beta2**self.n_steps
        self.exp_avg.lerp_(grad, 1 - self.beta1)
        self.exp_avg_sq.mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
        torch.sqrt(self.exp_avg_sq, out=self._denom)
        self._denom.div_(math.sqrt(bias_correction2)).add_(self.eps)
        self.param.addcdiv_(
            self.exp_avg, self._denom, value=-self.lr / bias_correction1
        )
