"""A meeting's time of day (Swedish time, ``HH:MM`` in the API) in the notice e-mail and the minutes; the
standard agenda of an annual meeting, added in one go through the rules for adding an item, and refused once
the agenda has items or the meeting has opened."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.errors import RuleViolation
from kooperativet.governance import meetings
from kooperativet.governance.models import AgendaItem, Meeting
from kooperativet.governance.standard_agenda import STANDARD_ITEMS
from kooperativet.mail.models import OutgoingMail
from kooperativet.mail.outbox import compose
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone, plan_meeting
from tests.governance.test_minutes import pdf_of, text_of

NBSP = "\N{NO-BREAK SPACE}"


def meeting_of(api: TestClient, assembly: Assembly, meeting_id: int) -> dict:
    response = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers)
    assert response.status_code == 200, response.text
    return response.json()


# --- the time of day ----------------------------------------------------------------------------------------


def test_the_time_is_taken_and_given_as_hours_and_minutes(api: TestClient, assembly: Assembly) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:30")
    assert meeting_of(api, assembly, meeting_id)["starts_at"] == "18:30"
    listed = api.get(f"{API}/meetings", headers=assembly.officer.headers).json()["items"]
    assert [m["starts_at"] for m in listed if m["id"] == meeting_id] == ["18:30"]

    headers = assembly.officer.headers
    moved = api.put(f"{API}/meetings/{meeting_id}/starts-at", json={"starts_at": "09:05"}, headers=headers)
    assert (moved.status_code, moved.json()["starts_at"]) == (200, "09:05")
    cleared = api.put(f"{API}/meetings/{meeting_id}/starts-at", json={"starts_at": None}, headers=headers)
    assert (cleared.status_code, cleared.json()["starts_at"]) == (200, None)


def test_a_meeting_planned_without_a_time_has_none(api: TestClient, assembly: Assembly) -> None:
    assert meeting_of(api, assembly, plan_meeting(api, assembly))["starts_at"] is None


@pytest.mark.parametrize("written", ["18.30", "24:00", "18:60", "18:30:00", "6:30", "", "kväll"])
def test_a_time_not_written_hh_mm_is_a_422_and_no_meeting_is_planned(
    api: TestClient, assembly: Assembly, session: Session, written: str
) -> None:
    before = session.scalar(select(func.count(Meeting.id)))
    response = api.post(
        f"{API}/meetings",
        json={"kind": "annual", "title": "Årsmöte", "held_on": "2026-12-20", "starts_at": written},
        headers=assembly.officer.headers,
    )
    assert response.status_code == 422, response.text
    assert "starts_at" in response.text
    assert session.scalar(select(func.count(Meeting.id))) == before


def test_the_time_of_a_meeting_that_has_opened_stays(api: TestClient, assembly: Assembly, clock) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock, starts_at="18:30")
    refused = api.put(
        f"{API}/meetings/{meeting_id}/starts-at",
        json={"starts_at": "20:00"},
        headers=assembly.officer.headers,
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "meeting_open")
    assert meeting_of(api, assembly, meeting_id)["starts_at"] == "18:30"


def test_the_notice_says_the_day_and_the_time_as_swedes_write_them(
    api: TestClient, assembly: Assembly, session: Session
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:30")
    sent = api.post(
        f"{API}/meetings/{meeting_id}/notice", json={"text": "Välkomna"}, headers=assembly.officer.headers
    )
    assert sent.status_code == 200, sent.text
    mails = session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert mails
    when = f"20 december 2026 kl.{NBSP}18.30"
    for mail in mails:
        # A subject line is one line anyway: its no-break space is written as a space.
        assert mail.subject == "Kallelse: Årsmöte 2026, 20 december 2026 kl. 18.30"
        assert f"Kallelse till Årsmöte 2026 den {when}. Styrelsens kallelse:" in mail.text_body
        assert f">{when}</p>" in (mail.html_body or "")


def test_the_notice_in_english_and_without_a_time() -> None:
    context = {
        "cooperative": "Kooperativet",
        "name": "Mia",
        "title": "Annual meeting",
        "held_on": date(2026, 11, 20),
        "location": "Kulturhuset",
        "text": "Welcome",
        "starts_at": time(18, 30),
    }
    subject, text, html = compose("meeting_notice", "en", context)
    assert subject == "Notice of meeting: Annual meeting, 20 November 2026, 18:30"
    assert "on 20 November 2026, 18:30, Kulturhuset." in text
    assert ">20 November 2026, 18:30, Kulturhuset</p>" in (html or "")

    subject, text, html = compose("meeting_notice", "sv", {**context, "starts_at": None})
    assert subject == "Kallelse: Annual meeting, 20 november 2026"
    assert "den 20 november 2026, Kulturhuset." in text
    assert "kl." not in subject + text + (html or "")


def test_the_minutes_print_the_time_with_the_day(
    api: TestClient, assembly: Assembly, clock, tmp_path: Path
) -> None:
    headers = assembly.officer.headers
    meeting_id = open_meeting_with_everyone(api, assembly, clock, starts_at="18:30")
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    minutes = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    pdf = pdf_of(api, minutes["id"], headers)
    (Path(os.environ.get("KOOPERATIVET_KEEP_PDF", tmp_path)) / "minutes-with-time.pdf").write_bytes(pdf)
    assert "den 20 december 2026 kl. 18.30." in text_of(pdf)


# --- the standard agenda ------------------------------------------------------------------------------------


def test_the_standard_agenda_of_an_annual_meeting_in_one_go(api: TestClient, assembly: Assembly) -> None:
    meeting_id = plan_meeting(api, assembly)
    added = api.post(f"{API}/meetings/{meeting_id}/agenda/standard", headers=assembly.officer.headers)
    assert added.status_code == 201, added.text
    assert [(i["position"], i["kind"], i["title"]) for i in added.json()] == [
        (position, kind.value, title) for position, (kind, title) in enumerate(STANDARD_ITEMS, start=1)
    ]
    titles = [i["title"] for i in meeting_of(api, assembly, meeting_id)["items"]]
    assert titles[0] == "Stämmans öppnande"
    assert titles[-1] == "Stämmans avslutande"
    # The closing is stored as what it is, so it stays the closing whatever it is called.
    assert [i["is_closing"] for i in added.json()] == [False] * (len(STANDARD_ITEMS) - 1) + [True]
    # The decisions the ordinary meeting must take (SFS 2018:672 6 kap. 10 §) are there.
    for decision in ("fastställelse av resultaträkningen", "vinst eller förlust", "ansvarsfrihet"):
        assert sum(decision in title for title in titles) == 1, decision


def test_the_standard_agenda_twice_is_a_409_and_adds_nothing(api: TestClient, assembly: Assembly) -> None:
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/agenda/standard", headers=headers).status_code == 201
    again = api.post(f"{API}/meetings/{meeting_id}/agenda/standard", headers=headers)
    assert (again.status_code, again.json()["code"]) == (409, "agenda_not_empty")
    assert len(meeting_of(api, assembly, meeting_id)["items"]) == len(STANDARD_ITEMS)


def test_an_agenda_with_an_item_of_the_board_keeps_it(api: TestClient, assembly: Assembly) -> None:
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    item = {"kind": "board_proposal", "title": "Ny avgift"}
    assert api.post(f"{API}/meetings/{meeting_id}/items", json=item, headers=headers).status_code == 201
    refused = api.post(f"{API}/meetings/{meeting_id}/agenda/standard", headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "agenda_not_empty")
    assert [i["title"] for i in meeting_of(api, assembly, meeting_id)["items"]] == ["Ny avgift"]


def test_an_open_meeting_gets_no_standard_agenda(api: TestClient, assembly: Assembly, clock) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    refused = api.post(f"{API}/meetings/{meeting_id}/agenda/standard", headers=assembly.officer.headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "standard_agenda_not_planned")
    assert meeting_of(api, assembly, meeting_id)["items"] == []


def test_a_board_meeting_gets_no_standard_agenda(api: TestClient, assembly: Assembly) -> None:
    meeting_id = plan_meeting(api, assembly, kind="board")
    refused = api.post(f"{API}/meetings/{meeting_id}/agenda/standard", headers=assembly.officer.headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "not_an_annual_meeting")
    assert meeting_of(api, assembly, meeting_id)["items"] == []


def test_a_member_who_does_not_run_meetings_cannot_add_it(api: TestClient, assembly: Assembly) -> None:
    meeting_id = plan_meeting(api, assembly)
    member = assembly.members[-1]
    refused = api.post(f"{API}/meetings/{meeting_id}/agenda/standard", headers=member.headers)
    assert refused.status_code == 403
    assert meeting_of(api, assembly, meeting_id)["items"] == []


def test_an_item_the_rules_refuse_leaves_no_item_of_the_standard_agenda(
    api: TestClient, assembly: Assembly, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every item goes through ``add_agenda_item``; when it refuses one, the items already flushed go too."""
    meeting_id = plan_meeting(api, assembly)
    real = meetings.add_agenda_item
    calls: list[str] = []

    def refusing_the_fifth(session: Session, *, meeting: Meeting, data) -> AgendaItem:
        calls.append(data.title)
        if len(calls) == 5:
            raise RuleViolation("refused for the test", code="refused_for_the_test")
        return real(session, meeting=meeting, data=data)

    monkeypatch.setattr(meetings, "add_agenda_item", refusing_the_fifth)
    refused = api.post(f"{API}/meetings/{meeting_id}/agenda/standard", headers=assembly.officer.headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "refused_for_the_test")
    assert len(calls) == 5
    assert session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting_id)) == 0
