"""The treasurer's month end: the overview the API gives, the month's files and the months in a chart.

The AGI, SIE and salary-payment (pain.001) files are made by the same export services as the API's and stored
as batches (with the audit chain's head they were made on); a batch downloads byte for byte as exported. The
payroll summary is a download of the month's payslips, as in the API.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from babel.dates import format_date
from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.downloads import file_response
from kooperativet.auth import policy
from kooperativet.auth.models import Role, User
from kooperativet.documents.render import LOCALES
from kooperativet.errors import DomainError, NotFound
from kooperativet.exports import service
from kooperativet.exports.models import ExportBatch, ExportKind
from kooperativet.exports.schemas import (
    AgiExportCreate,
    ExportBatchRead,
    Pain001ExportCreate,
    SieExportCreate,
    TreasurerOverviewRead,
)
from kooperativet.exports.service import SummaryFormat
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.models import RunStatus
from kooperativet.web.charts import Series, bar_chart
from kooperativet.web.dependencies import CheckedForm, OfficeReader, require_web_roles
from kooperativet.web.export_note_words import notes_shown
from kooperativet.web.forms import FormRejected, PageRoute, field_errors
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.paging import page_count
from kooperativet.web.parameter_words import renewal_warnings
from kooperativet.web.reads.office_month_end import agi_file_made, run_pay_dates, treasurer_months
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import gettext, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Office = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: The export batches a page shows, newest first; the older ones are on the next pages (``?page=``): an
#: auditor at year end reads the whole year's files, some forty of them (AGI and SIE a month, a salary file
#: a run), and the year before's.
BATCHES_PER_PAGE = 50
RUNS_TO_PAY = 20

EXPORT_KIND = {
    ExportKind.agi: N_("Employer declaration (AGI)"),
    ExportKind.sie: N_("Bookkeeping (SIE 4)"),
    ExportKind.pain001: N_("Salary payments (pain.001)"),
}
RUN_STATUS = {
    "draft": N_("Draft"),
    "approved": N_("Approved"),
    "paid": N_("Paid out"),
}
#: What each file's form says when the data it needs was erased after the retention period: the table's
#: sentence (``web.refusals``) is for any document, these name what is gone and which file cannot be made.
ERASED = {
    "agi": N_(
        "The personal identity numbers of the month's payees were erased when the retention period (seven "
        "years under the Bookkeeping Act) had ended, so the employer declaration cannot be made again."
    ),
    "pain001": N_(
        "The bank details of the run's payees were erased when the retention period (seven years under the "
        "Bookkeeping Act) had ended, so the salary file cannot be made again."
    ),
}
#: A second AGI or SIE export of the same choice finds nothing new: the file made the first time is what she
#: wants, and it is listed on the same page (the API's detail names its batch).
NOTHING_NEW = N_(
    "Nothing new is left to export for that choice. A file already made is in the list of export batches "
    "below, to download again."
)
#: An AGI refused for fields Skatteverket would refuse (``agi_fields_invalid``): what the form says, then
#: one line per field — whose, and what the field must be (docs/exports.md, "Field formats").
AGI_FIELDS_INVALID = N_(
    "Skatteverket would refuse the whole declaration because of the fields below. Nothing was exported: "
    "correct them and export again."
)
AGI_WHO = {
    "cooperative": N_("The cooperative's details"),
    "program": N_("The program"),
}
#: A member is named, and linked to her record; the id is not a number anyone at the office knows her by.
AGI_MEMBER_WITHOUT_NAME = N_("A member without a name on record")
AGI_FIELD_RULES = {
    "contact_name": N_("the contact person must not contain < or > and must not be only spaces"),
    "contact_phone": N_("the contact phone may have at most 20 characters, with no < or >"),
    "contact_email": N_(
        "the contact e-mail must be an address of 5–254 characters with only the letters a–z, digits and "
        "_ . - + ' (no å, ä or ö)"
    ),
    "postal_code": N_(
        "the postal code may have at most 9 characters: the letters A–Z, digits, spaces and hyphens"
    ),
    "tax_identification_number": N_(
        "the foreign tax identification number (TIN) may have at most 20 characters, with no < or >"
    ),
    "program_name": N_("the program's name must have 1–50 characters, with no < or >"),
    "first_name": N_("the first name must not contain < or > and must not be only spaces"),
    "last_name": N_("the last name must not contain < or > and must not be only spaces"),
    "street": N_("the street address must not contain < or > and must not be only spaces"),
    "city": N_("the town must not contain < or > and must not be only spaces"),
}
CHART_TITLE = N_("The last twelve months")
SERIES = (
    N_("Invoiced"),
    N_("Paid in"),
    N_("Salaries"),
    N_("Employer contributions"),
    N_("Tax withheld"),
)


@router.get("/office/month-end")
def month_end_page(
    request: Request,
    user: OfficeReader,
    session: DbSession,
    today: Today,
    month: str | None = None,
    batch: int | None = None,
    page: int = 1,
) -> Response:
    chosen = month if month and MONTH.match(month) else f"{today:%Y-%m}"
    return _page(request, session, today=today, month=chosen, made=batch, errors={}, values={}, page=page)


def _page(
    request: Request,
    session: Session,
    *,
    today: date,
    month: str,
    made: int | None,
    errors: dict[str, dict[str, str]],
    values: dict[str, str],
    status: int = 200,
    agi_problems: list[dict[str, str]] | None = None,
    page: int = 1,
) -> Response:
    overview = TreasurerOverviewRead.model_validate(
        service.treasurer_overview(session, month=month, today=today)
    )
    batches, total, page = _batches_page(session, page)
    batch_reads = [ExportBatchRead.model_validate(b) for b in batches]
    language = request_language(request)
    # Each batch's notes in the reader's words (``export_note_words``), each date kept on one line; the
    # batch just made shows its own in the confirmation too, read from the database when it is not on the
    # page shown.
    batch_notes = {b.id: notes_shown(b.notes, language) for b in batch_reads}
    if made is not None and made not in batch_notes:
        try:
            batch_notes[made] = notes_shown(service.get_batch(session, batch_id=made).notes, language)
        except NotFound:
            made = None
    runs, _ = payroll_service.list_runs(session, limit=RUNS_TO_PAY, offset=0)
    year, number = (int(part) for part in month.split("-"))
    months = treasurer_months(session, last=date(year, number, 1))
    series = [
        Series(gettext(request, SERIES[0]), [m.invoiced for m in months]),
        Series(gettext(request, SERIES[1]), [m.paid for m in months]),
        Series(gettext(request, SERIES[2]), [m.payroll for m in months]),
        Series(gettext(request, SERIES[3]), [m.contributions for m in months]),
        Series(gettext(request, SERIES[4]), [m.tax for m in months]),
    ]
    first = date(year, number, 1)
    last = _month_end(first)
    return render(
        request,
        "office_month_end/page.html",
        {
            "month": month,
            # A month still running can be exported (a run paid early in it may be declared early), but
            # later runs of it need the AGI made again, a correction, and an SIE file for what is new.
            "month_open": first <= today <= last,
            "month_last": last,
            # A reference rate (or other parameter renewed each period) left from an earlier half-year.
            "renewals": renewal_warnings(request, session, on=today),
            "overview": overview,
            "batches": batch_reads,
            "run_pay_dates": run_pay_dates(session, (b.run_id for b in batch_reads)),
            "agi_made": agi_file_made(session, month=month),
            "batch_page": page,
            "batch_pages": page_count(total, BATCHES_PER_PAGE),
            "made": made,
            "batch_notes": batch_notes,
            "payable_runs": [run for run in runs if run.status != RunStatus.draft],
            "months": months,
            "chart": bar_chart(
                title=gettext(request, CHART_TITLE),
                categories=[month_name(m.month, language) for m in months],
                series=series,
            ),
            "series_labels": SERIES,
            "chart_title": CHART_TITLE,
            "export_kind": EXPORT_KIND,
            "run_status": RUN_STATUS,
            "summary_formats": list(SummaryFormat),
            "errors": errors,
            "agi_problems": agi_problems or [],
            "values": {
                "period": month,
                "from": first.isoformat(),
                "to": last.isoformat(),
                **values,
            },
        },
        status=status,
    )


def _batches_page(session: Session, page: int) -> tuple[list[ExportBatch], int, int]:
    """The export batches of page ``page`` (newest first), their total and the page shown: a page past the
    last (an old bookmark) shows the last, not "no export batch yet"."""
    page = max(page, 1)
    batches, total = service.list_batches(
        session, limit=BATCHES_PER_PAGE, offset=(page - 1) * BATCHES_PER_PAGE
    )
    last = page_count(total, BATCHES_PER_PAGE)
    if page > last:
        return _batches_page(session, last)
    return batches, total, page


def month_name(month: str, language: str) -> str:
    """``2026-01`` → ``jan`` under a bar: "26-01" would read as a day and a month. The table has the year."""
    year, number = (int(part) for part in month.split("-"))
    name = format_date(date(year, number, 1), "LLL", locale=LOCALES[language])
    return str(name).rstrip(".")


def _month_end(first: date) -> date:
    following = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _made(month: str, batch_id: int) -> Response:
    return RedirectResponse(f"/office/month-end?month={month}&batch={batch_id}#batches", status_code=303)


def _refused(
    request: Request,
    session: Session,
    *,
    today: date,
    month: str,
    errors: dict[str, dict[str, str]],
    values: dict[str, str],
    agi_problems: list[dict[str, str]] | None = None,
) -> FormRejected:
    session.rollback()  # nothing of a refused export stays; the page reads the month afresh
    chosen = month if MONTH.match(month) else f"{today:%Y-%m}"
    page = _page(
        request,
        session,
        today=today,
        month=chosen,
        made=None,
        errors=errors,
        values=values,
        status=422,
        agi_problems=agi_problems,
    )
    return FormRejected(page)


def _agi_problems(request: Request, user: User, exc: ValidationError | DomainError) -> list[dict[str, str]]:
    """The fields of an AGI refused for its formats, one line each in the person's words: whose (with a link
    to the member's record, or to the cooperative's details for an admin, who changes them) and what the
    field must be."""
    if not isinstance(exc, DomainError) or exc.code != "agi_fields_invalid":
        return []
    lines = []
    for entry in exc.extra.get("invalid_fields", []):
        if entry["who"] == "member":
            who = entry["member_name"] or gettext(request, AGI_MEMBER_WITHOUT_NAME)
            link = f"/office/members/{entry['member_id']}"
        else:
            who = gettext(request, AGI_WHO[entry["who"]])
            admin = entry["who"] == "cooperative" and user.has_any_role(Role.admin)
            link = "/admin/cooperative" if admin else ""
        rule = AGI_FIELD_RULES.get(entry["field"])
        lines.append(
            {"who": who, "link": link, "rule": gettext(request, rule) if rule else entry["requirement"]}
        )
    return lines


def _errors(request: Request, exc: ValidationError | DomainError, form: str) -> dict[str, dict[str, str]]:
    """The errors of one of the page's forms (``{"agi": {"period": …}}``), shown by that form's fields."""
    if isinstance(exc, ValidationError):
        return {form: field_errors(request, exc)}
    own = {"erased_after_retention": ERASED[form]} if form in ERASED else {}
    if form in ("agi", "sie"):
        own["nothing_to_export"] = NOTHING_NEW
    if form == "agi":
        own["agi_fields_invalid"] = AGI_FIELDS_INVALID
    return {form: refusal_errors(request, exc, own=own or None)}


@router.post("/office/month-end/agi", dependencies=[CheckedForm])
def export_agi(
    request: Request,
    user: Office,
    session: DbSession,
    today: Today,
    now: Now,
    period: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = AgiExportCreate.model_validate({"period": period})
        batch = service.export_agi(
            session, period=body.period, today=today, created_at=now, created_by_id=user.id
        )
    except (ValidationError, DomainError) as exc:
        raise _refused(
            request,
            session,
            today=today,
            month=period,
            errors=_errors(request, exc, "agi"),
            values={"period": period},
            agi_problems=_agi_problems(request, user, exc),
        ) from exc
    return _made(body.period, batch.id)


@router.post("/office/month-end/sie", dependencies=[CheckedForm])
def export_sie(
    request: Request,
    user: Office,
    session: DbSession,
    today: Today,
    now: Now,
    date_from: Annotated[str, Form(alias="from")] = "",
    date_to: Annotated[str, Form(alias="to")] = "",
    month: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = SieExportCreate.model_validate({"from": date_from, "to": date_to})
        batch = service.export_sie(
            session,
            date_from=body.date_from,
            date_to=body.date_to,
            today=today,
            created_at=now,
            created_by_id=user.id,
        )
    except (ValidationError, DomainError) as exc:
        raise _refused(
            request,
            session,
            today=today,
            month=month,
            errors=_errors(request, exc, "sie"),
            values={"from": date_from, "to": date_to},
        ) from exc
    return _made(f"{body.date_from:%Y-%m}", batch.id)


@router.post("/office/month-end/pain001", dependencies=[CheckedForm])
def export_pain001(
    request: Request,
    user: Office,
    session: DbSession,
    today: Today,
    now: Now,
    run_id: Annotated[str, Form()] = "",
    month: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = Pain001ExportCreate.model_validate({"run_id": run_id})
        batch = service.export_pain001(session, run_id=body.run_id, created_at=now, created_by_id=user.id)
    except (ValidationError, DomainError) as exc:
        raise _refused(
            request,
            session,
            today=today,
            month=month,
            errors=_errors(request, exc, "pain001"),
            values={"run_id": run_id},
        ) from exc
    return _made(month if MONTH.match(month) else f"{today:%Y-%m}", batch.id)


@router.get("/office/month-end/batches/{batch_id}/file")
def batch_file(batch_id: int, user: OfficeReader, session: DbSession) -> Response:
    file = service.batch_file(service.get_batch(session, batch_id=batch_id))
    return file_response(file.content, media_type=file.media_type, filename=file.filename)


@router.get("/office/month-end/payroll-summary")
def payroll_summary(
    user: OfficeReader, session: DbSession, now: Now, month: str = "", format: str = "csv"
) -> Response:
    if not MONTH.match(month) or format not in {f.value for f in SummaryFormat}:
        raise NotFound("there is no such summary")
    file = service.payroll_summary(
        session, summary_format=SummaryFormat(format), created_at=now, period=month
    )
    return file_response(file.content, media_type=file.media_type, filename=file.filename)
