"""What the pay pages read: a member's employments, payslips, totals per year and month, and her SÄVA count.

Through the same services as the API (employments, payslips, the counter, each with its access policy) plus
one query for the totals, so the page runs the same statements for one payslip or a hundred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User
from kooperativet.core.money import ZERO
from kooperativet.employments import service as employments_service
from kooperativet.employments.models import Employment
from kooperativet.employments.service import SaveCounter
from kooperativet.errors import NotFound
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Member
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.models import PayrollRun, Payslip, RunStatus
from kooperativet.web.panel import Panel

#: The most rows the page lists of each kind (the API pages through more).
LIST_LIMIT = 100
#: A SÄVA count this close to a limit (one month, in counted days) is shown on the start page.
NEAR_THRESHOLD_DAYS = 30


@dataclass(slots=True)
class Totals:
    """Sums of issued payslips: for a year, or for a month of one year."""

    payslips: int = 0
    invoiced: Decimal = ZERO
    gross_salary: Decimal = ZERO
    holiday_pay: Decimal = ZERO
    tax: Decimal = ZERO
    net_pay: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        """Gross pay including holiday pay (the payslip's taxable pay)."""
        return self.gross_salary + self.holiday_pay

    def add(self, row: Sequence[object]) -> None:
        invoiced, gross_salary, holiday_pay, tax, net_pay = (Decimal(str(value)) for value in row)
        self.payslips += 1
        self.invoiced += invoiced
        self.gross_salary += gross_salary
        self.holiday_pay += holiday_pay
        self.tax += tax
        self.net_pay += net_pay


@dataclass(frozen=True, slots=True)
class PayOverview:
    member: Member
    employments: list[Employment]
    employments_total: int
    payslips: list[Payslip]
    payslips_total: int
    years: dict[int, Totals]  # newest year first
    year: int
    months: dict[int, Totals]  # 1 … 12 of ``year``
    counter: SaveCounter
    total: Totals = field(default_factory=Totals)


def pay_overview(session: Session, *, user: User, today: date, year: int | None = None) -> PayOverview:
    """The signed-in member's pay page; a user without a member record gets a 404."""
    member = parties_service.get_own_member(session, actor=user)
    employments, employments_total = employments_service.list_employments(
        session, actor=user, member_id=member.id, limit=LIST_LIMIT, offset=0
    )
    payslips, payslips_total = payroll_service.list_payslips(
        session, actor=user, member_id=member.id, limit=LIST_LIMIT, offset=0
    )
    years, months_by_year = _totals(session, member_id=member.id)
    chosen = year if year is not None else max(years, default=today.year)
    months = months_by_year.get(chosen, {})
    return PayOverview(
        member=member,
        employments=employments,
        employments_total=employments_total,
        payslips=payslips,
        payslips_total=payslips_total,
        years=years,
        year=chosen,
        months={month: months.get(month, Totals()) for month in range(1, 13)},
        counter=employments_service.save_counter(session, member=member, on=today),
        total=years.get(chosen, Totals()),
    )


def _totals(session: Session, *, member_id: int) -> tuple[dict[int, Totals], dict[int, dict[int, Totals]]]:
    """Per year and per month of each year, from one query over the member's payslips."""
    rows = session.execute(
        select(
            Payslip.pay_date,
            Payslip.invoiced_amount,
            Payslip.gross_salary,
            Payslip.holiday_pay,
            Payslip.tax,
            Payslip.net_pay,
        )
        .where(Payslip.member_id == member_id)
        .order_by(Payslip.pay_date.desc(), Payslip.id.desc())
    )
    years: dict[int, Totals] = {}
    months: dict[int, dict[int, Totals]] = {}
    for pay_date, *amounts in rows:
        years.setdefault(pay_date.year, Totals()).add(amounts)
        months.setdefault(pay_date.year, {}).setdefault(pay_date.month, Totals()).add(amounts)
    return years, months


def near_threshold(counter: SaveCounter) -> bool:
    return (
        counter.days_in_3_years > counter.preferential_right_limit_days - NEAR_THRESHOLD_DAYS
        or counter.days_in_5_years > counter.conversion_limit_days - NEAR_THRESHOLD_DAYS
        or counter.days_in_successive_employments > counter.conversion_limit_days - NEAR_THRESHOLD_DAYS
    )


@dataclass(frozen=True, slots=True)
class LatestPay:
    """What the start page shows a member: her latest payslip, and her SÄVA count when near a limit."""

    payslip: Payslip | None
    counter: SaveCounter | None
    #: Whether the office has marked the payslip's run paid: until then it is her next pay, not her latest
    #: (her commission says "lönen inte utbetald än" meanwhile, whatever the pay date).
    paid_out: bool = False


def latest_pay(session: Session, *, user: User, today: date) -> LatestPay | None:
    """None for a user who is no member or has nothing to show; three queries at most."""
    if not user.has_any_role(Role.member):
        return None
    try:
        member = parties_service.get_own_member(session, actor=user)
    except NotFound:
        return None
    latest = session.execute(
        select(Payslip, PayrollRun.status == RunStatus.paid)
        .join(PayrollRun, PayrollRun.id == Payslip.run_id)
        .where(Payslip.member_id == member.id)
        .order_by(Payslip.pay_date.desc(), Payslip.id.desc())
        .limit(1)
    ).first()
    payslip, paid_out = (latest[0], bool(latest[1])) if latest is not None else (None, False)
    counter = employments_service.save_counter(session, member=member, on=today)
    if payslip is None and not near_threshold(counter):
        return None
    near = counter if near_threshold(counter) else None
    return LatestPay(payslip=payslip, counter=near, paid_out=paid_out)


def pay_panel(session: Session, *, user: User, today: date) -> Panel | None:
    """The start page's pay panel (``web.panels.PROVIDERS``)."""

    found = latest_pay(session, user=user, today=today)
    if found is None:
        return None
    return Panel(
        "panels/pay.html", {"payslip": found.payslip, "counter": found.counter, "paid_out": found.paid_out}
    )
