"""The BIMT engine: geometry, connection cost, swaps, schedules and training.

Private. Nothing here imports from the rest of skbimt (a test checks it from
the source): the estimators, :mod:`skbimt.nn` and :mod:`skbimt.inspection`
build on this package, never the other way round.
"""
