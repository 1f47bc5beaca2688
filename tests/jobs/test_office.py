"""The office sees the work that failed, in plain words, and sends it again: API and page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.jobs.models import Job, JobState
from tests.web.conftest import form_token, sign_in

WHEN = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def add_job(
    session: Session, *, kind: str, state: JobState, attempts: int, error: str | None, code: str | None = None
) -> Job:
    job = Job(
        kind=kind,
        payload={"mail_id": 999_999},  # a message that is not there: sending it again is done at once
        state=state,
        attempts=attempts,
        max_attempts=8,
        run_after=WHEN,
        last_error=error,
        error_code=code,
        created_at=WHEN,
        finished_at=WHEN if state == JobState.failed else None,
    )
    session.add(job)
    session.flush()
    return job


@pytest.fixture
def failed_mail(session: Session) -> Job:
    return add_job(
        session,
        kind="send_mail",
        state=JobState.failed,
        attempts=8,
        error="kooperativet.mail.smtp.MailNotSent: SMTPAuthenticationError: (535, b'5.7.8 Username and "
        "Password not accepted')",
        code="login_refused",
    )


def test_the_office_lists_the_failed_jobs_and_sends_one_again(
    api: TestClient, make_user, session: Session, failed_mail: Job
) -> None:
    add_job(session, kind="render_documents", state=JobState.done, attempts=1, error=None)
    treasurer = make_user(Role.treasurer)
    listed = api.get("/api/v1/jobs?state=failed", headers=treasurer.headers)
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 1
    [item] = body["items"]
    assert (item["id"], item["kind"], item["state"], item["attempts"]) == (
        failed_mail.id,
        "send_mail",
        "failed",
        8,
    )
    assert "Username and Password not accepted" in item["last_error"]
    assert item["error_code"] == "login_refused"

    retried = api.post(f"/api/v1/jobs/{failed_mail.id}/retry", headers=treasurer.headers)
    assert retried.status_code == 200, retried.text
    assert (retried.json()["state"], retried.json()["attempts"]) == ("pending", 0)
    assert api.get("/api/v1/jobs?state=failed", headers=treasurer.headers).json()["total"] == 0
    session.refresh(failed_mail)
    # The tests' requests run their work after the commit: the retried job ran (its message is gone: done).
    assert (failed_mail.state, failed_mail.attempts) == (JobState.done, 1)
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "job_retried")).one()
    assert json.loads(event.payload)["job_id"] == failed_mail.id


def test_only_a_failed_job_is_retried(api: TestClient, make_user, session: Session) -> None:
    done = add_job(session, kind="send_mail", state=JobState.done, attempts=1, error=None)
    admin = make_user(Role.admin)
    refused = api.post(f"/api/v1/jobs/{done.id}/retry", headers=admin.headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "job_not_failed"
    missing = api.post("/api/v1/jobs/999999/retry", headers=admin.headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert api.get("/api/v1/jobs?state=stuck", headers=admin.headers).status_code == 422


def test_a_member_sees_no_jobs(api: TestClient, make_user, failed_mail: Job) -> None:
    member = make_user(Role.member)
    assert api.get("/api/v1/jobs", headers=member.headers).status_code == 403
    assert api.post(f"/api/v1/jobs/{failed_mail.id}/retry", headers=member.headers).status_code == 403


def test_the_page_says_what_failed_in_plain_words_and_retries_it(
    browser_client: TestClient, make_user, session: Session, failed_mail: Job
) -> None:
    add_job(session, kind="render_documents", state=JobState.pending, attempts=2, error="OSError: disk full")
    treasurer = make_user(Role.treasurer)
    sign_in(browser_client, treasurer.user.email)
    page = browser_client.get("/office/jobs")
    assert page.status_code == 200
    html = page.text
    read = _outside_details(html)
    assert "Skicka ett e-postmeddelande" in html or "Skicka e-post" in html
    assert "E-postservern godtog inte kooperativets användarnamn eller lösenord." in read
    assert "Göra pdf-filen för en handling" in html
    assert "Pdf-filen för en handling kunde inte göras." in read  # an error without a code: by its work
    for internal in ("kooperativet.", "MailNotSent", "SMTPAuthenticationError", "OSError", "disk full"):
        assert internal not in read
    assert "SMTPAuthenticationError: (535" in html  # folded away for the admin, as stored
    assert "OSError: disk full" in html
    assert "send_mail" not in html
    assert "render_documents" not in html

    answer = browser_client.post(
        f"/office/jobs/{failed_mail.id}/retry", data={"csrf_token": form_token(html)}
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/office/jobs?retried=1")
    session.refresh(failed_mail)
    assert (failed_mail.state, failed_mail.attempts) == (JobState.done, 1)
    again = browser_client.post(f"/office/jobs/{failed_mail.id}/retry", data={"csrf_token": form_token(html)})
    assert again.status_code == 409
    assert "Inget skickades igen" in again.text


def _outside_details(html: str) -> str:
    """The page as read without opening its folded technical details."""
    return re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)


def test_a_mail_server_not_configured_is_said_in_swedish_not_by_its_class_path(
    browser_client: TestClient, make_user, session: Session
) -> None:
    stored = "kooperativet.mail.smtp.NoMailServer: no SMTP server is configured (KOOPERATIVET_SMTP_HOST)"
    add_job(
        session, kind="send_mail", state=JobState.pending, attempts=3, error=stored, code="no_mail_server"
    )
    add_job(
        session,
        kind="send_mail",
        state=JobState.failed,
        attempts=8,
        error="the worker host:12 stopped during the last attempt",
        code="worker_stopped",
    )
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    html = browser_client.get("/office/jobs").text
    read = _outside_details(html)
    assert "Ingen e-postserver är inställd, så ingen e-post kan skickas." in read
    assert "Processen som gör bakgrundsarbetet stannade under det sista försöket." in read
    for internal in ("kooperativet.mail", "NoMailServer", "SMTP", "the worker host:12"):
        assert internal not in read
    assert escape(stored) in html
    assert html.count("<summary>Tekniska detaljer</summary>") == 2


def test_the_page_reads_with_a_constant_number_of_statements(
    browser_client: TestClient, make_user, session: Session, count_statements
) -> None:
    sign_in(browser_client, make_user(Role.admin).user.email)

    def statements() -> int:
        with count_statements() as counter:
            assert browser_client.get("/office/jobs").status_code == 200
        return counter.count

    for _ in range(2):
        add_job(session, kind="send_mail", state=JobState.failed, attempts=8, error="boom")
        add_job(session, kind="send_mail", state=JobState.pending, attempts=1, error="boom")
    few = statements()
    for _ in range(60):
        add_job(session, kind="send_mail", state=JobState.failed, attempts=8, error="boom")
        add_job(session, kind="send_due_reminders", state=JobState.pending, attempts=1, error="boom")
    assert statements() == few
    assert "Rad 51–62 av 62" in browser_client.get("/office/jobs?offset=50").text


def test_the_office_start_page_links_to_the_jobs(browser_client: TestClient, make_user, app) -> None:
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    assert 'href="/office/jobs"' in browser_client.get("/office").text
    members_browser = TestClient(app, follow_redirects=False)
    sign_in(members_browser, make_user(Role.member).user.email)
    assert members_browser.get("/office/jobs").status_code == 403
