"""Minutes that record what happened: the held date, an early opening's reason, items numbered as held with
each decision under its item, Swedish words and numbers, and the adjusters' approval that locks them."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.documents.render import html_to_pdf
from kooperativet.governance import minutes as minutes_service
from kooperativet.governance import minutes_text
from kooperativet.governance.models import (
    AgendaItemKind,
    Meeting,
    Minutes,
    MinutesApproval,
    Vote,
    VoteMethod,
    VoteStatus,
)
from kooperativet.governance.rules.terms import DecisionKind, MeetingKind, Outcome
from tests.documents.glyphs import glyph_problems
from tests.governance.conftest import MEETING_DAY, Assembly
from tests.governance.test_meetings_api import (
    API,
    MEETING_OPENS,
    close_anyway,
    open_meeting_with_everyone,
    plan_meeting,
)


def text_of(pdf: bytes) -> str:
    """The PDF's text with all white space (line breaks, no-break spaces) as single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def events(session: Session, kind: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(row.payload) for row in rows]


def pdf_of(api: TestClient, minutes_id: int, headers: dict) -> bytes:
    response = api.get(f"{API}/minutes/{minutes_id}/pdf", headers=headers)
    assert response.status_code == 200, response.text
    return response.content


# --- opening before the day the meeting was called for ------------------------------------------------------


def test_opening_before_the_called_day_without_a_reason_is_a_422_and_nothing_changes(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)
    refused = api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["code"], problem["field"]) == ("opened_before_its_day", "early_opening_reason")
    assert problem["detail"] == (
        f"meeting {meeting_id} is called for 2026-12-20; opening it on 2026-11-20, before that day, "
        "needs early_opening_reason"
    )
    blank = api.post(
        f"{API}/meetings/{meeting_id}/open", json={"early_opening_reason": "  "}, headers=headers
    )
    assert blank.status_code == 422
    meeting = api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()
    assert (meeting["status"], meeting["opened_at"], meeting["early_opening_reason"]) == (
        "planned",
        None,
        None,
    )
    assert events(session, "meeting_opened") == []


def test_opening_early_with_a_reason_is_recorded_in_the_meeting_the_audit_log_and_the_minutes(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)
    clock["now"] = datetime(2026, 12, 5, 17, 0, tzinfo=UTC)
    reason = "lokalen är bokad den 20 december; alla medlemmar har godkänt det tidigare datumet"
    opened = api.post(
        f"{API}/meetings/{meeting_id}/open", json={"early_opening_reason": reason}, headers=headers
    )
    assert opened.status_code == 200, opened.text
    assert (opened.json()["status"], opened.json()["early_opening_reason"]) == ("open", reason)
    assert events(session, "meeting_opened") == [
        {
            "meeting_id": meeting_id,
            "kind": "annual",
            "called_for": "2026-12-20",
            "opened_on": "2026-12-05",
            "notice_override_reason": None,
            "early_opening_reason": reason,
        }
    ]
    _officials(api, assembly, meeting_id)
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    minutes = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    found = text_of(pdf_of(api, minutes["id"], headers))
    assert "Ordinarie föreningsstämma (årsmöte) den 5 december 2026. Version 1." in found
    assert f"Mötet var utlyst till den 20 december 2026 och öppnades i förtid. Skäl: {reason}" in found


def test_a_meeting_opened_late_in_the_evening_before_in_utc_is_on_its_day_in_sweden(
    api: TestClient, assembly: Assembly, clock
) -> None:
    """23:30 UTC on 19 December is 00:30 on 20 December in Stockholm: not early."""
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)
    clock["now"] = datetime(2026, 12, 19, 23, 30, tzinfo=UTC)
    opened = api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers)
    assert opened.status_code == 200, opened.text
    assert opened.json()["early_opening_reason"] is None


