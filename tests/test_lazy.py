"""Lazy package exports (scoring_core._lazy)."""


def test_an_exported_name_is_not_replaced_by_its_submodule():
    """``scoring_core.explain.reasons`` is the function even after the ``reasons`` module loads."""
    import importlib

    importlib.import_module("scoring_core.explain.reasons")
    from scoring_core.explain import reasons

    assert callable(reasons) and not isinstance(reasons, type(importlib))
