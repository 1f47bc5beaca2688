"""The purge after retention erases the stored file of every export batch whose own retention has ended (the
end of the seventh year after the year it covers, BFL 7 kap. 2 §, SFF 39 kap.), by date, whoever it names;
the batch keeps its row, kind, period, SHA-256, audit head and documents, and its download says why it is
gone (docs/personal-data.md)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kooperativet.audit import service as audit_service
from kooperativet.audit.models import AuditEvent
from kooperativet.exports import service
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.models import ExportBatch, ExportedDocument, ExportKind
from kooperativet.exports.service.batches import store_batch
from kooperativet.exports.service.retention import ExportFileErasure
from kooperativet.workflows.retention_purge import RetentionPurge, plan_purge, purge_after_retention
from tests.exports.conftest import EXPORT_DAY, ApprovedRun
from tests.privacy.purged import DUE, PURGED_AT, RETAINED_UNTIL

MADE_AT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _november_batches(session: Session, run: ApprovedRun) -> dict[ExportKind, ExportBatch]:
    """The AGI, SIE and salary file of November 2026, as the treasurer made them."""
    by = run.treasurer.user.id  # type: ignore[attr-defined]
    return {
        ExportKind.agi: service.export_agi(
            session, period="2026-11", today=EXPORT_DAY, created_at=MADE_AT, created_by_id=by
        ),
        ExportKind.sie: service.export_sie(
            session,
            date_from=date(2026, 11, 1),
            date_to=date(2026, 11, 30),
            today=EXPORT_DAY,
            created_at=MADE_AT,
            created_by_id=by,
        ),
        ExportKind.pain001: service.export_pain001(
            session, run_id=run.run.id, created_at=MADE_AT, created_by_id=by
        ),
    }


def _january_agi(session: Session) -> ExportBatch:
    """An AGI of January 2027: its retention runs a year longer, to 31 December 2034."""
    file = ExportFile(filename="agi-2027-01.xml", media_type="application/xml", content=b"<agi 2027-01/>")
    return store_batch(
        session,
        kind=ExportKind.agi,
        file=file,
        covered=[],
        notes=[],
        created_at=datetime(2027, 2, 1, tzinfo=UTC),
        created_by_id=None,
        period="2027-01",
    )


def _stored(session: Session, batch_id: int) -> tuple[object, ...]:
    row = session.execute(
        text(
            "SELECT content IS NULL, erased_at IS NULL, sha256, kind, period FROM export_batches "
            "WHERE id = :id"
        ),
        {"id": batch_id},
    ).one()
    return tuple(row)


def _events(session: Session) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.kind == "export_files_erased_after_retention")
    return list(session.scalars(query.order_by(AuditEvent.id)))


def test_the_purge_erases_the_files_of_batches_whose_retention_ended_and_keeps_the_batches(
    session: Session, approved_run: ApprovedRun
) -> None:
    made = _november_batches(session, approved_run)
    later = _january_agi(session)
    before = {kind: (batch.sha256, batch.document_count) for kind, batch in made.items()}
    assert b"Borttagen" not in made[ExportKind.agi].content  # type: ignore[operator]
    documents = session.scalar(select(func.count(ExportedDocument.id)))

    assert purge_after_retention(session, today=RETAINED_UNTIL, now=PURGED_AT).export_files == []
    done = purge_after_retention(session, today=DUE, now=PURGED_AT)

    agi, sie, pain = (made[kind].id for kind in (ExportKind.agi, ExportKind.sie, ExportKind.pain001))
    run_id = approved_run.run.id
    assert done == RetentionPurge(
        members=[],
        export_files=[
            ExportFileErasure(agi, ExportKind.agi, "2026-11", RETAINED_UNTIL),
            ExportFileErasure(sie, ExportKind.sie, "2026-11-01–2026-11-30", RETAINED_UNTIL),
            ExportFileErasure(pain, ExportKind.pain001, f"payroll run {run_id}", RETAINED_UNTIL),
        ],
    )
    session.expire_all()
    for kind, batch in made.items():
        assert _stored(session, batch.id) == (True, False, before[kind][0], str(kind), batch.period)
        kept = session.get_one(ExportBatch, batch.id)
        assert (kept.sha256, kept.document_count) == before[kind]
        assert kept.erased_at == PURGED_AT
    assert session.scalar(select(func.count(ExportedDocument.id))) == documents
    assert _stored(session, later.id)[:2] == (False, True)
    [event] = _events(session)
    assert json.loads(event.payload) == {
        "files": 3,
        "batches": [
            {"batch_id": agi, "kind": "agi", "covers": "2026-11", "retained_until": "2033-12-31"},
            {
                "batch_id": sie,
                "kind": "sie",
                "covers": "2026-11-01–2026-11-30",
                "retained_until": "2033-12-31",
            },
            {
                "batch_id": pain,
                "kind": "pain001",
                "covers": f"payroll run {run_id}",
                "retained_until": "2033-12-31",
            },
        ],
    }
    assert audit_service.verify(session, anchor=None).problem is None

    # Once is enough: the next run erases the January AGI only when its own year has run out.
    assert purge_after_retention(session, today=date(2034, 6, 1), now=PURGED_AT).export_files == []
    assert len(_events(session)) == 1
    [january] = purge_after_retention(
        session, today=date(2035, 1, 1), now=datetime(2035, 1, 1, 3, tzinfo=UTC)
    ).export_files
    assert (january.batch_id, january.retained_until) == (later.id, date(2034, 12, 31))


def test_the_dry_run_lists_the_files_it_would_erase_and_changes_nothing(
    session: Session, approved_run: ApprovedRun
) -> None:
    made = _november_batches(session, approved_run)

    planned = plan_purge(session, today=DUE)

    assert [erasure.batch_id for erasure in planned.export_files] == [batch.id for batch in made.values()]
    session.expire_all()
    assert all(_stored(session, batch.id)[:2] == (False, True) for batch in made.values())
    assert _events(session) == []
    assert planned == purge_after_retention(session, today=DUE, now=PURGED_AT)


def test_an_erased_file_s_download_says_when_it_was_erased_and_the_list_and_the_hint_say_so_too(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    made = _november_batches(session, approved_run)
    purge_after_retention(session, today=DUE, now=PURGED_AT)
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    agi = made[ExportKind.agi]

    download = api.get(f"/api/v1/exports/{agi.id}/file", headers=headers)
    listed = api.get("/api/v1/exports", headers=headers)
    again = api.post("/api/v1/exports/pain001", json={"run_id": approved_run.run.id}, headers=headers)

    assert (download.status_code, download.json()["code"]) == (404, "erased_after_retention")
    assert download.json()["detail"] == (
        f"the file of export batch {agi.id} was erased after the retention period on 2034-01-01; the batch "
        f"keeps its SHA-256 {agi.sha256} and the documents it covered"
    )
    erased = {item["id"]: item["erased_at"] for item in listed.json()["items"]}
    assert erased[agi.id] == "2034-01-01T03:00:00Z"
    assert (again.status_code, again.json()["code"]) == (409, "already_exported")
    pain = made[ExportKind.pain001].id
    assert again.json()["detail"].endswith(
        f"; the file of the earlier batch ({pain}) was erased after the retention period"
    )


def test_the_database_lets_a_file_be_erased_only_after_its_retention_and_nothing_else_change(
    session: Session, approved_run: ApprovedRun
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the triggers are PostgreSQL's; SQLite relies on the service")
    made = _november_batches(session, approved_run)
    ids = {"agi": made[ExportKind.agi].id, "pain": made[ExportKind.pain001].id}
    refused = [
        # Before the retention ended (on its last day), the file stays …
        "UPDATE export_batches SET content = NULL, erased_at = '2033-12-31 12:00:00+00' WHERE id = :agi",
        "UPDATE export_batches SET content = NULL, erased_at = '2033-12-31 12:00:00+00' WHERE id = :pain",
        # … and after it, only the file goes, with the time it went, once.
        "UPDATE export_batches SET content = NULL WHERE id = :agi",
        "UPDATE export_batches SET erased_at = '2034-01-01 03:00:00+00' WHERE id = :agi",
        "UPDATE export_batches SET content = NULL, erased_at = '2034-01-01 03:00:00+00', sha256 = 'x' "
        "WHERE id = :agi",
        "UPDATE export_batches SET content = 'x', erased_at = '2034-01-01 03:00:00+00' WHERE id = :agi",
        "UPDATE export_batches SET notes = '[]' WHERE id = :agi",
        "DELETE FROM export_batches WHERE id = :agi",
        "UPDATE exported_documents SET document_id = document_id + 1000",
        "DELETE FROM exported_documents",
    ]
    for statement in refused:
        with pytest.raises(DBAPIError, match="never"), session.begin_nested():
            session.execute(text(statement), ids)

    purge_after_retention(session, today=DUE, now=PURGED_AT)

    with pytest.raises(DBAPIError, match="never"), session.begin_nested():
        session.execute(
            text("UPDATE export_batches SET erased_at = '2034-02-01 03:00:00+00' WHERE id = :agi"), ids
        )
    assert _stored(session, ids["agi"])[:2] == (True, False)
