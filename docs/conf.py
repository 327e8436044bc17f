"""Sphinx configuration for the skbimt documentation."""

import os

import skbimt

project = "skbimt"
author = "skbimt developers"
release = skbimt.__version__
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
html_theme = "alabaster"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
nitpicky = False
# Inherited scikit-learn docstrings (score) link to labels of scikit-learn's
# own documentation, which an offline build cannot resolve.
suppress_warnings = ["ref.ref"]

# The gallery runs every example. SKBIMT_QUICK=1 (set by the test that builds
# the docs) runs them with a few hundred training steps.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"_settings\.py",
    "download_all_examples": False,
    "remove_config_comments": True,
    "reset_modules": ("matplotlib",),
    "abort_on_example_error": True,
    "image_scrapers": ("matplotlib",),
}
os.environ.setdefault("MPLBACKEND", "Agg")
