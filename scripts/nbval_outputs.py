"""Refresh the committed outputs of the notebook cells that nbval checks.

A notebook's outputs are stripped before commit, except in cells marked ``# NBVAL_CHECK_OUTPUT``:
``pytest --nbval-lax`` compares those cells' new outputs with the committed ones. After a change
that rightly moves such an output (the synthetic data, the training recipe), rerun::

    .venv/bin/python scripts/nbval_outputs.py notebooks/00_widgets_tour.ipynb notebooks/01_explore.ipynb

Each notebook runs with its default parameters in a temporary working directory (as nbval runs it,
with the current environment's kernel); only the checked cells keep their outputs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

MARK = "# NBVAL_CHECK_OUTPUT"
log = logging.getLogger("nbval_outputs")


def refresh(path: Path, timeout: int = 1800) -> int:
    """Run ``path`` and keep the outputs of its checked cells only; returns how many cells are checked."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="nbval-") as tmp:
        NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": tmp}}
        ).execute()
    checked = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.lstrip().startswith(MARK):
            checked += 1
            cell.metadata.pop("execution", None)
        else:
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)  # the widget state of a run is output, not source
    nbformat.write(nb, path)
    return checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in args.notebooks:
        log.info("%s: %d checked cells refreshed", path, refresh(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
