"""A camt.054 import that leaves credits unmatched tells each treasurer once, listing every such entry."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.invoices.models import UnmatchedBankEntry
from kooperativet.invoices.unmatched_reasons import reason_in
from tests.invoices.test_camt054_versions import upload, version_file
from tests.mailbox import Mailbox
from tests.notifications.conftest import html_of, text_of


def test_one_message_per_import_lists_the_unmatched_entries(
    api: TestClient, session: Session, mailbox: Mailbox, make_user, cooperative
) -> None:
    importer, colleague = make_user(Role.treasurer), make_user(Role.treasurer)

    answer = upload(api, importer, version_file("001.08"))

    assert answer.status_code == 200, answer.text
    entries = session.scalars(select(UnmatchedBankEntry).order_by(UnmatchedBankEntry.id)).all()
    assert len(entries) >= 2
    for treasurer in (importer, colleague):
        [message] = mailbox.to(treasurer.user.email)
        assert message["Subject"] == f"{len(entries)} inbetalningar kunde inte matchas"
        text = text_of(message)
        for entry in entries:
            assert f"- {entry.reference or entry.bank_entry_reference}:" in text
            # Why, in the treasurer's Swedish, not in the importer's stored English.
            assert f"Skäl: {reason_in(entry.reason, 'sv')}" in text
            assert entry.reason not in text
        assert (
            "Koppla dem till rätt faktura, eller markera dem som inte våra, här (du loggar in först):"
            "\r\nhttp://127.0.0.1:8000/office/payments\r\n"
        ) in text
    # Kronor as Swedes write them and the payments page shows them ("15 000,00 kr"), not the ISO code.
    message = mailbox.to(importer.user.email)[0]
    assert "15\N{NO-BREAK SPACE}000,00 kr" in text_of(message)
    assert "15\N{NO-BREAK SPACE}000,00 kr" in html_of(message)
    assert "SEK" not in text_of(message)


def test_the_same_file_again_tells_nobody(api: TestClient, mailbox: Mailbox, make_user, cooperative) -> None:
    treasurer = make_user(Role.treasurer)
    upload(api, treasurer, version_file("001.08"))
    mailbox.clear()

    again = upload(api, treasurer, version_file("001.08"))

    assert again.status_code == 200, again.text
    assert mailbox.messages == []
