"""The exports API: the treasurer's AGI, SIE and pain.001 batches, the treasurer's overview and the payroll
summary of a run or a month (a download, not a batch). Read models are built by ``exports.schemas``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import OfficeReader, TreasurerOrAdmin
from kooperativet.exports import service
from kooperativet.exports.schemas import (
    PERIOD_PATTERN,
    AgiExportCreate,
    ExportBatchRead,
    Pain001ExportCreate,
    SieExportCreate,
    TreasurerOverviewRead,
)
from kooperativet.exports.service import SummaryFormat

router = APIRouter(prefix="/api/v1", tags=["exports"])

_WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)

_SUMMARY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}
    }
}


@router.get(
    "/payroll-runs/{run_id}/summary",
    response_class=Response,
    responses={**_SUMMARY_RESPONSES, **problem_responses(401, 403, 404, 422)},
)
def download_payroll_run_summary(
    run_id: int,
    _user: OfficeReader,
    session: DbSession,
    now: Now,
    format: SummaryFormat = SummaryFormat.csv,
) -> Response:
    """The payroll summary of a run's issued payslips, one row per payout: ``csv`` for programs, ``xlsx`` or
    ``csv-sv`` (Swedish headers, ``;`` and decimal comma, for Swedish Excel) for the treasurer."""
    file = service.payroll_summary(session, summary_format=format, created_at=now, run_id=run_id)
    return file_response(file.content, media_type=file.media_type, filename=file.filename)


@router.get(
    "/payroll-summary",
    response_class=Response,
    responses={**_SUMMARY_RESPONSES, **problem_responses(401, 403, 422)},
)
def download_payroll_period_summary(
    period: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", examples=["2026-11"])],
    _user: OfficeReader,
    session: DbSession,
    now: Now,
    format: SummaryFormat = SummaryFormat.csv,
) -> Response:
    """Every payslip paid out in a month (YYYY-MM) in the payroll summary: ``csv``, ``xlsx`` or ``csv-sv``."""
    file = service.payroll_summary(session, summary_format=format, created_at=now, period=period)
    return file_response(file.content, media_type=file.media_type, filename=file.filename)


@router.post("/exports/agi", status_code=status.HTTP_201_CREATED, responses=_WRITE_PROBLEMS)
def export_agi(
    body: AgiExportCreate, user: TreasurerOrAdmin, session: DbSession, today: Today, now: Now
) -> ExportBatchRead:
    """Export the arbetsgivardeklaration (AGI) of a month of payment; the batch shows its due date."""
    batch = service.export_agi(
        session, period=body.period, today=today, created_at=now, created_by_id=user.id
    )
    return ExportBatchRead.model_validate(batch)


@router.post("/exports/sie", status_code=status.HTTP_201_CREATED, responses=_WRITE_PROBLEMS)
def export_sie(
    body: SieExportCreate, user: TreasurerOrAdmin, session: DbSession, today: Today, now: Now
) -> ExportBatchRead:
    """Export a SIE 4I file with the vouchers dated in a range that no earlier SIE batch holds."""
    batch = service.export_sie(
        session,
        date_from=body.date_from,
        date_to=body.date_to,
        today=today,
        created_at=now,
        created_by_id=user.id,
    )
    return ExportBatchRead.model_validate(batch)


@router.post("/exports/pain001", status_code=status.HTTP_201_CREATED, responses=_WRITE_PROBLEMS)
def export_salary_payments(
    body: Pain001ExportCreate, user: TreasurerOrAdmin, session: DbSession, now: Now
) -> ExportBatchRead:
    """Export the pain.001 salary payment file of an approved payroll run for the bank."""
    batch = service.export_pain001(session, run_id=body.run_id, created_at=now, created_by_id=user.id)
    return ExportBatchRead.model_validate(batch)


@router.get("/exports", responses=problem_responses(401, 403, 422))
def list_export_batches(_user: OfficeReader, session: DbSession, window: Window) -> Page[ExportBatchRead]:
    """Every export batch, newest first."""
    rows, total = service.list_batches(session, limit=window.limit, offset=window.offset)
    items = [ExportBatchRead.model_validate(batch) for batch in rows]
    return window.page(items, total)


_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/xml": {}, "text/plain; charset=IBM437": {}}}
}


@router.get(
    "/exports/{batch_id}/file",
    response_class=Response,
    responses={**_FILE_RESPONSES, **problem_responses(401, 403, 404, 422)},
)
def download_export_batch(batch_id: int, _user: OfficeReader, session: DbSession) -> Response:
    """The batch's file, byte for byte as exported (its SHA-256 is on the batch)."""
    file = service.batch_file(service.get_batch(session, batch_id=batch_id))
    return file_response(file.content, media_type=file.media_type, filename=file.filename)


@router.get("/treasurer/overview", responses=problem_responses(401, 403, 422))
def get_treasurer_overview(
    month: Annotated[str, Query(pattern=PERIOD_PATTERN, examples=["2026-11"])],
    _user: OfficeReader,
    session: DbSession,
    today: Today,
) -> TreasurerOverviewRead:
    """The month for the treasurer: owed to Skatteverket and when, unpaid invoices, payouts, exports left."""
    return TreasurerOverviewRead.model_validate(service.treasurer_overview(session, month=month, today=today))
