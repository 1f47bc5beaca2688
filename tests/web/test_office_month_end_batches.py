"""The month end's list of export batches as the auditor reads it at year end: every batch ever made can be
reached, a page of fifty at a time, and each names its file's SHA-256, to compare with the file sent to
Skatteverket or the bank (and which stays after the purge has erased the file)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.models import ExportBatch, ExportKind
from tests.web.conftest import sign_in

PAGE = "/office/month-end?month=2026-11"


def _batches(session: Session, count: int) -> list[ExportBatch]:
    """``count`` SIE batches, one a day from 2025-01-01, each with a file of its own."""
    batches = []
    for number in range(count):
        day = date.fromordinal(date(2025, 1, 1).toordinal() + number)
        content = f"#FLAGGA 0\n#GEN {day:%Y%m%d}\n".encode()
        batch = ExportBatch(
            kind=ExportKind.sie,
            date_from=day,
            date_to=day,
            filename=f"sie4i-{day:%Y%m%d}.si",
            media_type="text/plain; charset=IBM437",
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            notes=[],
            created_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        )
        session.add(batch)
        batches.append(batch)
    session.flush()
    return batches


def _listed(html: str) -> list[str]:
    """The file names the list of batches links to, in its order."""
    return re.findall(r'href="/office/month-end/batches/\d+/file" download>([^<]+)</a>', html)


def test_the_auditor_reaches_every_batch_a_page_at_a_time_the_oldest_last(
    browser_client: TestClient, session: Session, make_user
) -> None:
    batches = _batches(session, 53)
    sign_in(browser_client, make_user(Role.auditor).user.email)

    first = browser_client.get(PAGE)
    assert first.status_code == 200
    newest = [batch.filename for batch in reversed(batches)]
    assert _listed(first.text) == newest[:50]
    assert 'href="?month=2026-11&amp;page=2#batches"' in first.text
    assert "Sida 1 av 2" in first.text

    second = browser_client.get(PAGE + "&page=2")
    assert second.status_code == 200
    assert _listed(second.text) == newest[50:]
    assert "sie4i-20250101.si" in _listed(second.text)
    assert 'href="?month=2026-11&amp;page=1#batches"' in second.text

    # A page past the last (an old bookmark) shows the last page, not "no export batch yet".
    past = browser_client.get(PAGE + "&page=9")
    assert past.status_code == 200
    assert _listed(past.text) == newest[50:]
    assert "Ingen exportomgång än" not in past.text


def test_each_batch_names_its_file_s_sha256_which_the_download_has(
    browser_client: TestClient, session: Session, make_user
) -> None:
    (batch,) = _batches(session, 1)
    sign_in(browser_client, make_user(Role.auditor).user.email)

    page = browser_client.get(PAGE).text
    download = browser_client.get(f"/office/month-end/batches/{batch.id}/file")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == batch.sha256
    assert f'<code class="hash">{batch.sha256}</code>' in page
    assert "Sida 1 av" not in page  # one page: no pager
