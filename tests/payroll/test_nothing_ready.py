"""A run that finds nothing ready says why truly: an assignment invoiced in part, whose invoice is paid, is
not "nothing paid and not on a payslip" but waits for the rest of its work to be invoiced (payroll.md §5),
and the refusal names it with what is left to invoice."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll.models import PayOn, PayrollRun
from kooperativet.payroll.service import waiting
from tests.assignments.factories import approve, assignment_body, register, submit
from tests.invoices.conftest import municipality, on_day, seller
from tests.statement_count import counted

__all__ = ["municipality", "on_day", "seller"]

RUNS = "/api/v1/payroll-runs"
NOVEMBER = {"pay_date": "2026-11-25"}
THREE_DAYS = [
    {
        "description": "Workshopdagar",
        "quantity": "3",
        "unit": "DAY",
        "unit_price": "3000.00",
        "vat_category": "S",
        "vat_rate": "25",
    }
]


def commission_invoiced_in_part(
    api: TestClient, member, treasurer, client_id: int, *, quantity: str = "1.5", pay: bool = True
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A commission of three days, approved; ``quantity`` of them invoiced on 2 November and, with ``pay``,
    that invoice paid in full on 5 November. Returns the commission and the invoice."""
    created = register(
        api, member.headers, assignment_body(client_id, lines=THREE_DAYS, extent_quantity="3", expenses=[])
    )
    approved = approve(api, treasurer.headers, submit(api, member.headers, created))
    [line] = approved["lines"]
    part = {
        "assignment_id": created["id"],
        "parts": [{"assignment_line_id": line["id"], "quantity": quantity}],
    }
    invoice = api.post("/api/v1/invoices", json=part, headers=treasurer.headers)
    assert invoice.status_code == 201, invoice.text
    if pay:
        body = {
            "invoice_id": invoice.json()["id"],
            "amount": invoice.json()["payable"],
            "paid_on": "2026-11-02",
        }
        paid = api.post("/api/v1/payments", json=body, headers=treasurer.headers)
        assert paid.status_code == 201, paid.text
    return approved, invoice.json()


def test_a_paid_invoice_of_part_of_a_commission_is_named_as_waiting_for_the_rest(
    api: TestClient, session: Session, seller, municipality, make_member, make_user, on_day
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)
    on_day(date(2026, 11, 2))
    commission, invoice = commission_invoiced_in_part(api, member, treasurer, municipality.id)
    assert api.get(f"/api/v1/invoices/{invoice['id']}", headers=treasurer.headers).json()["status"] == "paid"

    refused = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers)

    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["code"] == "nothing_ready"
    # Not the untrue "no assignment has fully paid invoices": its invoice is paid, and on no payslip.
    assert "no assignment has" not in problem["detail"]
    assert "1 assignment(s) have paid work but are not invoiced in full" in problem["detail"]
    assert problem["waiting_for_invoicing"] == [
        {
            "assignment_id": commission["id"],
            "client_name": "Lunds kommun",
            "member_id": member.member.id,
            "member_name": member.member.full_name,
            "left_to_invoice": [
                {
                    "assignment_line_id": commission["lines"][0]["id"],
                    "description": "Workshopdagar",
                    "quantity": "1.500",
                    "unit": "DAY",
                }
            ],
        }
    ]
    assert session.scalar(select(func.count(PayrollRun.id))) == 0


def test_on_invoice_an_issued_invoice_of_part_is_named_and_nothing_waits_when_nothing_is_invoiced(
    api: TestClient, session: Session, seller, municipality, make_member, make_user, on_day
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)
    on_day(date(2026, 11, 2))
    empty = api.post(RUNS, json=NOVEMBER | {"pay_on": "invoice"}, headers=treasurer.headers)
    assert empty.json()["waiting_for_invoicing"] == []
    assert "no assignment has issued invoices that are not yet salaried" in empty.json()["detail"]

    commission_invoiced_in_part(api, member, treasurer, municipality.id, quantity="2", pay=False)
    # Paid on: the invoice is not paid, so nothing waits for invoicing alone.
    on_payment = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    assert on_payment["waiting_for_invoicing"] == []
    on_invoice = api.post(RUNS, json=NOVEMBER | {"pay_on": "invoice"}, headers=treasurer.headers).json()
    assert on_invoice["code"] == "nothing_ready"
    assert "have invoiced work but are not invoiced in full" in on_invoice["detail"]
    [named] = on_invoice["waiting_for_invoicing"]
    assert named["left_to_invoice"][0]["quantity"] == "1.000"
    # Issued after the pay date, the invoice is not one a run on that date would pay.
    before = waiting.waiting_for_invoicing(session, pay_on=PayOn.invoice, pay_date=date(2026, 11, 1))
    assert before == []


def test_the_waiting_assignments_are_read_in_one_statement_however_many(
    api: TestClient,
    session: Session,
    connection: Connection,
    seller,
    municipality,
    make_member,
    make_user,
    on_day,
) -> None:
    treasurer = make_user(Role.treasurer)
    on_day(date(2026, 11, 2))
    counts = []
    for how_many in (1, 3):
        for _ in range(how_many):
            commission_invoiced_in_part(api, make_member(), treasurer, municipality.id)
        session.expire_all()
        with counted(connection) as reading:
            found = waiting.waiting_for_invoicing(session, pay_on=PayOn.payment, pay_date=date(2026, 11, 25))
        counts.append(reading.count)
    assert len(found) == 4
    assert counts == [1, 1]
