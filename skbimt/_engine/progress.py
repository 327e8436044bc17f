"""Training progress: a tqdm bar, or plain lines when tqdm is missing."""


class Progress:
    """Report loss, connection cost and lambda during training.

    ``verbose=1`` shows a tqdm progress bar (on stderr) when tqdm is
    installed, and otherwise prints a line 20 times per fit; ``verbose>=2``
    always prints lines (and the training loop logs swaps too).

    Parameters
    ----------
    max_iter : int
        Number of training steps.
    verbose : int
        Verbosity of the estimator.
    """

    def __init__(self, max_iter, verbose):
        self.max_iter = max_iter
        self.bar = None
        if verbose == 1:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=max_iter, desc="BIMT", unit="step")
        self.every = max(1, max_iter // (100 if self.bar is not None else 20))
        self._shown = 0

    def due(self, step):
        """Whether step ``step`` (0-based) should be reported."""
        return (step + 1) % self.every == 0 or step + 1 == self.max_iter

    def report(self, step, loss, cost, lam):
        if self.bar is None:
            print(
                f"[BIMT] step {step + 1}/{self.max_iter}  loss {loss:.4g}  "
                f"cost {cost:.4g}  lambda {lam:.3g}"
            )
            return
        self.bar.update(step + 1 - self._shown)
        self._shown = step + 1
        self.bar.set_postfix(loss=f"{loss:.3g}", cost=f"{cost:.3g}", lam=f"{lam:.2g}")

    def close(self):
        if self.bar is not None:
            self.bar.close()
