"""Shared pieces of the object-level authorization matrix (quality.md R1).

Each domain keeps its own ``test_authorization.py`` with an ``EXPECTATIONS`` dict: operation id →
(expected status per role, request body). ``tests/api/test_authorization_matrix.py`` fails when an operation
in the OpenAPI has no expectation in any of those files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from kooperativet.auth.models import Role
from tests.openapi import openapi_spec

#: The six roles of each row, and the auditor (revisor), whose status each domain states apart, in its own
#: ``AUDITOR`` dict beside ``EXPECTATIONS`` (``with_auditor``).
ROW_ROLES = ("anonymous", "member", "other_member", "treasurer", "board", "admin")
ROLES = (*ROW_ROLES, "auditor")

Expectation = tuple[dict[str, int], dict[str, Any] | None]


def row(
    anonymous: int, member: int, other_member: int, treasurer: int, board: int, admin: int
) -> dict[str, int]:
    return dict(zip(ROW_ROLES, (anonymous, member, other_member, treasurer, board, admin), strict=True))


EVERYONE = row(401, 200, 200, 200, 200, 200)
ADMIN_ONLY = row(401, 403, 403, 403, 403, 200)
OWNER_OR_OFFICE = row(401, 200, 404, 200, 404, 200)
TREASURER_WRITE = row(401, 403, 403, 201, 403, 201)


#: The auditor's usual answers: she reads what the office reads (200) and every act of the office is refused
#: (403). A login that is only an auditor has no member record and no own rows.
AUDITOR_READS = 200
AUDITOR_REFUSED = 403


def with_auditor(expectations: dict[str, Expectation], auditor: dict[str, int]) -> dict[str, Expectation]:
    """Each row with the auditor's status added. Every operation needs one: an operation added to
    ``EXPECTATIONS`` without a status in ``auditor`` fails here, and so the whole matrix, until it is
    stated."""
    missing, extra = sorted(set(expectations) - set(auditor)), sorted(set(auditor) - set(expectations))
    if missing or extra:
        raise AssertionError(f"the auditor's statuses: missing for {missing}, stated for unknown {extra}")
    return {
        operation: ({**statuses, "auditor": auditor[operation]}, body)
        for operation, (statuses, body) in expectations.items()
    }


def operations() -> dict[str, tuple[str, str]]:
    """operation id → (method, path template) for every operation in the OpenAPI schema."""
    spec = openapi_spec()
    return {
        operation["operationId"]: (method.upper(), path)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }


@dataclass
class Actors:
    """The callers: "member" owns the records in the paths; "other_member" is a second member; "auditor" is a
    login with the auditor's role only (no member record)."""

    member: Any
    other_member: Any
    treasurer: Any
    board: Any
    admin: Any
    auditor: Any

    @classmethod
    def make(cls, make_user: Any, make_member: Any) -> Actors:
        return cls(
            member=make_member(),
            other_member=make_member(),
            treasurer=make_user(Role.treasurer),
            board=make_user(Role.board),
            admin=make_user(Role.admin),
            auditor=make_user(Role.auditor),
        )

    def headers(self, role: str) -> dict[str, str]:
        return {} if role == "anonymous" else dict(getattr(self, role).headers)


def check(
    api: TestClient,
    actors: Actors,
    role: str,
    *,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    expected: int,
) -> None:
    response = api.request(method, path, json=body, headers=actors.headers(role))
    assert response.status_code == expected, f"{method} {path} as {role}: {response.text}"
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
