"""What-if on amount and term, loan pricing, and the counterfactual as an offer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_core.explain.whatif import (
    ACTIONABLE_FIELDS,
    TERM_FIELD,
    LoanPricing,
    WhatIfError,
    apply_changes,
    loan_changes,
    round_amount,
)
from scoring_core.service import ScoringService


@pytest.fixture(scope="module")
def service(quick_result, train_dataset):
    return ScoringService(quick_result.model, train_dataset)


@pytest.fixture(scope="module")
def full_service(train_tables, train_dataset):
    """A model with enough trees to react to loan amounts (the quick one has a handful)."""
    from scoring_core.model.training import TrainConfig, train

    result = train(train_tables, TrainConfig(tune=False, folds=3, seed=1), progress=False)
    return ScoringService(result.model, train_dataset)


# -- pricing ---------------------------------------------------------------------------------
def test_pricing_is_estimated_from_the_previous_loans_of_the_data(train_tables):
    # the synthetic generator prices previous loans at a flat 1.5% a month
    pricing = LoanPricing.from_previous(train_tables["previous_application"])
    assert pricing.monthly_rate == pytest.approx(0.015, abs=5e-4)


def test_pricing_without_previous_loans_is_the_plain_ratio():
    assert LoanPricing.from_previous(None).monthly_rate == 0.0
    empty = pd.DataFrame({"AMT_CREDIT": [], "AMT_ANNUITY": [], "CNT_PAYMENT": []})
    assert LoanPricing.from_previous(empty).monthly_rate == 0.0
    assert LoanPricing(0.0).annuity(120_000, 24) == pytest.approx(5_000)


def test_term_and_annuity_are_inverse_and_the_current_loan_is_reproduced():
    p = LoanPricing(0.012)
    for credit, term in ((250_000, 36), (40_000, 12), (1_000_000, 60)):
        assert p.term(credit, p.annuity(credit, term)) == pytest.approx(term)
    assert p.term(100_000, 1_000) is None  # 1% a month does not even cover the 1.2% rate
    assert p.for_loan(100_000, 1_000).monthly_rate == 0.0  # falls back to the ratio for that loan
    with pytest.raises(ValueError, match="monthly_rate"):
        LoanPricing(-0.1)


def test_lowering_the_amount_at_a_fixed_term_lowers_the_payment():
    p = LoanPricing(0.015)
    payments = [p.annuity(c, 36) for c in (300_000, 250_000, 200_000)]
    assert payments == sorted(payments, reverse=True)
    longer = [p.annuity(250_000, n) for n in (24, 36, 48)]
    assert longer == sorted(longer, reverse=True)


@pytest.mark.parametrize(
    ("amount", "rounded"), [(254_321, 254_000), (8_765, 8_800), (999.4, 1_000), (12, 10), (250_500, 251_000)]
)
def test_amounts_round_to_what_an_advisor_says(amount, rounded):
    assert round_amount(amount) == rounded
    assert round_amount(amount, down=True) <= max(amount, 10)


# -- what-if with a term -----------------------------------------------------------------------
def test_a_term_change_derives_the_annuity(service):
    cid = int(service.client_ids[0])
    app = service.client_tables(cid)["application"]
    credit, annuity = float(app["AMT_CREDIT"].iloc[0]), float(app["AMT_ANNUITY"].iloc[0])
    loan = service.profile(cid)["loan"]
    # unchanged amount and term: the client's own annuity
    same = loan_changes(app, {TERM_FIELD: loan["term_months"]}, service.pricing)
    assert same["AMT_ANNUITY"] == pytest.approx(annuity, rel=1e-4)
    smaller = loan_changes(app, {"AMT_CREDIT": credit / 2, TERM_FIELD: loan["term_months"]}, service.pricing)
    assert smaller["AMT_ANNUITY"] == pytest.approx(annuity / 2, rel=1e-4)
    row = apply_changes(app, {"AMT_CREDIT": credit / 2, TERM_FIELD: 48}, service.pricing)
    expected = service.pricing.for_loan(credit, annuity).annuity(credit / 2, 48)
    assert float(row["AMT_ANNUITY"].iloc[0]) == pytest.approx(expected, rel=1e-5)


def test_a_smaller_amount_at_the_same_term_keeps_the_term_the_features_see(service):
    # the issue: with the annuity fixed, a smaller amount silently meant a shorter term
    from scoring_core.explain.whatif import what_if_features

    cid = int(service.client_ids[1])
    profile = service.profile(cid)
    X = service.feature_row(cid)
    changes = {"AMT_CREDIT": profile["AMT_CREDIT"] * 0.6, TERM_FIELD: profile["loan"]["term_months"]}
    X2 = what_if_features(service.model, service.client_tables(cid), changes, service.pricing)
    assert X2["CREDIT_TERM"].iloc[0] == pytest.approx(X["CREDIT_TERM"].iloc[0], rel=1e-4)
    assert X2["ANNUITY_INCOME_RATIO"].iloc[0] == pytest.approx(
        0.6 * X["ANNUITY_INCOME_RATIO"].iloc[0], rel=1e-4
    )
    # the old behaviour, for contrast: the raw amount alone shortens the term
    X3 = what_if_features(service.model, service.client_tables(cid), {"AMT_CREDIT": changes["AMT_CREDIT"]})
    assert X3["CREDIT_TERM"].iloc[0] == pytest.approx(0.6 * X["CREDIT_TERM"].iloc[0], rel=1e-4)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({TERM_FIELD: 0}, "between 1 and"),
        ({TERM_FIELD: "long"}, "must be a number"),
        ({TERM_FIELD: 36, "AMT_ANNUITY": 1000.0}, "not both"),
        ({TERM_FIELD: float("nan")}, "must be a number"),
    ],
)
def test_bad_terms_are_refused_with_the_field_named(service, changes, match):
    with pytest.raises(WhatIfError, match=match):
        service.what_if(int(service.client_ids[0]), changes)


def test_raw_changes_still_work_for_integrators(service):
    cid = int(service.client_ids[2])
    annuity = service.profile(cid)["AMT_ANNUITY"]
    e = service.what_if(cid, {"AMT_ANNUITY": annuity * 0.8})
    assert 0 <= e.probability <= 1


# -- counterfactual offer ------------------------------------------------------------------------
def test_the_counterfactual_is_an_offer_that_is_approved_when_scored(full_service):
    service = full_service
    probs = service.probabilities
    refused = probs[probs >= service.model.threshold].sort_values().index[:25]
    assert len(refused)
    found = 0
    for cid in refused:
        cf = service.counterfactual(int(cid))
        assert set(cf.changes) <= set(ACTIONABLE_FIELDS)
        if not cf.found:
            assert "no credit amount" in cf.message and cf.offer is None
            continue
        found += 1
        offer = cf.offer
        assert offer.credit == round_amount(offer.credit)  # a round amount
        assert offer.credit % (1000 if offer.credit >= 10_000 else 100) == 0
        assert isinstance(offer.term_months, int) and 1 <= offer.term_months <= max(
            60, cf.current.term_months
        )
        assert offer.credit <= cf.current.credit
        # an offer changes the loan: a smaller amount or a longer term, never the request re-priced
        assert offer.credit < cf.current.credit or offer.term_months > cf.current.term_months
        assert cf.changes == {"AMT_CREDIT": offer.credit, "AMT_ANNUITY": offer.annuity}
        # the offer rescored through the what-if is approved, with the same probability
        e = service.what_if(int(cid), {"AMT_CREDIT": offer.credit, TERM_FIELD: offer.term_months})
        assert e.decision == "approve"
        assert e.probability == pytest.approx(cf.probability, abs=1e-6), (
            cid,
            offer,
            cf.current,
            service.what_if(int(cid), cf.changes).probability,
        )
        assert f"{offer.term_months} months" in cf.message
        d = cf.to_dict(int(cid))
        assert d["offer"] == {
            "credit": offer.credit,
            "term_months": offer.term_months,
            "annuity": offer.annuity,
        }
    assert found >= 1


@pytest.mark.parametrize(
    ("credit", "term0"), [(450_000.0, 28.7), (450_000.0, 29.4), (451_234.0, 12.0), (80_000.0, 60.0)]
)
def test_the_request_itself_is_never_a_candidate_offer(credit, term0):
    from scoring_core.explain.whatif import _candidates

    grid = _candidates(credit, term0)
    assert grid
    start = round(term0)
    assert all(c < credit or t > start for c, t in grid)
    assert (round_amount(credit, down=True), start) in grid or round_amount(credit, down=True) == credit


def test_an_approved_client_needs_no_offer(service):
    approved = service.probabilities[service.probabilities < service.model.threshold].index[0]
    cf = service.counterfactual(int(approved))
    assert cf.found and cf.changes == {} and cf.offer is None
    assert cf.current is not None and cf.current.term_months >= 1
    assert np.isfinite(cf.current.annuity)
