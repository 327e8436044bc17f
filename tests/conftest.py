import matplotlib
import pytest
import torch

from . import models

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _single_torch_thread():
    """Tests compare numbers bit for bit; keep torch's thread count fixed."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def symbolic_a():
    """(regressor, X, y) of formula (a), see ``tests.models.symbolic_a``."""
    return models.symbolic_a(0)


@pytest.fixture(scope="session")
def moons():
    """(classifier, X, labels) of two moons, see ``tests.models.moons``."""
    return models.moons(0)
