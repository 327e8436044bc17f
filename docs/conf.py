"""Sphinx configuration for the skbimt documentation."""

import os

from sphinx_gallery.sorting import ExplicitOrder

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

# The gallery runs every example in its full setting (about ten minutes on two
# cores); SKBIMT_QUICK=1 in the environment runs them with 300 training steps,
# for a quick local check of the build.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"_settings\.py",
    # The paper's order of figures, then the real table.
    "within_subsection_order": ExplicitOrder(
        [
            "plot_ablations_and_pruning.py",
            "plot_symbolic_formulas.py",
            "plot_two_moons.py",
            "plot_modular_addition.py",
            "plot_permutation_group.py",
            "plot_in_context.py",
            "plot_digits_3d.py",
            "plot_tabular_diabetes.py",
            "*",
        ]
    ),
    "download_all_examples": False,
    "remove_config_comments": True,
    "reset_modules": ("matplotlib",),
    "abort_on_example_error": True,
    "image_scrapers": ("matplotlib",),
}
os.environ.setdefault("MPLBACKEND", "Agg")
