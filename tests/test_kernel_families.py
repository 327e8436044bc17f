"""Trained outcomes hold under every torch CPU kernel family, not only ours.

Results of training are bit-identical on one machine but differ across CPUs:
torch picks its kernels by CPU capability, and each family rounds
differently. ``ATEN_CPU_CAPABILITY`` switches the family on this machine, so
the tests marked ``trained`` run again here under each family below the
native one (which the rest of the suite already ran under).
"""

import os
import subprocess
import sys

import pytest
import torch

# Families from least to most capable, per processor architecture.
FAMILIES = {
    "x86": ["default", "avx2", "avx512"],
    "arm": ["default", "sve256"],
}


def other_families():
    native = torch.backends.cpu.get_cpu_capability().lower()
    for families in FAMILIES.values():
        if native in families:
            return families[: families.index(native)]
    return ["default"] if native != "default" else []


@pytest.mark.slow
@pytest.mark.parametrize("family", other_families() or ["none"])
def test_trained_outcomes_hold_under_kernel_family(family, tmp_path):
    if family == "none":
        pytest.skip("torch runs its default kernels here: no other family")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = {**os.environ, "ATEN_CPU_CAPABILITY": family, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-m",
            "trained",
            "-p",
            "no:cacheprovider",
            "tests",
        ],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=3000,
    )
    assert result.returncode == 0, (
        f"Under ATEN_CPU_CAPABILITY={family}:\n{result.stdout[-6000:]}"
    )
    assert " passed" in result.stdout.splitlines()[-1]
