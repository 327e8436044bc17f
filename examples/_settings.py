"""Shared switch between the paper's full settings and a quick smoke run."""

import os


def training_steps(full):
    """``full`` steps, or a few hundred when the environment sets SKBIMT_QUICK."""
    return 300 if os.environ.get("SKBIMT_QUICK") else full
