"""The documentation builds without a warning, the gallery included.

The gallery runs every example once, in its full setting (about ten minutes
on two cores); this is the only place the examples run. It is marked
``slow`` and ``docs``: CI runs it on its own, in a fresh virtual environment
with only the docs extra (``.ci/run``). ``SKBIMT_QUICK=1`` in the
environment runs the examples with a few hundred steps, for a local smoke
run of the build.
"""

import inspect
import os
import pathlib
import re
import subprocess
import sys

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


def public_callables():
    """Public classes and functions, under the names users import them by.

    Constants are left out (autosummary has no page for them), and so are
    aliases, which are documented under their own name.
    """
    import skbimt
    import skbimt.datasets
    import skbimt.inspection
    import skbimt.nn

    found = {}
    for module in (skbimt, skbimt.inspection, skbimt.nn):
        found.update({name: getattr(module, name) for name in module.__all__})
    found.update(
        (name, value)
        for name, value in vars(skbimt.datasets).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == "skbimt.datasets"
    )
    return {
        name
        for name, value in found.items()
        if (inspect.isclass(value) or inspect.isfunction(value))
        and value.__name__ == name
    }


def test_api_reference_lists_every_public_name():
    listed = set(re.findall(r"^ {3}(\w+)$", (DOCS / "api.rst").read_text(), re.M))
    assert public_callables() - listed == set()


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
