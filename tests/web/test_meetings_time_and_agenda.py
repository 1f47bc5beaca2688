"""The meeting's time of day on the web: asked for every new meeting, said by its field when missing or
malformed, shown with the day; the standard agenda of an annual meeting by one button, refused in Swedish."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kooperativet.governance import meetings
from kooperativet.governance.models import AgendaItem, Meeting
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate
from kooperativet.governance.standard_agenda import STANDARD_ITEMS
from tests.date_styles import assert_one_date_style
from tests.governance import conftest as governance
from tests.governance.conftest import NOW, TODAY, Assembly
from tests.web import test_meetings as web_meetings
from tests.web.test_meetings import client_for, form_token, open_vote, plan, post

rulebook = governance.rulebook
assembly = governance.assembly
clock = governance.clock
board = web_meetings.board

NEW = {"kind": "annual", "title": "Årsmöte 2027", "held_on": "2027-03-20", "location": "Aula"}


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "Ange när mötet börjar, till exempel 18:30."),
        ("18.30", "Skriv klockslaget med timmar och minuter, till exempel 18:30."),
        ("25:00", "Skriv klockslaget med timmar och minuter, till exempel 18:30."),
    ],
)
def test_a_new_meeting_without_a_readable_time_is_shown_again_with_the_message_by_the_field(
    board: TestClient, session, written: str, message: str
) -> None:
    before = session.scalar(select(func.count(Meeting.id)))
    answer = post(board, "/meetings/new", "/meetings/new", {**NEW, "starts_at": written})
    assert answer.status_code == 422
    assert f'<p class="error" id="e-starts_at">{message}</p>' in answer.text
    assert 'value="Aula"' in answer.text
    assert session.scalar(select(func.count(Meeting.id))) == before


def test_the_form_asks_for_the_time(board: TestClient) -> None:
    form = board.get("/meetings/new").text
    assert 'type="time"' in form
    assert "Börjar klockan" in form


def test_the_meeting_page_shows_the_day_and_the_time_or_the_day_alone(board: TestClient, session) -> None:
    with_time = plan(session, title="Med tid")
    with_time.starts_at = time(18, 30)
    without = plan(session, title="Utan tid")
    session.flush()
    page = board.get(f"/meetings/{with_time.id}").text
    assert '<time class="nowrap" datetime="2026-11-20T18:30">2026-11-20 18:30</time>' in page
    page = board.get(f"/meetings/{without.id}").text
    assert '<time class="nowrap" datetime="2026-11-20">2026-11-20</time>' in page
    assert "18:30</time>" not in page


def test_the_meeting_page_writes_its_time_as_the_moments_beside_it_one_style(
    board: TestClient, session, assembly: Assembly, clock
) -> None:
    """The day and time the meeting was called for, when it opened and when the notice went out: all ISO
    dates with a colon in the time, never "kl. 18.30" beside "2026-11-20 19:00" (docs/web.md)."""
    meeting = plan(session)
    meeting.starts_at = time(18, 30)
    meetings.give_notice(session, meeting=meeting, text="Välkomna", today=TODAY - timedelta(days=30))
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=NOW)
    for actor in assembly.members[:4]:
        meetings.register_attendance(session, meeting=meeting, member_id=actor.member.id)
    open_vote(board, meeting, method="open", question="Beviljas ansvarsfrihet?", decision_kind="ordinary")

    page = board.get(f"/meetings/{meeting.id}").text
    assert "Beviljas ansvarsfrihet?" in page
    shown = re.findall(r"<time [^>]*>([^<]*)</time>", page)
    # The day called for, the opening (18:00 UTC is 19:00 in Stockholm) and the notice's day.
    assert {"2026-11-20 18:30", "2026-11-20 19:00", "2026-10-21"} <= set(shown), shown
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", text) for text in shown), shown
    assert_one_date_style(re.sub(r"<[^>]+>", " ", page), "iso")


def test_the_board_adds_the_standard_agenda_with_one_button(board: TestClient, session) -> None:
    meeting = plan(session)
    session.flush()
    page = board.get(f"/meetings/{meeting.id}").text
    assert f'action="/meetings/{meeting.id}/agenda/standard"' in page
    answer = post(board, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/agenda/standard", {})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/meetings/{meeting.id}#agenda"
    page = board.get(f"/meetings/{meeting.id}").text
    for _kind, title in STANDARD_ITEMS:
        assert f"<h3>{title}</h3>" in page
    assert f'action="/meetings/{meeting.id}/agenda/standard"' not in page


def test_the_standard_agenda_on_an_agenda_with_items_is_refused_in_swedish(
    board: TestClient, session
) -> None:
    meeting = plan(session)
    meetings.add_agenda_item(
        session, meeting=meeting, data=AgendaItemCreate(kind="board_proposal", title="Ny avgift")
    )
    session.flush()
    token = form_token(board.get(f"/meetings/{meeting.id}").text)
    answer = board.post(f"/meetings/{meeting.id}/agenda/standard", data={"csrf_token": token})
    assert answer.status_code == 409
    assert "Dagordningen har redan punkter." in answer.text
    count = select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting.id)
    assert session.scalar(count) == 1


def test_a_board_meeting_offers_no_standard_agenda(board: TestClient, session) -> None:
    meeting = plan(session, kind=MeetingKind.BOARD, title="Styrelsemöte")
    session.flush()
    page = board.get(f"/meetings/{meeting.id}").text
    assert "/agenda/standard" not in page


def test_a_member_gets_no_button_and_cannot_post_it(app, assembly, session) -> None:
    meeting = plan(session)
    session.flush()
    member = client_for(app, assembly.members[3].user.email)
    page = member.get(f"/meetings/{meeting.id}").text
    assert "/agenda/standard" not in page
    answer = member.post(f"/meetings/{meeting.id}/agenda/standard", data={"csrf_token": form_token(page)})
    assert answer.status_code == 403
    assert session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting.id)) == 0
