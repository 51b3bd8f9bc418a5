"""The tables a model was trained with: recorded, checked by the scoring service."""

from __future__ import annotations

import pytest

from scoring_core.data import Dataset
from scoring_core.errors import MissingTableError, ScoringError
from scoring_core.model.tables import check_tables, model_tables, parse_tables
from scoring_core.service import ScoringService


def test_parse_tables():
    assert parse_tables("bureau, application") == ("application", "bureau")
    assert parse_tables(["credit_card_balance"]) == ("application", "credit_card_balance")
    with pytest.raises(ScoringError, match="unknown table.*bureaux"):
        parse_tables("application,bureaux")


def _dataset(tables, drop=()):
    return Dataset(
        None,
        {
            "application_train": tables["application"],
            **{k: v for k, v in tables.items() if k != "application" and k not in drop},
        },
    )


def test_service_refuses_data_lacking_a_trained_table(quick_result, train_tables):
    model = quick_result.model
    assert "bureau" in model_tables(model)
    assert model.metadata["tables"] == model_tables(model)
    with pytest.raises(MissingTableError, match="bureau"):
        ScoringService(model, _dataset(train_tables, drop=("bureau",)))
    service = ScoringService(model, _dataset(train_tables, drop=("bureau",)), allow_missing_tables=True)
    assert service.missing_tables == ["bureau"]


def test_service_scores_carry_a_grade(quick_result, train_dataset):
    service = ScoringService(quick_result.model, train_dataset)
    assert service.missing_tables == []
    cid = int(service.client_ids[0])
    s = service.score(cid)
    assert s["grade"] == quick_result.model.grades.grade([s["probability"]])[0]
    assert s["grade"] in quick_result.model.grades.labels


def test_check_tables_lists_what_is_missing(quick_result, train_tables):
    tables = {**train_tables, "bureau": None, "credit_card_balance": None}
    assert check_tables(quick_result.model, tables, allow_missing=True) == ["bureau", "credit_card_balance"]
    with pytest.raises(MissingTableError, match="bureau, credit_card_balance"):
        check_tables(quick_result.model, tables)
