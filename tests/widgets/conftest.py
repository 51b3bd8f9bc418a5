"""A loaded scoring service and its in-process backend, shared by the widget tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def service(quick_result, train_dataset):
    from scoring_core.service import ScoringService

    return ScoringService(quick_result.model, train_dataset)


@pytest.fixture(scope="session")
def backend(service):
    from widgets.backend import LocalBackend

    return LocalBackend(service)


@pytest.fixture(scope="session")
def refused_id(service):
    return int(service.probabilities[service.probabilities >= service.model.threshold].index[0])


@pytest.fixture(scope="session")
def approved_id(service):
    return int(service.probabilities[service.probabilities < service.model.threshold].index[0])
