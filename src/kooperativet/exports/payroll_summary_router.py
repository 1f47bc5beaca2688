from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.auth.dependencies import TreasurerOrAdmin
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.payroll_summary import SummaryFormat, payroll_summary

router = APIRouter(prefix="/api/v1", tags=["exports"])

_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}
    }
}


def _download(file: ExportFile) -> Response:
    return file_response(file.content, media_type=file.media_type, filename=file.filename)


@router.get(
    "/payroll-runs/{run_id}/summary",
    response_class=Response,
    responses={**_FILE_RESPONSES, **problem_responses(401, 403, 404, 422)},
)
def download_payroll_run_summary(
    run_id: int,
    _user: TreasurerOrAdmin,
    session: DbSession,
    now: Now,
    format: SummaryFormat = SummaryFormat.csv,
) -> Response:
    """The payroll summary of a run's issued payslips, one row per payout: ``csv`` for programs, ``xlsx`` or
    ``csv-sv`` (Swedish headers, ``;`` and decimal comma, for Swedish Excel) for the treasurer."""
    return _download(payroll_summary(session, summary_format=format, created_at=now, run_id=run_id))


@router.get(
    "/payroll-summary",
    response_class=Response,
    responses={**_FILE_RESPONSES, **problem_responses(401, 403, 422)},
)
def download_payroll_period_summary(
    period: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", examples=["2026-11"])],
    _user: TreasurerOrAdmin,
    session: DbSession,
    now: Now,
    format: SummaryFormat = SummaryFormat.csv,
) -> Response:
    """Every payslip paid out in a month (YYYY-MM) in the payroll summary: ``csv``, ``xlsx`` or ``csv-sv``."""
    return _download(payroll_summary(session, summary_format=format, created_at=now, period=period))
