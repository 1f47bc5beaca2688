"""The minutes as a member reads them (docs/documents.md): a motion's text and a vote's question keep their
typed line breaks, the audit chain's head is given in Swedish words, with no command line, and every page
after the first names the minutes and says which page of how many it is."""

from __future__ import annotations

import io
import re

import pypdf
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.audit.service import chain_head
from kooperativet.governance.models import Minutes
from tests.documents.pages import page_problems, page_texts
from tests.governance.conftest import (  # noqa: F401 (fixtures)
    Assembly,
    assembly,
    clock,
    rulebook,
)
from tests.governance.test_meetings_api import API, plan_meeting
from tests.governance.test_minutes import _item, _open_planned, _vote, pdf_of

MOTION = "Föreningen köper en lokal.\nAndra stycket: motiveringen."
QUESTION = "Ska föreningen köpa en lokal?\nAndra stycket: frågan gäller lokalen på Södra Förstadsgatan."


def test_the_minutes_keep_typed_line_breaks_and_give_the_audit_head_in_swedish_words(
    api: TestClient,
    assembly: Assembly,  # noqa: F811 (fixture)
    session: Session,
    clock,  # noqa: F811 (fixture)
) -> None:
    meeting_id = plan_meeting(api, assembly)
    motion = _item(api, assembly, meeting_id, "board_proposal", "Lokal", MOTION)
    meeting_id = _open_planned(api, assembly, meeting_id, clock)
    _vote(
        api,
        assembly,
        meeting_id,
        ["yes", "yes", "yes", "no", "abstain"],
        question=QUESTION,
        agenda_item_id=motion,
    )
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    head = chain_head(session)
    minutes = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()

    stored = session.get(Minutes, minutes["id"])
    assert stored is not None
    html = stored.html or ""
    assert "Föreningen köper en lokal.<br>Andra stycket: motiveringen." in html
    assert "Ska föreningen köpa en lokal?<br>Andra stycket: frågan gäller" in html
    text = "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf_of(api, minutes["id"], headers))).pages
    )
    rows = text.splitlines()
    assert "Föreningen köper en lokal." in rows
    assert "Andra stycket: motiveringen." in rows
    assert not any("?" in row and "Andra stycket" in row for row in rows)
    flat = " ".join(text.split())
    assert f"Revisionskedjans huvud när protokollet upprättades: {head.entries} händelser," in flat
    assert head.hash in "".join(text.split())  # the hash wraps across lines
    assert "audit verify" not in flat
    assert "--anchor" not in flat


def test_minutes_of_many_decisions_name_the_meeting_on_every_following_page(
    api: TestClient,
    assembly: Assembly,  # noqa: F811 (fixture)
    clock,  # noqa: F811 (fixture)
) -> None:
    meeting_id = plan_meeting(api, assembly)
    motions = [
        _item(api, assembly, meeting_id, "board_proposal", f"Förslag {n}", f"Motivering {n}. " + MOTION * 4)
        for n in range(1, 9)
    ]
    meeting_id = _open_planned(api, assembly, meeting_id, clock)
    for n, motion in enumerate(motions, start=1):
        _vote(
            api,
            assembly,
            meeting_id,
            ["yes", "yes", "no"],
            question=f"Bifalls förslag {n}?",
            agenda_item_id=motion,
        )
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    minutes = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()

    pdf = pdf_of(api, minutes["id"], headers)
    pages = page_texts(pdf)
    assert len(pages) > 1
    [held_on] = re.findall(r"årsmöte\) den (\d+ \w+ \d{4})", pages[0])
    assert page_problems(pdf, identity=f"Protokoll: Årsmöte 2026 · {held_on} · version 1 ·") == []
    assert all("UTKAST – ej justerat" in text for text in pages)  # and a draft says so on every page
