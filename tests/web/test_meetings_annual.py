"""The annual meeting on the web as members and the board read it: the notice with its agenda on the meeting
page, a statute change refused outside its announced item (by the field, in Swedish), officials not yet
chosen and nobody present said in words, refusals of adjusters and proxies in Swedish, and a ballot offered
only to those the voter rules let vote."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kooperativet.governance import meetings
from kooperativet.governance.models import AgendaItemKind, Meeting, Vote
from kooperativet.governance.schemas.meetings import AgendaItemCreate
from tests.governance.conftest import NOW, TODAY, Assembly
from tests.web.test_meetings import assembly, board, clock, open_vote, plan, post, rulebook, voters

__all__ = ["assembly", "board", "clock", "rulebook", "voters"]

PROPOSAL = "§ 4 ska lyda: Medlemsavgiften är 100 kr om året."


def item(session, meeting: Meeting, title: str, *, statute_change: bool) -> int:
    data = AgendaItemCreate(
        kind=AgendaItemKind.board_proposal, title=title, text=PROPOSAL, statute_change=statute_change
    )
    return meetings.add_agenda_item(session, meeting=meeting, data=data).id


def called_with_a_statute_change(session, assembly: Assembly) -> tuple[Meeting, int, int]:
    """An annual meeting noticed with an ordinary item and a statute change, in session today with the first
    four members present; the meeting, the ordinary item's id and the statute change's."""
    meeting = plan(session)
    ordinary = item(session, meeting, "Verksamhetsplan 2027", statute_change=False)
    statutes = item(session, meeting, "Ny lydelse av § 4", statute_change=True)
    text = "Välkomna till årsmötet.\n\nFika från 18.30."
    meetings.give_notice(session, meeting=meeting, text=text, today=TODAY - timedelta(days=30))
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=NOW)
    for actor in assembly.members[:4]:
        meetings.register_attendance(session, meeting=meeting, member_id=actor.member.id)
    return meeting, ordinary, statutes


def test_a_statute_change_outside_its_announced_item_is_refused_by_its_field_in_swedish(
    board: TestClient, assembly: Assembly, session, clock
) -> None:
    meeting, ordinary, statutes = called_with_a_statute_change(session, assembly)
    page = f"/meetings/{meeting.id}/votes/new"
    question = {"method": "open", "question": "Ändras § 4?"}
    loose = post(board, page, page, {**question, "decision_kind": "statute_change", "agenda_item_id": ""})
    assert loose.status_code == 422
    assert (
        '<p class="error" id="e-agenda_item_id">En ändring av stadgarna beslutas bara under en punkt som '
        "kallelsen angav som stadgeändring." in loose.text
    )
    ordinary_item = {**question, "decision_kind": "statute_change", "agenda_item_id": str(ordinary)}
    wrong = post(board, page, page, ordinary_item)
    assert wrong.status_code == 422
    assert (
        '<p class="error" id="e-decision_kind">En ändring av stadgarna beslutas bara under en punkt'
        in wrong.text
    )
    simple = post(
        board, page, page, {**question, "decision_kind": "ordinary", "agenda_item_id": str(statutes)}
    )
    assert simple.status_code == 422
    assert 'id="e-decision_kind"' in simple.text
    assert session.scalar(select(func.count(Vote.id))) == 0
    vote_id = open_vote(
        board, meeting, **question, decision_kind="statute_change", agenda_item_id=str(statutes)
    )
    assert session.get(Vote, vote_id).agenda_item_id == statutes


def test_members_read_the_notice_and_its_agenda_on_the_meeting_page(
    voters: list[TestClient], assembly: Assembly, session, clock
) -> None:
    meeting, _ordinary, _statutes = called_with_a_statute_change(session, assembly)
    item(session, meeting, "Ny lydelse av § 7", statute_change=True)
    shown = voters[4].get(f"/meetings/{meeting.id}").text
    assert "<h3>Kallelsen som den skickades</h3>" in shown
    assert '<p class="prewrap">Välkomna till årsmötet.</p><p class="prewrap">Fika från 18.30.</p>' in shown
    notice = shown[shown.index("Dagordning i kallelsen") : shown.index('id="officials"')]
    assert "<li>Verksamhetsplan 2027</li>" in notice
    assert "<li>Ny lydelse av § 4 <strong>(ändrar stadgarna)</strong></li>" in notice
    assert "§ 7" not in notice  # added after the notice: not in it
    agenda = shown[shown.index('id="agenda"') :]
    assert agenda.count("fanns inte med i kallelsen") == 1


def test_officials_not_chosen_and_nobody_present_are_said_in_words(
    board: TestClient, assembly: Assembly, session, clock
) -> None:
    meeting = plan(session)
    shown = board.get(f"/meetings/{meeting.id}").text
    assert "<dt>Justerare</dt><dd>Inte valda ännu</dd>" in shown
    assert "<dt>Ordförande</dt><dd>Ingen vald ännu</dd>" in shown
    assert "–, –" not in shown
    assert "Ingen är registrerad som närvarande ännu." in shown
    assert "Mötet är beslut" not in shown  # neither beslutfört nor beslutsfört
    # The attendance page, where the chair registers who came, says the same before anyone is registered.
    attendance = board.get(f"/meetings/{meeting.id}/attendance").text
    assert "Ingen är registrerad som närvarande ännu." in attendance
    assert "Mötet är beslut" not in attendance


def test_adjusters_and_a_proxy_for_oneself_are_refused_in_swedish_by_their_fields(
    board: TestClient, assembly: Assembly, session, clock
) -> None:
    meeting = plan(session)
    ids = assembly.ids()
    page = f"/meetings/{meeting.id}/officials"
    chosen = {
        "chair_member_id": ids[0],
        "secretary_member_id": ids[1],
        "adjuster1_member_id": ids[0],
        "adjuster2_member_id": ids[3],
    }
    chair = post(board, page, page, chosen)
    assert chair.status_code == 422
    assert (
        '<p class="error" id="e-adjuster2_member_id">Välj två olika justerare, och ingen av dem får vara '
        "ordföranden.</p>" in chair.text
    )
    attendance = f"/meetings/{meeting.id}/attendance"
    own = {"principal_member_id": ids[4], "attendee_member_id": ids[4], "dated": "2026-11-01", "signed": "1"}
    refused = post(board, attendance, f"/meetings/{meeting.id}/proxies", own)
    assert refused.status_code == 422
    assert (
        '<p class="error" id="e-attendee_member_id">En medlem kan inte vara sitt eget ombud: ombudet är en '
        "annan medlem.</p>" in refused.text
    )
    session.refresh(meeting)
    assert (meeting.adjuster1_member_id, meeting.proxies) == (None, [])


def test_a_ballot_is_offered_only_to_those_the_voter_rules_let_vote(
    board: TestClient, voters: list[TestClient], assembly: Assembly, session, clock
) -> None:
    meeting, ordinary, _statutes = called_with_a_statute_change(session, assembly)
    excluded = assembly.ids()[1]
    vote_id = open_vote(board, meeting, method="open", question="Antas planen?", agenda_item_id=str(ordinary))
    session.get(Vote, vote_id).excluded_member_ids = [excluded]
    session.flush()
    page = f"/meetings/votes/{vote_id}"
    present = voters[0].get(page).text
    assert 'action="/meetings/votes/' in present
    absent = voters[4].get(page).text
    assert f'action="/meetings/votes/{vote_id}/ballot"' not in absent
    assert (
        "Du röstar inte i den här frågan. Bara medlemmar som är registrerade som närvarande röstar." in absent
    )
    assert "Tack" not in absent
    disqualified = voters[1].get(page).text
    assert f'action="/meetings/votes/{vote_id}/ballot"' not in disqualified
    assert "Du röstar inte i den här frågan. Medlemmen är jävig" in disqualified


def test_the_board_sees_the_agenda_the_notice_will_list_before_sending_it(
    board: TestClient, session, clock
) -> None:
    meeting = plan(session)
    item(session, meeting, "Verksamhetsplan 2027", statute_change=False)
    item(session, meeting, "Ny lydelse av § 4", statute_change=True)
    form = board.get(f"/meetings/{meeting.id}/notice").text
    listed = form[form.index("Dagordningen som kallelsen tar upp") :]
    assert (
        "<li>Verksamhetsplan 2027</li><li>Ny lydelse av § 4 <strong>(ändrar stadgarna)</strong></li>"
        in listed
    )
    assert "En stadgeändring tas upp med sitt förslag, punktens text." in listed


def test_a_proposal_a_motion_and_a_question_added_after_the_standard_agenda_come_before_its_closing(
    board: TestClient, voters: list[TestClient], assembly: Assembly, session, clock
) -> None:
    """The standard agenda ends with "Stämmans avslutande": what the board, a member or the meeting adds
    afterwards is dealt with before the closing, in the notice and on the meeting page, not after it."""
    meeting = plan(session)
    page = f"/meetings/{meeting.id}"
    assert post(board, page, f"{page}/agenda/standard", {}).status_code == 303
    proposal = {"kind": "board_proposal", "title": "Ny medlemsavgift från 2027", "text": ""}
    assert post(board, f"{page}/items", f"{page}/items", proposal).status_code == 303
    motion = {"title": "Motion om en cykelpool", "text": "Föreningen köper fyra lastcyklar."}
    assert post(voters[0], f"{page}/motion", f"{page}/motion", motion).status_code == 303

    notice = board.get(f"{page}/notice").text
    assert (
        "<li>Motioner och styrelsens förslag</li><li>Ny medlemsavgift från 2027</li>"
        "<li>Motion om en cykelpool</li><li>Stämmans avslutande</li>"
    ) in notice

    meetings.give_notice(session, meeting=meeting, text="Välkomna", today=TODAY - timedelta(days=30))
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=NOW)
    for actor in assembly.members[:4]:
        meetings.register_attendance(session, meeting=meeting, member_id=actor.member.id)
    open_vote(board, meeting, method="open", question="Sommarfest i juni?", decision_kind="ordinary")
    session.expire_all()
    titles = [i.title for i in session.get(Meeting, meeting.id).items]
    assert titles[-4:] == [
        "Ny medlemsavgift från 2027",
        "Motion om en cykelpool",
        "Sommarfest i juni?",
        "Stämmans avslutande",
    ]
    shown = board.get(page).text
    assert shown.index("<h3>Sommarfest i juni?</h3>") < shown.index("<h3>Stämmans avslutande</h3>")

    # Once the meeting has taken up its closing, a question put after it stands after it.
    closing = session.get(Meeting, meeting.id).items[-1]
    assert post(board, page, f"{page}/items/{closing.id}/take-up", {}).status_code == 303
    open_vote(board, meeting, method="open", question="Tack till styrelsen?", decision_kind="ordinary")
    session.expire_all()
    assert [i.title for i in session.get(Meeting, meeting.id).items][-2:] == [
        "Stämmans avslutande",
        "Tack till styrelsen?",
    ]
