"""A re-invoiced outlay is paid back to the member as far as the client pays it (payroll.md §1, E).

The member paid the outlay out of her own pocket and the cooperative re-invoiced it; what the client is
credited of its invoice line is what the client no longer pays, so the member is paid back the rest, and the
work's own credit note has nothing to do with it. Everything goes through the API, as the treasurer works."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from tests.invoices.conftest import FEE_25, pdf_text

RUNS = "/api/v1/payroll-runs"
TRAIN = ("Tåg Stockholm–Malmö", "789.00", "6")  # re-invoiced at 744.34 kr excl. VAT


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def invoiced_with_outlay(
    api: TestClient, seller, municipality, make_member, make_assignment, treasurer, on_day
):
    """An invoice of 12 000 kr of work and the member's train ticket; the assignment and the member."""
    member = make_member()
    assignment = make_assignment(member.member, municipality, FEE_25, expenses=(TRAIN,))
    response = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers)
    assert response.status_code == 201, response.text
    invoice = response.json()
    fee, outlay = invoice["lines"]
    assert (fee["amount"], outlay["amount"]) == ("12000.00", "744.34")
    return assignment, invoice, member


def _credit(api: TestClient, treasurer, invoice: dict, line: dict, amount: str) -> None:
    body = {"reason": "Ändrad beställning", "parts": [{"invoice_line_id": line["id"], "amount": amount}]}
    response = api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes", json=body, headers=treasurer.headers
    )
    assert response.status_code == 201, response.text


def _pay_the_rest(api: TestClient, treasurer, invoice: dict) -> None:
    outstanding = api.get(f"/api/v1/invoices/{invoice['id']}", headers=treasurer.headers).json()[
        "outstanding"
    ]
    response = api.post(
        "/api/v1/payments",
        json={"invoice_id": invoice["id"], "amount": outstanding, "paid_on": "2026-03-02"},
        headers=treasurer.headers,
    )
    assert response.status_code == 201, response.text


def _run_payslips(api: TestClient, treasurer) -> list[dict]:
    response = api.post(RUNS, json={"pay_date": "2026-03-25"}, headers=treasurer.headers)
    assert response.status_code == 201, response.text
    return response.json()["payslips"]


def test_an_outlay_the_client_paid_is_paid_back_when_the_work_was_credited_in_full(
    api: TestClient, session: Session, invoiced_with_outlay, treasurer
) -> None:
    """The performance was cancelled, the train ticket was bought: the client is credited the work and pays
    the ticket. The member gets her 789 kr back on a payslip of its own, with no salary on it."""
    assignment, invoice, _member = invoiced_with_outlay
    fee, _outlay = invoice["lines"]
    _credit(api, treasurer, invoice, fee, "12000.00")
    _pay_the_rest(api, treasurer, invoice)
    session.expire_all()
    assert session.get_one(Assignment, assignment.id).status == AssignmentStatus.paid

    [payslip] = _run_payslips(api, treasurer)

    amounts = ("invoiced_amount", "gross_salary", "tax", "expense_reimbursement", "net_pay")
    assert tuple(payslip[name] for name in amounts) == ("0.00", "0.00", "0.00", "789.00", "789.00")


def test_the_payslip_that_only_pays_an_outlay_back_says_so(
    api: TestClient, session: Session, invoiced_with_outlay, treasurer
) -> None:
    _assignment, invoice, member = invoiced_with_outlay
    fee, _outlay = invoice["lines"]
    _credit(api, treasurer, invoice, fee, "12000.00")
    _pay_the_rest(api, treasurer, invoice)
    run = api.post(RUNS, json={"pay_date": "2026-03-25"}, headers=treasurer.headers).json()
    approved = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    assert approved.status_code == 200, approved.text
    [payslip] = approved.json()["payslips"]

    pdf = api.get(f"/api/v1/payslips/{payslip['id']}/pdf", headers=member.headers)

    assert pdf.status_code == 200, pdf.text
    text = " ".join(pdf_text(pdf.content).split())
    for expected in (
        # The invoice, and the credit note of the work named as one.
        "Faktura: 2026-0001 Kreditfaktura: 2026-0002",
        "Fakturerat belopp för arbete, efter kreditering 0,00",
        "Lön för uppdraget 0,00",
        "Utläggsersättning (skattefri) 789,00",
        "Att utbetala 789,00",
    ):
        assert expected in text


@pytest.mark.parametrize(
    ("credited", "paid_back"),
    [("744.34", "0.00"), ("372.17", "394.50")],
    ids=["the whole ticket", "half the ticket"],
)
def test_an_outlay_credited_to_the_client_is_paid_back_in_the_part_the_client_still_pays(
    api: TestClient, session: Session, invoiced_with_outlay, treasurer, credited: str, paid_back: str
) -> None:
    """The ticket's line credited in full: nothing came in for it, so the run pays the work alone. Half of
    it credited: the member is paid back half of what she paid, VAT included."""
    _assignment, invoice, _member = invoiced_with_outlay
    _fee, outlay = invoice["lines"]
    _credit(api, treasurer, invoice, outlay, credited)
    _pay_the_rest(api, treasurer, invoice)

    [payslip] = _run_payslips(api, treasurer)

    assert (payslip["invoiced_amount"], payslip["expense_reimbursement"]) == ("12000.00", paid_back)


def test_an_invoice_credited_in_full_pays_back_nothing(
    api: TestClient, session: Session, invoiced_with_outlay, treasurer
) -> None:
    """Nothing came in: the assignment is not paid and no run collects it, outlay or not."""
    assignment, invoice, _member = invoiced_with_outlay
    response = api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "Fel kund"},
        headers=treasurer.headers,
    )
    assert response.status_code == 201, response.text
    session.expire_all()
    assert session.get_one(Assignment, assignment.id).status == AssignmentStatus.invoiced

    response = api.post(RUNS, json={"pay_date": "2026-03-25", "pay_on": "invoice"}, headers=treasurer.headers)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "nothing_ready"


def test_an_outlay_credited_after_the_draft_lowers_what_the_recalculated_run_pays_back(
    api: TestClient, session: Session, invoiced_with_outlay, treasurer
) -> None:
    """The draft paid the ticket back; the client is then credited the ticket. The approval refuses the
    draft, and the recalculated run pays the work alone."""
    _assignment, invoice, _member = invoiced_with_outlay
    _pay_the_rest(api, treasurer, invoice)
    draft = api.post(RUNS, json={"pay_date": "2026-03-25"}, headers=treasurer.headers).json()
    assert draft["payslips"][0]["expense_reimbursement"] == "789.00"
    _fee, outlay = invoice["lines"]
    _credit(api, treasurer, invoice, outlay, "744.34")

    refused = api.post(f"{RUNS}/{draft['id']}/approve", headers=treasurer.headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["changed"] == ["invoices"]
    recalculated = api.post(f"{RUNS}/{draft['id']}/recalculate", headers=treasurer.headers)
    assert recalculated.status_code == 200, recalculated.text
    [payslip] = recalculated.json()["payslips"]
    assert (payslip["invoiced_amount"], payslip["expense_reimbursement"]) == ("12000.00", "0.00")
