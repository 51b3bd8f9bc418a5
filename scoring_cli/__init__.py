"""Command line of the toolkit (app layer): ``python -m scoring_core COMMAND``, ``python -m scoring_cli
COMMAND`` or the ``scoring`` console script.

The commands are thin: they parse arguments, call :mod:`scoring_core` (and, for ``serve``,
``summary``, ``report`` and ``drift --out``, the API and report packages), and print a summary.
Modules: :mod:`.parser` (arguments), :mod:`.commands` (one module per group: data, clients,
model), :mod:`.main` (exit codes).
"""

from .main import main
from .parser import build_parser

__all__ = ["main", "build_parser"]
