"""The office's view of sent mail: the API list (no bodies, filtered, paged, constant statements), one
message with its bodies, sending a failed one again, and the web page with its send-again button."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.jobs.models import Job, JobState
from kooperativet.mail import attachment, queue_mail
from kooperativet.mail.models import MailState, OutgoingMail
from tests.conftest import PASSWORD
from tests.mail.test_message_format import BLOB  # noqa: F401 - registers the test_blob attachment source
from tests.mailbox import Mailbox
from tests.statement_count import counted
from tests.web.conftest import form_token, sign_in

API = "/api/v1/mail"


_minutes = count()
JOB_STATES = {
    MailState.sent: JobState.done,
    MailState.failed: JobState.failed,
    MailState.queued: JobState.pending,
}


def _messages(session: Session, number: int, *, state: MailState = MailState.sent) -> list[OutgoingMail]:
    """``number`` messages in ``state`` (their jobs done or failed to match), one minute apart, flushed on the
    test's connection."""
    made = []
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    for index in range(number):
        message = queue_mail(
            session,
            to=f"Medlem {index} <m{index}@example.org>",
            template="test_message",
            language="sv",
            context={"name": f"Medlem {index}", "cooperative": "Interim kultur"},
            attachments=[attachment("test_blob", index)],
        )
        message.queued_at = start + timedelta(minutes=next(_minutes))
        message.state = state
        made.append(message)
    session.flush()
    for message in made:
        job = session.query(Job).filter(Job.key == f"mail:{message.id}").one()
        job.state = JOB_STATES[state]
    session.flush()
    return made


@pytest.fixture
def browser_client(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer, email="kassor@example.se")


def test_the_list_has_no_bodies_is_filtered_and_paged(
    api: TestClient, session: Session, treasurer, connection: Connection
) -> None:
    sent = _messages(session, 3)
    [failed] = _messages(session, 1, state=MailState.failed)
    failed.last_error = "SMTPDataError: (451, b'4.3.0 try again later')"
    session.flush()
    everything = api.get(API, headers=treasurer.headers).json()
    assert everything["total"] == 4
    assert [item["id"] for item in everything["items"]] == [failed.id, *[m.id for m in reversed(sent)]]
    assert "text_body" not in everything["items"][0]
    assert "html_body" not in everything["items"][0]
    only_failed = api.get(API, params={"state": "failed"}, headers=treasurer.headers).json()
    assert [(i["id"], i["last_error"]) for i in only_failed["items"]] == [(failed.id, failed.last_error)]
    page = api.get(API, params={"limit": 2, "offset": 2}, headers=treasurer.headers).json()
    assert (page["total"], [i["id"] for i in page["items"]]) == (4, [sent[1].id, sent[0].id])
    assert api.get(API, params={"state": "lost"}, headers=treasurer.headers).status_code == 422


def test_the_list_runs_the_same_statements_for_one_message_as_for_thirty(
    api: TestClient, session: Session, treasurer, connection: Connection
) -> None:
    _messages(session, 1)
    with counted(connection) as one:
        assert api.get(API, headers=treasurer.headers).json()["total"] == 1
    _messages(session, 29)
    with counted(connection) as thirty:
        assert api.get(API, headers=treasurer.headers).json()["total"] == 30
    assert one.count == thirty.count


def test_one_message_with_its_bodies_and_attachment_names(
    api: TestClient, session: Session, treasurer
) -> None:
    [message] = _messages(session, 1)
    read = api.get(f"{API}/{message.id}", headers=treasurer.headers).json()
    assert read["to_addresses"] == ["Medlem 0 <m0@example.org>"]
    assert "Hej Medlem 0!" in read["text_body"]
    assert read["html_body"] is not None
    assert "Interim kultur" in read["html_body"]
    assert read["attachment_names"] == ["faktura-0-översikt.pdf"]
    missing = api.get(f"{API}/999999", headers=treasurer.headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "mail_not_found")


def test_only_the_office_reads_the_mail(api: TestClient, make_user) -> None:
    member = make_user(Role.member)
    board = make_user(Role.board)
    assert api.get(API, headers=member.headers).status_code == 403
    assert api.get(API, headers=board.headers).status_code == 403
    assert api.get(API).status_code == 401


def test_a_failed_message_is_sent_again_by_its_own_job_and_a_sent_one_is_not(
    api: TestClient, session: Session, treasurer
) -> None:
    [sent] = _messages(session, 1)
    [failed] = _messages(session, 1, state=MailState.failed)
    refused = api.post(f"{API}/{sent.id}/send-again", headers=treasurer.headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "mail_not_failed")
    again = api.post(f"{API}/{failed.id}/send-again", headers=treasurer.headers)
    assert again.status_code == 200, again.text
    assert (again.json()["message_id"], again.json()["state"]) == (failed.message_id, "queued")
    session.expire_all()
    [job] = [job for job in session.query(Job).all() if job.payload == {"mail_id": failed.id}]
    assert (job.key, job.state) == (f"mail:{failed.id}", JobState.pending)  # tried again (no server here)
    twice = api.post(f"{API}/{failed.id}/send-again", headers=treasurer.headers)
    assert (twice.status_code, twice.json()["code"]) == (409, "mail_not_failed")


