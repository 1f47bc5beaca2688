"""Changing a planned meeting's start time on its page ("Ändra starttid"): the board's form, prefilled; a
new time after the notice told by e-mail and said on the page; a missing or unreadable time said by the
field with the typing kept; the same time again changes nothing; a member has no form and is refused."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kooperativet.governance import meetings
from kooperativet.governance.models import Meeting
from kooperativet.mail.models import OutgoingMail
from tests.governance import conftest as governance
from tests.governance.conftest import NOW, TODAY
from tests.governance.test_minutes import events
from tests.web import test_meetings as web_meetings
from tests.web.test_meetings import client_for, form_token, plan, post

rulebook = governance.rulebook
assembly = governance.assembly
clock = governance.clock
board = web_meetings.board
mail_server = governance.mail_server  # autouse: a mail server is set, so a new time is told by e-mail

ERROR = '<p class="error" id="e-starts_at">{}</p>'


def planned(session, *, noticed: bool) -> Meeting:
    """An annual meeting a month ahead at 18.00, its notice sent today or not yet."""
    meeting = plan(session, held_on=TODAY + timedelta(days=30))
    meeting.starts_at = time(18, 0)
    if noticed:
        meetings.give_notice(session, meeting=meeting, text="Välkomna", today=TODAY)
    session.flush()
    return meeting


def time_mails(session) -> int:
    count = select(func.count(OutgoingMail.id)).where(OutgoingMail.template == "meeting_time_changed")
    return session.scalar(count)


def test_the_board_finds_the_form_with_the_time_filled_in(board: TestClient, session, clock) -> None:
    meeting = planned(session, noticed=False)
    page = board.get(f"/meetings/{meeting.id}").text
    assert f'action="/meetings/{meeting.id}/starts-at"' in page
    assert '<label for="f-starts_at">Ändra starttid</label>' in page
    assert 'name="starts_at" type="time" value="18:00"' in page


def test_a_new_time_after_the_notice_is_told_by_e_mail_and_said_on_the_page(
    board: TestClient, session, assembly, clock
) -> None:
    meeting = planned(session, noticed=True)
    page = board.get(f"/meetings/{meeting.id}").text
    assert "Kallelsen har skickats: de kallade får ett e-postmeddelande om den nya tiden." in page

    answer = post(
        board, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/starts-at", {"starts_at": "18:30"}
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/meetings/{meeting.id}?time=changed"
    session.expire_all()
    assert session.get(Meeting, meeting.id).starts_at == time(18, 30)
    assert time_mails(session) == len(assembly.members)
    [event] = events(session, "meeting_time_changed")
    assert (event["old"], event["new"], event["by_user_id"]) == ("18:00", "18:30", assembly.officer.user.id)

    shown = board.get(answer.headers["location"]).text
    assert (
        '<div class="notice" role="status">Starttiden är ändrad. De kallade får den nya tiden med e-post'
        in shown
    )
    assert ">2026-12-20 18:30</time>" in shown
    assert "Efter kallelsen, <time" in shown
    assert "ändrades starttiden från 18:00 till 18:30." in shown
    assert 'name="starts_at" type="time" value="18:30"' in shown


def test_a_new_time_before_the_notice_tells_nobody(board: TestClient, session, clock) -> None:
    meeting = planned(session, noticed=False)
    answer = post(
        board, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/starts-at", {"starts_at": "09:15"}
    )
    assert answer.status_code == 303
    shown = board.get(answer.headers["location"]).text
    assert '<div class="notice" role="status">Starttiden är ändrad.</div>' in shown
    assert "Efter kallelsen" not in shown
    assert time_mails(session) == 0
    assert [e["new"] for e in events(session, "meeting_time_changed")] == ["09:15"]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "Ange när mötet börjar, till exempel 18:30."),
        ("18.30", "Skriv klockslaget med timmar och minuter, till exempel 18:30."),
        ("25:00", "Skriv klockslaget med timmar och minuter, till exempel 18:30."),
    ],
)
def test_a_missing_or_unreadable_time_is_said_by_the_field_and_the_typing_kept(
    board: TestClient, session, clock, written: str, message: str
) -> None:
    meeting = planned(session, noticed=True)
    answer = post(
        board, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/starts-at", {"starts_at": written}
    )
    assert answer.status_code == 422
    assert ERROR.format(message) in answer.text
    assert f'name="starts_at" type="time" value="{written}"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    session.expire_all()
    assert session.get(Meeting, meeting.id).starts_at == time(18, 0)
    assert time_mails(session) == 0
    assert events(session, "meeting_time_changed") == []


def test_the_same_time_again_changes_nothing_and_says_so(board: TestClient, session, clock) -> None:
    meeting = planned(session, noticed=True)
    version = meeting.version
    answer = post(
        board, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/starts-at", {"starts_at": "18:00"}
    )
    assert answer.headers["location"] == f"/meetings/{meeting.id}?time=same"
    shown = board.get(answer.headers["location"]).text
    assert "Mötet börjar redan den tiden: ingenting ändrades och ingen fick meddelande." in shown
    session.expire_all()
    assert session.get(Meeting, meeting.id).version == version
    assert time_mails(session) == 0
    assert events(session, "meeting_time_changed") == []


def test_a_meeting_opened_since_the_page_was_read_keeps_its_time_and_says_why(
    board: TestClient, session, clock
) -> None:
    meeting = plan(session)
    meeting.starts_at = time(18, 0)
    meetings.give_notice(session, meeting=meeting, text="Välkomna", today=TODAY - timedelta(days=30))
    session.flush()
    token = form_token(board.get(f"/meetings/{meeting.id}").text)
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=NOW)
    session.flush()
    answer = board.post(f"/meetings/{meeting.id}/starts-at", data={"starts_at": "19:00", "csrf_token": token})
    assert answer.status_code == 409
    assert (
        '<div class="alert" role="alert">Mötet har öppnats: starttiden kan inte längre ändras.</div>'
        in answer.text
    )
    assert f'action="/meetings/{meeting.id}/starts-at"' not in answer.text
    assert session.get(Meeting, meeting.id).starts_at == time(18, 0)


def test_a_member_gets_no_form_and_cannot_post_it(app, assembly, session, clock) -> None:
    meeting = planned(session, noticed=True)
    member = client_for(app, assembly.members[3].user.email)
    page = member.get(f"/meetings/{meeting.id}").text
    assert "/starts-at" not in page
    answer = member.post(
        f"/meetings/{meeting.id}/starts-at", data={"starts_at": "19:00", "csrf_token": form_token(page)}
    )
    assert answer.status_code == 403
    assert session.get(Meeting, meeting.id).starts_at == time(18, 0)
    assert time_mails(session) == 0
