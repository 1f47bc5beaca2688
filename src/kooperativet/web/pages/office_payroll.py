"""The office's payroll runs: list, create, review a draft's payslips, correct, approve, mark paid, download.

Every change calls the payroll service the API's router calls (``payroll.service``), so the same rules hold:
separation of duties (nobody approves her own pay), bank accounts, locked runs. Downloads go through the same
service functions as the API's, so the bytes are the same.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.downloads import file_response
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.documents.render import percent, quantity
from kooperativet.errors import DomainError
from kooperativet.exports.schemas import ExportBatchRead
from kooperativet.parameters import service as parameters_service
from kooperativet.payroll import service
from kooperativet.payroll.models import DraftPayslip, PayOn, RunStatus
from kooperativet.payroll.schemas import CorrectionCreate, PayrollRunCreate, PayrollRunPaid, PayrollRunRead
from kooperativet.payroll.service import RunWithPayslips
from kooperativet.payroll.service.payslip_pdfs import payslip_pdf_progress
from kooperativet.web.commission_form import unit_word
from kooperativet.web.dependencies import CheckedForm, OfficeReader, require_web_roles
from kooperativet.web.forms import FormRejected, PageRoute, amount_text, field_errors
from kooperativet.web.i18n import N_, request_language, translations
from kooperativet.web.notices import done
from kooperativet.web.pages.office_month_end import EXPORT_KIND
from kooperativet.web.paging import page_count
from kooperativet.web.parameter_words import CONTRIBUTION_CATEGORY
from kooperativet.web.reads import office_payroll as reads
from kooperativet.web.refusals import REFUSALS, refusal_errors
from kooperativet.web.templating import gettext, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

#: A run pays salaries, so its own-work refusal speaks of pay (the table's speaks of a commission's work), and
#: its day paid of money that left the bank (the table's of money that came in).
RUN_REFUSALS = {
    "own_work": N_(
        "You cannot decide on your own pay: nobody decides money on their own work, so another treasurer or "
        "an admin must do it."
    ),
    "paid_in_the_future": N_(
        "That day has not come yet. Give the day the salaries left the bank: today or earlier."
    ),
}

#: A run that finds nothing ready while some assignments have money in (or invoiced) that waits for the rest
#: of their work to be invoiced says so, by when the pay is collected, and names them below
#: (``payroll.service.waiting``): the table's "no assignment has work that is paid" would be untrue.
WAITING_FOR_INVOICING = {
    PayOn.payment: {
        "nothing_ready": N_(
            "No payout is ready for a run on that pay date. The commissions below have invoices the client "
            "has paid, but not all of their work is invoiced yet: a commission is paid as salary only once "
            "all of it is invoiced, since once salaried nothing more of it can be invoiced. Invoice what is "
            "left, and they are paid in a run once the client has paid that too."
        )
    },
    PayOn.invoice: {
        "nothing_ready": N_(
            "No payout is ready for a run on that pay date. The commissions below are invoiced in part: a "
            "commission is paid as salary only once all of it is invoiced, since once salaried nothing more "
            "of it can be invoiced. Invoice what is left, and they are ready."
        )
    },
}
#: How many of the commissions waiting for invoicing a refused run names on the page; the rest are counted.
WAITING_SHOWN = 50

Office = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]
RUNS_PER_PAGE = 50
#: A run's page shows this many payslips at a time (``payroll.service.run_pages``).
PAYSLIPS_PER_PAGE = 50
PDF = "application/pdf"

RUN_STATUS = {
    RunStatus.draft: N_("Draft"),
    RunStatus.approved: N_("Approved"),
    RunStatus.paid: N_("Paid out"),
}
PAY_ON = {
    PayOn.payment: N_("when the client has paid"),
    PayOn.invoice: N_("when the invoice is issued"),
}
#: How a payslip line's tax was withheld, on its card; SINK and A-SINK are written by their short names with
#: their rate in the template ("SINK 22,5 %"), as on the payslip PDF.
TAX_MODE = {
    "flat": N_("flat percent"),
    "table": N_("tax table"),
}


@router.get("/office/payroll")
def runs_page(
    request: Request, user: OfficeReader, session: DbSession, today: Today, page: int = 1
) -> Response:
    return _runs_page(request, session, today=today, page=page, values=None, errors={})


@router.post("/office/payroll", dependencies=[CheckedForm])
def create_run(
    request: Request,
    user: Office,
    session: DbSession,
    today: Today,
    pay_date: Annotated[str, Form()] = "",
    pay_on: Annotated[str, Form()] = "",
) -> Response:
    values = {"pay_date": pay_date, "pay_on": pay_on}
    waiting: list[dict[str, object]] = []
    try:
        body = PayrollRunCreate.model_validate({"pay_date": pay_date or None, "pay_on": pay_on or None})
        created = service.create_run(
            session, today=today, pay_date=body.pay_date, pay_on=body.pay_on, created_by_id=user.id
        )
    except ValidationError as exc:
        errors = field_errors(request, exc)
    except DomainError as exc:
        waiting = _waiting(request, exc)
        own = WAITING_FOR_INVOICING[PayOn(exc.extra["pay_on"])] if waiting else None
        errors = refusal_errors(request, exc, own=own)
    else:
        return RedirectResponse(done(f"/office/payroll/{created.run.id}", "run_created"), status_code=303)
    page = _runs_page(
        request, session, today=today, page=1, values=values, errors=errors, status=422, waiting=waiting
    )
    raise FormRejected(page)


def _waiting(request: Request, exc: DomainError) -> list[dict[str, object]]:
    """The assignments a refused run names as waiting for the rest of their work to be invoiced
    (``payroll.service.waiting``), each with what is left to invoice in words (``1,5 dagar``), at most
    ``WAITING_SHOWN`` of them; the last entry says how many more, when there are."""
    if exc.code != "nothing_ready":
        return []
    named = list(exc.extra.get("waiting_for_invoicing") or [])
    language = request_language(request)
    words = translations(language)
    shown: list[dict[str, object]] = []
    for assignment in named[:WAITING_SHOWN]:
        left = [
            {
                "quantity": quantity(Decimal(line["quantity"]), language),
                "unit": unit_word(words, line["unit"], Decimal(line["quantity"])),
                "description": line["description"],
            }
            for line in assignment["left_to_invoice"]
        ]
        shown.append({**assignment, "left": left})
    if len(named) > WAITING_SHOWN:
        shown.append({"more": len(named) - WAITING_SHOWN})
    return shown


def _runs_page(
    request: Request,
    session: Session,
    *,
    today: date,
    page: int,
    values: dict[str, str] | None,
    errors: dict[str, str],
    status: int = 200,
    waiting: list[dict[str, object]] | None = None,
) -> Response:
    page = max(page, 1)
    runs, total = service.list_runs(session, limit=RUNS_PER_PAGE, offset=(page - 1) * RUNS_PER_PAGE)
    if values is None:
        values = _defaults(session, today=today)
    return render(
        request,
        "office_payroll/runs.html",
        {
            "runs": runs,
            "totals": reads.issued_totals(session, run_ids=[run.id for run in runs]),
            "total": total,
            "page": page,
            "pages": page_count(total, RUNS_PER_PAGE),
            "values": values,
            "errors": errors,
            "waiting": waiting or [],
            "run_status": RUN_STATUS,
            "pay_on_choices": PAY_ON,
        },
        status=status,
    )


def _defaults(session: Session, *, today: date) -> dict[str, str]:
    """The next pay day and the cooperative's choice of when pay is collected, as the service would take."""
    try:
        pay_date = service.default_pay_date(session, today=today)
        pay_on = parameters_service.value_in_force(session, key="pay_on", on=pay_date).value
    except DomainError:  # no parameter in force yet: the form starts empty and the service says why
        return {"pay_date": "", "pay_on": PayOn.payment.value}
    return {"pay_date": pay_date.isoformat(), "pay_on": pay_on}


