"""A refused form far down an office page opens the page at that form, which says why.

A refusal is the page again (422), and a browser shows a page from its top unless the address names a place
on it. The month end's file forms, a run's correction, an invoice's payment and a bank entry's forms sit a
screen or more below the top, so each form's action names its own card (``…/agi#agi-export``): the browser
keeps that #fragment for the answer and opens the refused page there, where the refusal is said. Without it
the treasurer saw the top of an unchanged page and nothing of why.
"""

from __future__ import annotations

from datetime import date

import lxml.html
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.payroll import service as payroll_service
from tests.exports.conftest import EXPORT_DAY, approved_run, export_day, exporter
from tests.payroll.conftest import APPROVED_AT, paid_assignment, payroll_ready
from tests.web.conftest import form_token, sign_in
from tests.web.test_office_billing import (
    commission,
    issue,
    library,
    on_day,
    seller,
    treasurer,
    unmatched,
    worker,
)

__all__ = [
    "approved_run",
    "export_day",
    "exporter",
    "library",
    "on_day",
    "paid_assignment",
    "payroll_ready",
    "seller",
    "treasurer",
    "worker",
]


def refused_at(client: TestClient, page: str, path: str, data: dict[str, str]) -> str:
    """Post the form of ``page`` that posts to ``path`` (as its page rendered it) and answer the text of the
    element its action's #fragment names on the refused page: what the browser shows first."""
    form = _form_to(client.get(page).text, path)
    action = form.get("action", "")
    assert "#" in action, f"the form to {path} names no place to open its answer at: {action}"
    fragment = action.partition("#")[2]
    answer = client.post(path, data={"csrf_token": _token(form), **data})
    assert answer.status_code == 422, answer.text
    shown = lxml.html.fromstring(answer.text).get_element_by_id(fragment, None)
    assert shown is not None, f"the refused page has no element #{fragment}"
    return " ".join(shown.text_content().split())


def _form_to(html: str, path: str) -> lxml.html.FormElement:
    for form in lxml.html.fromstring(html).forms:
        if form.get("method") == "post" and form.get("action", "").partition("#")[0] == path:
            return form
    raise AssertionError(f"no form posts to {path}")


def _token(form: lxml.html.FormElement) -> str:
    return form_token(lxml.html.tostring(form, encoding="unicode"))


def test_a_refused_export_opens_the_month_end_at_its_own_card(
    browser_client: TestClient, approved_run, export_day
) -> None:
    sign_in(browser_client, approved_run.treasurer.user.email)
    page = "/office/month-end?month=2026-11"
    made = browser_client.post(
        "/office/month-end/agi",
        data={"csrf_token": form_token(browser_client.get(page).text), "period": "2026-11"},
    )
    assert made.status_code == 303

    agi = refused_at(browser_client, page, "/office/month-end/agi", {"period": "2026-11"})
    assert "Arbetsgivardeklaration (AGI)" in agi
    assert "Det finns inget nytt att exportera för det valet." in agi
    sie = refused_at(
        browser_client, page, "/office/month-end/sie", {"from": "2026-11-30", "to": "2026-11-01"}
    )
    assert "Bokföring (SIE 4)" in sie
    assert "Sista dagen ligger före den första." in sie
    salary_file = refused_at(browser_client, page, "/office/month-end/pain001", {"run_id": ""})
    assert "Löneutbetalningar (pain.001)" in salary_file
    assert "Välj ett av alternativen." in salary_file


def test_a_refused_correction_opens_the_run_at_the_correction_which_says_why(
    browser_client: TestClient, session: Session, make_user, approved_run, make_member, paid_assignment
) -> None:
    [original, *_] = payroll_service.run_payslips(session, run_id=approved_run.run.id)
    paid_assignment(make_member().member, "1000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 12, 23), pay_on=None, created_by_id=None
    ).run
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    path = f"/office/payroll/{draft.id}"
    line = f"{original.id}:{original.lines[0].assignment_id}"

    shown = refused_at(
        browser_client,
        path,
        f"{path}/corrections",
        {"line": line, "invoiced_amount": "0", "reason": "glömd"},
    )
    assert shown.startswith("Lägg till en rättelse")
    assert "Ytterligare fakturerat belopp för arbetet (kr)" in shown
    assert "Skriv beloppet som saknades: en rättelse på noll kronor betalar ingenting." in shown


def test_a_correction_refused_as_a_whole_is_said_in_its_card_not_at_the_top(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    """A refusal of the whole correction (nobody corrects her own payslip) is said in the correction's card,
    where its answer opens, and not at the top of the page with the run's own buttons."""
    karin = make_member(Role.treasurer)  # a treasurer employed through the cooperative, with pay of her own
    paid_assignment(karin.member, "1000.00")
    first = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
    ).run
    approver = make_user(Role.admin)
    payroll_service.approve_run(session, run_id=first.id, approved_by_id=approver.user.id, now=APPROVED_AT)
    [own] = payroll_service.run_payslips(session, run_id=first.id)
    paid_assignment(make_member().member, "2000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 12, 23), pay_on=None, created_by_id=None
    ).run
    sign_in(browser_client, karin.user.email)
    path = f"/office/payroll/{draft.id}"
    line = f"{own.id}:{own.lines[0].assignment_id}"

    shown = refused_at(
        browser_client,
        path,
        f"{path}/corrections",
        {"line": line, "invoiced_amount": "100", "reason": "glömd"},
    )
    # Said of her pay, as the run's approval says it, not of "your own work" as on a commission.
    assert "Du kan inte besluta om din egen lön" in shown
    top = browser_client.post(
        f"{path}/corrections",
        data={
            "csrf_token": form_token(browser_client.get(path).text),
            "line": line,
            "invoiced_amount": "100",
            "reason": "glömd",
        },
    ).text
    assert top.count("din egen lön") == 1  # in the card, not at the top as well


def test_a_refused_payment_opens_the_invoice_at_its_payment_form(
    browser_client: TestClient, session: Session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    page = f"/office/invoices/{invoice.id}"
    shown = refused_at(
        browser_client, page, f"{page}/payments", {"amount": "20 000,00", "paid_on": "2026-11-30"}
    )
    assert shown.startswith("Registrera en betalning")
    assert "Kryssa i ”Överbetalning” för att registrera den ändå." in shown


def test_a_refused_bank_entry_opens_the_payments_page_at_that_entry(
    browser_client: TestClient, session: Session, treasurer
) -> None:
    entry = unmatched(session, treasurer)
    page = "/office/payments"
    not_ours = refused_at(
        browser_client, page, f"/office/payments/unmatched/{entry.id}/not-ours", {"reason": ""}
    )
    assignment = refused_at(
        browser_client, page, f"/office/payments/unmatched/{entry.id}/assign", {"invoice_id": ""}
    )
    for shown in (not_ours, assignment):
        assert shown.startswith("700,00 kr, 2026-11-30")  # the entry whose form was refused
    assert "Fyll i fältet." in not_ours
    assert "Välj ett av alternativen." in assignment
