"""Property-based requests generated from the OpenAPI schema: never a server error.

Bounded: a fixed number of examples per operation, no deadline. The requests carry a valid
key (the 401 path is covered in test_app.py), so generated inputs reach the handlers.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from scoring_api.app import create_app
from scoring_api.settings import ApiSettings
from scoring_core.service import ScoringService

KEY = "fuzz-key"


@pytest.fixture(scope="module")
def api_schema(quick_result, train_dataset, tmp_path_factory):
    ds = train_dataset
    app = create_app(
        ScoringService(quick_result.model, ds),
        ds,
        settings=ApiSettings(key=KEY, audit_log=tmp_path_factory.mktemp("fuzz") / "audit.jsonl"),
    )
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_server_errors(api_schema):
    """Each operation, a bounded number of generated requests; every response is checked."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            response = case.call(headers={"X-API-Key": KEY})
            case.validate_response(response, checks=[not_a_server_error])

        check()