def _officials(api: TestClient, assembly: Assembly, meeting_id: int) -> None:
    chair, secretary, adjuster1, adjuster2 = assembly.ids()[:4]
    response = api.put(
        f"{API}/meetings/{meeting_id}/officials",
        json={
            "chair_member_id": chair,
            "secretary_member_id": secretary,
            "adjuster1_member_id": adjuster1,
            "adjuster2_member_id": adjuster2,
        },
        headers=assembly.officer.headers,
    )
    assert response.status_code == 200, response.text


# --- what the minutes say -----------------------------------------------------------------------------------


def _item(
    api: TestClient, assembly: Assembly, meeting_id: int, kind: str, title: str, text: str | None = None
):
    body = {"kind": kind, "title": title} | ({"text": text} if text else {})
    response = api.post(f"{API}/meetings/{meeting_id}/items", json=body, headers=assembly.officer.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _vote(api: TestClient, assembly: Assembly, meeting_id: int, choices: list[str | None], **body) -> int:
    headers = assembly.officer.headers
    vote = api.post(f"{API}/meetings/{meeting_id}/votes", json={"method": "open", **body}, headers=headers)
    assert vote.status_code == 201, vote.text
    vote_id = vote.json()["id"]
    for actor, choice in zip(assembly.members, choices, strict=False):
        if choice is not None:
            cast = api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers)
            assert cast.status_code == 201, cast.text
    closed = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=headers)
    assert closed.status_code == 200, closed.text
    return vote_id


@pytest.fixture
def held_meeting(api: TestClient, assembly: Assembly, session: Session, clock) -> int:
    """An annual meeting whose agenda is opening, fee, annual report, any other business; the meeting takes up
    the opening, then the report, then decides the fee, then a question outside the agenda, and never gets
    to any other business."""
    session.execute(
        text(
            "INSERT INTO parameter_values (key, valid_from, value, source, created_at) "
            "VALUES ('fee_rate', '2025-01-01', '0.06', 'default', CURRENT_TIMESTAMP)"
        )
    )
    meeting_id = plan_meeting(api, assembly)
    opening = _item(api, assembly, meeting_id, "procedural", "Mötets öppnande")
    fee = _item(api, assembly, meeting_id, "board_proposal", "Avgift", "Styrelsen föreslår en lägre avgift.")
    report = _item(api, assembly, meeting_id, "report", "Verksamhetsberättelse")
    _item(api, assembly, meeting_id, "procedural", "Övriga frågor")
    meeting_id = _open_planned(api, assembly, meeting_id, clock)
    headers = assembly.officer.headers
    for item_id in (opening, report, report):  # taking an item up twice keeps its number
        taken = api.post(f"{API}/meetings/{meeting_id}/items/{item_id}/take-up", headers=headers)
        assert taken.status_code == 200, taken.text
    assert taken.json()["held_as"] == 2
    _vote(
        api,
        assembly,
        meeting_id,
        ["yes", "yes", "yes", "no", "abstain"],
        question="Sänks avgiften?",
        agenda_item_id=fee,
        sets_parameter={"key": "fee_rate", "value": "0.055", "valid_from": "2027-01-01"},
    )
    excluded = assembly.ids()[2:4]
    _vote(
        api,
        assembly,
        meeting_id,
        ["yes", "yes"],
        question="Hålls nästa stämma i Malmö?",
        excluded_member_ids=excluded,
    )
    closed = close_anyway(api, meeting_id, headers)
    assert closed.status_code == 200
    return meeting_id


def _open_planned(api: TestClient, assembly: Assembly, meeting_id: int, clock) -> int:
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers).json()[
        "ok"
    ]
    clock["now"] = MEETING_OPENS
    assert api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers).status_code == 200
    _officials(api, assembly, meeting_id)
    for member_id in assembly.ids():
        api.post(f"{API}/meetings/{meeting_id}/attendance", json={"member_id": member_id}, headers=headers)
    return meeting_id


