"""What the example scripts share besides the package: a smoke-run switch and
saving their figures when no window can show them.

Neither is part of what an example teaches, so the examples call these
functions inside ``sphinx_gallery_start_ignore`` blocks, which the gallery
does not print.
"""

import os
import pathlib
import sys

import matplotlib
import matplotlib.pyplot as plt

_NON_INTERACTIVE_BACKENDS = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


def training_steps(full):
    """``full`` steps, or 300 when the environment sets ``SKBIMT_QUICK``.

    The quick setting checks that an example runs, in seconds; its networks
    have not converged and show nothing of the paper.
    """
    return 300 if os.environ.get("SKBIMT_QUICK") else full


def save_figures():
    """Save the open figures as PNG files when no window can show them.

    With a non-interactive backend (``MPLBACKEND=Agg``, a server, CI)
    ``plt.show()`` shows nothing, so the figures of ``python plot_x.py`` are
    written to ``plot_x_1.png``, ``plot_x_2.png``, ... (named after the
    script that runs) in the directory named by ``SKBIMT_FIGURE_DIR``
    (default: the current directory). The gallery build collects figures
    itself and is left alone.
    """
    if "sphinx_gallery" in sys.modules:
        return
    if matplotlib.get_backend().lower() not in _NON_INTERACTIVE_BACKENDS:
        return
    directory = pathlib.Path(os.environ.get("SKBIMT_FIGURE_DIR", "."))
    directory.mkdir(parents=True, exist_ok=True)
    stem = pathlib.Path(sys.argv[0]).stem or "figure"
    for position, number in enumerate(plt.get_fignums(), start=1):
        path = directory / f"{stem}_{position}.png"
        plt.figure(number).savefig(path, dpi=100)
        print(f"saved {path}")
