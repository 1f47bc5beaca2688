"""What the meeting pages' exploratory QA found, on the web: a notice too early, a vote with everyone
marked disqualified and a meeting on a day that has passed are refused in Swedish by the field, the typing
kept and nothing stored; a planned meeting whose day has passed is not among the coming ones; an item made for
a vote is named for what it is; with no mail server the page says the notice was not sent by e-mail; the
guide says that most decisions are made without a vote."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kooperativet.config import Settings
from kooperativet.governance import meetings
from kooperativet.governance.models import AgendaItem, Meeting, MeetingStatus, Vote
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.mail.models import OutgoingMail
from tests.governance.conftest import TODAY, Assembly
from tests.web.test_meetings import (
    assembly,
    board,
    clock,
    mail_server,  # autouse: a mail server is set, so the notice queues its e-mails
    meeting,
    open_vote,
    plan,
    post,
    rulebook,
    small_keys,
)

__all__ = ["assembly", "board", "clock", "mail_server", "meeting", "rulebook", "small_keys"]


def test_a_notice_too_early_is_refused_on_the_form_naming_its_first_day(
    board: TestClient, session, clock
) -> None:
    held_on = TODAY + timedelta(weeks=15)
    far_ahead = plan(session, title="Årsmöte 2027", held_on=held_on)
    page = f"/meetings/{far_ahead.id}/notice"

    answer = post(board, page, page, {"text": "Välkomna till årsmötet!"})

    assert answer.status_code == 422
    first_day = (held_on - timedelta(weeks=6)).isoformat()
    assert (
        '<div class="alert" role="alert">Det är för tidigt att skicka kallelsen: enligt röstreglerna får den '
        f"gå ut tidigast {first_day}. En kallelse som skickas tidigare är ingen giltig kallelse. Ingenting "
        "skickades eller sparades.</div>"
    ) in answer.text
    assert "Välkomna till årsmötet!</textarea>" in answer.text
    session.refresh(far_ahead)
    assert (far_ahead.noticed_on, far_ahead.notice_text) == (None, None)
    assert session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_a_vote_with_everyone_disqualified_is_refused_by_the_jav_field(
    board: TestClient, meeting: Meeting, assembly: Assembly, session, clock
) -> None:
    present = [str(actor.member.id) for actor in assembly.members[:4]]
    page = f"/meetings/{meeting.id}/votes/new"
    items_before = len(meeting.items)

    answer = post(
        board,
        page,
        page,
        {
            "method": "open",
            "question": "Beviljas styrelsen ansvarsfrihet?",
            "decision_kind": "ordinary",
            "excluded_member_ids": present,
        },
    )

    assert answer.status_code == 422
    assert (
        '<p class="error" id="e-excluded_member_ids">Ingen skulle ha rätt att rösta: alla närvarande eller '
        "företrädda medlemmar är markerade som jäviga. Ta bort markeringen för dem som får rösta.</p>"
    ) in answer.text
    assert "Beviljas styrelsen ansvarsfrihet?</textarea>" in answer.text
    for member_id in present:  # the boxes stay ticked
        assert f'value="{member_id}" checked' in answer.text
    assert session.scalar(select(func.count(Vote.id))) == 0
    session.refresh(meeting, ["items"])
    assert len(meeting.items) == items_before


def test_a_meeting_on_a_day_that_has_passed_is_refused_by_the_day_field(
    board: TestClient, session, clock
) -> None:
    answer = post(
        board,
        "/meetings/new",
        "/meetings/new",
        {"kind": "annual", "title": "Årsmöte 2020", "held_on": "2020-01-01", "starts_at": "18:30"},
    )

    assert answer.status_code == 422
    assert (
        '<p class="error" id="e-held_on">Den dagen har redan varit: ett möte planeras till i dag eller en '
        "senare dag.</p>"
    ) in answer.text
    assert 'value="2020-01-01"' in answer.text
    assert 'value="Årsmöte 2020"' in answer.text
    assert session.scalar(select(func.count(Meeting.id))) == 0


def _section(page: str, heading: str, following: str) -> str:
    return page.split(f"<h2>{heading}</h2>", 1)[1].split(f"<h2>{following}</h2>", 1)[0]


def test_a_planned_meeting_whose_day_has_passed_is_not_among_the_coming_ones(
    board: TestClient, session, clock
) -> None:
    plan(
        session,
        title="Styrelsemöte som aldrig hölls",
        held_on=TODAY - timedelta(days=3),
        kind=MeetingKind.BOARD,
    )
    plan(session, title="Årsmöte i dag", held_on=TODAY)
    in_session = plan(session, title="Extra stämma som pågår", held_on=TODAY - timedelta(days=1))
    in_session.status = MeetingStatus.open
    session.flush()

    page = board.get("/meetings").text

    coming = _section(page, "Kommande möten", "Tidigare möten")
    past = page.split("<h2>Tidigare möten</h2>", 1)[1]
    assert "Årsmöte i dag" in coming
    assert "Extra stämma som pågår" in coming
    assert "Styrelsemöte som aldrig hölls" not in coming
    assert "Styrelsemöte som aldrig hölls" in past


def test_a_question_put_as_a_new_item_is_named_a_decision_on_the_meeting_page(
    board: TestClient, meeting: Meeting, session, clock
) -> None:
    vote_id = open_vote(
        board, meeting, method="open", question="Ska föreningen köpa en projektor?", decision_kind="ordinary"
    )
    item = session.get_one(AgendaItem, session.get_one(Vote, vote_id).agenda_item_id)

    page = board.get(f"/meetings/{meeting.id}").text

    card = page.split(f'id="item-{item.id}"', 1)[1].split("</li>", 1)[0]
    assert "Beslutsärende" in card
    assert "Formalia" not in card


def test_without_a_mail_server_the_page_says_the_notice_was_not_sent_by_e_mail(
    board: TestClient, session, settings: Settings, clock
) -> None:
    settings.smtp_host = None
    planned = plan(session, title="Årsmöte 2027", held_on=TODAY + timedelta(days=30))
    page = f"/meetings/{planned.id}/notice"

    answer = post(board, page, page, {"text": "Välkomna!"})

    assert answer.status_code == 303
    shown = board.get(f"/meetings/{planned.id}").text
    assert "Inte skickad med e-post: ingen e-postserver är inställd. Skicka kallelsen på annat sätt." in shown
    assert "Köad som e-post" not in shown
    # Nor does the form for a new start time promise an e-mail.
    assert "meddela de kallade den nya tiden på annat sätt" in shown
    assert "de kallade får ett e-postmeddelande om den nya tiden" not in shown
    assert session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_the_guide_says_most_decisions_are_made_without_a_vote(board: TestClient) -> None:
    guide = board.get("/kb/annual-meeting-and-ballots").text
    assert "Varje beslut fattas genom omröstning" not in guide
    assert "De flesta beslut fattas utan omröstning" in guide


def test_a_meeting_planned_through_the_service_for_today_is_accepted(session, rulebook: int) -> None:
    """The day the board plans for may be today (the Swedish day), not only a later one."""
    planned = meetings.plan_meeting(
        session, kind=MeetingKind.BOARD, title="Styrelsemöte", held_on=TODAY, location=None, today=TODAY
    )
    assert planned.held_on == TODAY
