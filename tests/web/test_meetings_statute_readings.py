"""Statutes that have two consecutive general meetings adopt a statute change, on the web: the agenda-item
form offers the open first adoptions by their title and day (no ids shown), refuses a different proposal by
its field in Swedish, takes the adopted proposal when the text is left empty, and the meeting page says
which reading each statute change is."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.governance import meetings, results, votes
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting, Vote, VoteMethod
from kooperativet.governance.rules.terms import Choice, DecisionKind, MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate
from kooperativet.governance.schemas.votes import BallotCreate, VoteCreate
from tests.governance.conftest import NOW, TODAY, Assembly
from tests.governance.test_statute_two_meetings import PROPOSAL, two_meeting_rulebook
from tests.web.test_meetings import assembly, board, clock, plan, post, rulebook

__all__ = ["assembly", "board", "clock", "rulebook"]

FIRST_DAY = date(2026, 10, 1)


def first_adoption(session: Session, assembly: Assembly, *, yes: int = 3) -> tuple[Meeting, int]:
    """Under a two-meeting rulebook, a general meeting on 1 October 2026 adopts the statute change by 3 of 5
    (a first reading) and closes; the meeting and the item."""
    two_meeting_rulebook(session)
    meeting = plan(session, title="Extra stämma", held_on=FIRST_DAY, kind=MeetingKind.EXTRA)
    data = AgendaItemCreate(
        kind=AgendaItemKind.board_proposal, title="Ny lydelse av § 4", text=PROPOSAL, statute_change=True
    )
    item = meetings.add_agenda_item(session, meeting=meeting, data=data)
    meetings.give_notice(session, meeting=meeting, text="Välkomna", today=FIRST_DAY - timedelta(days=30))
    opens = datetime.combine(FIRST_DAY, time(17, 0), tzinfo=UTC)
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=opens)
    for actor in assembly.members:
        meetings.register_attendance(session, meeting=meeting, member_id=actor.member.id)
    question = VoteCreate(
        method=VoteMethod.open,
        question="Ändras § 4?",
        decision_kind=DecisionKind.STATUTE_CHANGE,
        agenda_item_id=item.id,
    )
    rng = random.Random(1)
    vote = votes.open_vote(session, meeting=meeting, data=question, now=opens, tally_key_bits=512, rng=rng)
    for index, actor in enumerate(assembly.members):
        choice = Choice.YES if index < yes else Choice.NO
        votes.cast_vote(
            session, vote=vote, caster=actor.member, data=BallotCreate(choice=choice), now=opens, rng=rng
        )
    later = opens + timedelta(hours=1)
    results.close_vote(
        session,
        vote=vote,
        chair_casting_vote=None,
        now=later,
        lot_seed=1,
        shuffle_seed=1,
        actor=assembly.officer.user,
    )
    meetings.close_meeting(session, meeting=meeting, now=later)
    return meeting, item.id


def test_the_item_form_offers_the_first_adoption_and_refuses_another_text_by_its_field(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    _first, first_item = first_adoption(session, assembly)
    meeting = plan(session, title="Årsmöte 2026")
    page = f"/meetings/{meeting.id}/items"
    form = board.get(page)
    assert form.status_code == 200
    assert "Bekräftar en första behandling" in form.text
    assert (
        f'<option value="{first_item}">Ny lydelse av § 4, antogs första gången 2026-10-01</option>'
        in form.text
    )

    fields = {"kind": "board_proposal", "title": "Ny lydelse av § 4", "statute_change": "1"}
    refused = post(
        board,
        page,
        page,
        {**fields, "text": "§ 4 ska lyda: Avgiften är 200 kr.", "confirms_item_id": str(first_item)},
    )
    assert refused.status_code == 422
    assert (
        '<p class="error" id="e-text">Förslaget måste vara ordagrant det som den första stämman antog.'
        in refused.text
    )
    count = session.scalar(select(func.count(AgendaItem.id)))

    added = post(board, page, page, {**fields, "text": "", "confirms_item_id": str(first_item)})
    assert added.status_code == 303, added.text
    assert session.scalar(select(func.count(AgendaItem.id))) == count + 1
    item = session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).one()
    assert (item.text, item.confirms_item_id) == (PROPOSAL, first_item)

    shown = board.get(f"/meetings/{meeting.id}")
    assert "ändrar stadgarna – andra behandlingen, antogs första gången 2026-10-01" in shown.text
    first_page = board.get(f"/meetings/{_first.id}")
    # Not yet confirmed: the first adoption waits for the next general meeting.
    assert "Förslaget antogs i första behandlingen." in first_page.text
    assert '<td data-label="Utfall">Bifall i första behandlingen</td>' in first_page.text  # the votes list
    assert "Ändringen gäller när nästa föreningsstämma antar samma förslag" in first_page.text
    assert "minst 2/3 av de avgivna rösterna" in first_page.text


@pytest.mark.parametrize("typed", ["²", "9" * 10_000, "första"])
def test_a_first_adoption_no_number_can_name_is_refused_by_its_field_and_nothing_is_added(
    board: TestClient, assembly: Assembly, session: Session, clock, typed: str
) -> None:
    """A tampered choice: not silently a plain item, and no 500 from ``int`` (``²``, 10 000 digits)."""
    two_meeting_rulebook(session)
    meeting = plan(session, title="Årsmöte 2026")
    page = f"/meetings/{meeting.id}/items"
    fields = {"kind": "board_proposal", "title": "Ny lydelse av § 4", "statute_change": "1", "text": PROPOSAL}
    refused = post(board, page, page, {**fields, "confirms_item_id": typed})
    assert refused.status_code == 422
    assert (
        '<p class="error" id="e-confirms_item_id">Välj en stadgeändring som en tidigare föreningsstämma antog'
        in refused.text
    )
    assert session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting.id)) == 0


def test_a_general_meeting_held_since_is_refused_by_its_field(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    _first, first_item = first_adoption(session, assembly)
    between = plan(session, title="Extra stämma 2", held_on=date(2026, 11, 1), kind=MeetingKind.EXTRA)
    moment = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
    meetings.open_meeting(session, meeting=between, override_reason="brådskande", now=moment)
    meetings.close_meeting(session, meeting=between, now=moment)
    meeting = plan(session, title="Årsmöte 2026")
    page = f"/meetings/{meeting.id}/items"
    # The select no longer offers it ...
    assert f'<option value="{first_item}">' not in board.get(page).text
    # ... and a form that names it all the same is refused by the field.
    fields = {"kind": "board_proposal", "title": "Ny lydelse av § 4", "statute_change": "1", "text": ""}
    refused = post(board, page, page, {**fields, "confirms_item_id": str(first_item)})
    assert refused.status_code == 422
    assert '<p class="error" id="e-confirms_item_id">Bara nästa föreningsstämma' in refused.text


def test_under_a_one_meeting_rulebook_the_form_has_no_select(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting = plan(session)
    assert "confirms_item_id" not in board.get(f"/meetings/{meeting.id}/items").text


def test_the_vote_page_of_a_second_reading_says_the_statutes_are_changed_and_the_first_says_it_was_confirmed(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    _first, first_item = first_adoption(session, assembly)
    meeting = plan(session, title="Årsmöte 2026")
    data = AgendaItemCreate(
        kind=AgendaItemKind.board_proposal,
        title="Ny lydelse av § 4",
        text=PROPOSAL,
        statute_change=True,
        confirms_item_id=first_item,
    )
    item = meetings.add_agenda_item(session, meeting=meeting, data=data)
    meetings.give_notice(session, meeting=meeting, text="Välkomna", today=TODAY - timedelta(days=30))
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=NOW)
    for actor in assembly.members:
        meetings.register_attendance(session, meeting=meeting, member_id=actor.member.id)
    question = VoteCreate(
        method=VoteMethod.open,
        question="Ändras § 4?",
        decision_kind=DecisionKind.STATUTE_CHANGE,
        agenda_item_id=item.id,
    )
    rng = random.Random(2)
    vote = votes.open_vote(session, meeting=meeting, data=question, now=NOW, tally_key_bits=512, rng=rng)
    for actor in assembly.members[:4]:
        ballot = BallotCreate(choice=Choice.YES)
        votes.cast_vote(session, vote=vote, caster=actor.member, data=ballot, now=NOW, rng=rng)
    results.close_vote(
        session,
        vote=vote,
        chair_casting_vote=None,
        now=NOW,
        lot_seed=1,
        shuffle_seed=1,
        actor=assembly.officer.user,
    )
    page = board.get(f"/meetings/votes/{vote.id}")
    assert page.status_code == 200
    assert (
        "Beslutat i andra behandlingen: stadgarna är ändrade. Förslaget antogs första gången 2026-10-01."
        in (page.text)
    )
    assert "Krav: minst 2/3 av de avgivna rösterna." in page.text

    # The first adoption's pages no longer wait for the next meeting: they say which meeting and item
    # confirmed it, and from when the statutes are changed.
    day = f'<time class="nowrap" datetime="{TODAY.isoformat()}">{TODAY.isoformat()}</time>'
    confirmed = (
        f'<a href="/meetings/{meeting.id}">Årsmöte 2026</a> den {day} bekräftade ändringen under punkten '
        f'”<a href="/meetings/{meeting.id}#item-{item.id}">§&nbsp;{item.held_as} Ny lydelse av § 4</a>”: '
        f"stadgarna är ändrade från och med {day}."
    )
    first_vote = session.scalars(select(Vote).where(Vote.agenda_item_id == first_item)).one()
    for shown in (board.get(f"/meetings/votes/{first_vote.id}"), board.get(f"/meetings/{_first.id}")):
        assert shown.status_code == 200
        assert "Förslaget antogs i första behandlingen och har bekräftats." in shown.text
        assert confirmed in " ".join(shown.text.split()), shown.text
        assert f'<a href="/meetings/votes/{vote.id}">Omröstningen som bekräftade ändringen</a>' in shown.text
        assert "Ändringen gäller när nästa" not in shown.text


def test_a_first_reading_that_fails_reads_as_the_minutes_say_it(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    """2 of 5 is no simple majority: the page says "Avslag" (the minutes: "beslutade att avslå"), and no
    next meeting is waited for."""
    _first, first_item = first_adoption(session, assembly, yes=2)
    first_vote = session.scalars(select(Vote).where(Vote.agenda_item_id == first_item)).one()
    page = board.get(f"/meetings/votes/{first_vote.id}").text
    assert '<p class="outcome"><strong>Avslag</strong></p>' in page
    assert "första behandlingen" not in page.split('id="result"')[1].split("</section>")[0]