@router.get("/office/payroll/{run_id}")
def run_page(
    request: Request, run_id: int, user: OfficeReader, session: DbSession, today: Today, page: int = 1
) -> Response:
    return _run_page(request, session, run_id=run_id, user=user, errors={}, values={}, today=today, page=page)


def _run_page(
    request: Request,
    session: Session,
    *,
    run_id: int,
    user: User,
    errors: dict[str, str],
    values: dict[str, str],
    today: date,
    status: int = 200,
    page: int = 1,
    correction_errors: dict[str, str] | None = None,
) -> Response:
    """The run with one page of its payslips (``PAYSLIPS_PER_PAGE``) and the sums over all of them.

    ``errors`` are the refusals of the run's buttons, said at the top where they are; ``correction_errors``
    those of the correction form at the foot of the page, said in its card, where a refused correction opens
    the page (its action's ``#corrections``)."""
    run = service.get_run(session, run_id=run_id)
    is_draft = run.status == RunStatus.draft
    if correction_errors and not is_draft:
        # A correction sent from a page read before the run was approved in another tab: the card is not on
        # this page, so the refusal is said at the top, as that of the run's buttons, with why.
        errors = {**errors, "form": gettext(request, REFUSALS["run_locked"])}
    sums = service.run_sums(session, run=run)
    pages = page_count(sums.payslips, PAYSLIPS_PER_PAGE)
    page = min(max(page, 1), pages)
    own = reads.own_member_id(session, user=user)
    shown = RunWithPayslips(
        run,
        service.run_payslip_page(
            session,
            run=run,
            limit=PAYSLIPS_PER_PAGE,
            offset=(page - 1) * PAYSLIPS_PER_PAGE,
            viewer_member_id=own,
        ),
        changed_since_calculation=service.changes_since_calculation(session, run=run) if is_draft else (),
        ready_since_created=service.ready_since_created(session, run=run),
    )
    read = PayrollRunRead.from_model(
        shown, pdfs=None if is_draft else payslip_pdf_progress(session, run_id=run.id)
    )
    warnings = [
        reads.draft_warnings(payslip, own_member_id=own) if isinstance(payslip, DraftPayslip) else []
        for payslip in shown.payslips
    ]
    # The files that hold a locked run, so that the auditor follows a payslip from here to its AGI and the
    # run's SIE voucher (whose text names the run by the number the page shows) without guessing by dates.
    batches = [] if is_draft else reads.batches_holding(session, run_id=run.id)
    return render(
        request,
        "office_payroll/run.html",
        {
            "run": read,
            "rows": list(zip(read.payslips, warnings, strict=True)),
            "sums": sums,
            "page": page,
            "pages": pages,
            "first_on_page": (page - 1) * PAYSLIPS_PER_PAGE,
            "is_draft": is_draft,
            "changed_since": [reads.CHANGED_SINCE[part] for part in shown.changed_since_calculation],
            "correctable": reads.correctable_lines(session) if is_draft else [],
            "errors": errors,
            "correction_errors": correction_errors or {},
            "batches": [ExportBatchRead.model_validate(batch) for batch in batches],
            "export_kind": EXPORT_KIND,
            "decided_by": reads.names_of_logins(session, (run.approved_by_id, run.paid_by_id)),
            "approved_by_id": run.approved_by_id,
            "paid_by_id": run.paid_by_id,
            "pay_month": f"{run.pay_date:%Y-%m}",
            # What the mark-paid form offers: the day the payment file asked the bank to pay, not today.
            "suggested_paid_on": (
                service.suggested_paid_on(run, today=today).isoformat()
                if run.status == RunStatus.approved
                else ""
            ),
            "values": values,
            "run_status": RUN_STATUS,
            "pay_on_choices": PAY_ON,
            "contribution_category": CONTRIBUTION_CATEGORY,
            "tax_mode": TAX_MODE,
            "rate_percent": partial(_rate_percent, language=request_language(request)),
        },
        status=status,
    )