def test_the_minutes_number_items_as_held_with_each_decision_under_its_item_in_swedish(
    api: TestClient, assembly: Assembly, held_meeting: int
) -> None:
    headers = assembly.officer.headers
    minutes = api.post(f"{API}/meetings/{held_meeting}/minutes", json={}, headers=headers).json()
    pdf = pdf_of(api, minutes["id"], headers)
    found = text_of(pdf)
    names = [f"{a.member.first_name} {a.member.last_name}" for a in assembly.members]
    expected_in_order = [
        "Protokoll: Årsmöte 2026",
        "Ordinarie föreningsstämma (årsmöte) den 20 december 2026. Version 1.",
        "Kallelse utsänd den 20 november 2026.",
        # The rules seeded with the database, not a version of the statutes dated 1 January 2000, each named.
        "Röstregler",
        "Mötet hölls enligt dessa röstregler, med lagen (2018:672) om ekonomiska föreningar som förebild"
        " (föreningen hade inte lagt in stadgarnas egna):",
        "Stämman är beslutför oavsett hur många som deltar.",
        "Beslut fattas med mer än hälften av de avgivna rösterna; vid val är de med flest röster valda.",
        "En ändring av stadgarna kräver minst två tredjedelar av de avgivna rösterna, och minst tre"
        " fjärdedelar av de avgivna rösterna när den ökar medlemmarnas betalningsskyldighet.",
        "Beslut om likvidation kräver minst två tredjedelar av de avgivna rösterna.",
        "En medlem får rösta genom ombud med skriftlig, daterad fullmakt som gäller högst 12 månader; ett"
        " ombud företräder högst en medlem.",
        "Vid val hålls sluten omröstning om någon begär det.",
        f"Justerare {names[2]} och {names[3]}",
        "§ 1 Mötets öppnande",
        "§ 2 Verksamhetsberättelse",
        "§ 3 Avgift Styrelsen föreslår en lägre avgift.",
        "Omröstning (öppen omröstning, vanligt beslut): Sänks avgiften?",
        "Ja 3 av 4 avgivna röster, nej 1; 1 avstod. Röstberättigade 5, valdeltagande 100 %.",
        "Krav för bifall: mer än 1/2 av avgivna röster, det vill säga minst 3 ja-röster.",
        "Beslut: Stämman beslutade att bifalla förslaget: avgiften 5,5 % från den 1 januari 2027.",
        "§ 4 Hålls nästa stämma i Malmö?",
        "Omröstning (öppen omröstning, vanligt beslut): Hålls nästa stämma i Malmö?",
        "Ja 2 av 2 avgivna röster, nej 0; 0 avstod. Röstberättigade 3, valdeltagande 66,67 %.",
        "Krav för bifall: mer än 1/2 av avgivna röster, det vill säga minst 2 ja-röster.",
        f"Jäviga, deltog inte: {names[2]}, {names[3]}.",
        "Beslut: Stämman beslutade att bifalla förslaget.",
        "Ärenden på dagordningen som mötet inte behandlade: Övriga frågor.",
        "Justering Ej justerat.",
        f"Ordförande: {names[0]}",
        f"Sekreterare: {names[1]}",
        f"Justerare: {names[2]}",
        f"Justerare: {names[3]}",
    ]
    positions = [found.find(expected) for expected in expected_in_order]
    assert [e for e, p in zip(expected_in_order, positions, strict=True) if p < 0] == []
    assert positions == sorted(positions)
    # No key, enum value or English number format reaches the paper.
    words = {
        *DecisionKind,
        *VoteMethod,
        *AgendaItemKind,
        *(k for k in MeetingKind if k != "extra"),
        *Outcome,
        "fee_rate",
        "0.055",
        "100.00",
        "2027-01-01",
        "2026-12-20",
    }
    assert [w for w in sorted(words) if re.search(rf"(?<![\w.-]){re.escape(w)}(?![\w-])", found)] == []
    assert glyph_problems(pdf) == []


