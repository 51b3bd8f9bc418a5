"""The optional Dask dependency: a clear error when the ``[dask]`` extra is not installed."""

from __future__ import annotations

import importlib

from ..errors import ScoringError

__all__ = ["DaskNotInstalledError", "require_dask"]

INSTALL_HINT = "pip install 'pret-a-depenser-scoring[dask]'"


class DaskNotInstalledError(ScoringError):
    """Dask (``dask[dataframe]`` and ``distributed``) is needed but not installed."""


def require_dask() -> None:
    """Import ``dask.dataframe`` and ``distributed``, or raise :class:`DaskNotInstalledError`.

    Raises
    ------
    DaskNotInstalledError
        Naming the missing module and the extra to install.
    """
    for module in ("dask", "dask.dataframe", "distributed"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise DaskNotInstalledError(
                f"--dask needs the Dask extra ({exc.name or module} is not installed): {INSTALL_HINT}"
            ) from None