def _rate_percent(value: str, *, scale: int, language: str) -> str:
    """A fee rate stored as a fraction (``0.06``, scale 100) or a tax percent (``30``, scale 1) as people
    read it (``6 %``, ``30 %``)."""
    return percent(Decimal(value) * scale, language)


def _refused(
    request: Request,
    session: Session,
    *,
    run_id: int,
    user: User,
    exc: DomainError,
    values: dict[str, str],
    today: date,
) -> FormRejected:
    errors = refusal_errors(request, exc, own=RUN_REFUSALS)
    page = _run_page(
        request,
        session,
        run_id=run_id,
        user=user,
        errors=errors,
        values=values,
        today=today,
        status=exc.status,
    )
    return FormRejected(page)


@router.post("/office/payroll/{run_id}/approve", dependencies=[CheckedForm])
def approve_run(
    request: Request, run_id: int, user: Office, session: DbSession, now: Now, today: Today
) -> Response:
    try:
        service.approve_run(session, run_id=run_id, approved_by_id=user.id, now=now)  # PDFs by the workers
    except DomainError as exc:
        session.rollback()  # nothing of a refused approval stays, and the page reads the run afresh
        raise _refused(request, session, run_id=run_id, user=user, exc=exc, values={}, today=today) from exc
    return RedirectResponse(done(f"/office/payroll/{run_id}", "run_approved"), status_code=303)


@router.post("/office/payroll/{run_id}/recalculate", dependencies=[CheckedForm])
def recalculate_run(
    request: Request, run_id: int, user: Office, session: DbSession, today: Today
) -> Response:
    try:
        service.recalculate_run(session, run_id=run_id)
    except DomainError as exc:
        session.rollback()
        raise _refused(request, session, run_id=run_id, user=user, exc=exc, values={}, today=today) from exc
    return RedirectResponse(done(f"/office/payroll/{run_id}", "run_recalculated"), status_code=303)


