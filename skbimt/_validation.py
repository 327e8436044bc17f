"""Warnings aimed at the user's code, not at skbimt's own frames.

The lowest layer above the engine: it imports nothing from skbimt, so that
every module may warn through it.
"""

import os
import sys
import warnings

import sklearn

_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    for module in (sys.modules["skbimt"], sklearn)
)


def _outside_libraries(filename):
    path = os.path.abspath(filename)
    return not path.startswith(_LIBRARY_DIRS) and not filename.startswith("<frozen")


def warn(message, category=UserWarning):
    """Warn, attributing the warning to the first caller outside skbimt.

    A warning raised deep in a fit (in the training loop, or in scikit-learn's
    ``_fit_context`` wrapper around ``fit``) would otherwise point at library
    code; Python then shows it with a line of ours, and filters keyed on the
    user's module do not apply. This walks up the stack past skbimt's and
    scikit-learn's frames.

    Parameters
    ----------
    message : str
    category : type of Warning, default=UserWarning
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and not _outside_libraries(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    # +1: the call to warnings.warn below is one frame deeper than this one.
    warnings.warn(message, category, stacklevel=level + 1 if frame else 2)
