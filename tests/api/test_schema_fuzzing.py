"""R7: schemathesis generates requests from the OpenAPI schema, in process, as a treasurer-admin.

No generated request may cause a 5xx, and every response must match the schema's status codes, content
types and response bodies. (Driven through Hypothesis directly; schemathesis's pytest plugin does not yet
support the pytest we use.)
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from kooperativet.auth.models import Role
from tests.authz import operations

SKIPPED = {
    "issue_token": "generated logins would trip the login throttle for the whole run",
    "change_password": "a generated password change would lock the generated caller out",
}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.mark.slow
@pytest.mark.parametrize("operation_id", sorted(set(operations()) - set(SKIPPED)))
def test_generated_requests_get_no_server_error_and_match_the_schema(
    app: FastAPI, make_user, cooperative, operation_id: str
) -> None:
    headers = make_user(Role.admin, Role.treasurer, Role.board).headers
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operation = next(
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().definition.raw.get("operationId") == operation_id
    )

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def generated(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    generated()
