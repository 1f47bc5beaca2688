"""The month end shows each export batch's notes under it, in the reader's language: the draft run a file
left out, the bank account changed since the last salary file, the text re-spelt for the file; a note no
exporter writes is shown as stored. The batch just made shows its notes in the confirmation too."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.models import ExportBatch, ExportKind
from tests.web.conftest import sign_in

PAGE = "/office/month-end?month=2026-11"
NOTES = [
    "payroll run 12 (2026-11-25) is not approved and was left out",
    "bank account of Åsa Öberg (member 3) changed on 2026-11-20 and is NOT "
    "confirmed: this file pays the last "
    "confirmed account IBAN SE35****0003; another treasurer or admin, or the member, must confirm the new "
    "account before it is used",
    "company name (#FNAMN): 'Łódź Kultur' was written as 'Lódz Kultur' (codepage 437 has no spelling for "
    "some of its characters)",
    "a note of a later exporter",
]
SWEDISH = [
    "Lönekörningen med utbetalning 2026-11-25 (nr 12) är inte godkänd och togs inte med.",
    "Bankkontot för Åsa Öberg (medlem 3) ändrades 2026-11-20 och är INTE bekräftat: filen betalar till det "
    "senast bekräftade kontot, IBAN SE35****0003. En annan kassör eller administratör, eller medlemmen "
    "själv, måste bekräfta det nya kontot innan det används.",
    "Företagsnamnet (#FNAMN): ”Łódź Kultur” skrevs som ”Lódz Kultur” (några av tecknen finns inte i "
    "teckentabell 437).",
    "a note of a later exporter",
]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def _batch(session: Session, notes: list[str]) -> ExportBatch:
    content = b"#FLAGGA 0\n"
    batch = ExportBatch(
        kind=ExportKind.sie,
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 30),
        filename="sie4i-20261130.si",
        media_type="text/plain; charset=IBM437",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        notes=notes,
        created_at=datetime(2026, 11, 30, 12, tzinfo=UTC),
    )
    session.add(batch)
    session.flush()
    return batch


def _notes_row(html: str, batch_id: int) -> str:
    row = re.search(rf'<tr class="batch-notes[^"]*" id="batch-{batch_id}-notes">(.*?)</tr>', html, re.DOTALL)
    assert row is not None, html
    return row.group(1)


def test_a_batch_s_notes_are_shown_under_it_in_swedish(
    browser_client: TestClient, session: Session, make_user
) -> None:
    with_notes, without = _batch(session, NOTES), _batch(session, [])
    session.commit()
    sign_in(browser_client, make_user(Role.auditor).user.email)

    html = browser_client.get(PAGE).text

    row = _notes_row(html, with_notes.id)
    assert f"Anmärkningar till exportomgång {with_notes.id}" in row
    assert [unescape(_text(li)).strip() for li in re.findall(r"<li>(.*?)</li>", row, re.DOTALL)] == SWEDISH
    # A date never breaks at its hyphen on a phone: each is a <time> that does not wrap.
    assert 'utbetalning <time class="nowrap" datetime="2026-11-25">2026-11-25</time> (nr 12)' in row
    assert 'ändrades <time class="nowrap" datetime="2026-11-20">2026-11-20</time> och' in row
    assert "was left out" not in html
    assert "NOT confirmed" not in html
    assert f'id="batch-{without.id}-notes"' not in html


def test_the_batch_just_made_shows_its_notes_in_the_confirmation(
    browser_client: TestClient, session: Session, make_user
) -> None:
    batch = _batch(session, NOTES[:2])
    session.commit()
    sign_in(browser_client, make_user(Role.treasurer).user.email)

    html = browser_client.get(f"{PAGE}&batch={batch.id}").text

    notice = html[html.index('id="made-notes"') : html.index("</div>", html.index('id="made-notes"'))]
    assert f"Exportomgång {batch.id} är gjord" in _text(notice)
    assert "Läs anmärkningarna innan du skickar filen:" in _text(notice)
    assert [_text(li).strip() for li in re.findall(r"<li>(.*?)</li>", notice, re.DOTALL)] == SWEDISH[:2]


def test_an_english_reader_reads_the_notes_in_english(
    browser_client: TestClient, session: Session, make_user
) -> None:
    batch = _batch(session, NOTES[:1])
    session.commit()
    sign_in(browser_client, make_user(Role.auditor).user.email)
    browser_client.cookies.set("kooperativet_language", "en")

    row = _notes_row(browser_client.get(PAGE).text, batch.id)

    assert (
        'Payroll run 12 (paid out <time class="nowrap" datetime="2026-11-25">25 Nov 2026</time>) is not '
        "approved and was left out." in row
    )