def test_the_four_signature_lines_stay_inside_the_page_two_a_row(
    api: TestClient, assembly: Assembly, held_meeting: int, tmp_path: Path
) -> None:
    headers = assembly.officer.headers
    minutes = api.post(f"{API}/meetings/{held_meeting}/minutes", json={}, headers=headers).json()
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(pdf_of(api, minutes["id"], headers))
    last = len(pypdf.PdfReader(pdf).pages)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(last), "-l", str(last), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', boxes
    )
    signers = ("Ordförande:", "Sekreterare:", "Justerare:")
    labels = [(float(x0), float(y0), float(x1)) for x0, y0, x1, word in words if word in signers]
    assert len(labels) == 4, words
    assert len({round(x0) for x0, _, _ in labels}) == 2  # two columns …
    assert len({round(y0) for _, y0, _ in labels}) == 2  # … and two rows
    right_edge = max(float(x1) for _, _, x1, _ in words)
    assert right_edge < page_width


# --- the adjusters' approval ------------------------------------------------------------------------------


def test_the_minutes_lock_only_when_both_elected_adjusters_have_approved_from_their_own_accounts(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    draft = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    assert (draft["locked_at"], draft["approvals"]) == (None, [])
    draft_text = text_of(pdf_of(api, draft["id"], headers))
    assert "UTKAST – ej justerat. Protokollet gäller först när båda justerarna har godkänt det." in draft_text
    chair, _secretary, adjuster1, adjuster2, bystander = assembly.members
    approve = f"{API}/minutes/{draft['id']}/approvals"

    for outsider in (chair, bystander):
        refused = api.post(approve, headers=outsider.headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "not_an_adjuster")
    no_member = api.post(approve, headers=headers)
    assert (no_member.status_code, no_member.json()["code"]) == (422, "not_a_member")

    clock["now"] = MEETING_OPENS + timedelta(days=7)
    first = api.post(approve, headers=adjuster1.headers)
    assert first.status_code == 200, first.text
    assert first.json()["locked_at"] is None
    assert first.json()["sha256"] == draft["sha256"]
    assert first.json()["approvals"] == [
        {
            "member_id": adjuster1.member.id,
            "draft_sha256": draft["sha256"],
            "approved_at": "2026-12-27T18:00:00Z",
        }
    ]
    twice = api.post(approve, headers=adjuster1.headers)
    assert (twice.status_code, twice.json()["code"]) == (409, "already_approved")
    assert "UTKAST – ej justerat" in text_of(pdf_of(api, draft["id"], headers))

    clock["now"] = MEETING_OPENS + timedelta(days=8)
    second = api.post(approve, headers=adjuster2.headers)
    assert second.status_code == 200, second.text
    locked = second.json()
    assert locked["locked_at"] == "2026-12-28T18:00:00Z"
    assert [a["member_id"] for a in locked["approvals"]] == [adjuster1.member.id, adjuster2.member.id]
    assert locked["sha256"] != draft["sha256"]
    final = pdf_of(api, draft["id"], headers)
    final_text = text_of(final)
    assert "UTKAST" not in final_text
    assert "Justerat protokoll" in final_text
    name1 = f"{adjuster1.member.first_name} {adjuster1.member.last_name}"
    name2 = f"{adjuster2.member.first_name} {adjuster2.member.last_name}"
    assert (
        f"Protokollet justerades av {name1} den 27 december 2026 och {name2} den 28 december 2026, "
        "som båda godkände samma utkast. Protokollet är därmed låst; en rättelse blir en ny version."
    ) in final_text
    assert glyph_problems(final) == []

    after = api.post(approve, headers=adjuster1.headers)
    assert (after.status_code, after.json()["code"]) == (409, "minutes_locked")
    assert [(e["member_id"], e["draft_sha256"]) for e in events(session, "minutes_approved")] == [
        (adjuster1.member.id, draft["sha256"]),
        (adjuster2.member.id, draft["sha256"]),
    ]
    # The locking transaction wrote the adjusted text and names it by its SHA-256; the PDF, rendered from that
    # text after the commit, is named by its own SHA-256 in the event that stored it.
    stored = session.get_one(Minutes, draft["id"])
    session.refresh(stored)
    assert stored.html is not None
    assert events(session, "minutes_locked") == [
        {
            "meeting_id": meeting_id,
            "minutes_id": draft["id"],
            "version": 1,
            "draft_sha256": draft["sha256"],
            "text_sha256": hashlib.sha256(stored.html.encode()).hexdigest(),
            "approved_by": [adjuster1.member.id, adjuster2.member.id],
        }
    ]
    rendered = [e for e in events(session, "document_rendered") if e["document"] == "minutes"]
    same = {"document": "minutes", "id": draft["id"], "meeting_id": meeting_id, "version": 1}
    assert rendered == [
        {**same, "adjusted": False, "pdf_sha256": draft["sha256"]},
        {**same, "adjusted": True, "pdf_sha256": locked["sha256"]},
    ]
    assert hashlib.sha256(final).hexdigest() == locked["sha256"] == stored.sha256
    assert html_to_pdf(stored.html) == final
    # Final: the database itself refuses to change the minutes or remove an approval.
    with pytest.raises(DBAPIError, match="locked minutes"), session.begin_nested():
        session.execute(text("UPDATE minutes SET sha256 = 'x' WHERE id = :id"), {"id": draft["id"]})
    with pytest.raises(DBAPIError, match="approvals of locked minutes"), session.begin_nested():
        session.execute(text("DELETE FROM minutes_approvals WHERE minutes_id = :id"), {"id": draft["id"]})
    with pytest.raises(DBAPIError, match="minutes approvals cannot be changed"), session.begin_nested():
        session.execute(
            text("UPDATE minutes_approvals SET draft_sha256 = 'x' WHERE minutes_id = :id"),
            {"id": draft["id"]},
        )


def test_a_redrawn_draft_must_be_approved_again(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    draft = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    adjuster1 = assembly.members[2]
    assert api.post(f"{API}/minutes/{draft['id']}/approvals", headers=adjuster1.headers).status_code == 200
    clock["now"] += timedelta(hours=1)
    redrawn = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    assert (redrawn["id"], redrawn["approvals"], redrawn["locked_at"]) == (draft["id"], [], None)
    assert events(session, "minutes_approvals_withdrawn") == [
        {"minutes_id": draft["id"], "draft_sha256": draft["sha256"], "member_ids": [adjuster1.member.id]}
    ]


def test_approvals_of_different_drafts_never_lock_the_minutes(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    """Adjusted means both adjusters read the same text: an approval naming another draft (one written by a
    request that read the draft before it was redrawn) keeps the minutes from locking."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    draft = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    session.add(
        MinutesApproval(
            minutes_id=draft["id"],
            member_id=assembly.members[2].member.id,
            draft_sha256="0" * 64,
            approved_at=clock["now"],
        )
    )
    session.flush()
    refused = api.post(f"{API}/minutes/{draft['id']}/approvals", headers=assembly.members[3].headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "approvals_of_different_drafts")
    assert session.get(Minutes, draft["id"]).locked_at is None


def test_a_per_capsulam_decision_goes_in_the_minutes_of_the_next_board_meeting_by_the_swedish_day(
    session: Session, rulebook: int
) -> None:
    """Closed at 00:30 on 21 December in Stockholm (23:30 on the 20th in UTC): after the board met on the
    20th, so the next board meeting's minutes record it, not the minutes of the 20th."""
    met, next_meeting = (
        Meeting(kind=MeetingKind.BOARD, title="Styrelsemöte", held_on=day, rulebook_id=rulebook)
        for day in (date(2026, 12, 20), date(2027, 1, 15))
    )
    decided = Vote(
        method=VoteMethod.per_capsulam,
        decision_kind=DecisionKind.BOARD,
        question="Köper vi en skrivare?",
        rulebook_id=rulebook,
        status=VoteStatus.closed,
        opened_at=datetime(2026, 12, 20, 20, 0, tzinfo=UTC),
        closed_at=datetime(2026, 12, 20, 23, 30, tzinfo=UTC),
    )
    session.add_all([met, next_meeting, decided])
    session.flush()
    assert minutes_service._per_capsulam_since_last_board_meeting(session, met) == []
    assert minutes_service._per_capsulam_since_last_board_meeting(session, next_meeting) == [decided]


def test_minutes_need_a_chair_a_secretary_and_two_adjusters(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)
    clock["now"] = MEETING_OPENS
    api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers)
    api.post(f"{API}/meetings/{meeting_id}/close", headers=headers)
    refused = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "officials_missing")
    # Whom the meeting chose is recorded after it closed, and the minutes are drawn up; once they are, the
    # officials they name stay.
    _officials(api, assembly, meeting_id)
    assert api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).status_code == 201
    chair, secretary, adjuster1, adjuster2 = assembly.ids()[:4]
    changed = {
        "chair_member_id": secretary,
        "secretary_member_id": chair,
        "adjuster1_member_id": adjuster1,
        "adjuster2_member_id": adjuster2,
    }
    late = api.put(f"{API}/meetings/{meeting_id}/officials", json=changed, headers=headers)
    assert (late.status_code, late.json()["code"]) == (409, "meeting_closed")


