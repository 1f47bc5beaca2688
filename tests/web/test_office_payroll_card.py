"""A member's card on a payroll run's page reads as her payslip PDF does: the same lines in the same order,
deductions with their minus sign and the öre the cooperative keeps, so that its numbers add up."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.parties.models import TaxMode
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.models import PayOn
from kooperativet.web.templating import amount
from tests.payroll.conftest import paid_assignment, payroll_ready, set_tax
from tests.web.conftest import sign_in

__all__ = ["paid_assignment", "payroll_ready"]

TERM = re.compile(r"<dt(?: class=\"part\")?>([^<]*)</dt><dd class=\"num\">([^<]*)</dd>")


def test_the_card_shows_the_payslips_lines_with_their_signs_and_the_rounding_so_they_add_up(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    alva = make_member()
    paid_assignment(alva.member, "16000.00")
    drafted = payroll_service.create_run(
        session,
        today=date(2026, 11, 20),
        pay_date=date(2026, 11, 25),
        pay_on=PayOn.payment,
        created_by_id=make_user(Role.treasurer).user.id,
    )
    [slip] = payroll_service.show_run(session, run=drafted.run).payslips
    [line] = slip.lines
    assert line.residue == Decimal("0.01")  # 16 000 less the fee does not split into öre exactly
    sign_in(browser_client, make_user(Role.treasurer).user.email)

    card = browser_client.get(f"/office/payroll/{drafted.run.id}").text.split('class="card payslip"')[1]

    def sv(value: Decimal) -> str:
        return str(amount(value, language="sv"))

    assert TERM.findall(card) == [
        ("Fakturerat för arbetet", sv(line.invoiced_amount)),
        ("Kooperativets avgift (6\N{NO-BREAK SPACE}%)", sv(-line.fee)),
        ("Arbetsgivaravgifter (full avgift)", sv(-line.employer_contributions)),
        ("Öresavrundning (behålls av kooperativet)", "\N{MINUS SIGN}0,01"),
        ("Skattepliktig lön", sv(line.taxable_pay)),
        ("varav bruttolön", sv(line.gross_salary)),
        ("varav semesterersättning", sv(line.holiday_pay)),
        (f"Skatt (fast procentsats {line.tax_percent:.0f}\N{NO-BREAK SPACE}%)", sv(-line.tax)),
        ("Ersatta utlägg", sv(line.expense_reimbursement)),
        ("Nettolön", sv(line.net_pay)),
    ]
    # What the card shows adds up, as on the PDF.
    assert line.invoiced_amount - line.fee - line.employer_contributions - line.residue == line.taxable_pay
    assert line.gross_salary + line.holiday_pay == line.taxable_pay
    assert line.taxable_pay - line.tax + line.expense_reimbursement == line.net_pay
    # One invoice is "Faktura", not "Fakturor".
    assert f"<dt>Faktura</dt><dd>{line.invoice_numbers[0]}</dd>" in card


def test_a_sink_payees_tax_reads_as_on_her_payslip_without_parentheses_inside_parentheses(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    """The card said "Skatt (SINK (bosatt utomlands) 22,5 %)"; the payslip PDF says "SINK 22,5 %"."""
    bertil = make_member()
    set_tax(session, bertil.member, valid_from=date(2026, 1, 1), mode=TaxMode.sink)
    paid_assignment(bertil.member, "8000.00")
    drafted = payroll_service.create_run(
        session,
        today=date(2026, 11, 20),
        pay_date=date(2026, 11, 25),
        pay_on=PayOn.payment,
        created_by_id=make_user(Role.treasurer).user.id,
    )
    [slip] = payroll_service.show_run(session, run=drafted.run).payslips
    [line] = slip.lines
    sign_in(browser_client, make_user(Role.treasurer).user.email)

    card = browser_client.get(f"/office/payroll/{drafted.run.id}").text.split('class="card payslip"')[1]

    assert line.tax_percent == Decimal("22.5")
    tax = ("Skatt (SINK 22,5\N{NO-BREAK SPACE}%)", str(amount(-line.tax, language="sv")))
    assert tax in TERM.findall(card)
    assert "bosatt utomlands" not in card
