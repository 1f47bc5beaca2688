"""A statute change the statutes have two consecutive general meetings adopt (the model of the older lag
1987:667 7 kap. 14 §, a rulebook with ``meetings: 2``): the first meeting adopts by simple majority and
decides nothing yet; the next general meeting confirms the same proposal with two thirds and makes the
change. Refusals by their codes, nothing stored; under a one-meeting rulebook nothing changes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from fractions import Fraction

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.governance import rulebooks
from kooperativet.governance.minutes_text import decision_sentence
from kooperativet.governance.models import AgendaItem, Minutes
from kooperativet.governance.rules.readings import Reading, majority_at, reading_of, rulebook_at
from kooperativet.governance.rules.rulebook import Majority, default_rulebook
from kooperativet.governance.rules.terms import DecisionKind
from kooperativet.governance.schemas.rulebooks import RulebookCreate, RulebookFields
from kooperativet.mail.models import OutgoingMail
from kooperativet.parameters.service import value_in_force
from tests.governance.conftest import MEETING_DAY, Assembly
from tests.governance.test_meetings_api import API, MEETING_OPENS

PROPOSAL = "§ 4 ska lyda: Medlemsavgiften är 100 kr om året."
#: The second meeting: noticed 31 days before, inside the four to six weeks a statute change needs.
SECOND_DAY = date(2027, 2, 1)
SECOND_NOTICE = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
SECOND_OPENS = datetime.combine(SECOND_DAY, time(18, 0), tzinfo=UTC)


def two_meeting_rulebook(session: Session) -> None:
    """From 2026 the statutes have a statute change adopted at two consecutive meetings, the later by 2/3."""
    rules = replace(
        default_rulebook(), statute_change=Majority(share=Fraction(2, 3), at_least=True, meetings=2)
    )
    rulebooks.add_rulebook(
        session,
        data=RulebookCreate(
            valid_from=date(2026, 1, 1),
            source="stadgar § 12: två på varandra följande stämmor",
            rules=RulebookFields.from_rulebook(rules),
        ),
    )
    session.flush()


@pytest.fixture
def two_meetings(session: Session, assembly: Assembly) -> Assembly:
    two_meeting_rulebook(session)
    return assembly


def plan(api: TestClient, assembly: Assembly, *, held_on: date, kind: str = "annual") -> int:
    body = {"kind": kind, "title": f"Stämma {held_on.isoformat()}", "held_on": held_on.isoformat()}
    response = api.post(f"{API}/meetings", json=body, headers=assembly.officer.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def add_item(api: TestClient, assembly: Assembly, meeting_id: int, **fields: object):
    body = {"kind": "board_proposal", "title": "Ny lydelse av § 4", "text": PROPOSAL, "statute_change": True}
    body.update(fields)
    return api.post(f"{API}/meetings/{meeting_id}/items", json=body, headers=assembly.officer.headers)


def notice_and_open(api: TestClient, assembly: Assembly, clock, meeting_id: int, *, opens: datetime) -> None:
    headers = assembly.officer.headers
    notice = api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Välkomna"}, headers=headers)
    assert notice.json()["ok"], notice.text
    clock["now"] = opens
    assert api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers).status_code == 200
    for member_id in assembly.ids():
        response = api.post(
            f"{API}/meetings/{meeting_id}/attendance", json={"member_id": member_id}, headers=headers
        )
        assert response.status_code == 201, response.text


def vote_on(api: TestClient, assembly: Assembly, meeting_id: int, item_id: int, *, yes: int) -> dict:
    """Put the statute change under ``item_id`` to an open vote, fee 5,5 % from 1 March 2027 if adopted;
    ``yes`` of the five members vote yes, the rest no; the closed vote."""
    body = {
        "method": "open",
        "question": "Ändras § 4?",
        "decision_kind": "statute_change",
        "agenda_item_id": item_id,
        "sets_parameter": {"key": "fee_rate", "value": "0.055", "valid_from": "2027-03-01"},
    }
    vote = api.post(f"{API}/meetings/{meeting_id}/votes", json=body, headers=assembly.officer.headers)
    assert vote.status_code == 201, vote.text
    vote_id = vote.json()["id"]
    for index, actor in enumerate(assembly.members):
        choice = "yes" if index < yes else "no"
        cast = api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers)
        assert cast.status_code == 201, cast.text
    closed = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=assembly.officer.headers)
    assert closed.status_code == 200, closed.text
    return closed.json()


def close(api: TestClient, assembly: Assembly, meeting_id: int) -> None:
    """Choose the officials (the minutes need them) and close the meeting."""
    chair, secretary, adjuster1, adjuster2 = assembly.ids()[:4]
    officials = {
        "chair_member_id": chair,
        "secretary_member_id": secretary,
        "adjuster1_member_id": adjuster1,
        "adjuster2_member_id": adjuster2,
    }
    headers = assembly.officer.headers
    assert (
        api.put(f"{API}/meetings/{meeting_id}/officials", json=officials, headers=headers).status_code == 200
    )
    response = api.post(f"{API}/meetings/{meeting_id}/close", headers=headers)
    assert response.status_code == 200, response.text


def minutes_words(api: TestClient, assembly: Assembly, session: Session, meeting_id: int) -> str:
    """The draft minutes' text, its white space made single spaces."""
    drawn = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=assembly.officer.headers)
    assert drawn.status_code == 201, drawn.text
    html = session.get(Minutes, drawn.json()["id"]).html
    assert html is not None
    return " ".join(html.replace("\N{NO-BREAK SPACE}", " ").split())


