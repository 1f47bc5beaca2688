"""The auditor (revisor) on the office's pages: every page that shows opens for her as for the treasurer, no
form or button that acts is shown to her, and every form she posts by hand is refused (403) with nothing
changed (docs/separation-of-duties.md, "The auditor").

The routes are read from the app itself, so an office page added later is checked here without a new line;
only its path's ids must be known (``IDS``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, Expense, Receipt
from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role, User
from kooperativet.exports.models import ExportBatch
from kooperativet.invoices.models import Invoice, Payment
from kooperativet.jobs.models import Job, JobState
from kooperativet.mail import queue_mail
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.parameters.models import ParameterValue
from kooperativet.parties.models import Client, Member
from kooperativet.payroll.models import PayrollRun, Payslip
from kooperativet.web.install import PAGE_ROUTERS
from tests.assignments.factories import PDF
from tests.exports.conftest import approved_run, export_day, exporter
from tests.jobs.test_office import add_job
from tests.payroll.conftest import paid_assignment, payroll_ready
from tests.web.conftest import form_token, sign_in

__all__ = ["approved_run", "export_day", "exporter", "paid_assignment", "payroll_ready"]

#: The pages that are nothing but a form to act: the auditor is refused them like their POST.
FORM_ONLY = {
    "/office/clients/new",
    "/office/invoices/new",
    "/office/invoices/{invoice_id}/credit",
    "/office/members/new",
}
#: What the auditor is told when she reaches a page or form that acts: what she may do, not only that it is
#: another role's.
READS_ONLY = "<p>Som revisor kan du läsa kansliets uppgifter men inte ändra något.</p>"
TO_THE_OFFICE = '<a class="button primary" href="/office">Till kansliets sidor</a>'
#: A form that acts: a POST form, other than the header's "sign out".
ACTING_FORM = re.compile(r'<form[^>]*method="post"(?![^>]*action="/signout")', re.IGNORECASE)


def _routes(routes: Any) -> Any:
    for route in routes:
        included = getattr(route, "original_router", None)  # a router included in a router
        if included is not None:
            yield from _routes(included.routes)
        else:
            yield route


def office_routes(method: str) -> list[str]:
    return sorted(
        {
            route.path
            for router in PAGE_ROUTERS
            for route in _routes(router.routes)
            if route.path.startswith("/office") and method in getattr(route, "methods", set())
        }
    )


#: Queries a page needs to show anything: the month of the run.
QUERIES = {"/office/month-end/payroll-summary": "?month=2026-11", "/office/month-end": "?month=2026-11"}


def _filled(template: str, ids: dict[str, Any]) -> str:
    path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(ids[m.group(1)]), template)
    return path + QUERIES.get(template, "")


@pytest.fixture
def world(
    browser_client: TestClient, session: Session, make_user, approved_run, export_day
) -> dict[str, Any]:
    """An approved run with its payslips, invoices and members, an AGI batch made by the treasurer, a failed
    e-mail, a failed job and a receipt: something behind every office page."""
    treasurer = approved_run.treasurer
    sign_in(browser_client, treasurer.user.email)
    page = browser_client.get("/office/month-end?month=2026-11")
    made = browser_client.post(
        "/office/month-end/agi", data={"csrf_token": form_token(page.text), "period": "2026-11"}
    )
    assert made.status_code == 303, made.text
    browser_client.cookies.clear()
    message = queue_mail(
        session,
        to="asa@example.org",
        template="test_message",
        language="sv",
        context={"name": "Åsa", "cooperative": "Interim kultur"},
    )
    message.state = MailState.failed
    job = add_job(session, kind="send_mail", state=JobState.failed, attempts=8, error="failed", code=None)
    first = session.scalars
    assignment = session.get_one(Assignment, first(select(Assignment.id).order_by(Assignment.id)).first())
    expense = Expense(spent_on=assignment.period_start, description="Tåg", amount=100, vat_rate=6)
    expense.receipt = Receipt(
        filename="tag.pdf",
        media_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        content=PDF,
        uploaded_by_id=assignment.member.user_id,
    )
    assignment.expenses.append(expense)
    session.flush()
    return {
        "treasurer": treasurer,
        "auditor": make_user(Role.auditor),
        "ids": {
            "client_id": first(select(Client.id).order_by(Client.id)).first(),
            "assignment_id": assignment.id,
            "expense_id": expense.id,
            "invoice_id": first(select(Invoice.id).order_by(Invoice.id)).first(),
            "reminder_id": 999_999,  # none is due in this world: 404 for both
            "mail_id": message.id,
            "job_id": job.id,
            "member_id": first(select(Member.id).order_by(Member.id)).first(),
            "run_id": approved_run.run.id,
            "payslip_id": first(select(Payslip.id).order_by(Payslip.id)).first(),
            "batch_id": first(select(ExportBatch.id).order_by(ExportBatch.id)).first(),
            "key": first(select(ParameterValue.key).order_by(ParameterValue.key)).first(),
            "entry_id": 999_999,
        },
    }


def _statuses(client: TestClient, email: str, paths: list[str]) -> dict[str, int]:
    client.cookies.clear()
    sign_in(client, email)
    return {path: client.get(path).status_code for path in paths}


def test_every_office_page_that_shows_opens_for_the_auditor_as_for_the_treasurer(
    browser_client: TestClient, world: dict[str, Any]
) -> None:
    pages = [_filled(path, world["ids"]) for path in office_routes("GET") if path not in FORM_ONLY]
    treasurer = _statuses(browser_client, world["treasurer"].user.email, pages)
    auditor = _statuses(browser_client, world["auditor"].user.email, pages)
    assert auditor == treasurer
    # Everything there is to see in this world is seen; only the reminder that does not exist is not.
    assert {path for path, status in auditor.items() if status != 200} == {"/office/reminders/999999/pdf"}


@pytest.mark.parametrize("path", sorted(FORM_ONLY))
def test_a_page_that_is_only_a_form_to_act_is_refused_to_the_auditor(
    browser_client: TestClient, world: dict[str, Any], path: str
) -> None:
    sign_in(browser_client, world["auditor"].user.email)
    answer = browser_client.get(_filled(path, world["ids"]))
    assert answer.status_code == 403
    assert "Inte tillåtet" in answer.text
    assert READS_ONLY in answer.text
    assert TO_THE_OFFICE in answer.text


def test_the_auditor_is_shown_no_form_or_button_that_acts(
    browser_client: TestClient, world: dict[str, Any]
) -> None:
    pages = [_filled(path, world["ids"]) for path in office_routes("GET") if path not in FORM_ONLY]
    sign_in(browser_client, world["treasurer"].user.email)
    treasurer_forms = {
        path: len(ACTING_FORM.findall(browser_client.get(path).text))
        for path in pages
        if not path.endswith((".pdf", ".zip", "/ubl", "/file", "/payroll-summary"))
    }
    browser_client.cookies.clear()
    sign_in(browser_client, world["auditor"].user.email)
    for path in treasurer_forms:
        html = browser_client.get(path).text
        assert ACTING_FORM.findall(html) == [], path
        for link in ("/office/clients/new", "/office/invoices/new", "/office/members/new", '/credit"'):
            assert link not in html, (path, link)
    # The same pages offer the treasurer her forms: the check above is not empty.
    for path in ("/office/payments", "/office/payroll", "/office/month-end?month=2026-11", "/office/jobs"):
        assert treasurer_forms[path] > 0, path
    start = browser_client.get("/office").text
    assert "Du läser kansliets sidor som revisor" in start
    assert 'href="/office"' in browser_client.get("/").text  # the menu leads her there


def _counts(session: Session) -> dict[str, int | None]:
    tables = (AuditEvent.id, ExportBatch.id, Invoice.id, Payment.id, PayrollRun.id, Client.id, Member.id)
    counts: dict[str, int | None] = {str(c): session.scalar(select(func.count(c))) for c in tables}
    counts["failed jobs"] = session.scalar(select(func.count(Job.id)).where(Job.state == JobState.failed))
    counts["failed mail"] = session.scalar(
        select(func.count(OutgoingMail.id)).where(OutgoingMail.state == MailState.failed)
    )
    return counts


def test_every_office_form_posted_by_the_auditor_is_refused_and_changes_nothing(
    browser_client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(browser_client, world["auditor"].user.email)
    token = form_token(browser_client.get("/office").text)
    before = _counts(session)
    posts = office_routes("POST")
    assert len(posts) >= 25
    for template in posts:
        answer = browser_client.post(_filled(template, world["ids"]), data={"csrf_token": token})
        assert answer.status_code == 403, (template, answer.status_code)
        assert "Inte tillåtet" in answer.text
        assert READS_ONLY in answer.text, template
    session.expire_all()
    assert _counts(session) == before


def test_the_auditor_who_marks_a_run_paid_is_told_she_reads_and_changes_nothing_and_led_to_what_she_reads(
    browser_client: TestClient, session: Session, world: dict[str, Any], make_member
) -> None:
    run_path = f"/office/payroll/{world['ids']['run_id']}"
    sign_in(browser_client, world["auditor"].user.email)
    token = form_token(browser_client.get(run_path).text)
    answer = browser_client.post(f"{run_path}/mark-paid", data={"csrf_token": token, "paid_on": "2026-11-25"})
    assert answer.status_code == 403
    assert "<h1>Inte tillåtet</h1>" in answer.text
    assert READS_ONLY in answer.text
    assert TO_THE_OFFICE in answer.text
    assert "annan roll" not in answer.text
    assert "auditor_reads_only" not in answer.text
    assert browser_client.get("/office").status_code == 200  # where the link leads is hers to read
    session.expire_all()
    run = session.get_one(PayrollRun, world["ids"]["run_id"])
    assert (run.paid_on, run.paid_by_id) == (None, None)

    # Someone without the auditor's role is told the page is another role's, and offered no office pages.
    browser_client.cookies.clear()
    sign_in(browser_client, make_member().user.email)
    member = browser_client.get(run_path)
    assert member.status_code == 403
    assert "<p>Sidan är till för en annan roll.</p>" in member.text
    assert "revisor" not in member.text
    assert TO_THE_OFFICE not in member.text


def test_the_admin_makes_the_auditor_s_login_on_the_web_and_not_beside_an_office_role(
    browser_client: TestClient, session: Session, make_user
) -> None:
    admin = make_user(Role.admin)
    sign_in(browser_client, admin.user.email)
    form = browser_client.get("/admin/users/new").text
    assert 'value="auditor"' in form
    assert "Revisor" in form
    new = {"email": "rut@example.se", "full_name": "Rut Revisor", "password": "ett långt lösenord"}
    refused = browser_client.post(
        "/admin/users/new", data={**new, "roles": ["auditor", "treasurer"], "csrf_token": form_token(form)}
    )
    assert refused.status_code == 422
    assert (
        '<p class="error" id="e-roles">Revisorn kan inte också vara kassör, administratör eller '
        "styrelseledamot på samma inloggning: revisorn granskar deras bokföring och förvaltning. "
        "Ge revisorn en egen inloggning.</p>"
    ) in refused.text
    assert 'value="Rut Revisor"' in refused.text
    assert session.scalar(select(func.count()).where(User.email == "rut@example.se")) == 0
    made = browser_client.post(
        "/admin/users/new", data={**new, "roles": ["auditor"], "csrf_token": form_token(form)}
    )
    assert made.status_code == 303, made.text
    assert "Revisor" in browser_client.get("/admin", params={"q": "rut"}).text
