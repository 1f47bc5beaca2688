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
from tests.documents.pages import FOOTER_TOP, page_problems, page_texts, word_boxes
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
    assert f"Händelseloggens huvud när protokollet upprättades: {head.entries} händelser," in flat
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


LONG_TITLE = (
    "Extra föreningsstämma om sammanslagning med Kooperativet Norra Sverige ekonomisk förening och om nya "
    "stadgar för den sammanslagna föreningen"
)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<')


def test_a_long_title_is_cut_in_the_footer_on_one_line_beside_the_page_number(
    api: TestClient,
    assembly: Assembly,  # noqa: F811 (fixture)
    clock,  # noqa: F811 (fixture)
) -> None:
    """The running footer is one line: a title too long for it is cut at a word with "…", the day and the
    version stay whole, and nothing of it wraps under or beside "Sida 2 av 3" or runs off the page."""
    meeting_id = plan_meeting(api, assembly, title=LONG_TITLE)
    motions = [
        _item(api, assembly, meeting_id, "board_proposal", f"Förslag {n}", f"Motivering {n}. " + MOTION * 4)
        for n in range(1, 7)
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
    assert LONG_TITLE in pages[0]  # the heading gives it whole
    [held_on] = re.findall(r"årsmöte\) den (\d+ \w+ \d{4})", pages[0])
    shown = "Protokoll: Extra föreningsstämma om…"
    assert page_problems(pdf, identity=f"{shown} · {held_on} · version 1 ·") == []
    page_width = float(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    for n, page in enumerate(word_boxes(pdf).split("<page ")[2:], start=2):
        footer = [
            (float(left), float(top), float(right), word)
            for left, top, right, word in WORD.findall(page)
            if float(top) >= FOOTER_TOP
        ]
        number_starts = min(left for left, _top, _right, word in footer if word == "Sida")
        identity = [box for box in footer if box[0] < number_starts]
        assert len({round(top) for _left, top, _right, _word in footer}) == 1, f"page {n} wraps: {footer}"
        assert max(right for _left, _top, right, _word in identity) < number_starts - 10, f"page {n}"
        assert max(right for _left, _top, right, _word in footer) < page_width, f"page {n}"
