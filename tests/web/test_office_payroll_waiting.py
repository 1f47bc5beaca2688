"""The payroll page's refusal when nothing is ready says the truth: a commission whose invoice of part of its
work is paid waits for the rest to be invoiced, and the page names it with what is left (1,5 dagar)."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll.models import PayrollRun
from tests.invoices.conftest import municipality, on_day, seller
from tests.payroll.test_nothing_ready import commission_invoiced_in_part
from tests.web.conftest import form_token, sign_in

__all__ = ["municipality", "on_day", "seller"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("\N{NO-BREAK SPACE}", " ")


def test_a_commission_invoiced_in_part_and_paid_is_named_with_what_is_left_to_invoice(
    api: TestClient,
    browser_client: TestClient,
    session: Session,
    seller,
    municipality,
    make_member,
    make_user,
    on_day,
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)
    on_day(date(2026, 11, 2))
    commission, _invoice = commission_invoiced_in_part(api, member, treasurer, municipality.id)
    sign_in(browser_client, treasurer.user.email)
    token = form_token(browser_client.get("/office/payroll").text)

    answer = browser_client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-11-25", "pay_on": "payment"}
    )

    assert answer.status_code == 422
    words = _text(answer.text)
    # The untrue sentence is gone: the invoice is paid and on no payslip.
    assert "inget uppdrag har arbete som är betalt" not in words
    assert (
        "Uppdragen nedan har fakturor som kunden har betalat, men allt deras arbete är inte fakturerat än: "
        "ett uppdrag betalas ut som lön först när allt i det är fakturerat"
    ) in words
    assert f"Lunds kommun – {member.member.full_name}: kvar att fakturera 1,5 dagar (Workshopdagar)" in words
    assert f'href="/commissions/{commission["id"]}"' in answer.text
    assert session.scalar(select(func.count(PayrollRun.id))) == 0


def test_nothing_invoiced_keeps_the_plain_refusal(
    browser_client: TestClient, session: Session, seller, make_user, on_day
) -> None:
    on_day(date(2026, 11, 2))
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    token = form_token(browser_client.get("/office/payroll").text)
    answer = browser_client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-11-25", "pay_on": "invoice"}
    )
    assert answer.status_code == 422
    assert "Ingen utbetalning är klar" in answer.text
    assert 'id="waiting-for-invoicing"' not in answer.text