def first_adopted(api: TestClient, assembly: Assembly, clock, *, yes: int = 3) -> tuple[int, int, dict]:
    """Meeting A adopts the change in a first reading (``yes`` of 5) and closes: its id, item and vote."""
    meeting_id = plan(api, assembly, held_on=MEETING_DAY)
    item = add_item(api, assembly, meeting_id)
    assert item.status_code == 201, item.text
    notice_and_open(api, assembly, clock, meeting_id, opens=MEETING_OPENS)
    vote = vote_on(api, assembly, meeting_id, item.json()["id"], yes=yes)
    close(api, assembly, meeting_id)
    return meeting_id, item.json()["id"], vote


def events(session: Session, kind: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(row.payload) for row in rows]


def with_a_fee(session: Session) -> None:
    session.execute(
        text(
            "INSERT INTO parameter_values (key, valid_from, value, source, created_at) "
            "VALUES ('fee_rate', '2025-01-01', '0.06', 'default', CURRENT_TIMESTAMP)"
        )
    )


def test_the_first_meeting_adopts_by_simple_majority_and_changes_nothing_yet(
    api: TestClient, two_meetings: Assembly, clock, session: Session
) -> None:
    with_a_fee(session)
    _meeting, _item, vote = first_adopted(api, two_meetings, clock, yes=3)
    result = vote["result"]
    # 3 of 5 is more than half, though less than two thirds: adopted, in the first reading.
    assert (result["yes"], result["no"], result["outcome"]) == (3, 2, "adopted")
    assert result["majority"] == {"rule": "share", "share": "1/2", "at_least": False, "base": "votes_cast"}
    assert result["reading"] == "first"
    assert result["statutes_changed"] is False
    assert result["confirmation_majority"] == {
        "rule": "share",
        "share": "2/3",
        "at_least": True,
        "base": "votes_cast",
    }
    assert result["confirmation_majority_required"] == "at least 2/3 of votes cast"
    # What the decision sets waits for the second meeting.
    assert vote["parameter_value_id"] is None
    assert value_in_force(session, key="fee_rate", on=date(2027, 3, 1)).as_decimal() == Decimal("0.06")
    closed = events(session, "vote_closed")[-1]
    assert (closed["statute_change_reading"], closed["confirms_vote_id"], closed["statutes_changed"]) == (
        "first",
        None,
        False,
    )
    words = minutes_words(api, two_meetings, session, _meeting)
    assert (
        "Beslut:</strong> Stämman antog förslaget till stadgeändring i en första behandling. Ändringen "
        "gäller när nästa stämma antar samma förslag med minst två tredjedelar av de avgivna rösterna."
        in words
    )
    assert "Krav för bifall: mer än 1/2 av avgivna röster, det vill säga minst 3 ja-röster." in words


def test_two_of_five_is_no_first_adoption(api: TestClient, two_meetings: Assembly, clock) -> None:
    _meeting, _item, vote = first_adopted(api, two_meetings, clock, yes=2)
    assert (vote["result"]["outcome"], vote["result"]["reading"]) == ("rejected", "first")


