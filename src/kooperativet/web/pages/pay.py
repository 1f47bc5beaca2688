"""Pay: a member's employments and their anställningsbevis, her arbetsgivarintyg for a period, her payslips,
her year, her SÄVA count, and the calculator ("Vad får jag ut?") that answers with the payroll calculation
itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from babel.dates import get_month_names
from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Today
from kooperativet.api.downloads import file_response
from kooperativet.auth.models import Role, User
from kooperativet.documents.render import LOCALES
from kooperativet.employments import service as employments_service
from kooperativet.errors import DomainError, NotFound
from kooperativet.parties.models import Language
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.parameters import payroll_parameters_on
from kooperativet.payroll.schemas import PayEstimateCreate
from kooperativet.payroll.service.calculate import tax_setting_on
from kooperativet.web.charts import Series, bar_chart, counter_bar
from kooperativet.web.dependencies import WebUser, require_web_roles
from kooperativet.web.employer_certificates import CertificateRefused, asked_certificate
from kooperativet.web.forms import (
    TOO_LARGE_AMOUNT,
    UNCLEAR_NUMBER,
    PageRoute,
    amount_text,
    too_large_amount,
    unclear_number,
)
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.no_member import NO_PAY, no_member_page, own_member
from kooperativet.web.reads.pay import PayOverview, pay_overview
from kooperativet.web.refusals import refusal_text
from kooperativet.web.templating import gettext, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
#: Her pay and its documents are a member's; the calculator answers anyone signed in (``calculator``).
MemberOnly = [Depends(require_web_roles(Role.member))]

#: The calculator's two questions: the form field a person types in and the schema field it fills.
QUESTIONS = {"invoiced": "invoiced_amount", "wanted": "wanted_net_pay"}


#: The years her pay page can show: from 1900 to next year (a run approved in December may pay in January).
EARLIEST_YEAR = 1900


@router.get("/pay", dependencies=MemberOnly)
def pay_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    today: Today,
    year: Annotated[int | None, Query(ge=EARLIEST_YEAR)] = None,
) -> Response:
    if year is not None and year > today.year + 1:
        # A year nobody has been paid in yet is refused as the address's unreadable year -5 is (422), not
        # shown as "Mitt år 3000" with nothing in it.
        raise RequestValidationError(
            [
                {
                    "type": "less_than_equal",
                    "loc": ("query", "year"),
                    "msg": "no pay after next year",
                    "input": year,
                }
            ]
        )
    if own_member(session, user=user) is None:
        return no_member_page(request, title=N_("Pay"), message=NO_PAY)
    return _pay_page(request, session, user=user, today=today, year=year)


def _pay_page(
    request: Request,
    session: Session,
    *,
    user: User,
    today: date,
    year: int | None = None,
    asked: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    """The page; after a refused certificate form, with what she typed (``asked``) and why (``errors``)."""
    overview = pay_overview(session, user=user, today=today, year=year)
    return render(
        request,
        "pay/index.html",
        {
            "overview": overview,
            "year_chart": _year_chart(request, overview),
            "counter_bars": _counter_bars(request, overview),
            "month_names": _month_names(request, "wide"),
            "years": sorted({*overview.years, today.year, overview.year}, reverse=True),
            # The service's own period when she has asked for none: this year up to today.
            "asked": asked or {"from": today.replace(month=1, day=1).isoformat(), "to": today.isoformat()},
            "errors": errors or {},
        },
        status=422 if errors else 200,
    )


@router.get("/pay/payslips/{payslip_id}.pdf", dependencies=MemberOnly)
def payslip_pdf(
    payslip_id: int, user: WebUser, session: DbSession, language: Language | None = None
) -> Response:
    """The payslip as the API gives it: her own (the office's any), in its language or the one asked for."""
    payslip = payroll_service.get_payslip(session, payslip_id=payslip_id, actor=user)
    pdf = payroll_service.payslip_pdf(
        session, payslip=payslip, language=None if language is None else str(language)
    )
    suffix = "" if language is None or language == payslip.language else f"-{language}"
    return file_response(pdf, media_type="application/pdf", filename=f"{payslip.number}{suffix}.pdf")


@router.get("/pay/employments/{employment_id}/anstallningsbevis.pdf", dependencies=MemberOnly)
def employment_certificate(employment_id: int, user: WebUser, session: DbSession) -> Response:
    """The anställningsbevis exactly as stored at approval."""
    employment = employments_service.get_employment(session, employment_id=employment_id, actor=user)
    return file_response(
        employments_service.certificate_pdf(session, employment=employment),
        media_type="application/pdf",
        filename=f"anstallningsbevis-{employment.id}.pdf",
        sha256=employment.certificate_sha256,
    )


@router.get("/pay/employer-certificate", dependencies=MemberOnly)
def employer_certificate(
    request: Request,
    user: WebUser,
    session: DbSession,
    today: Today,
    period_from: Annotated[str, Query(alias="from")] = "",
    period_to: Annotated[str, Query(alias="to")] = "",
) -> Response:
    """Her arbetsgivarintyg for the period she asks (a GET form: it changes nothing), as the API's PDF. It
    states no leave: only the office does (``employments.service.may_state_leave``). A refused period is
    the pay page again, with the message by its field."""
    member = own_member(session, user=user)
    if member is None:
        raise NotFound("no member record is linked to your user")
    asked = {"from": period_from.strip(), "to": period_to.strip()}
    try:
        certificate = asked_certificate(
            request, session, member_id=member.id, actor=user, today=today, asked=asked, until_today=True
        )
    except CertificateRefused as refused:
        return _pay_page(request, session, user=user, today=today, asked=asked, errors=refused.errors)
    return file_response(
        employments_service.employer_certificate_pdf(certificate),
        media_type="application/pdf",
        filename=f"arbetsgivarintyg-{certificate.period_from}-{certificate.period_to}.pdf",
    )


@router.get("/calculator")
def calculator(
    request: Request,
    user: WebUser,
    session: DbSession,
    today: Today,
    invoiced: str | None = None,
    wanted: str | None = None,
) -> Response:
    """Forwards (``invoiced``) or backwards (``wanted``): a question, not a change, so a plain GET form.

    It works with her own age, tax setting and pay so far this year, so it needs her member record; anyone
    else signed in (the office, the auditor, a login without a member record: guides link here) is told so,
    with the rates in force that every member's pay starts from."""
    member = own_member(session, user=user) if user.has_any_role(Role.member) else None
    if member is None:
        return _calculator_without_member(
            request, session, today=today, is_member=user.has_any_role(Role.member)
        )
    values = {"invoiced": invoiced or "", "wanted": wanted or ""}
    asked = "wanted" if wanted else "invoiced" if invoiced else None
    context: dict[str, Any] = {"values": values, "asked": asked, "estimate": None, "errors": {}}
    if asked is None:
        return render(request, "pay/calculator.html", context)
    field = QUESTIONS[asked]
    try:
        body = PayEstimateCreate.model_validate(
            {field: amount_text(values[asked], request_language(request))}
        )
        context["estimate"] = payroll_service.estimate_pay(
            session,
            member=member,
            today=today,
            invoiced_amount=body.invoiced_amount,
            wanted_net_pay=body.wanted_net_pay,
        )
        # The estimate is one payout's; the extra tax she asked for a month is not in it (payroll.md §3).
        context["extra_tax"] = tax_setting_on(member, on=today).extra_monthly_tax
    except ValidationError as exc:
        # Whatever else the validator disliked (not a number, too many decimals, zero): the same remedy.
        message = N_("Write an amount in kronor above 0 with at most two decimals, e.g. 12,500.50.")
        if any(too_large_amount(error) for error in exc.errors()):
            message = TOO_LARGE_AMOUNT
        elif any(unclear_number(error) for error in exc.errors()):
            message = UNCLEAR_NUMBER
        context["errors"] = {asked: gettext(request, message)}
    except DomainError as exc:
        context["errors"] = {asked: _estimate_refusal(request, exc)}
    status = 422 if context["errors"] else 200
    return render(request, "pay/calculator.html", context, status=status)


def _calculator_without_member(
    request: Request, session: DbSession, *, today: date, is_member: bool
) -> Response:
    try:
        rates = payroll_parameters_on(session, pay_date=today).parameters
    except DomainError:  # no payroll parameters in force yet: the explanation stands alone
        rates = None
    return render(
        request,
        "pay/calculator_without_member.html",
        {"rates": rates, "today": today, "is_member": is_member},
    )


def _estimate_refusal(request: Request, exc: DomainError) -> str:
    if exc.code == "missing_tax_table":
        return gettext(request, "Your tax table for this year is not imported yet; ask the treasurer.")
    if exc.code == "missing_tax_setting":
        return gettext(request, "You have no tax setting yet; ask the treasurer.")
    return refusal_text(request, exc)


def _month_names(request: Request, width: Literal["abbreviated", "narrow", "wide"]) -> dict[int, str]:
    names = get_month_names(width, locale=LOCALES[request_language(request)])
    return {month: str(names[month]) for month in range(1, 13)}


def _year_chart(request: Request, overview: PayOverview) -> Any:
    months = overview.months
    series = [
        Series(gettext(request, "Invoiced"), [months[m].invoiced for m in months]),
        Series(gettext(request, "Pay before tax"), [months[m].gross for m in months]),
        Series(gettext(request, "To your account"), [months[m].net_pay for m in months]),
        Series(gettext(request, "Tax"), [months[m].tax for m in months]),
    ]
    return bar_chart(
        title=gettext(request, "My year %(year)s, by month", year=overview.year),
        categories=list(_month_names(request, "narrow").values()),
        series=series,
    )


def _counter_bars(request: Request, overview: PayOverview) -> list[Any]:
    """A bar for each SÄVA count, marked at its limit: 9 months in 3 years (LAS 25 §), 12 months in 5 years
    and 12 months in employments that followed each other (LAS 5 a §)."""
    counter = overview.counter
    nine = gettext(request, "9 months: %(days)s days", days=counter.preferential_right_limit_days)
    twelve = gettext(request, "12 months: %(days)s days", days=counter.conversion_limit_days)
    counts = (
        (
            N_("Counted days in the last 3 years"),
            counter.days_in_3_years,
            nine,
            counter.preferential_right_limit_days,
        ),
        (
            N_("Counted days in the last 5 years"),
            counter.days_in_5_years,
            twelve,
            counter.conversion_limit_days,
        ),
        (
            N_("Counted days in employments that followed each other"),
            counter.days_in_successive_employments,
            twelve,
            counter.conversion_limit_days,
        ),
    )
    return [
        counter_bar(
            title=gettext(request, title), value=Decimal(days), thresholds=[(limit_words, Decimal(limit))]
        )
        for title, days, limit_words, limit in counts
    ]
