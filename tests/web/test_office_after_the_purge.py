"""The office's pages once a member was purged after the retention period: the month end says in Swedish,
by the file asked for, why the AGI and the salary file of her period cannot be made again; her PDF says it
was erased; her record says when her data was erased and offers no change that cannot work any more."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.models import ExportBatch
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.payroll.service.payslip_notices import notice_message_id, queue_payslip_notices
from kooperativet.privacy.purge import purge_after_retention
from kooperativet.web.i18n import LANGUAGE_COOKIE
from kooperativet.workflows import retention_purge
from tests.exports.conftest import ApprovedRun, approved_run, export_day, exporter
from tests.payroll.conftest import paid_assignment, payroll_ready
from tests.privacy.purged import DUE, PURGED_AT, member_on, remove, with_documents
from tests.web.conftest import form_token, sign_in

__all__ = ["approved_run", "export_day", "exporter", "paid_assignment", "payroll_ready"]

ERASED_AGI = (
    "Personnumren för månadens betalningsmottagare raderades när lagringstiden (sju år enligt "
    "bokföringslagen) hade gått ut, så arbetsgivardeklarationen kan inte göras igen."
)
ERASED_SALARY_FILE = (
    "Bankuppgifterna för körningens betalningsmottagare raderades när lagringstiden (sju år enligt "
    "bokföringslagen) hade gått ut, så lönefilen kan inte göras igen."
)


def _words(html: str) -> str:
    """The page's words as read: a date's ``<time>`` is part of its sentence, other tags separate words."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"</?time\b[^>]*>", "", html)))


def _purged_alva(session: Session, run: ApprovedRun, make_user) -> tuple[int, int]:
    """Alva removed and purged: her member id and her payslip's id."""
    alva, payslip = member_on(session, run, 0)
    with_documents(session, alva, payslip)
    remove(session, alva, make_user)
    purge_after_retention(session, today=DUE, now=PURGED_AT)
    return alva.id, payslip.id


def _signed_in(client: TestClient, actor) -> TestClient:
    sign_in(client, actor.user.email)
    return client


def _section(page: str, action: str) -> str:
    """The card of the month-end page whose form posts to ``action``."""
    found = re.search(
        rf'<section class="card"[^>]*>((?:(?!</section>).)*action="{action}[#"].*?)</section>', page, re.S
    )
    assert found, f"no form for {action}"
    return found.group(1)