def test_the_next_meeting_confirms_with_two_thirds_and_the_change_takes_effect(
    api: TestClient, two_meetings: Assembly, clock, session: Session
) -> None:
    with_a_fee(session)
    first_meeting, first_item, first_vote = first_adopted(api, two_meetings, clock)
    clock["now"] = SECOND_NOTICE
    second_meeting = plan(api, two_meetings, held_on=SECOND_DAY, kind="extra")
    item = add_item(api, two_meetings, second_meeting, confirms_item_id=first_item)
    assert item.status_code == 201, item.text
    assert item.json()["confirms_item_id"] == first_item
    notice_and_open(api, two_meetings, clock, second_meeting, opens=SECOND_OPENS)

    notice = session.scalars(
        select(OutgoingMail).where(OutgoingMail.template == "meeting_notice").order_by(OutgoingMail.id.desc())
    ).all()
    swedish = next(mail for mail in notice if mail.language == "sv")
    assert (
        "1. Ny lydelse av § 4 (ändring av stadgarna, andra behandlingen, första gången antaget den "
        "20 december 2026)" in swedish.text_body
    )

    vote = vote_on(api, two_meetings, second_meeting, item.json()["id"], yes=4)
    result = vote["result"]
    assert (result["yes"], result["outcome"], result["reading"], result["statutes_changed"]) == (
        4,
        "adopted",
        "second",
        True,
    )
    assert result["majority"] == {"rule": "share", "share": "2/3", "at_least": True, "base": "votes_cast"}
    assert result["first_adoption"] == {
        "item_id": first_item,
        "vote_id": first_vote["id"],
        "meeting_id": first_meeting,
        "held_on": "2026-12-20",
    }
    assert vote["parameter_value_id"] is not None
    assert value_in_force(session, key="fee_rate", on=date(2027, 3, 1)).as_decimal() == Decimal("0.055")
    closed = events(session, "vote_closed")[-1]
    assert (closed["statute_change_reading"], closed["confirms_vote_id"], closed["statutes_changed"]) == (
        "second",
        first_vote["id"],
        True,
    )
    assert decision_sentence(body="Stämman", result=result, per_capsulam=False, parameter=None) == (
        "Stämman beslutade, i andra behandlingen, att bifalla förslaget; förslaget antogs första gången vid "
        "stämman den 20 december 2026."
    )

    # Confirmed once: a second confirmation of the same first adoption is refused, nothing stored.
    again = add_item(api, two_meetings, second_meeting, confirms_item_id=first_item)
    assert (again.status_code, again.json()["code"]) == (409, "already_confirmed")
    assert again.json()["errors"][0]["field"] == "confirms_item_id"

    close(api, two_meetings, second_meeting)
    assert (
        "Beslut:</strong> Stämman beslutade, i andra behandlingen, att bifalla förslaget: avgiften 5,5 % "
        "från den 1 mars 2027; förslaget antogs första gången vid stämman den 20 december 2026."
        in minutes_words(api, two_meetings, session, second_meeting)
    )


def test_a_confirmation_below_two_thirds_fails_and_changes_nothing(
    api: TestClient, two_meetings: Assembly, clock, session: Session
) -> None:
    with_a_fee(session)
    _first_meeting, first_item, _vote = first_adopted(api, two_meetings, clock)
    clock["now"] = SECOND_NOTICE
    second_meeting = plan(api, two_meetings, held_on=SECOND_DAY, kind="extra")
    item = add_item(api, two_meetings, second_meeting, confirms_item_id=first_item)
    notice_and_open(api, two_meetings, clock, second_meeting, opens=SECOND_OPENS)
    vote = vote_on(api, two_meetings, second_meeting, item.json()["id"], yes=3)
    result = vote["result"]
    assert (result["outcome"], result["reading"], result["statutes_changed"]) == ("rejected", "second", False)
    assert vote["parameter_value_id"] is None
    assert value_in_force(session, key="fee_rate", on=date(2027, 3, 1)).as_decimal() == Decimal("0.06")


