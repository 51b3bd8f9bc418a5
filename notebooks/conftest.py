"""nbval (``pytest --nbval-lax``, on by default in pyproject.toml) runs these notebooks as they are,
with their default parameters, and compares the outputs of the cells marked
``# NBVAL_CHECK_OUTPUT`` with the committed ones. The parameterized runs (model selection,
training, retraining) and the methodology note run under papermill in ``tests/`` with small
parameters instead."""

collect_ignore = [
    "02_model_selection.ipynb",  # tests/notebooks/test_notebooks.py (papermill, small grid)
    "03_train.ipynb",  # tests/notebooks/test_notebooks.py (papermill, quick)
    "05_retrain.ipynb",  # tests/notebooks/test_notebooks.py (papermill, quick)
    "06_methodology.ipynb",  # tests/reports/test_methodology.py (the report command)
    "build",  # what the notebooks write when run from this directory
]
