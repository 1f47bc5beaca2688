from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.idempotency import IdempotencyKey, idempotent
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import AdminUser, CurrentUser, OfficeReader, TreasurerOrAdmin
from kooperativet.db import commit_now
from kooperativet.errors import RuleViolation
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Language
from kooperativet.payroll import service, tax_table_store
from kooperativet.payroll.models import RunStatus
from kooperativet.payroll.schemas import (
    CorrectionCreate,
    PayEstimateCreate,
    PayEstimateRead,
    PayrollRunCreate,
    PayrollRunListItem,
    PayrollRunPaid,
    PayrollRunRead,
    PayslipRead,
    PayslipSummary,
    TaxTableImportRead,
    YearToDateRead,
)
from kooperativet.payroll.service.payslip_pdfs import payslip_pdf_progress

router = APIRouter(prefix="/api/v1")

MAX_TAX_TABLE_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"


def _run_read(session: Session, shown: service.RunWithPayslips) -> PayrollRunRead:
    """A run as the API answers it; a locked one with how many of its payslip PDFs the workers stored."""
    run = shown.run
    pdfs = None if run.status == RunStatus.draft else payslip_pdf_progress(session, run_id=run.id)
    return PayrollRunRead.from_model(shown, pdfs=pdfs)


@router.post(
    "/tax-tables",
    tags=["tax tables"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def import_tax_tables(
    file: Annotated[UploadFile, File(description="allmanna-tabeller-manad.txt or the open-data CSV")],
    year: Annotated[int, Query(ge=2000, le=2100, description="the income year of the tables")],
    admin: AdminUser,
    session: DbSession,
) -> TaxTableImportRead:
    """Import Skatteverket's monthly tax tables for a year (admin); stored with the file's SHA-256."""
    content = file.file.read(MAX_TAX_TABLE_BYTES + 1)
    if len(content) > MAX_TAX_TABLE_BYTES:
        raise RuleViolation(f"a tax table file is at most {MAX_TAX_TABLE_BYTES} bytes", field="file")
    record = tax_table_store.import_tax_tables(
        session, content=content, filename=file.filename or "tax-tables", year=year, imported_by_id=admin.id
    )
    return TaxTableImportRead.model_validate(record)


@router.get("/tax-tables", tags=["tax tables"], responses=problem_responses(401, 403))
def list_tax_table_imports(_user: OfficeReader, session: DbSession) -> list[TaxTableImportRead]:
    """Imported tax table files, newest year first (treasurer or admin)."""
    return [TaxTableImportRead.model_validate(r) for r in tax_table_store.list_imports(session)]


@router.post(
    "/payroll-runs",
    response_model=PayrollRunRead,
    tags=["payroll"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def create_payroll_run(
    body: PayrollRunCreate,
    user: TreasurerOrAdmin,
    session: DbSession,
    today: Today,
    key: IdempotencyKey = None,
) -> Response:
    """Create a draft run for a pay date with every ready payout (treasurer or admin); 409 if none is."""

    def produce() -> PayrollRunRead:
        created = service.create_run(
            session, today=today, pay_date=body.pay_date, pay_on=body.pay_on, created_by_id=user.id
        )
        return PayrollRunRead.from_model(created)

    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation="create_payroll_run",
        request=body,
        status_code=status.HTTP_201_CREATED,
        produce=produce,
    )


@router.get("/payroll-runs", tags=["payroll"], responses=problem_responses(401, 403, 422))
def list_payroll_runs(_user: OfficeReader, session: DbSession, window: Window) -> Page[PayrollRunListItem]:
    """Payroll runs, latest pay date first (treasurer or admin)."""
    rows, total = service.list_runs(session, limit=window.limit, offset=window.offset)
    return window.page([PayrollRunListItem.model_validate(r) for r in rows], total)


@router.get("/payroll-runs/{run_id}", tags=["payroll"], responses=problem_responses(401, 403, 404, 422))
def get_payroll_run(run_id: int, _user: OfficeReader, session: DbSession) -> PayrollRunRead:
    """A run with every payslip: issued ones, or a draft's as calculated and stored for review, with
    ``changed_since_calculation`` naming what has changed since (then recalculate before approving); a
    locked run with how many of its payslip PDFs are stored (``payslip_pdfs``: rendered of total). A run
    of thousands of payslips is large: ``/payroll-runs/{id}/payslips`` reads them a page at a time."""
    run = service.get_run(session, run_id=run_id)
    return _run_read(session, service.show_run(session, run=run))


@router.get(
    "/payroll-runs/{run_id}/payslips", tags=["payroll"], responses=problem_responses(401, 403, 404, 422)
)
def list_payroll_run_payslips(
    run_id: int, _user: OfficeReader, session: DbSession, window: Window
) -> Page[PayslipSummary]:
    """A run's payslips a page at a time (treasurer or admin), as ``/payroll-runs/{id}`` shows them whole:
    issued ones in number order; a draft's as stored for review, those whose member cannot be paid (which
    stop the approval) first, then by member."""
    run = service.get_run(session, run_id=run_id)
    total = service.run_sums(session, run=run).payslips
    page = service.run_payslip_page(session, run=run, limit=window.limit, offset=window.offset)
    return window.page([PayslipSummary.from_model(payslip) for payslip in page], total)


@router.delete(
    "/payroll-runs/{run_id}",
    tags=["payroll"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 409),
)
def discard_payroll_run(run_id: int, _user: TreasurerOrAdmin, session: DbSession) -> Response:
    """Throw away a draft run (treasurer or admin); its payouts are ready again. A locked run is a 409."""
    service.discard_run(session, run_id=run_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/payroll-runs/{run_id}/corrections",
    tags=["payroll"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_payroll_correction(
    run_id: int, body: CorrectionCreate, user: TreasurerOrAdmin, session: DbSession
) -> PayrollRunRead:
    """Add a correction payout referring to an issued payslip to a draft run (treasurer or admin).

    Nobody corrects her own payslip: that is a 409 ``own_work``.
    """
    run = service.get_run(session, run_id=run_id, for_update=True)
    corrected = service.add_correction(
        session,
        run=run,
        payslip_id=body.payslip_id,
        assignment_id=body.assignment_id,
        invoiced_amount=body.invoiced_amount,
        expense_reimbursement=body.expense_reimbursement,
        reason=body.reason,
        actor_id=user.id,
    )
    return PayrollRunRead.from_model(corrected)


@router.post(
    "/payroll-runs/{run_id}/recalculate",
    tags=["payroll"],
    responses=problem_responses(401, 403, 404, 409, 422),
)
def recalculate_payroll_run(run_id: int, _user: TreasurerOrAdmin, session: DbSession) -> PayrollRunRead:
    """Calculate a draft run again from what the database holds now and store it for review (treasurer or
    admin): after the approval refused it with ``draft_changed``, or to see a change take effect."""
    return _run_read(session, service.recalculate_run(session, run_id=run_id))


@router.post(
    "/payroll-runs/{run_id}/approve",
    tags=["payroll"],
    responses=problem_responses(401, 403, 404, 409, 422),
    response_model=PayrollRunRead,
)
def approve_payroll_run(
    run_id: int, user: TreasurerOrAdmin, session: DbSession, clock: Now, key: IdempotencyKey = None
) -> Response:
    """Approve a draft run (treasurer or admin): it is locked and its payslips are issued with numbers.

    What is approved is the draft as stored when it was calculated: if anything it was calculated from has
    changed since, that is a 409 ``draft_changed`` naming what (``changed``), and the run is recalculated with
    ``…/recalculate`` and reviewed again. Approving twice is a 409; a member without a valid bank account
    stops it (422 naming the member); a run that includes the approver's own payout is a 409 ``own_work``.
    The payslip PDFs are rendered by the workers once the approval is committed, in jobs that several
    workers share, and stored with their SHA-256; ``payslip_pdfs`` says how many are done (read the run
    again to follow them).
    """

    def produce() -> PayrollRunRead:
        run = service.approve_run(session, run_id=run_id, approved_by_id=user.id, now=clock)
        commit_now(session)  # the approval with its rendering jobs, before the answer
        return _run_read(session, service.show_run(session, run=run))

    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation=f"approve_payroll_run:{run_id}",
        request=PayrollRunCreate(),
        status_code=status.HTTP_200_OK,
        produce=produce,
    )


@router.post(
    "/payroll-runs/{run_id}/mark-paid",
    tags=["payroll"],
    responses=problem_responses(401, 403, 404, 409, 422),
)
def mark_payroll_run_paid(
    run_id: int,
    user: TreasurerOrAdmin,
    session: DbSession,
    today: Today,
    body: PayrollRunPaid | None = None,
) -> PayrollRunRead:
    """Record that an approved run's salaries have been paid out (treasurer or admin), on ``paid_on``: the
    day they left the bank. Without it (or without a body, as clients from before it send) that is today.
    A day after today is a 422 ``paid_in_the_future``, a day before the run was approved (its Swedish
    calendar day) a 422 ``paid_before_approval``, both with ``field`` ``paid_on``; a run that is not
    approved is a 409 ``run_not_approved``."""
    paid_on = (body.paid_on if body else None) or today
    run = service.mark_run_paid(session, run_id=run_id, paid_on=paid_on, today=today, paid_by_id=user.id)
    return _run_read(session, service.show_run(session, run=run))


@router.get(
    "/payroll-runs/{run_id}/payslips.zip",
    tags=["payroll"],
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}, **problem_responses(401, 403, 404, 409)},
)
def download_payroll_run_payslips(run_id: int, _user: OfficeReader, session: DbSession) -> Response:
    """Every issued payslip of a run as PDFs in one zip, each in the member's language."""
    return file_response(
        service.run_payslips_zip(session, run_id=run_id),
        media_type="application/zip",
        filename=service.run_payslips_zip_filename(run_id),
    )


@router.get("/payslips", tags=["payroll"], responses=problem_responses(401, 422))
def list_payslips(
    user: CurrentUser,
    session: DbSession,
    window: Window,
    member_id: int | None = None,
    run_id: int | None = None,
    year: int | None = None,
) -> Page[PayslipRead]:
    """Issued payslips, newest first. A member sees only their own."""
    rows, total = service.list_payslips(
        session,
        actor=user,
        limit=window.limit,
        offset=window.offset,
        member_id=member_id,
        run_id=run_id,
        year=year,
    )
    return window.page([PayslipRead.from_model(p) for p in rows], total)


@router.get("/payslips/{payslip_id}", tags=["payroll"], responses=problem_responses(401, 404))
def get_payslip(payslip_id: int, user: CurrentUser, session: DbSession) -> PayslipRead:
    """One issued payslip with its lines and the parameter values used: one's own, or any for the office."""
    return PayslipRead.from_model(service.get_payslip(session, payslip_id=payslip_id, actor=user))


@router.get(
    "/payslips/{payslip_id}/pdf",
    tags=["payroll"],
    response_class=Response,
    responses={200: {"content": {PDF: {}}}, **problem_responses(401, 404, 422)},
)
def download_payslip_pdf(
    payslip_id: int, user: CurrentUser, session: DbSession, language: Language | None = None
) -> Response:
    """The payslip PDF/A (Swedish by default, or the member's language; ``language=en`` for English)."""
    payslip = service.get_payslip(session, payslip_id=payslip_id, actor=user)
    pdf = service.payslip_pdf(session, payslip=payslip, language=None if language is None else str(language))
    return file_response(pdf, media_type=PDF, filename=f"{payslip.number}.pdf")


@router.get(
    "/members/{member_id}/payroll-year-to-date", tags=["payroll"], responses=problem_responses(401, 404, 422)
)
def get_member_payroll_year_to_date(
    member_id: int, year: Annotated[int, Query(ge=2000, le=2100)], user: CurrentUser, session: DbSession
) -> YearToDateRead:
    """A member's year-to-date totals from issued payslips: their own, or anyone's for the office."""
    parties_service.get_member(session, member_id=member_id, actor=user)
    totals, count = service.year_totals(session, member_id=member_id, year=year)
    return YearToDateRead(
        member_id=member_id,
        year=year,
        gross=totals.gross,
        taxable=totals.taxable,
        tax=totals.tax,
        payslips=count,
    )


@router.post("/members/me/pay-estimate", tags=["payroll"], responses=problem_responses(401, 404, 422))
def estimate_member_pay(
    body: PayEstimateCreate, user: CurrentUser, session: DbSession, today: Today
) -> PayEstimateRead:
    """What an invoiced amount (excluding VAT) gives you, or what to invoice for a wanted net pay.

    Calculated as payroll would today: the dated parameters in force, your age (employer contributions),
    your tax setting, your pay earlier this year (the yearly threshold); as one payout alone in its month,
    without expenses. Backwards, the answer is the smallest invoiced amount in öre whose net pay is at least
    the one wanted. Nothing is stored. A user without a member record is a 404.
    """
    member = parties_service.get_own_member(session, actor=user)
    estimate = service.estimate_pay(
        session,
        member=member,
        today=today,
        invoiced_amount=body.invoiced_amount,
        wanted_net_pay=body.wanted_net_pay,
    )
    return PayEstimateRead.from_estimate(estimate)