def test_a_confirmation_is_refused_by_its_codes_and_nothing_is_stored(
    api: TestClient, two_meetings: Assembly, clock, session: Session
) -> None:
    _first_meeting, first_item, _vote = first_adopted(api, two_meetings, clock, yes=5)
    # A statute change the first meeting rejected is no first adoption either.
    rejected_meeting = plan(api, two_meetings, held_on=MEETING_DAY)
    ordinary_item = add_item(api, two_meetings, rejected_meeting, statute_change=False).json()["id"]
    clock["now"] = SECOND_NOTICE
    second_meeting = plan(api, two_meetings, held_on=SECOND_DAY, kind="extra")
    count = session.scalar(select(func.count(AgendaItem.id)))

    not_statute = add_item(
        api, two_meetings, second_meeting, statute_change=False, confirms_item_id=first_item
    )
    differs = add_item(
        api, two_meetings, second_meeting, text=PROPOSAL.replace(" ", "  ", 1), confirms_item_id=first_item
    )
    differs_in_words = add_item(
        api,
        two_meetings,
        second_meeting,
        text="§ 4 ska lyda: Avgiften är 100 kr.",
        confirms_item_id=first_item,
    )
    missing = add_item(api, two_meetings, second_meeting, confirms_item_id=first_item + 1000)
    not_first = add_item(api, two_meetings, second_meeting, confirms_item_id=ordinary_item)
    refusals = [
        (not_statute, 422, "confirmation_not_a_statute_change", "statute_change"),
        # Compared exactly as stored (texts are trimmed when read): even one blank more between two words is
        # another text.
        (differs, 422, "proposal_differs", "text"),
        (differs_in_words, 422, "proposal_differs", "text"),
        (missing, 422, "not_a_first_adoption", "confirms_item_id"),
        (not_first, 422, "not_a_first_adoption", "confirms_item_id"),
    ]
    for response, status, code, field in refusals:
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
        assert response.json()["errors"][0]["field"] == field
    assert session.scalar(select(func.count(AgendaItem.id))) == count
    same = add_item(api, two_meetings, second_meeting, confirms_item_id=first_item)
    assert same.status_code == 201, same.text
    notice = api.post(
        f"{API}/meetings/{second_meeting}/notice",
        json={"text": "Välkomna"},
        headers=two_meetings.officer.headers,
    )
    assert notice.json()["ok"], notice.text

    # A general meeting held in between breaks the chain.
    between = plan(api, two_meetings, held_on=date(2027, 1, 10), kind="extra")
    clock["now"] = datetime(2027, 1, 10, 18, 0, tzinfo=UTC)
    opened = api.post(
        f"{API}/meetings/{between}/open",
        json={"override_reason": "brådskande"},
        headers=two_meetings.officer.headers,
    )
    assert opened.status_code == 200, opened.text
    close(api, two_meetings, between)
    broken = add_item(api, two_meetings, second_meeting, confirms_item_id=first_item)
    assert (broken.status_code, broken.json()["code"]) == (409, "meetings_not_consecutive")
    assert broken.json()["errors"][0]["field"] == "confirms_item_id"
    # The item added before the chain broke cannot be put to the vote now either.
    clock["now"] = SECOND_OPENS
    headers = two_meetings.officer.headers
    opened = api.post(f"{API}/meetings/{second_meeting}/open", json={}, headers=headers)
    assert opened.status_code == 200, opened.text
    api.post(
        f"{API}/meetings/{second_meeting}/attendance",
        json={"member_id": two_meetings.ids()[0]},
        headers=headers,
    )
    body = {
        "method": "open",
        "question": "Ändras § 4?",
        "decision_kind": "statute_change",
        "agenda_item_id": same.json()["id"],
    }
    refused = api.post(f"{API}/meetings/{second_meeting}/votes", json=body, headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "meetings_not_consecutive")
    assert session.scalar(select(func.count(AgendaItem.id))) == count + 1


def test_the_same_meeting_cannot_confirm_its_own_first_adoption(
    api: TestClient, two_meetings: Assembly, clock
) -> None:
    meeting_id = plan(api, two_meetings, held_on=MEETING_DAY)
    item = add_item(api, two_meetings, meeting_id).json()["id"]
    notice_and_open(api, two_meetings, clock, meeting_id, opens=MEETING_OPENS)
    vote_on(api, two_meetings, meeting_id, item, yes=5)
    same = add_item(api, two_meetings, meeting_id, confirms_item_id=item)
    assert (same.status_code, same.json()["code"]) == (409, "meetings_not_consecutive")


