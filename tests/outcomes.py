"""Trained outcomes: what a test asserts about a network after training.

Results of training are bit-identical for one seed on one machine, not across
CPUs: another machine's rounding sends training down another path, as another
seed does. So a test may only assert on a trained outcome (an accuracy, a
loss, a module split, the features kept) with a bound that holds for every
seed, with a margin. Each such quantity is declared once, as a function of
the seed::

    @outcome(at_least=0.9)
    def moons_test_accuracy(seed):
        clf = models.moons(seed)
        return clf.score(X_test, y_test)

    @pytest.mark.trained
    def test_moons_generalise():
        moons_test_accuracy.check()       # seed 0, asserts the bound

``tools/seed_sweep.py`` imports every test module, measures each declared
outcome over many seeds and under each torch CPU kernel family, and reports
its minimum and maximum beside the bound. Tests marked ``trained`` also run
under the other kernel families in the suite itself
(``tests/test_kernel_families.py``).
"""

from collections.abc import Callable
from dataclasses import dataclass

#: Every declared outcome, by name.
REGISTRY = {}


@dataclass(frozen=True)
class Outcome:
    """A quantity measured on a trained network, and the bound it must meet.

    Attributes
    ----------
    name : str
        ``module:function`` of the measure.
    measure : callable
        ``measure(seed) -> float``.
    at_least, at_most : float or None
        The bound: the value must be ``>= at_least`` and ``<= at_most``.
    """

    name: str
    measure: Callable
    at_least: float = None
    at_most: float = None

    def __call__(self, seed=0):
        return float(self.measure(seed))

    def satisfied_by(self, value):
        return (self.at_least is None or value >= self.at_least) and (
            self.at_most is None or value <= self.at_most
        )

    def bound(self):
        parts = []
        if self.at_least is not None:
            parts.append(f">= {self.at_least:g}")
        if self.at_most is not None:
            parts.append(f"<= {self.at_most:g}")
        return " and ".join(parts)

    def check(self, seed=0):
        """Measure at ``seed`` and assert the bound; return the value."""
        value = self(seed)
        assert self.satisfied_by(value), (
            f"{self.name} at seed {seed} is {value:.6g}, which is not {self.bound()}"
        )
        return value


def outcome(*, at_least=None, at_most=None):
    """Declare ``measure(seed)`` as a trained outcome with its bound."""
    if at_least is None and at_most is None:
        raise ValueError("An outcome needs a bound: at_least, at_most or both.")

    def register(measure):
        name = f"{measure.__module__.removeprefix('tests.')}:{measure.__name__}"
        declared = Outcome(name, measure, at_least, at_most)
        REGISTRY[name] = declared
        return declared

    return register
