"""Drift fixtures: two halves of the same synthetic clients, one with planted shifts."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def halves(train_tables):
    """(reference, current) application rows: 750 clients each, same distribution."""
    app = train_tables["application"]
    return app.iloc[:750].reset_index(drop=True), app.iloc[750:].reset_index(drop=True)


@pytest.fixture(scope="session")
def planted(halves):
    """The current half with incomes x1.5 and half of the cash loans turned revolving."""
    from scoring_core.drift import shift_applications

    ref, cur = halves
    return ref, shift_applications(
        cur,
        scale={"AMT_INCOME_TOTAL": 1.5},
        add={},
        move={"NAME_CONTRACT_TYPE": ("Cash loans", "Revolving loans", 0.5)},
        seed=1,
    )
