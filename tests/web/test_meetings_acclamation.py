"""Running an open meeting's items on the web: the board takes an item up ("Ta upp") and records a decision
taken without a vote ("Beslut utan omröstning"); a refusal is said in Swedish by the item's field with what
was typed kept and nothing saved; a statute change points to the vote; members read the decision."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from kooperativet.audit.models import AuditEvent
from kooperativet.governance import meetings
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate
from tests.governance import conftest as governance
from tests.governance.conftest import NOW
from tests.web import test_meetings as web
from tests.web.conftest import form_token

rulebook = governance.rulebook
assembly = governance.assembly
clock = governance.clock
board = web.board
voters = web.voters
meeting = web.meeting


def add(session, meeting: Meeting, title: str, **fields: object) -> AgendaItem:
    data = AgendaItemCreate.model_validate({"kind": AgendaItemKind.procedural, "title": title, **fields})
    return meetings.add_agenda_item(session, meeting=meeting, data=data)


def decide(client: TestClient, meeting: Meeting, item: AgendaItem, decision: str):
    page = f"/meetings/{meeting.id}"
    return web.post(client, page, f"{page}/items/{item.id}/decision", {"decision": decision})


def item_card(html: str, item: AgendaItem) -> str:
    """The agenda card of ``item`` on the meeting page."""
    start = html.index(f'<li class="card" id="item-{item.id}">')
    return html[start : html.index("</li>", start)]


def test_the_board_takes_an_item_up_and_decides_another_without_a_vote(
    board: TestClient, voters: list[TestClient], meeting: Meeting, session
) -> None:
    chair = add(session, meeting, "Val av mötesordförande")
    roll = add(session, meeting, "Godkännande av röstlängden")
    page = board.get(f"/meetings/{meeting.id}").text
    card = item_card(page, roll)
    assert f'action="/meetings/{meeting.id}/items/{roll.id}/take-up"' in card
    assert '>Ta upp<span class="visually-hidden">: Godkännande av röstlängden</span></button>' in card
    assert f'<label for="f-decision-{roll.id}">Beslut utan omröstning</label>' in card
    assert 'aria-describedby="decision-hint"' in card
    hint = re.search(r'<p class="hint" id="decision-hint">([^<]*)</p>', page)
    assert hint is not None
    assert "det som följer på ”Stämman beslutade att …”" in hint.group(1)
    assert ">Anteckna beslutet</button>" in card

    taken = web.post(board, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/items/{roll.id}/take-up", {})
    assert (taken.status_code, taken.headers["location"]) == (303, f"/meetings/{meeting.id}#item-{roll.id}")
    session.refresh(roll)
    assert roll.held_as == 1
    card = item_card(board.get(f"/meetings/{meeting.id}").text, roll)
    assert "Ta upp" not in card
    # The § the minutes give it, said as such: the agenda's own list number stands beside it.
    assert "– §\xa01 i protokollet" in card

    answer = decide(board, meeting, chair, "välja Anna Berg till ordförande för stämman")
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        f"/meetings/{meeting.id}#item-{chair.id}",
    )
    session.refresh(chair)
    assert (chair.held_as, chair.decision, chair.decided_at) == (
        2,
        "välja Anna Berg till ordförande för stämman",
        NOW,
    )
    # A member reads the decision on the meeting page; the board's controls are gone from the decided item.
    for client in (voters[4], board):
        card = item_card(client.get(f"/meetings/{meeting.id}").text, chair)
        assert "Stämman beslutade att välja Anna Berg till ordförande för stämman." in card
        assert "utan omröstning" in card
        assert "<form" not in card
    member_page = voters[4].get(f"/meetings/{meeting.id}").text
    assert "Anteckna beslutet" not in member_page
    assert "/take-up" not in member_page


def test_a_blank_decision_is_refused_by_its_field_and_the_typed_text_is_kept(
    board: TestClient, meeting: Meeting, session
) -> None:
    item = add(session, meeting, "Fastställande av balansräkningen")
    other = add(session, meeting, "Ansvarsfrihet för styrelsen")
    blank = decide(board, meeting, item, "   \r\n  ")
    assert blank.status_code == 422
    card = item_card(blank.text, item)
    assert f'<p class="error" id="e-decision-{item.id}">Skriv vad mötet beslutade.</p>' in card
    assert 'aria-invalid="true"' in card
    assert "Skriv vad mötet beslutade." not in item_card(blank.text, other)

    too_long = "fastställa " + "x" * 2000
    answer = decide(board, meeting, item, too_long)
    assert answer.status_code == 422
    card = item_card(answer.text, item)
    assert f'<p class="error" id="e-decision-{item.id}">' in card
    assert f">{too_long}</textarea>" in card
    session.refresh(item)
    assert (item.decision, item.decided_at, item.held_as) == (None, None, None)


def test_an_item_decided_meanwhile_is_refused_on_the_page_and_nothing_changes(
    board: TestClient, meeting: Meeting, session
) -> None:
    item = add(session, meeting, "Godkännande av dagordningen")
    page = f"/meetings/{meeting.id}"
    token = form_token(board.get(page).text)  # the page was read before another board member decided
    assert decide(board, meeting, item, "godkänna dagordningen").status_code == 303
    again = board.post(
        f"{page}/items/{item.id}/decision",
        data={"decision": "inte godkänna dagordningen", "csrf_token": token},
    )
    assert again.status_code == 422
    assert '<div class="alert" role="alert">Punkten är redan avgjord.</div>' in again.text
    session.refresh(item)
    assert item.decision == "godkänna dagordningen"
    decided = session.scalars(select(AuditEvent).where(AuditEvent.kind == "agenda_item_decided")).all()
    assert len(decided) == 1


def test_a_statute_change_points_to_the_vote_and_a_forged_form_is_refused(
    board: TestClient, session, assembly, clock
) -> None:
    planned = web.plan(session)
    item = add(session, planned, "Nya stadgar", statute_change=True, kind=AgendaItemKind.board_proposal)
    meetings.give_notice(session, meeting=planned, text="Välkomna", today=web.TODAY)
    meetings.open_meeting(session, meeting=planned, override_reason="kort varsel", now=NOW)
    for actor in assembly.members[:4]:
        meetings.register_attendance(session, meeting=planned, member_id=actor.member.id)
    card = item_card(board.get(f"/meetings/{planned.id}").text, item)
    assert "Beslut utan omröstning" not in card
    assert "kräver kvalificerad majoritet" in card
    assert '>Ta upp<span class="visually-hidden">: Nya stadgar</span></button>' in card
    forged = decide(board, planned, item, "anta de nya stadgarna")
    assert forged.status_code == 422
    assert "En ändring av stadgarna beslutas genom en omröstning där rösterna räknas" in forged.text
    session.refresh(item)
    assert item.decision is None


def test_the_controls_are_only_for_an_open_meeting_and_its_board(
    board: TestClient, voters: list[TestClient], session, assembly, clock
) -> None:
    planned = web.plan(session, kind=MeetingKind.BOARD, title="Styrelsemöte")
    item = add(session, planned, "Inköp av skrivare")
    html = board.get(f"/meetings/{planned.id}").text
    assert "Beslut utan omröstning" not in html
    assert "Ta upp" not in html
    # Posted anyway: said by the form, nothing taken up.
    refused = web.post(
        board, f"/meetings/{planned.id}", f"/meetings/{planned.id}/items/{item.id}/take-up", {}
    )
    assert refused.status_code == 409
    assert "Mötet har inte öppnats ännu." in item_card(refused.text, item)
    session.refresh(item)
    assert item.held_as is None
    # A member may not take up or decide.
    token = form_token(voters[4].get("/meetings").text)
    for action in ("take-up", "decision"):
        forbidden = voters[4].post(
            f"/meetings/{planned.id}/items/{item.id}/{action}", data={"decision": "x", "csrf_token": token}
        )
        assert forbidden.status_code == 403
    # Without the form token nothing happens either.
    assert board.post(f"/meetings/{planned.id}/items/{item.id}/take-up", data={}).status_code == 403


def test_at_a_board_meeting_the_decision_reads_as_the_boards(
    board: TestClient, session, assembly, clock
) -> None:
    planned = web.plan(session, kind=MeetingKind.BOARD, title="Styrelsemöte")
    item = add(session, planned, "Inköp av skrivare")
    meetings.open_meeting(session, meeting=planned, override_reason="kort varsel", now=NOW)
    for actor in assembly.members[:3]:
        meetings.register_attendance(session, meeting=planned, member_id=actor.member.id)
    assert "det som följer på ”Styrelsen beslutade att …”" in board.get(f"/meetings/{planned.id}").text
    assert decide(board, planned, item, "Att köpa en skrivare för högst 4 000 kr.").status_code == 303
    card = item_card(board.get(f"/meetings/{planned.id}").text, item)
    assert re.search(r"Styrelsen beslutade att köpa en skrivare för högst 4 000 kr\.", card)


def test_an_item_decided_without_a_vote_is_not_offered_to_the_vote(
    board: TestClient, meeting: Meeting, session
) -> None:
    decided = add(session, meeting, "Godkännande av dagordningen")
    open_item = add(session, meeting, "Fastställande av resultaträkningen")
    assert decide(board, meeting, decided, "godkänna dagordningen").status_code == 303
    form = board.get(f"/meetings/{meeting.id}/votes/new").text
    assert f'<option value="{open_item.id}">Fastställande av resultaträkningen</option>' in form
    assert "Godkännande av dagordningen" not in form


def test_the_meeting_page_names_the_voting_rules_it_is_held_under(
    board: TestClient, meeting: Meeting, session
) -> None:
    """Each rule by name, with where the rules come from: not "the program's standard rules"."""
    add(session, meeting, "Val av mötesordförande")
    page = board.get(f"/meetings/{meeting.id}").text
    start = page.index('<section aria-labelledby="rules">')
    rules = page[start : page.index("</section>", start)]
    assert '<h2 id="rules">Röstregler</h2>' in rules
    assert "Med lagen (2018:672) om ekonomiska föreningar som förebild" in rules
    assert "<dt>Beslut</dt><dd>mer än 1/2 av de avgivna rösterna</dd>" in rules
    assert "<dt>Ändring av stadgarna</dt><dd>minst 2/3 av de avgivna rösterna</dd>" in rules
    assert "<dt>Likvidation</dt><dd>minst 2/3 av de avgivna rösterna</dd>" in rules
    assert "Medlemmar per ombud: högst 1." in rules
    assert "programmets" not in page
