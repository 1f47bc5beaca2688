from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import TreasurerOrAdmin
from kooperativet.exports import service
from kooperativet.exports.models import ExportBatch, ExportKind
from kooperativet.exports.schemas import (
    PERIOD_PATTERN,
    AgiExportCreate,
    ExportBatchRead,
    Pain001ExportCreate,
    SieExportCreate,
    TreasurerOverviewRead,
)

router = APIRouter(prefix="/api/v1", tags=["exports"])

_WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


def _read(batch: ExportBatch) -> ExportBatchRead:
    return ExportBatchRead(
        id=batch.id,
        kind=batch.kind,
        period=batch.period,
        date_from=batch.date_from,
        date_to=batch.date_to,
        run_id=batch.run_id,
        filename=batch.filename,
        media_type=batch.media_type,
        sha256=batch.sha256,
        document_count=len(batch.documents),
        notes=list(batch.notes),
        due_date=(
            service.agi_due_date(batch.period) if batch.kind == ExportKind.agi and batch.period else None
        ),
        created_by_id=batch.created_by_id,
        created_at=batch.created_at,
        audit_head_entries=batch.audit_head_entries,
        audit_head_hash=batch.audit_head_hash,
    )


@router.post("/exports/agi", status_code=status.HTTP_201_CREATED, responses=_WRITE_PROBLEMS)
def export_agi(
    body: AgiExportCreate, user: TreasurerOrAdmin, session: DbSession, today: Today, now: Now
) -> ExportBatchRead:
    """Export the arbetsgivardeklaration (AGI) of a month of payment; the batch shows its due date."""
    return _read(
        service.export_agi(session, period=body.period, today=today, created_at=now, created_by_id=user.id)
    )


@router.post("/exports/sie", status_code=status.HTTP_201_CREATED, responses=_WRITE_PROBLEMS)
def export_sie(
    body: SieExportCreate, user: TreasurerOrAdmin, session: DbSession, today: Today, now: Now
) -> ExportBatchRead:
    """Export a SIE 4I file with the vouchers dated in a range that no earlier SIE batch holds."""
    return _read(
        service.export_sie(
            session,
            date_from=body.date_from,
            date_to=body.date_to,
            today=today,
            created_at=now,
            created_by_id=user.id,
        )
    )


@router.post("/exports/pain001", status_code=status.HTTP_201_CREATED, responses=_WRITE_PROBLEMS)
def export_salary_payments(
    body: Pain001ExportCreate, user: TreasurerOrAdmin, session: DbSession, now: Now
) -> ExportBatchRead:
    """Export the pain.001 salary payment file of an approved payroll run for the bank."""
    return _read(service.export_pain001(session, run_id=body.run_id, created_at=now, created_by_id=user.id))


@router.get("/exports", responses=problem_responses(401, 403, 422))
def list_export_batches(_user: TreasurerOrAdmin, session: DbSession, window: Window) -> Page[ExportBatchRead]:
    """Every export batch, newest first."""
    rows, total = service.list_batches(session, limit=window.limit, offset=window.offset)
    return Page(items=[_read(batch) for batch in rows], total=total, limit=window.limit, offset=window.offset)


_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/xml": {}, "text/plain; charset=IBM437": {}}}
}


@router.get(
    "/exports/{batch_id}/file",
    response_class=Response,
    responses={**_FILE_RESPONSES, **problem_responses(401, 403, 404, 422)},
)
def download_export_batch(batch_id: int, _user: TreasurerOrAdmin, session: DbSession) -> Response:
    """The batch's file, byte for byte as exported (its SHA-256 is on the batch)."""
    file = service.batch_file(service.get_batch(session, batch_id=batch_id))
    return file_response(file.content, media_type=file.media_type, filename=file.filename)


@router.get("/treasurer/overview", responses=problem_responses(401, 403, 422))
def get_treasurer_overview(
    month: Annotated[str, Query(pattern=PERIOD_PATTERN, examples=["2026-11"])],
    _user: TreasurerOrAdmin,
    session: DbSession,
    today: Today,
) -> TreasurerOverviewRead:
    """The month for the treasurer: owed to Skatteverket and when, unpaid invoices, payouts, exports left."""
    return TreasurerOverviewRead.model_validate(service.treasurer_overview(session, month=month, today=today))
