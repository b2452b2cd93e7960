"""Property-based test of the whole HTTP surface against its own OpenAPI schema (schemathesis).

Every documented operation (JSON API and pages) gets generated requests, valid (positive)
and invalid (negative), run in process through schemathesis's ASGI integration on a real
inventory; no response may be a 5xx, and responses must match the documented status codes
and models (schemathesis's default checks).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from sentinelle.serve import create_app

MAX_EXAMPLES = 25


def _operations(app) -> dict[str, object]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return {result.ok().label: result.ok() for result in schema.get_all_operations()}


# The schema does not depend on the data: list the operations once, from an app over nothing.
_BARE = create_app(object(), allowed_hosts=["testserver"])
LABELS = sorted(_operations(_BARE))
# Negative cases need something to get wrong: operations that take parameters.
WITH_PARAMS = {f"{method.upper()} {path}" for path, ops in _BARE.openapi()["paths"].items()
               for method, op in ops.items() if op.get("parameters")}
CASES = [(label, GenerationMode.POSITIVE) for label in LABELS] + \
        [(label, GenerationMode.NEGATIVE) for label in LABELS if label in WITH_PARAMS]


@pytest.fixture(scope="session")
def operations(inv):
    # schemathesis's in-process client sends "Host: testserver"
    return _operations(create_app(inv, allowed_hosts=["testserver"]))


def test_schema_covers_the_api():
    assert {"GET /api/files", "GET /api/files/{file_id}", "GET /api/overview", "GET /api/history",
            "GET /api/scans", "GET /api/assessments", "GET /files", "GET /"} <= set(LABELS)


@pytest.mark.parametrize("label, mode", CASES, ids=[f"{lb}-{m.value}" for lb, m in CASES])
def test_no_5xx(operations, label, mode):
    operation = operations[label]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call_and_validate()
        assert response.status_code < 500

    check()
