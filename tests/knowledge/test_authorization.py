"""R1 for the knowledge bank (tests/authz.py): everyone signed in reads; the board and the admin change."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.knowledge import sharing
from tests.authz import (
    AUDITOR_READS,
    AUDITOR_REFUSED,
    EVERYONE,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)

EDITORS_ONLY = row(401, 403, 403, 403, 200, 200)
EDITORS_CREATE = row(401, 403, 403, 403, 201, 201)
SLUG = "commission-to-salary"
TEXT = {"title": "Vår rubrik", "summary": "", "body": "Text.", "sources": []}
BUNDLE = {
    "format": sharing.BUNDLE_FORMAT,
    "format_version": 1,
    "origin": "Grannkooperativet",
    "exported_at": "2026-12-01T10:00:00+00:00",
    "articles": [
        {
            "slug": SLUG,
            "category": "pay",
            "audience": "member",
            "texts": {"sv": TEXT, "en": {**TEXT, "title": "Our title"}},
            "versions": [],
        }
    ],
}

EXPECTATIONS: dict[str, Expectation] = {
    "list_articles": (EVERYONE, None),
    "get_article": (EVERYONE, None),
    "edit_article": (EDITORS_ONLY, TEXT),
    "add_article": (
        EDITORS_CREATE,
        {"slug": "var-replokal", "category": "office-routines", "audience": "member", "texts": {"sv": TEXT}},
    ),
    "hide_article": (EDITORS_ONLY, {"hidden": True}),
    "reset_article": (EDITORS_ONLY, None),
    "article_history": (EDITORS_ONLY, None),
    "export_bundle": (EDITORS_ONLY, None),
    "import_bundle": (EDITORS_CREATE, BUNDLE),
    "get_import": (EDITORS_ONLY, None),
    "proposal_diff": (EDITORS_ONLY, None),
    "take_proposal": (EDITORS_ONLY, {"languages": ["sv"]}),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "list_articles": AUDITOR_READS,
    "get_article": AUDITOR_READS,
    "edit_article": AUDITOR_REFUSED,
    "add_article": AUDITOR_REFUSED,
    "hide_article": AUDITOR_REFUSED,
    "reset_article": AUDITOR_REFUSED,
    "article_history": AUDITOR_REFUSED,  # the editors' tools, not the office's records
    "export_bundle": AUDITOR_REFUSED,
    "import_bundle": AUDITOR_REFUSED,
    "get_import": AUDITOR_REFUSED,
    "proposal_diff": AUDITOR_REFUSED,
    "take_proposal": AUDITOR_REFUSED,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, session: Session, make_user, make_member, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    bank_import = sharing.import_bundle(session, BUNDLE, importer=None, importer_name="Test")
    proposal = sharing.proposals_of(session, bank_import.id)[0]
    session.commit()
    method, template = OPERATIONS[operation_id]
    statuses, body = EXPECTATIONS[operation_id]
    path = template.format(slug=SLUG, language="sv", import_id=bank_import.id, proposal_id=proposal.id)
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])