def test_month_end_says_in_swedish_by_each_file_why_the_agi_and_salary_file_of_a_purged_period_cannot_be_made(
    browser_client: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    _purged_alva(session, approved_run, make_user)
    client = _signed_in(browser_client, approved_run.treasurer)
    month_end = client.get("/office/month-end?month=2026-11")
    # What is owed is still shown, as the payslips add it up: the AGI's own sums need the erased personnummer.
    assert month_end.status_code == 200, month_end.text
    assert "Arbetsgivaravgifter" in month_end.text
    token = form_token(month_end.text)

    agi = client.post("/office/month-end/agi", data={"csrf_token": token, "period": "2026-11"})
    salary_file = client.post(
        "/office/month-end/pain001",
        data={"csrf_token": token, "run_id": str(approved_run.run.id), "month": "2026-11"},
    )

    assert agi.status_code == 422, agi.text
    assert ERASED_AGI in _section(agi.text, "/office/month-end/agi")
    assert salary_file.status_code == 422, salary_file.text
    assert ERASED_SALARY_FILE in _section(salary_file.text, "/office/month-end/pain001")
    for page in (agi.text, salary_file.text):
        assert "erased after the retention period" not in page
        assert "erased_after_retention" not in page
        assert "None" not in page
    assert session.scalar(select(func.count(ExportBatch.id))) == 0


def test_the_run_page_names_her_by_her_pseudonym_and_her_pdf_says_it_was_erased(
    browser_client: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva_id, payslip_id = _purged_alva(session, approved_run, make_user)
    client = _signed_in(browser_client, approved_run.treasurer)

    run = client.get(f"/office/payroll/{approved_run.run.id}")
    pdf = client.get(f"/office/payroll/payslips/{payslip_id}.pdf")

    assert run.status_code == 200
    assert f"Borttagen medlem {alva_id}" in run.text
    assert "None" not in run.text
    assert pdf.status_code == 404
    assert "raderades när lagringstiden (sju år enligt bokföringslagen) hade gått ut" in pdf.text
    assert "Sidan finns inte" not in pdf.text


def test_a_purged_member_s_record_says_when_her_data_was_erased_and_offers_no_change(
    browser_client: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva_id, _ = _purged_alva(session, approved_run, make_user)
    client = _signed_in(browser_client, approved_run.treasurer)

    page = client.get(f"/office/members/{alva_id}")

    assert page.status_code == 200
    text = _words(page.text)
    assert f"Borttagen medlem {alva_id}" in text
    assert "Medlemmen togs bort 2026-11-27." in text
    assert "raderades 2034-01-01, när lagringstiden (sju år enligt bokföringslagen) hade gått ut" in text
    for never in ("None", "pseudonymised", "purged", "erased_after_retention"):
        assert never not in page.text
    # No form: a purged record cannot be saved (its personnummer is gone) and gets no bank account.
    assert f'action="/office/members/{alva_id}"' not in page.text
    assert "confirm-account" not in page.text
    assert 'name="bank_account_number"' not in page.text
    assert "/tax-settings" not in page.text  # nor a new tax setting
    assert "fast procentsats 30 %" in text  # the page's no-break space, made a space above
    listed = client.get("/office/members")
    assert listed.status_code == 200
    assert "None" not in listed.text


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_removed_member_not_yet_purged_says_until_when_her_data_is_kept(
    browser_client: TestClient,
    session: Session,
    approved_run: ApprovedRun,
    make_user,
    export_day: date,
    language: str,
) -> None:
    alva, _ = member_on(session, approved_run, 0)
    remove(session, alva, make_user)
    client = _signed_in(browser_client, approved_run.treasurer)
    client.cookies.set(LANGUAGE_COOKIE, language)

    page = client.get(f"/office/members/{alva.id}")

    text = _words(page.text)
    expected = {
        "sv": "Medlemmen togs bort 2026-11-27. Personnummer och underlag sparas till och med 2033-12-31, "
        "som bokföringslagen kräver, och raderas sedan.",
        "en": "The member was removed on 27 Nov 2026. Her personal identity number and documents are kept "
        "until 31 Dec 2033, as the Bookkeeping Act requires, and erased then.",
    }
    assert expected[language] in text
    assert "None" not in page.text


def test_the_api_refuses_to_change_a_purged_member_s_record(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva_id, _ = _purged_alva(session, approved_run, make_user)
    admin = make_user(Role.admin)
    version = api.get(f"/api/v1/members/{alva_id}", headers=admin.headers).json()["version"]

    refused = api.patch(
        f"/api/v1/members/{alva_id}",
        json={"version": version, "bank_clearing_number": "5000", "bank_account_number": "1234560"},
        headers=admin.headers,
    )

    assert (refused.status_code, refused.json()["code"]) == (409, "member_purged"), refused.text
    assert "2034-01-01" in refused.json()["detail"]
    assert api.get(f"/api/v1/members/{alva_id}", headers=admin.headers).json()["purged_at"] == (
        "2034-01-01T03:00:00Z"
    )
    new_tax = api.post(
        f"/api/v1/members/{alva_id}/tax-settings",
        json={"valid_from": "2034-02-01", "mode": "flat", "percent": "30"},
        headers=admin.headers,
    )
    assert (new_tax.status_code, new_tax.json()["code"]) == (409, "member_purged"), new_tax.text


def test_month_end_lists_an_erased_file_without_its_link_and_its_download_says_why(
    browser_client: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    client = _signed_in(browser_client, approved_run.treasurer)
    token = form_token(client.get("/office/month-end?month=2026-11").text)
    assert (
        client.post("/office/month-end/agi", data={"csrf_token": token, "period": "2026-11"}).status_code
        == 303
    )
    batch = session.scalars(select(ExportBatch)).one()
    retention_purge.purge_after_retention(session, today=DUE, now=PURGED_AT)

    page = client.get("/office/month-end?month=2026-11")
    download = client.get(f"/office/month-end/batches/{batch.id}/file")

    assert page.status_code == 200
    assert f'href="/office/month-end/batches/{batch.id}/file"' not in page.text
    erased = '<time class="nowrap" datetime="2034-01-01T04:00+01:00">2034-01-01 04:00</time>'
    assert f"Raderad efter lagringstiden, {erased}" in page.text
    assert batch.filename in page.text
    assert download.status_code == 404
    assert "raderades när lagringstiden (sju år enligt bokföringslagen) hade gått ut" in download.text


def test_the_mail_pages_say_a_purged_member_s_notice_was_erased_and_offer_no_sending_again(
    browser_client: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva, payslip = member_on(session, approved_run, 0)
    queue_payslip_notices(session, run_id=approved_run.run.id, domain="example.org")
    hers = session.scalars(
        select(OutgoingMail).where(OutgoingMail.message_id == notice_message_id(payslip.id, "example.org"))
    ).one()
    hers.state = MailState.failed
    remove(session, alva, make_user)
    purge_after_retention(session, today=DUE, now=PURGED_AT)
    client = _signed_in(browser_client, approved_run.treasurer)

    listed = client.get("/office/mail")
    detail = client.get(f"/office/mail/{hers.id}")

    assert listed.status_code == detail.status_code == 200
    assert "raderad efter lagringstiden" in listed.text
    assert f'action="/office/mail/{hers.id}/send-again"' not in listed.text + detail.text
    text = _words(detail.text)
    assert (
        "Mottagaren och texten raderades 2034-01-01 04:00, när lagringstiden för lönespecifikationen som "
        "meddelandet gällde (sju år enligt bokföringslagen) hade gått ut." in text
    )
    assert "None" not in detail.text
    assert "payslip_pdf" not in detail.text  # the attachment's source, a key of ours, for a PDF erased too