def test_an_item_is_taken_up_only_while_the_meeting_is_open(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, held_on=MEETING_DAY)
    item_id = _item(api, assembly, meeting_id, "report", "Verksamhetsberättelse")
    early = api.post(f"{API}/meetings/{meeting_id}/items/{item_id}/take-up", headers=assembly.officer.headers)
    assert (early.status_code, early.json()["code"]) == (409, "meeting_planned")


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("fee_rate", "0.055", "avgiften 5,5 % från den 1 januari 2027"),
        ("fee_rate", "0.06", "avgiften 6 % från den 1 januari 2027"),
        ("holiday_pay_rate", "0.125", "semesterersättningen 12,5 % från den 1 januari 2027"),
        ("minimum_day_rate", "1250.50", "den lägsta dagsersättningen 1 250,50 kr från den 1 januari 2027"),
        ("pay_day", "25", "lön betalas ut den 25:e i månaden från den 1 januari 2027"),
        ("pay_day", "1", "lön betalas ut den 1:a i månaden från den 1 januari 2027"),
        ("pay_day", "22", "lön betalas ut den 22:a i månaden från den 1 januari 2027"),
        ("pay_on", "payment", "lön betalas ut när kunden har betalat från den 1 januari 2027"),
        ("invoice_rounding", "none", "fakturabelopp avrundas inte från den 1 januari 2027"),
    ],
)
def test_a_decided_parameter_reads_in_swedish(key: str, value: str, expected: str) -> None:
    decided = minutes_text.parameter_decision(key, value, date(2027, 1, 1))
    assert decided.replace("\N{NO-BREAK SPACE}", " ") == expected