@router.post("/office/payroll/{run_id}/mark-paid", dependencies=[CheckedForm])
def mark_paid(
    request: Request,
    run_id: int,
    user: Office,
    session: DbSession,
    today: Today,
    paid_on: Annotated[str, Form()] = "",
) -> Response:
    """The day the salaries left the bank, as she typed it: the form offers the pay date (``_run_page``), and
    a day left empty is refused by its field rather than taken as today, the wrong day this form was made
    to stop recording."""
    values = {"paid_on": paid_on}
    try:
        body = PayrollRunPaid.model_validate({"paid_on": paid_on})
        day = body.paid_on or today  # never None: an empty text is no date
        service.mark_run_paid(session, run_id=run_id, paid_on=day, today=today, paid_by_id=user.id)
    except ValidationError as exc:
        errors = field_errors(request, exc)
        page = _run_page(
            request, session, run_id=run_id, user=user, errors=errors, values=values, today=today, status=422
        )
        raise FormRejected(page) from exc
    except DomainError as exc:
        session.rollback()
        raise _refused(
            request, session, run_id=run_id, user=user, exc=exc, values=values, today=today
        ) from exc
    return RedirectResponse(done(f"/office/payroll/{run_id}", "run_paid"), status_code=303)


@router.post("/office/payroll/{run_id}/discard", dependencies=[CheckedForm])
def discard_run(request: Request, run_id: int, user: Office, session: DbSession, today: Today) -> Response:
    try:
        service.discard_run(session, run_id=run_id)
    except DomainError as exc:
        session.rollback()
        raise _refused(request, session, run_id=run_id, user=user, exc=exc, values={}, today=today) from exc
    return RedirectResponse(done("/office/payroll", "run_discarded"), status_code=303)


@router.post("/office/payroll/{run_id}/corrections", dependencies=[CheckedForm])
def add_correction(
    request: Request,
    run_id: int,
    user: Office,
    session: DbSession,
    today: Today,
    line: Annotated[str, Form()] = "",
    invoiced_amount: Annotated[str, Form()] = "",
    expense_reimbursement: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "line": line,
        "invoiced_amount": invoiced_amount,
        "expense_reimbursement": expense_reimbursement,
        "reason": reason,
    }
    language = request_language(request)
    payslip_id, _, assignment_id = line.partition(":")
    try:
        body = CorrectionCreate.model_validate(
            {
                "payslip_id": payslip_id,
                "assignment_id": assignment_id,
                "invoiced_amount": amount_text(invoiced_amount, language) or "0",
                "expense_reimbursement": amount_text(expense_reimbursement, language) or "0",
                "reason": reason,
            }
        )
        run = service.get_run(session, run_id=run_id, for_update=True)
        service.add_correction(
            session,
            run=run,
            payslip_id=body.payslip_id,
            assignment_id=body.assignment_id,
            invoiced_amount=body.invoiced_amount,
            expense_reimbursement=body.expense_reimbursement,
            reason=body.reason,
            actor_id=user.id,
        )
    except ValidationError as exc:
        errors = _line_errors(field_errors(request, exc))
    except DomainError as exc:
        session.rollback()
        errors = _line_errors(refusal_errors(request, exc, own=RUN_REFUSALS))
    else:
        return RedirectResponse(
            done(f"/office/payroll/{run_id}#corrections", "correction_added"), status_code=303
        )
    page = _run_page(
        request,
        session,
        run_id=run_id,
        user=user,
        errors={},
        values=values,
        today=today,
        status=422,
        correction_errors=errors,
    )
    raise FormRejected(page)


def _line_errors(errors: dict[str, str]) -> dict[str, str]:
    """The payslip and assignment are one choice on the page: their errors show by that choice."""
    return {
        ("line" if name in ("payslip_id", "assignment_id") else name): text for name, text in errors.items()
    }


@router.get("/office/payroll/{run_id}/payslips.zip")
def payslips_zip(run_id: int, user: OfficeReader, session: DbSession) -> Response:
    return file_response(
        service.run_payslips_zip(session, run_id=run_id),
        media_type="application/zip",
        filename=service.run_payslips_zip_filename(run_id),
    )


@router.get("/office/payroll/payslips/{payslip_id}.pdf")
def payslip_pdf(payslip_id: int, user: OfficeReader, session: DbSession) -> Response:
    payslip = service.get_payslip(session, payslip_id=payslip_id, actor=user)
    return file_response(
        service.payslip_pdf(session, payslip=payslip), media_type=PDF, filename=f"{payslip.number}.pdf"
    )
