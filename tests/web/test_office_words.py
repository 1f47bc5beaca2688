"""The office's pages in words a reader takes in: amounts in kronor, the e-mail list titled for what it lists,
what each background job is about, phrasing for the auditor who reads and cannot act, and the cooperative's
contact person named as what she is."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.invoices.models import UnmatchedBankEntry
from kooperativet.jobs.models import Job, JobState
from kooperativet.mail.models import MailState, OutgoingMail
from tests.web.conftest import sign_in

WHEN = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _mail(session: Session, number: int, *, erased: bool = False) -> OutgoingMail:
    mail = OutgoingMail(
        template="payslip_ready",
        language="sv",
        to_addresses=[] if erased else [f"medlem{number}@example.se"],
        subject=f"Din lönespecifikation L2026-{number:05d} är klar",
        text_body="Hej!",
        message_id=f"<payslip-{number}@kooperativet.test>",
        state=MailState.queued,
        queued_at=WHEN,
        erased_at=WHEN if erased else None,
    )
    session.add(mail)
    session.flush()
    return mail


def _job(session: Session, kind: str, payload: dict[str, object]) -> Job:
    job = Job(
        kind=kind,
        payload=payload,
        state=JobState.failed,
        attempts=8,
        max_attempts=8,
        run_after=WHEN,
        last_error="boom",
        created_at=WHEN,
        finished_at=WHEN,
    )
    session.add(job)
    session.flush()
    return job


# --- payments -------------------------------------------------------------------------------------------


def test_an_unmatched_bank_entry_is_in_kronor_like_every_other_amount(
    browser_client: TestClient, session: Session, make_user
) -> None:
    treasurer = make_user(Role.treasurer)
    session.add(
        UnmatchedBankEntry(
            bank_entry_reference="BANK-1",
            amount=Decimal("1250.00"),
            currency="SEK",
            booked_on=WHEN.date(),
            reference="1234567897",
            reason="no invoice has this OCR reference",
            imported_by_id=treasurer.user.id,
        )
    )
    session.commit()
    sign_in(browser_client, treasurer.user.email)
    html = browser_client.get("/office/payments").text
    assert "1\N{NO-BREAK SPACE}250,00 kr" in html
    # Outside attribute values: a form token is random text, which now and then holds "SEK".
    assert "SEK" not in re.sub(r'"[^"]*"', '""', html)


# --- e-mail ---------------------------------------------------------------------------------------------


def test_the_mail_list_is_titled_for_all_it_lists_and_its_filter_is_a_labelled_field(
    browser_client: TestClient, session: Session, make_user
) -> None:
    mail = _mail(session, 4)
    session.commit()
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    html = browser_client.get("/office/mail").text
    assert "<title>E-post" in html
    assert "<h1>E-post</h1>" in html
    assert "Skickad e-post" not in html
    form = html[html.index('<form method="get" action="/office/mail"') :]
    form = form[: form.index("</form>")]
    assert 'class="month-pick"' in form
    assert '<div class="field">' in form
    assert '<label for="f-state">Status</label>' in form
    assert form.count("Visa") == 1  # the button, not a label that repeats it

    detail = browser_client.get(f"/office/mail/{mail.id}").text
    assert '<dl class="facts">' in detail
    assert '<a href="/office/mail">E-post</a>' in detail


# --- background work ------------------------------------------------------------------------------------


def test_each_job_says_what_it_is_about_in_a_constant_number_of_statements(
    browser_client: TestClient, session: Session, make_user, count_statements
) -> None:
    first = _mail(session, 1)
    erased = _mail(session, 2, erased=True)
    _job(session, "send_mail", {"mail_id": first.id})
    _job(session, "send_mail", {"mail_id": erased.id})
    _job(session, "render_documents", {"kind": "payslip", "ids": [1, 2, 3]})
    _job(session, "render_documents", {"kind": "invoice", "ids": [7]})
    session.commit()
    sign_in(browser_client, make_user(Role.treasurer).user.email)

    def statements() -> tuple[int, str]:
        with count_statements() as counter:
            page = browser_client.get("/office/jobs")
        assert page.status_code == 200
        return counter.count, page.text

    few, html = statements()
    words = _text(html)
    assert "Din lönespecifikation L2026-00001 är klar" in words
    assert "till medlem1@example.se" in words
    assert f'href="/office/mail/{first.id}"' in html
    assert "Din lönespecifikation L2026-00002 är klar" in words
    assert "mottagaren raderad efter lagringstiden" in words
    assert "3 lönespecifikationer" in words
    assert "1 faktura eller kreditfaktura" in words

    for number in range(10, 40):
        _job(session, "send_mail", {"mail_id": _mail(session, number).id})
    session.commit()
    many, html = statements()
    assert "till medlem39@example.se" in _text(html)
    assert many == few


# --- the auditor ----------------------------------------------------------------------------------------


def test_the_auditor_is_told_what_she_reads_not_what_she_cannot_do(
    browser_client: TestClient, make_user, app
) -> None:
    sign_in(browser_client, make_user(Role.auditor).user.email)
    start = browser_client.get("/office").text
    for act in ("Utfärda, kreditera", "Registrera betalningar", "och att skicka dem igen"):
        assert act not in start
    assert "Fakturorna och kreditfakturorna, och vad som är betalt" in start
    assert "Inbetalningarna och bankens poster" in start
    inbox = browser_client.get("/office/inbox").text
    assert "godkänna eller avslå" not in inbox
    assert "som väntar på kassörens beslut" in inbox

    treasurer = TestClient(app, follow_redirects=False)
    sign_in(treasurer, make_user(Role.treasurer).user.email)
    assert "Utfärda, kreditera" in treasurer.get("/office").text
    assert "godkänna eller avslå" in treasurer.get("/office/inbox").text


# --- the cooperative's details ----------------------------------------------------------------------------


def test_the_contact_person_is_the_cooperatives_whom_skatteverket_may_call(
    browser_client: TestClient, make_user, cooperative
) -> None:
    sign_in(browser_client, make_user(Role.admin).user.email)
    html = _text(browser_client.get("/admin/cooperative").text)
    assert (
        "Kooperativets kontaktperson för arbetsgivardeklarationen (AGI), som Skatteverket kan kontakta"
        in html
    )
    assert "Skatteverkets kontakt" not in html
