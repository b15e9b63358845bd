"""Property-based requests generated from the hub's own OpenAPI document (schemathesis): whatever
a client sends, the hub answers with a clear 4xx or data, never a 5xx."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.conftest import COUNCIL


def test_no_generated_request_makes_the_hub_fail(hub_url):
    schema = schemathesis.openapi.from_url(f"{hub_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(auth=COUNCIL, timeout=30)
            assert response.status_code < 500, (f"{case.method} {case.formatted_path} {case.query}: "
                                                f"{response.status_code} {response.text[:300]}")
            if response.status_code >= 400:
                assert response.json()["detail"]                  # every refusal says why

        check()
