"""A cooperative with many ready payouts, for the set-based payroll tests and ``bench/payroll_scale.py``.

Members get one or two paid assignments each, a mix of tax modes (flat, table, SINK, A-SINK), birth years in
every contribution category (youth, full, older, born 1937 or earlier) and some re-invoiced expenses. The rows
are written with the ORM in a few flushes; only the payroll service is measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, Expense
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.auth.models import User
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.parties.models import Client, Member, MemberTaxSetting, TaxMode
from kooperativet.payroll import tax_table_store

SYNTHETIC_TABLES = Path(__file__).resolve().parent / "data" / "synthetic-allmanna-tabeller-manad-2026.txt"

CLIENT_NAME = "Scenhuset AB"

#: Birth dates that fall in each contribution category for a pay date in 2026.
BIRTH_DATES = (date(1990, 5, 14), date(2007, 3, 2), date(1955, 8, 30), date(1937, 12, 1), date(2011, 1, 31))


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberPlan:
    """One member of the population: how they are taxed, when born and what they are paid."""

    tax: TaxMode
    birth_date: date
    amounts: tuple[Decimal, ...]
    expenses: Decimal | None = None
    extra_tax: Decimal = Decimal(0)  # a month's extra tax (flat and table mode only)


def luhn_number(serial: int, birth: date) -> str:
    """A personnummer with a valid check digit (made up: the serial is the member's position)."""
    digits = f"{birth:%y%m%d}{serial % 1000:03d}"
    total = 0
    for position, digit in enumerate(digits):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return f"{birth:%Y%m%d}{serial % 1000:03d}{(10 - total % 10) % 10}"


def default_plans(payouts: int) -> list[MemberPlan]:
    """``payouts`` payouts over about two thirds as many members, every mode and category mixed."""
    plans, left, serial = [], payouts, 0
    modes = (TaxMode.flat, TaxMode.table, TaxMode.sink, TaxMode.asink, TaxMode.table)
    while left > 0:
        count = 2 if left > 1 and serial % 2 == 0 else 1
        amounts = tuple(
            Decimal(4000 + 1379 * ((serial + i) % 23)).quantize(Decimal("0.01")) for i in range(count)
        )
        plans.append(
            MemberPlan(
                tax=modes[serial % len(modes)],
                birth_date=BIRTH_DATES[serial % len(BIRTH_DATES)],
                amounts=amounts,
                expenses=Decimal("345.50") if serial % 3 == 0 else None,
            )
        )
        left -= count
        serial += 1
    return plans


def _tax_setting(mode: TaxMode, extra_tax: Decimal = Decimal(0)) -> MemberTaxSetting:
    fields: dict[str, object] = {}
    if mode is TaxMode.flat:
        fields = {"percent": Decimal("30"), "extra_monthly_tax": extra_tax}
    elif mode is TaxMode.table:
        fields = {"table_number": 33, "table_column": 1, "extra_monthly_tax": extra_tax}
    return MemberTaxSetting(valid_from=date(2025, 1, 1), mode=mode, **fields)


def build_population(
    session: Session, *, plans: list[MemberPlan], issuer: User, first_serial: int = 1
) -> list[Member]:
    """Members, paid assignments and their paid invoices as ``plans`` say; the synthetic 2026 tables are
    imported when a plan uses table mode and no import exists yet."""
    if (
        any(plan.tax is TaxMode.table for plan in plans)
        and tax_table_store.latest_import(session, year=2026) is None
    ):
        tax_table_store.import_tax_tables(
            session, content=SYNTHETIC_TABLES.read_bytes(), filename=SYNTHETIC_TABLES.name, year=2026
        )
    members = []
    for serial, plan in enumerate(plans, start=first_serial):
        # Another day of the same year every thousand members keeps the personnummer unique.
        born = plan.birth_date + timedelta(days=serial // 1000)
        member = Member(
            first_name="Mia",
            last_name=f"Medlem{serial}",
            personal_identity_number=luhn_number(serial, born),
            birth_date=born,
            joined_on=date(2025, 1, 1),
            bank_clearing_number="6000",
            bank_account_number="123456789",
            tax_settings=[_tax_setting(plan.tax, plan.extra_tax)],
        )
        members.append(member)
    session.add_all(members)
    session.flush()
    add_paid_work(
        session,
        [
            (member, amount, plan.expenses)
            for member, plan in zip(members, plans, strict=True)
            for amount in plan.amounts
        ],
        issuer=issuer,
    )
    return members


def add_paid_work(
    session: Session, work: list[tuple[Member, Decimal, Decimal | None]], *, issuer: User
) -> list[Assignment]:
    """One paid assignment per (member, work amount, re-invoiced expenses), in that order."""
    client = session.scalar(select(Client).where(Client.name == CLIENT_NAME))
    if client is None:
        client = Client(name=CLIENT_NAME, organisation_number=None, country="SE")
        session.add(client)
    assignments = [_paid_assignment(member, client, expenses) for member, _amount, expenses in work]
    session.add_all(assignments)
    session.flush()
    last = session.scalar(select(func.max(Invoice.sequence)).where(Invoice.series == "P")) or 0
    session.add_all(
        [
            _paid_invoice(assignment, amount, last + position, issuer)
            for position, (assignment, (_member, amount, _expenses)) in enumerate(
                zip(assignments, work, strict=True), 1
            )
        ]
    )
    session.flush()
    return assignments


def _paid_assignment(member: Member, client: Client, expenses: Decimal | None) -> Assignment:
    assignment = Assignment(
        member=member,
        client=client,
        title="Föreställning",
        description="",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 10),
        extent_quantity=Decimal("2"),
        extent_unit=ExtentUnit.days,
        status=AssignmentStatus.paid,
    )
    if expenses is not None:
        assignment.expenses = [
            Expense(
                spent_on=date(2026, 10, 2),
                description="Tåg",
                amount=expenses,
                vat_rate=Decimal("6"),
                reinvoice=True,
            )
        ]
    return assignment


def _paid_invoice(assignment: Assignment, amount: Decimal, sequence: int, issuer: User) -> Invoice:
    return Invoice(
        series="P",
        year=2026,
        sequence=sequence,
        number=f"P2026-{sequence:05d}",
        kind=InvoiceKind.invoice,
        assignment_id=assignment.id,
        member_id=assignment.member_id,
        client_id=assignment.client_id,
        issue_date=date(2026, 10, 15),
        due_date=date(2026, 11, 14),
        language="sv",
        work_amount=amount,
        expenses_amount=Decimal("0.00"),
        net_total=amount,
        vat_total=Decimal("0.00"),
        rounding=Decimal("0.00"),
        payable=amount,
        snapshot={},
        pdf=b"%PDF",
        pdf_sha256="0" * 64,
        ubl=b"<Invoice/>",
        ubl_sha256="0" * 64,
        issued_by_id=issuer.id,
        status=InvoiceStatus.paid,
        paid_amount=amount,
    )
