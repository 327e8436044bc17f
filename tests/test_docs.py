"""The documentation builds without a warning, the gallery included.

The gallery runs every example once, in its full setting (about ten minutes
on two cores); this is the only place the examples run. It is marked
``slow`` and ``docs``: CI runs it on its own, in a fresh virtual environment
with only the docs extra (``.ci/run``). ``SKBIMT_QUICK=1`` in the
environment runs the examples with a few hundred steps, for a local smoke
run of the build.
"""

import os
import pathlib
import subprocess
import sys

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.slow
@pytest.mark.docs
def test_sphinx_build_has_no_warnings(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("sphinx_gallery")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    # Build from a copy so that the generated gallery and API pages do not
    # land in the source tree.
    source = tmp_path / "docs"
    subprocess.run(["cp", "-r", str(DOCS), str(source)], check=True)
    (source / "conf.py").write_text(
        (source / "conf.py")
        .read_text()
        .replace(
            '"examples_dirs": "../examples"',
            f'"examples_dirs": "{DOCS.parent / "examples"}"',
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-b",
            "html",
            "-q",
            str(source),
            str(tmp_path / "html"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=2700,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    html = tmp_path / "html"
    assert (html / "auto_examples" / "index.html").exists()
    assert (html / "generated" / "skbimt.BIMTRegressor.html").exists()
    examples = sorted(path.stem for path in DOCS.parent.glob("examples/plot_*.py"))
    for example in examples:
        page = html / "auto_examples" / f"{example}.html"
        assert page.exists(), example
        assert list((html / "_images").glob(f"sphx_glr_{example}_*.png")), example