@pytest.mark.parametrize(
    ("result", "per_capsulam", "expected"),
    [
        ({"outcome": "rejected", "reason": None}, False, "Stämman beslutade att avslå förslaget."),
        (
            {"outcome": "rejected", "reason": "not_reached"},
            True,
            "Stämman beslutade per capsulam att avslå förslaget (alla styrelseledamöter nåddes inte).",
        ),
        ({"outcome": "elected", "elected": ["A", "B", "C"]}, False, "Stämman valde A, B och C."),
        ({}, False, "Omröstningen avslutades inte; inget beslut fattades."),
    ],
)
def test_a_decision_reads_as_a_sentence(result: dict, per_capsulam: bool, expected: str) -> None:
    sentence = minutes_text.decision_sentence(
        body="Stämman", result=result, per_capsulam=per_capsulam, parameter=None
    )
    assert sentence == expected


def test_an_approval_names_the_draft_the_adjuster_read_and_a_redrawn_one_is_refused(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    """The adjuster read one draft; the minutes were redrawn before she approved. Her approval must not
    name a text she never read: it is refused with nothing recorded, and the draft she then reads is the
    one she approves."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    read = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    clock["now"] += timedelta(hours=1)
    redrawn = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    assert redrawn["sha256"] != read["sha256"]
    adjuster = assembly.members[2]
    approve = f"{API}/minutes/{read['id']}/approvals"

    refused = api.post(approve, json={"draft_sha256": read["sha256"]}, headers=adjuster.headers)

    assert (refused.status_code, refused.json()["code"]) == (409, "draft_redrawn")
    session.expire_all()
    assert session.get_one(Minutes, read["id"]).approvals == []
    assert events(session, "minutes_approved") == []
    approved = api.post(approve, json={"draft_sha256": redrawn["sha256"]}, headers=adjuster.headers)
    assert approved.status_code == 200, approved.text
    assert [a["draft_sha256"] for a in approved.json()["approvals"]] == [redrawn["sha256"]]


def test_a_draft_named_by_something_that_is_no_sha256_is_a_422(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    draft = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()

    refused = api.post(
        f"{API}/minutes/{draft['id']}/approvals",
        json={"draft_sha256": "the one I read"},
        headers=assembly.members[2].headers,
    )

    assert refused.status_code == 422


def test_the_minutes_of_a_meeting_nobody_attended_do_not_call_it_quorate(
    api: TestClient, assembly: Assembly, clock, session: Session
) -> None:
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)
    clock["now"] = MEETING_OPENS
    api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers)
    _officials(api, assembly, meeting_id)
    # The default rulebook sets no quorum for a general meeting: the rule alone would call it quorate.
    assert api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["quorum"]["quorate"] is True
    api.post(f"{API}/meetings/{meeting_id}/close", headers=headers)
    drawn = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers)
    assert drawn.status_code == 201, drawn.text
    html = session.get(Minutes, drawn.json()["id"]).html
    assert html is not None
    words = " ".join(html.split())
    assert (
        "Ingen var närvarande eller företrädd genom ombud, så mötet var <strong>inte beslutfört</strong>."
        in words
    )
    assert "Mötet var beslutfört" not in words


def test_the_minutes_list_each_proxy_with_its_fullmakt_dated_and_signed(
    api: TestClient, assembly: Assembly, clock, session: Session
) -> None:
    """Lag (2018:672) 6 kap. 4 §: a fullmakt dated and signed by the member. The minutes say both of a proxy
    registered with the signature confirmed, and only the date of one registered before that was asked
    (``signed`` NULL): nothing that was not recorded."""
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    ids = assembly.ids()
    for principal, attendee in ((ids[3], ids[0]), (ids[4], ids[1])):
        body = {"principal_member_id": principal, "attendee_member_id": attendee, "dated": "2026-11-01"}
        proxy = api.post(
            f"{API}/meetings/{meeting_id}/proxies", json={**body, "signed": True}, headers=headers
        )
        assert proxy.status_code == 201, proxy.text
    session.execute(
        text("UPDATE meeting_proxies SET signed = NULL WHERE principal_member_id = :p"), {"p": ids[4]}
    )
    api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)
    clock["now"] = MEETING_OPENS
    api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers)
    _officials(api, assembly, meeting_id)
    api.post(f"{API}/meetings/{meeting_id}/close", headers=headers)
    drawn = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers)
    assert drawn.status_code == 201, drawn.text
    found = text_of(pdf_of(api, drawn.json()["id"], headers))
    names = [f"{a.member.first_name} {a.member.last_name}" for a in assembly.members]
    assert "Företrädd medlem Ombud Fullmakt" in found
    assert f"{names[3]} {names[0]} daterad 1 november 2026, undertecknad av medlemmen" in found
    assert f"{names[4]} {names[1]} daterad 1 november 2026 " in found
    assert f"{names[4]} {names[1]} daterad 1 november 2026, undertecknad" not in found