def test_send_again_and_retry_of_its_job_are_one_action_done_once(
    api: TestClient, session: Session, treasurer
) -> None:
    """The mail page's Send again and the jobs page's Retry both offer the same failure: whichever comes
    second is refused, so no second job can send the message beside the first."""
    first, second = _messages(session, 2, state=MailState.failed)
    jobs = {m.id: session.query(Job).filter(Job.key == f"mail:{m.id}").one().id for m in (first, second)}
    assert api.post(f"{API}/{first.id}/send-again", headers=treasurer.headers).status_code == 200
    retried = api.post(f"/api/v1/jobs/{jobs[first.id]}/retry", headers=treasurer.headers)
    assert (retried.status_code, retried.json()["code"]) == (409, "job_not_failed")
    assert api.post(f"/api/v1/jobs/{jobs[second.id]}/retry", headers=treasurer.headers).status_code == 200
    assert api.get(f"{API}/{second.id}", headers=treasurer.headers).json()["state"] == "queued"
    again = api.post(f"{API}/{second.id}/send-again", headers=treasurer.headers)
    assert (again.status_code, again.json()["code"]) == (409, "mail_not_failed")
    assert session.query(Job).count() == 2


def test_a_secret_in_a_message_is_never_shown_sent_or_not(
    api: TestClient, browser_client: TestClient, session: Session, treasurer
) -> None:
    """A one-time link is its recipient's alone: the API and the mail page show […] in its place while the
    message waits to be sent (no SMTP server, an outage) as after."""
    secret = "one-time-link-token-4f1c"
    message = queue_mail(
        session,
        to="anna@example.org",
        template="test_message",
        language="sv",
        context={"name": secret, "cooperative": "Interim kultur"},
        secrets=[secret],
    )
    session.flush()
    assert secret in message.text_body  # the stored copy keeps it until it is sent
    read = api.get(f"{API}/{message.id}", headers=treasurer.headers).json()
    assert read["state"] == "queued"
    sign_in(browser_client, "kassor@example.se", PASSWORD)
    page = browser_client.get(f"/office/mail/{message.id}").text
    for shown in (read["text_body"], read["html_body"], page):
        assert secret not in shown
        assert "Hej […]!" in shown


def test_the_web_page_lists_the_mail_and_sends_a_failed_one_again(
    browser_client: TestClient, session: Session, treasurer, connection: Connection, mailbox: Mailbox
) -> None:
    [sent] = _messages(session, 1)
    [failed] = _messages(session, 1, state=MailState.failed)
    failed.last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
    session.flush()
    sign_in(browser_client, "kassor@example.se", PASSWORD)
    page = browser_client.get("/office/mail")
    assert page.status_code == 200, page.text
    assert "Medlem 0 &lt;m0@example.org&gt;" in page.text
    assert "Connection refused" in page.text
    assert page.text.count("/send-again") == 1  # only the failed message has the button
    with counted(connection) as one:
        browser_client.get("/office/mail")
    _messages(session, 20)
    with counted(connection) as more:
        browser_client.get("/office/mail")
    assert one.count == more.count
    detail = browser_client.get(f"/office/mail/{failed.id}")
    assert "Hej Medlem 0!" in detail.text
    answer = browser_client.post(
        f"/office/mail/{failed.id}/send-again", data={"csrf_token": form_token(detail.text)}
    )
    location = f"/office/mail/{failed.id}?done=mail_sent_again"
    assert (answer.status_code, answer.headers["location"]) == (303, location)
    said = browser_client.get(location).text  # the page says what was done (web.notices)
    assert (
        '<div class="notice" role="status" id="done">E-postmeddelandet står i kö för att skickas igen.</div>'
        in said
    )
    refused = browser_client.post(
        f"/office/mail/{sent.id}/send-again", data={"csrf_token": form_token(detail.text)}
    )
    assert refused.status_code == 409
    assert "Bara ett misslyckat meddelande kan skickas igen" in refused.text
    # The request's job ran after its commit (the tests' inline worker): the message arrived, as itself.
    [arrived] = mailbox.messages
    session.expire_all()
    again = session.get(OutgoingMail, failed.id)
    assert again is not None
    assert (again.state, again.last_error) == (MailState.sent, None)
    assert arrived["Message-ID"] == again.message_id


def _outside_details(html: str) -> str:
    """The page as read without opening its folded technical details."""
    return re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)


def test_the_pages_say_why_a_message_failed_in_swedish_and_keep_the_error_text_folded_away(
    browser_client: TestClient, session: Session, treasurer
) -> None:
    no_server, refused, older = _messages(session, 3, state=MailState.failed)
    # As the worker stores them (tests/mail/test_outage.py): the error's text and what it was.
    no_server.last_error = "no SMTP server is configured (KOOPERATIVET_SMTP_HOST)"
    no_server.error_code = "no_mail_server"
    refused.last_error = "refused by the server: m1@example.org: 550 5.1.1 no such mailbox"
    refused.error_code = "recipient_refused"
    older.last_error = "ConnectionRefusedError: [Errno 111] Connection refused"  # from before the codes
    session.flush()
    sign_in(browser_client, "kassor@example.se", PASSWORD)

    page = browser_client.get("/office/mail").text
    read = _outside_details(page)
    assert "Ingen e-postserver är inställd, så ingen e-post kan skickas." in read
    assert "E-postservern tog inte emot mottagarens adress." in read
    assert "E-postmeddelandet kunde inte skickas." in read
    for english in ("SMTP", "KOOPERATIVET_SMTP_HOST", "refused by the server", "ConnectionRefusedError"):
        assert english not in read
    assert page.count("<summary>Tekniska detaljer</summary>") == 3
    for stored in (no_server, refused, older):  # nothing is lost for whoever mends the cause
        assert escape(stored.last_error or "") in page

    detail = browser_client.get(f"/office/mail/{refused.id}").text
    assert "E-postservern tog inte emot mottagarens adress." in _outside_details(detail)
    assert "550 5.1.1" not in _outside_details(detail)
    assert "m1@example.org: 550 5.1.1 no such mailbox" in detail
