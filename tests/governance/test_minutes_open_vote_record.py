"""The minutes of an open vote record who voted how. The vote page tells members before they vote ("Det här är
en öppen omröstning: protokollet visar hur varje medlem röstade.") and the open vote stores each vote with its
voter, so the minutes name them, one sentence per choice made; a vote cast by an ombud names her. A secret
ballot or an election names nobody: nothing stored links a ballot to its voter."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.audit.service import chain_head
from kooperativet.governance import minutes
from kooperativet.governance.models import Meeting, Vote, VoteMethod
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import API
from tests.governance.test_minutes import held_meeting, pdf_of, text_of
from tests.statement_count import counted

__all__ = ["held_meeting"]


def test_the_minutes_of_an_open_vote_say_who_voted_yes_no_and_abstained(
    api: TestClient, assembly: Assembly, held_meeting: int
) -> None:
    headers = assembly.officer.headers
    drawn = api.post(f"{API}/meetings/{held_meeting}/minutes", json={}, headers=headers)
    assert drawn.status_code == 201, drawn.text
    found = text_of(pdf_of(api, drawn.json()["id"], headers))
    names = [f"{a.member.first_name} {a.member.last_name}" for a in assembly.members]
    # The fee: the first three yes, the fourth no, the fifth abstained.
    record = (
        f"Röstade ja: {names[0]}, {names[1]} och {names[2]}. Röstade nej: {names[3]}. Avstod: {names[4]}."
    )
    assert record in found
    after_counts = found.find("Ja 3 av 4 avgivna röster")
    assert 0 <= after_counts < found.find(f"Röstade ja: {names[0]}, {names[1]} och {names[2]}.")
    # Malmö: two yes, nobody against.
    assert f"Röstade ja: {names[0]} och {names[1]}." in found
    assert "Röstade nej: ." not in found


def test_a_secret_ballot_or_an_election_names_no_voter(session: Session) -> None:
    for method in (VoteMethod.secret, VoteMethod.election):
        assert minutes._how_each_voted(session, Vote(method=method), {}) == []


def test_the_minutes_read_the_members_in_three_statements_whoever_took_part(
    api: TestClient, session: Session, held_meeting: int
) -> None:
    """Those present and each open vote's voters are named by the hundred at a large cooperative's meeting:
    the minutes read every name in one statement, count the members entitled to vote in another and choose
    those present or represented who are members on the day in a third, instead of a statement per member.
    A session of its own, so that no member is in it already from making the meeting."""
    with Session(bind=session.connection()) as fresh:
        meeting = fresh.get_one(Meeting, held_meeting)
        head = chain_head(fresh)
        with counted(fresh, only=lambda sql: "FROM members" in sql) as sent:
            context = minutes.minutes_context(fresh, meeting=meeting, version=1, audit_head=head)
    assert len(context["present"]) >= 5
    assert sent.count == 3, sent.sql
    assert not any("members.id = " in sql for sql in sent.sql)
