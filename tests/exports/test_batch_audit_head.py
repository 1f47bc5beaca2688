"""Every export batch carries the audit chain's head it was made on, an anchor kept with the file."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import Anchor, chain_head, verify
from tests.exports.conftest import ApprovedRun

EXPORTS = "/api/v1/exports"


def test_a_batch_states_the_audit_head_it_was_made_on_and_its_own_entry_follows_it(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    before = chain_head(session)
    created = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert created.status_code == 201, created.text
    batch = created.json()
    assert (batch["audit_head_entries"], batch["audit_head_hash"]) == (before.entries, before.hash)
    listed = api.get(EXPORTS, headers=headers).json()["items"][0]
    assert (listed["audit_head_entries"], listed["audit_head_hash"]) == (before.entries, before.hash)
    following = session.scalars(select(AuditEvent).where(AuditEvent.previous_hash == before.hash)).one()
    assert following.kind == "export_created"
    assert json.loads(following.payload)["batch_id"] == batch["id"]
    anchor = Anchor.parse(f"{batch['audit_head_entries']}:{batch['audit_head_hash']}")
    assert verify(session, anchor=anchor).ok
