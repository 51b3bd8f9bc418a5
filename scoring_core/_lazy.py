"""Names of a package imported on first use (PEP 562), shared by the packages that need it.

Importing one light submodule (labels, pricing, the schema) then does not load the heavy ones
(pandas, scikit-learn, LightGBM), which keeps the dashboard's API-mode kernel small.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module

__all__ = ["lazy_exports"]


class _LazyPackage(types.ModuleType):
    """A package whose exported names win over its submodules of the same name: importing
    ``pkg.reasons`` (the module) must not replace ``pkg.reasons`` (the exported function)."""

    def __setattr__(self, name: str, value) -> None:
        exports = self.__dict__.get("_EXPORTS", {})
        if (
            name in exports
            and isinstance(value, types.ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            return
        super().__setattr__(name, value)


def lazy_exports(package: str, exports: dict[str, str]) -> None:
    """Make ``exports`` (``{name: ".submodule"}``) of ``package`` load on first use; other
    attributes fall back to submodules (``package.loader``)."""
    module = sys.modules[package]

    def __getattr__(name: str):
        if name in exports:
            value = getattr(import_module(exports[name], package), name)
        else:
            try:
                value = import_module(f".{name}", package)
            except ModuleNotFoundError:
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        module.__dict__[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(module.__dict__.get("__all__", ())))

    module.__dict__.update(_EXPORTS=exports, __getattr__=__getattr__, __dir__=__dir__)
    module.__class__ = _LazyPackage
