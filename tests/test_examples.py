"""Every example script runs end to end in its quick setting."""

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    "script", sorted(p.name for p in EXAMPLES.glob("plot_*.py")), ids=str
)
def test_example_runs_quickly(script):
    env = {**os.environ, "SKBIMT_QUICK": "1", "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, script],
        cwd=EXAMPLES,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), "an example prints the numbers it reproduces"
