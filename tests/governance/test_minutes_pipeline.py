"""Minutes in the document pipeline: the transaction that draws them up or locks them stores their text, and
the PDF is rendered from it after the commit. A draft whose PDF is not rendered cannot be approved (nobody
read it); a rendering of an earlier text never lands on a redrawn draft; locked minutes take their PDF once,
from empty, and the database refuses every other change."""

from __future__ import annotations

import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import verify
from kooperativet.documents.pipeline import store_once
from kooperativet.documents.render import html_to_pdf
from kooperativet.governance import minutes as minutes_module
from kooperativet.governance.minutes import MINUTES_PDF
from kooperativet.governance.models import Minutes
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone


def _closed_meeting(api: TestClient, assembly: Assembly, clock) -> int:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=assembly.officer.headers).status_code == 200
    return meeting_id


def _renderer_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_html: str) -> bytes:
        raise RuntimeError("the renderer is down")

    monkeypatch.setattr(minutes_module, "html_to_pdf", broken)


def test_a_draft_whose_pdf_is_pending_is_not_approved_until_its_download_renders_it(
    api: TestClient, assembly: Assembly, session: Session, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_id = _closed_meeting(api, assembly, clock)
    _renderer_down(monkeypatch)
    draft = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=assembly.officer.headers)
    assert draft.status_code == 201, draft.text
    assert draft.json()["sha256"] is None
    approve = f"{API}/minutes/{draft.json()['id']}/approvals"
    adjuster = assembly.members[2]

    refused = api.post(approve, headers=adjuster.headers)

    assert (refused.status_code, refused.json()["code"]) == (409, "draft_pending")
    monkeypatch.undo()
    pdf = api.get(f"{API}/minutes/{draft.json()['id']}/pdf", headers=adjuster.headers)
    assert pdf.status_code == 200, pdf.text
    name = f"protokoll-{meeting_id}-v1.pdf"  # as the web page names it
    assert pdf.headers["content-disposition"] == f"inline; filename=\"{name}\"; filename*=UTF-8''{name}"
    approved = api.post(approve, headers=adjuster.headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approvals"][0]["draft_sha256"] == hashlib.sha256(pdf.content).hexdigest()


def test_a_rendering_of_an_earlier_text_is_not_stored_on_the_minutes(
    api: TestClient, assembly: Assembly, session: Session, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_id = _closed_meeting(api, assembly, clock)
    _renderer_down(monkeypatch)
    draft = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=assembly.officer.headers).json()
    minutes = session.get_one(Minutes, draft["id"])
    session.refresh(minutes)
    assert minutes.html is not None

    stale = store_once(
        session, MINUTES_PDF, minutes.id, b"%PDF-1.7 of another text", rendered_from="<p>x</p>"
    )
    assert stale is False
    assert minutes.sha256 is None
    assert store_once(session, MINUTES_PDF, minutes.id, b"%PDF-1.7 of its text", rendered_from=minutes.html)
    assert minutes.sha256 == hashlib.sha256(b"%PDF-1.7 of its text").hexdigest()


def test_locked_minutes_take_their_pdf_once_from_empty_and_nothing_else(
    api: TestClient, assembly: Assembly, session: Session, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_id = _closed_meeting(api, assembly, clock)
    headers = assembly.officer.headers
    draft = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    approve = f"{API}/minutes/{draft['id']}/approvals"
    assert api.post(approve, headers=assembly.members[2].headers).status_code == 200
    _renderer_down(monkeypatch)

    locked = api.post(approve, headers=assembly.members[3].headers)

    assert locked.status_code == 200, locked.text  # locked and committed; the PDF stays pending
    assert locked.json()["locked_at"] is not None
    assert locked.json()["sha256"] is None
    where = {"id": draft["id"], "pdf": b"%PDF"}
    for statement in (
        "UPDATE minutes SET html = 'another text' WHERE id = :id",
        "UPDATE minutes SET pdf = :pdf WHERE id = :id",  # the PDF without its SHA-256
        "UPDATE minutes SET pdf = :pdf, sha256 = 'x', html = 'y' WHERE id = :id",
        "UPDATE minutes SET locked_at = NULL WHERE id = :id",
        "DELETE FROM minutes WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="locked minutes"), session.begin_nested():
            session.execute(text(statement), where)

    monkeypatch.undo()
    pdf = api.get(f"{API}/minutes/{draft['id']}/pdf", headers=headers)

    assert pdf.status_code == 200, pdf.text
    sha256 = hashlib.sha256(pdf.content).hexdigest()
    assert api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["minutes"][0]["sha256"] == sha256
    minutes = session.get_one(Minutes, draft["id"])
    session.refresh(minutes)
    assert minutes.html is not None
    assert html_to_pdf(minutes.html) == pdf.content  # the text locked is the text rendered
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (last.kind, json.loads(last.payload)) == (
        "document_rendered",
        {
            "document": "minutes",
            "id": draft["id"],
            "meeting_id": meeting_id,
            "version": 1,
            "adjusted": True,
            "pdf_sha256": sha256,
        },
    )
    assert verify(session).ok
    for statement in (
        "UPDATE minutes SET pdf = NULL, sha256 = NULL WHERE id = :id",
        "UPDATE minutes SET pdf = :pdf, sha256 = 'x' WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="locked minutes"), session.begin_nested():
            session.execute(text(statement), where)
