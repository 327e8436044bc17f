"""The examples' shared helper: quick steps and figures saved without a display."""

import importlib.util
import pathlib
import sys

import matplotlib.pyplot as plt

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def load_settings():
    spec = importlib.util.spec_from_file_location(
        "example_settings", EXAMPLES / "_settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_steps_follow_the_quick_switch(monkeypatch):
    settings = load_settings()
    monkeypatch.delenv("SKBIMT_QUICK", raising=False)
    assert settings.training_steps(20000) == 20000
    monkeypatch.setenv("SKBIMT_QUICK", "1")
    assert settings.training_steps(20000) == 300


def test_figures_are_saved_when_no_window_can_show_them(tmp_path, monkeypatch):
    settings = load_settings()
    monkeypatch.setenv("SKBIMT_FIGURE_DIR", str(tmp_path / "figures"))
    monkeypatch.delitem(sys.modules, "sphinx_gallery", raising=False)
    monkeypatch.setattr(sys, "argv", ["/somewhere/plot_example.py"])
    plt.subplots()
    plt.subplots()
    settings.save_figures()
    saved = sorted(path.name for path in (tmp_path / "figures").iterdir())
    assert saved == ["plot_example_1.png", "plot_example_2.png"]


def test_the_gallery_build_collects_figures_itself(tmp_path, monkeypatch):
    settings = load_settings()
    monkeypatch.setenv("SKBIMT_FIGURE_DIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "sphinx_gallery", object())
    monkeypatch.setattr(sys, "argv", ["plot_example.py"])
    plt.subplots()
    settings.save_figures()
    assert list(tmp_path.iterdir()) == []
