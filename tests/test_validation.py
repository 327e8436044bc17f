"""Warnings point at the user's code."""

import warnings

from skbimt._validation import warn


def test_warn_points_at_the_first_frame_outside_the_libraries():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warn("look here", UserWarning)
    assert record[0].filename == __file__
    assert record[0].message.args == ("look here",)