def test_an_auditor_adds_no_confirmation(api: TestClient, two_meetings: Assembly, clock, make_user) -> None:
    from kooperativet.auth.models import Role

    _meeting, first_item, _vote = first_adopted(api, two_meetings, clock)
    clock["now"] = SECOND_NOTICE
    second_meeting = plan(api, two_meetings, held_on=SECOND_DAY, kind="extra")
    auditor = make_user(Role.auditor)
    body = {"kind": "board_proposal", "title": "§ 4", "text": PROPOSAL, "statute_change": True}
    refused = api.post(
        f"{API}/meetings/{second_meeting}/items",
        json={**body, "confirms_item_id": first_item},
        headers=auditor.headers,
    )
    assert refused.status_code == 403


def test_under_a_one_meeting_rulebook_a_reference_is_refused_and_two_thirds_decide_at_once(
    api: TestClient, assembly: Assembly, clock, session: Session
) -> None:
    meeting_id = plan(api, assembly, held_on=MEETING_DAY)
    item = add_item(api, assembly, meeting_id).json()["id"]
    refused = add_item(api, assembly, meeting_id, confirms_item_id=item)
    assert (refused.status_code, refused.json()["code"]) == (422, "confirmation_not_required")
    assert refused.json()["errors"][0]["field"] == "confirms_item_id"
    notice_and_open(api, assembly, clock, meeting_id, opens=MEETING_OPENS)
    vote = vote_on(api, assembly, meeting_id, item, yes=4)
    assert vote["result"]["outcome"] == "adopted"
    assert "reading" not in vote["result"]
    assert "statutes_changed" not in vote["result"]
    assert "statute_change_reading" not in events(session, "vote_closed")[-1]


def test_the_readings_majorities_as_pure_rules() -> None:
    two = replace(
        default_rulebook(), statute_change=Majority(share=Fraction(2, 3), at_least=True, meetings=2)
    )
    kind = DecisionKind.STATUTE_CHANGE
    assert reading_of(default_rulebook(), kind, confirms=False) is None
    assert reading_of(two, DecisionKind.ORDINARY, confirms=False) is None
    assert reading_of(two, kind, confirms=False) is Reading.FIRST
    assert reading_of(two, kind, confirms=True) is Reading.SECOND
    assert majority_at(two, kind, Reading.FIRST) == Majority(share=Fraction(1, 2))
    assert majority_at(two, kind, Reading.SECOND) == Majority(share=Fraction(2, 3), at_least=True, meetings=2)
    assert rulebook_at(two, kind, Reading.FIRST).statute_change.votes_needed(base=5) == 3
    assert rulebook_at(two, kind, Reading.SECOND).statute_change.votes_needed(base=5) == 4
    # Raising members' duties keeps its own rule: one meeting, three quarters, unless the rulebook says more.
    assert reading_of(two, DecisionKind.STATUTE_CHANGE_RAISING_DUTIES, confirms=False) is None


def test_a_rejected_first_reading_and_a_three_quarter_rule_read_in_swedish() -> None:
    rejected = {"reading": "first", "outcome": "rejected", "confirmation_majority": {}}
    assert decision_sentence(body="Stämman", result=rejected, per_capsulam=False, parameter=None) == (
        "Stämman beslutade att avslå förslaget till stadgeändring i första behandlingen."
    )
    three_quarters = {"rule": "share", "share": "3/4", "at_least": True, "base": "votes_cast"}
    adopted = {"reading": "first", "outcome": "adopted", "confirmation_majority": three_quarters}
    assert decision_sentence(body="Stämman", result=adopted, per_capsulam=False, parameter=None) == (
        "Stämman antog förslaget till stadgeändring i en första behandling. Ändringen gäller när nästa "
        "stämma antar samma förslag med minst tre fjärdedelar av de avgivna rösterna."
    )
    rejected_second = {
        "reading": "second",
        "outcome": "rejected",
        "first_adoption": {"held_on": "2026-12-20"},
    }
    assert decision_sentence(body="Stämman", result=rejected_second, per_capsulam=False, parameter=None) == (
        "Stämman beslutade, i andra behandlingen, att avslå förslaget; förslaget antogs första gången vid "
        "stämman den 20 december 2026. Stadgarna ändras inte."
    )
