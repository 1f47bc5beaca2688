"""Meetings and votes on the web: the board prepares and runs a meeting, members vote (open, secret, election)
and check their receipt, the adjusters approve the minutes; errors by their fields with nothing saved."""

from __future__ import annotations

import json
import random
import re
from datetime import time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kooperativet.api.idempotency import IdempotentRequest
from kooperativet.audit.models import AuditEvent
from kooperativet.governance import conduct, meetings, votes
from kooperativet.governance.models import (
    Meeting,
    MeetingStatus,
    Minutes,
    SecretBallotRoll,
    Vote,
    VoteStatus,
)
from kooperativet.governance.rules.terms import Choice, MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate, ProxyCreate
from kooperativet.governance.schemas.votes import BallotCreate
from kooperativet.mail.models import OutgoingMail
from kooperativet.web.meeting_words import majority_words
from kooperativet.web.pages.meetings_board import tally_key_bits
from tests.governance import conftest as governance
from tests.governance.conftest import NOW, TELLERS_PASSPHRASE, TEST_TALLY_KEY_BITS, TODAY, Assembly
from tests.web.conftest import confirmed, form_token, sign_in

# The governance tests' fixtures (a rulebook, five members of whom three sit on the board, a frozen clock).
rulebook = governance.rulebook
assembly = governance.assembly
clock = governance.clock
mail_server = governance.mail_server  # autouse: a mail server is set, so the notice queues its e-mails
RECEIPT = re.compile(r'<code class="receipt" id="receipt">([0-9a-f]{64})</code>')


@pytest.fixture
def small_keys(app) -> None:
    app.dependency_overrides[tally_key_bits] = lambda: TEST_TALLY_KEY_BITS


def client_for(app, email: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(client, email)
    return client


def post(client: TestClient, page: str, action: str, data: dict[str, object]):
    """Post a form as the browser would: with the form token of the page it is on."""
    token = form_token(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token})


@pytest.fixture
def board(app, assembly: Assembly) -> TestClient:
    return client_for(app, assembly.officer.user.email)


@pytest.fixture
def voters(app, assembly: Assembly) -> list[TestClient]:
    return [client_for(app, actor.user.email) for actor in assembly.members]


def plan(session, *, title: str = "Årsmöte 2026", held_on=TODAY, kind=MeetingKind.ANNUAL) -> Meeting:
    return meetings.create_meeting(session, kind=kind, title=title, held_on=held_on, location="Kulturgatan 7")


@pytest.fixture
def meeting(session, assembly: Assembly, clock) -> Meeting:
    """An annual meeting in session today, noticed in time, with the first four members present."""
    meeting = plan(session)
    meetings.give_notice(session, meeting=meeting, text="Välkomna", today=TODAY - timedelta(days=30))
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=NOW)
    for actor in assembly.members[:4]:
        meetings.register_attendance(session, meeting=meeting, member_id=actor.member.id)
    return meeting


def open_vote(board: TestClient, meeting: Meeting, **fields: object) -> int:
    page = f"/meetings/{meeting.id}/votes/new"
    answer = post(board, page, page, fields)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_the_board_creates_a_meeting_and_finds_it_among_the_coming_ones(board: TestClient, session) -> None:
    assert board.get("/meetings/new").status_code == 200
    answer = post(
        board,
        "/meetings/new",
        "/meetings/new",
        {
            "kind": "extra",
            "title": "Extra stämma 2027",
            "held_on": "2027-01-30",
            "starts_at": "18:30",
            "location": "Kulturgatan 7",
        },
    )
    assert answer.status_code == 303
    meeting = session.get(Meeting, int(answer.headers["location"].rsplit("/", 1)[1]))
    assert (meeting.title, meeting.kind, meeting.status) == ("Extra stämma 2027", "extra", "planned")
    assert meeting.starts_at == time(18, 30)
    listing = board.get("/meetings").text
    assert "Extra stämma 2027" in listing
    assert '<time class="nowrap" datetime="2027-01-30T18:30">2027-01-30 18:30</time>' in listing
    assert "Extra föreningsstämma" in listing
    assert "Planerat" in listing
    assert "extra</td>" not in listing


def test_a_video_link_as_the_meetings_place_is_a_link_on_its_page(voters: list[TestClient], session) -> None:
    link = "https://meet.example.se/extra-stamma?id=7&lang=sv"
    online = meetings.create_meeting(
        session, kind=MeetingKind.EXTRA, title="Extra stämma", held_on=TODAY, location=f"Videomöte: {link}"
    )
    shown = voters[0].get(f"/meetings/{online.id}").text
    escaped = link.replace("&", "&amp;")
    assert f'<dd>Videomöte: <a href="{escaped}" rel="noopener">{escaped}</a></dd>' in shown
    hall = plan(session)
    assert "<dd>Kulturgatan 7</dd>" in voters[0].get(f"/meetings/{hall.id}").text


def test_a_new_meeting_with_errors_is_shown_again_by_its_fields_and_nothing_is_saved(
    board: TestClient, session
) -> None:
    before = session.scalar(select(func.count(Meeting.id)))
    answer = post(
        board,
        "/meetings/new",
        "/meetings/new",
        {"kind": "annual", "title": "", "held_on": "30 jan", "location": "Aula"},
    )
    assert answer.status_code == 422
    assert 'id="e-title"' in answer.text
    assert '<p class="error" id="e-held_on">Skriv datumet som ÅÅÅÅ-MM-DD.</p>' in answer.text
    assert 'value="Aula"' in answer.text
    assert session.scalar(select(func.count(Meeting.id))) == before


def test_a_member_is_refused_the_boards_pages_and_actions(
    voters: list[TestClient], assembly: Assembly, meeting: Meeting, session
) -> None:
    member = voters[3]
    assert member.get("/meetings/new").status_code == 403
    assert member.get(f"/meetings/{meeting.id}/attendance").status_code == 403
    token = form_token(member.get("/meetings").text)
    refused = member.post(
        "/meetings/new", data={"kind": "annual", "title": "X", "held_on": "2027-01-30", "csrf_token": token}
    )
    assert refused.status_code == 403
    refused = member.post(
        f"/meetings/{meeting.id}/votes/new", data={"method": "open", "question": "Q?", "csrf_token": token}
    )
    assert refused.status_code == 403
    assert member.post(f"/meetings/{meeting.id}/close", data={"csrf_token": token}).status_code == 403
    assert session.scalar(select(func.count(Meeting.id))) == 1
    assert session.scalar(select(func.count(Vote.id))) == 0
    assert session.get(Meeting, meeting.id).status == MeetingStatus.open


def test_the_receipt_check_is_offered_to_whoever_cast_a_ballot_not_to_the_member_an_ombud_voted_for(
    board: TestClient, voters: list[TestClient], assembly: Assembly, meeting: Meeting, small_keys, session
) -> None:
    """The fifth member is away and the first votes for her under a fullmakt: the first cast two ballots and
    was shown both receipts; the fifth was shown none, so she is not offered to check "my receipt"."""
    first, absent = assembly.members[0].member, assembly.members[4].member
    meetings.register_proxy(
        session,
        meeting=meeting,
        data=ProxyCreate(
            principal_member_id=absent.id, attendee_member_id=first.id, dated=TODAY, signed=True
        ),
    )
    vote_id = open_vote(
        board, meeting, method="secret", question="Köps en ny projektor?", decision_kind="ordinary",
        tellers_passphrase=TELLERS_PASSPHRASE,
    )  # fmt: skip
    vote = session.get(Vote, vote_id)
    rng = random.Random(5)
    for behalf in (None, absent.id):
        ballot = BallotCreate(choice=Choice.YES, on_behalf_of_member_id=behalf)
        votes.cast_vote(session, vote=vote, caster=first, data=ballot, now=NOW, rng=rng)
    page = f"/meetings/votes/{vote_id}"
    assert post(board, page, f"{page}/close", {"tellers_passphrase": TELLERS_PASSPHRASE}).status_code == 303
    assert "Kontrollera mitt kvitto" in voters[0].get(page).text
    shown = voters[4].get(page).text
    assert "Varje krypterad valsedel publiceras" in shown, shown[-3000:]
    assert "Kontrollera mitt kvitto" not in shown


def test_an_ombud_who_has_voted_for_herself_is_told_so_before_she_votes_for_the_member_she_represents(
    voters: list[TestClient], assembly: Assembly, meeting: Meeting, board: TestClient, session
) -> None:
    first, absent = assembly.members[0].member, assembly.members[4].member
    meetings.register_proxy(
        session,
        meeting=meeting,
        data=ProxyCreate(
            principal_member_id=absent.id, attendee_member_id=first.id, dated=TODAY, signed=True
        ),
    )
    vote_id = open_vote(board, meeting, method="open", question="Sommarfest?", decision_kind="ordinary")
    page = f"/meetings/votes/{vote_id}"
    before = voters[0].get(page).text
    assert "Du har röstat. Tack!" not in before
    own = post(voters[0], page, f"{page}/ballot", {"choice": "yes", "voter": str(first.id)})
    assert own.status_code == 303, own.text
    after = voters[0].get(page).text
    assert '<p class="notice" role="status">Du har röstat. Tack!</p>' in after
    assert f"Du röstar för {absent.first_name} {absent.last_name}, med fullmakt." in after
    assert f'action="/meetings/votes/{vote_id}/ballot"' in after


def test_a_receipt_for_a_ballot_cast_by_proxy_says_for_whom_and_nothing_stores_it(
    voters: list[TestClient], assembly: Assembly, meeting: Meeting, board: TestClient, small_keys, session
) -> None:
    """The ombud casts her own secret ballot and then the one of the member she represents: two receipts,
    the second saying for whom, so that she tells them apart. The name comes from her request alone: the
    ballot POSTs store nothing (no form record, no audit entry), and the roll says only who has voted."""
    first, absent = assembly.members[0].member, assembly.members[4].member
    meetings.register_proxy(
        session,
        meeting=meeting,
        data=ProxyCreate(
            principal_member_id=absent.id, attendee_member_id=first.id, dated=TODAY, signed=True
        ),
    )
    vote_id = open_vote(
        board, meeting, method="secret", question="Köps en ny projektor?", decision_kind="ordinary",
        tellers_passphrase=TELLERS_PASSPHRASE,
    )  # fmt: skip
    page = f"/meetings/votes/{vote_id}"
    stored = (
        select(func.count()).select_from(IdempotentRequest),
        select(func.count()).select_from(AuditEvent),
    )
    before = [session.scalar(count) for count in stored]
    own = post(voters[0], page, f"{page}/ballot", {"choice": "yes", "voter": str(first.id)})
    assert own.status_code == 200, own.text
    assert RECEIPT.search(own.text)
    assert 'id="cast-for"' not in own.text
    assert "med fullmakt" not in own.text
    theirs = post(voters[0], page, f"{page}/ballot", {"choice": "no", "voter": str(absent.id)})
    assert theirs.status_code == 200, theirs.text
    assert theirs.headers["cache-control"] == "no-store"
    assert (
        f'<p id="cast-for">Du lade den här valsedeln för {absent.first_name} {absent.last_name}, med '
        "fullmakt.</p>" in theirs.text
    )
    assert RECEIPT.search(theirs.text).group(1) != RECEIPT.search(own.text).group(1)
    assert [session.scalar(count) for count in stored] == before
    roll = session.execute(
        select(SecretBallotRoll.member_id).where(SecretBallotRoll.vote_id == vote_id)
    ).scalars()
    assert sorted(roll) == sorted([first.id, absent.id])


def test_a_secret_ballot_from_opening_to_the_members_receipt_check(
    board: TestClient, voters: list[TestClient], meeting: Meeting, small_keys, session
) -> None:
    vote_id = open_vote(
        board,
        meeting,
        method="secret",
        question="Bifalls motionen om en replokal?",
        decision_kind="ordinary",
        tellers_passphrase=TELLERS_PASSPHRASE,
    )
    receipts = []
    for client, choice in zip(voters[:3], ("yes", "yes", "no"), strict=True):
        page = client.get(f"/meetings/votes/{vote_id}").text
        assert "Det här är en sluten omröstning" in page
        answer = post(
            client, f"/meetings/votes/{vote_id}", f"/meetings/votes/{vote_id}/ballot", {"choice": choice}
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["cache-control"] == "no-store"
        assert "Sidan visar det bara den här gången" in answer.text
        receipts.append(RECEIPT.search(answer.text).group(1))
    assert "Du har röstat" in voters[0].get(f"/meetings/votes/{vote_id}").text
    again = post(
        voters[0], f"/meetings/votes/{vote_id}", f"/meetings/votes/{vote_id}/ballot", {"choice": "no"}
    )
    assert "Du har röstat" in again.text  # the form is gone once she has voted
    fragment = board.get(f"/meetings/votes/{vote_id}/turnout").text
    assert 'hx-trigger="every 5s"' in fragment
    assert "3 av 4 har röstat." in fragment

    page = f"/meetings/votes/{vote_id}"
    wrong = post(board, page, f"{page}/close", {"tellers_passphrase": "inte lösenfrasen alls"})
    assert wrong.status_code == 422
    assert (
        '<p class="error" id="e-tellers_passphrase">Det här är inte rösträknarnas lösenfras.</p>'
        in wrong.text
    )
    assert session.get(Vote, vote_id).status == VoteStatus.open
    closed = post(board, page, f"{page}/close", {"tellers_passphrase": TELLERS_PASSPHRASE})
    assert closed.status_code == 303
    result = voters[1].get(page).text
    assert '<p class="outcome"><strong>Bifall</strong></p>' in result
    # The result is right below the closed count: no link to it. Only a page drawn while the vote was open,
    # whose polling brings the closed count, links to the page again for the result.
    assert "Omröstningen är avslutad: 3 av 4 röstade." in result
    assert "Se resultatet" not in result
    polled = board.get(f"{page}/turnout").text
    assert f'<a href="{page}#result">Se resultatet</a>' in polled
    assert "hx-trigger" not in polled
    assert "Krav: mer än 1/2 av de avgivna rösterna." in result
    assert "Kontrollera mitt kvitto" in result
    # Only those who voted hold a receipt: the member who did not vote and the board's officer, who cast
    # no ballot, are not offered to check "my receipt" (the check itself stays open to any receipt).
    for without_receipt in (voters[3], board):
        shown = without_receipt.get(page).text
        assert "Varje krypterad valsedel publiceras med sitt kvitto" in shown
        assert "Kontrollera mitt kvitto" not in shown
    assert voters[3].get(f"{page}/check").status_code == 200

    check = f"{page}/check"
    counted = post(voters[0], check, check, {"receipt": receipts[0].upper()})
    assert "Din valsedel är räknad." in counted.text
    assert "en av de 3 publicerade valsedlar" in counted.text
    assert "En omräkning av de lagrade valsedlarna ger det publicerade resultatet." in counted.text
    missing = post(voters[0], check, check, {"receipt": "0" * 64})
    assert "Ingen publicerad valsedel har det här kvittot." in missing.text
    malformed = post(voters[0], check, check, {"receipt": "abc"})
    assert malformed.status_code == 422
    assert 'id="e-receipt"' in malformed.text


def test_an_open_vote_shows_who_voted_how_and_the_result(
    board: TestClient, voters: list[TestClient], meeting: Meeting, assembly: Assembly
) -> None:
    vote_id = open_vote(
        board, meeting, method="open", question="Beviljas ansvarsfrihet?", decision_kind="ordinary"
    )
    page = f"/meetings/votes/{vote_id}"
    for client, choice in zip(voters[:4], ("yes", "yes", "no", "abstain"), strict=True):
        answer = post(client, page, f"{page}/ballot", {"choice": choice})
        assert answer.status_code == 303, answer.text
    assert '<td data-label="Utfall">–</td>' in board.get(f"/meetings/{meeting.id}").text  # still open
    closed = post(board, page, f"{page}/close", {"chair_casting_vote": ""})
    assert closed.status_code == 303
    result = board.get(page).text
    assert '<p class="outcome"><strong>Bifall</strong></p>' in result
    assert "Hur varje medlem röstade" in result
    # The meeting's list of votes says each closed vote's outcome, so nobody has to open each one.
    listed = board.get(f"/meetings/{meeting.id}").text
    assert '<th scope="col">Utfall</th>' in listed
    assert '<td data-label="Utfall">Bifall</td>' in listed
    assert assembly.members[3].member.full_name in result
    assert "Avstår" in result
    assert "abstain" not in result


def test_a_ballot_without_a_choice_or_from_someone_absent_is_refused_by_its_field(
    board: TestClient, voters: list[TestClient], meeting: Meeting, session
) -> None:
    vote_id = open_vote(board, meeting, method="open", question="Sommarfest?", decision_kind="ordinary")
    page = f"/meetings/votes/{vote_id}"
    empty = post(voters[0], page, f"{page}/ballot", {"choice": ""})
    assert empty.status_code == 422
    assert 'id="e-choice"' in empty.text
    absent = post(voters[4], page, f"{page}/ballot", {"choice": "yes"})
    assert absent.status_code == 422
    assert "Bara medlemmar som är registrerade som närvarande röstar." in absent.text
    assert votes.voted_count(session, vote=session.get(Vote, vote_id)) == 0


@pytest.mark.parametrize("typed", ["²", "9" * 10_000])
def test_a_ballot_for_a_member_no_number_can_name_is_refused_by_its_field(
    board: TestClient, voters: list[TestClient], meeting: Meeting, session, typed: str
) -> None:
    """A tampered "on behalf of": a digit ``int`` cannot read, or more digits than it reads."""
    vote_id = open_vote(board, meeting, method="open", question="Sommarfest?", decision_kind="ordinary")
    page = f"/meetings/votes/{vote_id}"
    refused = post(voters[0], page, f"{page}/ballot", {"choice": "yes", "voter": typed})
    assert refused.status_code == 422
    assert (
        '<p class="error" id="e-voter">Du har ingen fullmakt för den här medlemmen vid mötet.' in refused.text
    )
    assert votes.voted_count(session, vote=session.get(Vote, vote_id)) == 0


@pytest.mark.parametrize("typed", ["²", "9" * 10_000])
def test_attendance_of_a_member_no_number_can_name_is_refused_by_its_field(
    board: TestClient, meeting: Meeting, session, typed: str
) -> None:
    attendance = f"/meetings/{meeting.id}/attendance"
    present = len(meeting.attendance)
    refused = post(board, attendance, attendance, {"present_member_id": typed})
    assert refused.status_code == 422
    assert '<p class="error" id="e-present_member_id">Välj en medlem i listan.</p>' in refused.text
    session.expire_all()
    assert len(session.get_one(Meeting, meeting.id).attendance) == present


def test_an_election_ballot_naming_too_many_candidates_is_refused_and_nothing_is_stored(
    board: TestClient, voters: list[TestClient], meeting: Meeting, small_keys, session
) -> None:
    page = f"/meetings/{meeting.id}/votes/new"
    refused = post(
        board,
        page,
        page,
        {"method": "election", "question": "Val av revisor", "seats": "1", "candidates": ""},
    )
    assert refused.status_code == 422
    assert 'id="e-candidates"' in refused.text or 'id="e-tellers_passphrase"' in refused.text
    vote_id = open_vote(
        board,
        meeting,
        method="election",
        question="Val av revisor",
        seats="1",
        candidates="Revisionsbyrån Norr\nRevisionsbyrån Syd\n",
        tellers_passphrase=TELLERS_PASSPHRASE,
    )
    vote_page = f"/meetings/votes/{vote_id}"
    assert "Välj högst 1." in voters[0].get(vote_page).text
    token = form_token(voters[0].get(vote_page).text)
    answer = voters[0].post(
        f"{vote_page}/ballot",
        data={"candidates": ["Revisionsbyrån Norr", "Revisionsbyrån Syd"], "csrf_token": token},
    )
    assert answer.status_code == 422
    assert "Välj högst lika många kandidater som det finns platser" in answer.text
    assert votes.voted_count(session, vote=session.get(Vote, vote_id)) == 0
    cast = voters[0].post(
        f"{vote_page}/ballot", data={"candidates": ["Revisionsbyrån Syd"], "csrf_token": token}
    )
    assert RECEIPT.search(cast.text)
    post(board, vote_page, f"{vote_page}/close", {"tellers_passphrase": TELLERS_PASSPHRASE})
    result = board.get(vote_page).text
    assert "Vald: Revisionsbyrån Syd" in result
    assert "Krav: kandidaten med flest röster." in result


def test_officials_minutes_and_their_approval_by_both_adjusters(
    board: TestClient, voters: list[TestClient], meeting: Meeting, assembly: Assembly, session
) -> None:
    page = f"/meetings/{meeting.id}/officials"
    ids = assembly.ids()
    same = post(
        board,
        page,
        page,
        {
            "chair_member_id": ids[0],
            "secretary_member_id": ids[1],
            "adjuster1_member_id": ids[3],
            "adjuster2_member_id": ids[3],
        },
    )
    assert same.status_code == 422
    assert 'id="e-adjuster2_member_id"' in same.text
    assert session.get(Meeting, meeting.id).adjuster1_member_id is None
    chosen = {
        "chair_member_id": ids[0],
        "secretary_member_id": ids[1],
        "adjuster1_member_id": ids[3],
        "adjuster2_member_id": ids[4],
    }
    assert post(board, page, page, chosen).status_code == 303
    here = f"/meetings/{meeting.id}"
    assert post(board, here, f"{here}/close", {}).status_code == 303
    assert post(board, here, f"{here}/minutes", {}).status_code == 303
    minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    shown = board.get(here).text
    assert "Protokoll, version 1 (PDF)" in shown
    assert "utkast för justering" in shown
    pdf = board.get(f"/meetings/minutes/{minutes.id}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert f'filename="protokoll-{meeting.id}-v1.pdf"' in pdf.headers["content-disposition"]  # as the API
    assert "Jag har läst protokollet och justerar det" not in voters[0].get(here).text
    token = form_token(voters[0].get(here).text)
    refused = voters[0].post(f"/meetings/minutes/{minutes.id}/approve", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "Bara de justerare som mötet valde justerar protokollet." in refused.text
    for adjuster in (voters[3], voters[4]):
        assert "Jag har läst protokollet och justerar det" in adjuster.get(here).text
        assert post(adjuster, here, f"/meetings/minutes/{minutes.id}/approve", {}).status_code == 303
    session.refresh(minutes)
    assert minutes.locked_at is not None
    assert "justerat och låst" in board.get(here).text


DRAFT_SHA256 = re.compile(r'<input type="hidden" name="draft_sha256" value="([0-9a-f]{64})">')


CLOSE_BOX = (
    '<input type="checkbox" id="f-confirm_items_not_dealt_with" name="confirm_items_not_dealt_with" '
    'value="1" required'
)


def test_closing_with_items_not_dealt_with_takes_a_second_step_with_a_box_to_tick(
    board: TestClient, meeting: Meeting, session
) -> None:
    """Closing is final. With an item not taken up, "Avsluta mötet" leads to a page that names it and asks
    the chair to tick that she closes anyway; a close without the tick is refused by the box and the meeting
    stays open."""
    taken = meetings.add_agenda_item(
        session, meeting=meeting, data=AgendaItemCreate(kind="procedural", title="Val av mötesordförande")
    )
    left = meetings.add_agenda_item(
        session, meeting=meeting, data=AgendaItemCreate(kind="board_proposal", title="Verksamhetsplan 2027")
    )
    conduct.take_up(session, meeting=meeting, item=taken, now=NOW)
    here = f"/meetings/{meeting.id}"
    page = board.get(here).text
    assert f'<form method="get" action="{here}/close" class="inline">' in page
    assert f'<form method="post" action="{here}/close"' not in page
    step = board.get(f"{here}/close")
    assert step.status_code == 200
    assert '<p id="not-dealt-with">1 punkt på dagordningen är inte behandlad:</p>' in step.text
    assert f'<li><a href="{here}#item-{left.id}">Verksamhetsplan 2027</a></li>' in step.text
    assert "Val av mötesordförande" not in step.text
    assert CLOSE_BOX in step.text
    assert f'<input type="hidden" name="items_not_dealt_with" value="{left.id}">' in step.text
    assert '<label for="f-confirm_items_not_dealt_with">Jag vill avsluta mötet ändå</label>' in step.text
    assert "Ett avslutat möte kan inte öppnas igen" in step.text

    refused = post(board, f"{here}/close", f"{here}/close", {})

    assert refused.status_code == 422
    assert (
        '<p class="error" id="e-confirm_items_not_dealt_with">Punkter på dagordningen är inte behandlade. '
        "Kryssa i att du vill avsluta mötet ändå, eller behandla dem först.</p>" in refused.text
    )
    assert "Verksamhetsplan 2027</a></li>" in refused.text
    session.refresh(meeting)
    assert (meeting.status, meeting.closed_at) == (MeetingStatus.open, None)
    confirmed = {"confirm_items_not_dealt_with": "1", "items_not_dealt_with": [str(left.id)]}
    closed = post(board, f"{here}/close", f"{here}/close", confirmed)
    assert (closed.status_code, closed.headers["location"]) == (303, f"{here}#minutes")
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.closed
    # Closed, the meeting has nothing to close: the second step's address leads to its page.
    assert board.get(f"{here}/close").headers["location"] == here


CHANGED = (
    '<p class="error" id="e-confirm_items_not_dealt_with">Punkterna som inte är behandlade har ändrats sedan '
    "listan visades. Läs listan som den är nu och kryssa i igen för att avsluta mötet ändå.</p>"
)


def test_a_close_confirmed_on_a_list_that_has_changed_since_is_refused_with_the_list_as_it_is(
    board: TestClient, meeting: Meeting, session
) -> None:
    """The confirmation names the items its page listed. An item added after the page was shown, or one
    dealt with meanwhile, makes the list the chair ticked another than the items left: the page comes back
    with the items left now and a message by the box, and the meeting stays open."""
    seen = meetings.add_agenda_item(
        session, meeting=meeting, data=AgendaItemCreate(kind="board_proposal", title="Verksamhetsplan 2027")
    )
    here = f"/meetings/{meeting.id}"
    step = board.get(f"{here}/close").text
    token = form_token(step)
    listed = re.findall(r'<input type="hidden" name="items_not_dealt_with" value="(\d+)">', step)
    assert listed == [str(seen.id)]
    added = meetings.add_agenda_item(
        session, meeting=meeting, data=AgendaItemCreate(kind="procedural", title="Övriga frågor")
    )
    ticked = {"csrf_token": token, "confirm_items_not_dealt_with": "1", "items_not_dealt_with": listed}

    refused = board.post(f"{here}/close", data=ticked)

    assert refused.status_code == 422
    assert CHANGED in refused.text
    assert '<p id="not-dealt-with">2 punkter på dagordningen är inte behandlade:</p>' in refused.text
    assert f'<li><a href="{here}#item-{added.id}">Övriga frågor</a></li>' in refused.text
    assert f'<input type="hidden" name="items_not_dealt_with" value="{added.id}">' in refused.text
    assert CLOSE_BOX in refused.text
    assert 'value="1" required checked' not in refused.text
    session.refresh(meeting)
    assert (meeting.status, meeting.closed_at) == (MeetingStatus.open, None)
    # One of the listed items dealt with meanwhile: the list the chair ticked names it, so refused too.
    both = [str(seen.id), str(added.id)]
    conduct.take_up(session, meeting=meeting, item=seen, now=NOW)
    again = post(board, f"{here}/close", f"{here}/close", {**ticked, "items_not_dealt_with": both})
    assert again.status_code == 422
    assert CHANGED in again.text
    assert "Verksamhetsplan 2027</a></li>" not in again.text
    # A page from before the ids were sent (ticked, none listed) is refused the same way, not let through.
    stale = post(board, f"{here}/close", f"{here}/close", {"confirm_items_not_dealt_with": "1"})
    assert stale.status_code == 422
    assert CHANGED in stale.text
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.open
    closed = post(
        board, f"{here}/close", f"{here}/close", {**ticked, "items_not_dealt_with": [str(added.id)]}
    )
    assert closed.status_code == 303
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.closed
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "meeting_closed")).one()
    assert json.loads(event.payload)["items_not_dealt_with"] == [{"id": added.id, "title": "Övriga frågor"}]


def test_a_meeting_with_every_item_dealt_with_closes_with_one_tap(
    board: TestClient, meeting: Meeting, session
) -> None:
    item = meetings.add_agenda_item(
        session,
        meeting=meeting,
        data=AgendaItemCreate(kind="procedural", title="Stämmans avslutande", is_closing=True),
    )
    conduct.take_up(session, meeting=meeting, item=item, now=NOW)
    here = f"/meetings/{meeting.id}"
    page = board.get(here).text
    assert f'<form method="post" action="{here}/close" class="inline">' in page
    assert CLOSE_BOX not in page
    assert post(board, here, f"{here}/close", {}).status_code == 303
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.closed


def test_a_meeting_with_a_vote_open_is_not_closed(board: TestClient, meeting: Meeting, session) -> None:
    open_vote(
        board, meeting, method="open", question="Köper föreningen en projektor?", decision_kind="ordinary"
    )
    here = f"/meetings/{meeting.id}"
    refused = post(board, here, f"{here}/close", {})
    assert refused.status_code == 409
    assert (
        '<div class="alert" role="alert">Avsluta alla omröstningar innan mötet avslutas.</div>'
        in refused.text
    )
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.open


def test_a_meeting_closed_before_its_officials_were_recorded_still_gets_its_minutes(
    board: TestClient, assembly: Assembly, meeting: Meeting, session
) -> None:
    """The chair closed the meeting without recording whom it chose: the refusal to draw up the minutes asks
    for the officials, and the closed meeting's page leads to their form until the minutes are drawn up."""
    here = f"/meetings/{meeting.id}"
    assert post(board, here, f"{here}/close", {}).status_code == 303
    refused = post(board, here, f"{here}/minutes", {})
    assert "Välj ordförande, sekreterare och två justerare innan protokollet upprättas." in refused.text
    assert f'href="{here}/officials"' in refused.text
    ids = assembly.ids()
    chosen = {
        "chair_member_id": ids[0],
        "secretary_member_id": ids[1],
        "adjuster1_member_id": ids[3],
        "adjuster2_member_id": ids[2],
    }
    recorded = post(board, f"{here}/officials", f"{here}/officials", chosen)
    assert recorded.status_code == 303, recorded.text
    assert post(board, here, f"{here}/minutes", {}).status_code == 303
    assert session.scalar(select(func.count(Minutes.id)).where(Minutes.meeting_id == meeting.id)) == 1
    shown = board.get(here).text
    assert "Protokoll, version 1 (PDF)" in shown
    assert f'href="{here}/officials"' not in shown  # the minutes name them now
    late = post(board, f"{here}/officials", f"{here}/officials", {**chosen, "secretary_member_id": ids[4]})
    assert late.status_code == 422
    assert "Mötet är avslutat." in late.text
    session.refresh(meeting)
    assert meeting.secretary_member_id == ids[1]


def test_an_adjuster_who_read_a_draft_redrawn_since_is_told_to_read_it_again(
    board: TestClient, voters: list[TestClient], meeting: Meeting, assembly: Assembly, session, clock
) -> None:
    """The page she read offered one draft; the board redrew the minutes before she pressed the button. Her
    approval is refused by the page, in Swedish, and the page now offers the new draft."""
    ids = assembly.ids()
    officials = {
        "chair_member_id": ids[0],
        "secretary_member_id": ids[1],
        "adjuster1_member_id": ids[3],
        "adjuster2_member_id": ids[4],
    }
    page, here = f"/meetings/{meeting.id}/officials", f"/meetings/{meeting.id}"
    assert post(board, page, page, officials).status_code == 303
    assert post(board, here, f"{here}/close", {}).status_code == 303
    assert post(board, here, f"{here}/minutes", {}).status_code == 303
    minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    adjuster = voters[3]
    read_page = adjuster.get(here).text
    [read] = DRAFT_SHA256.findall(read_page)
    clock["now"] += timedelta(hours=1)
    assert post(board, here, f"{here}/minutes", {}).status_code == 303

    refused = adjuster.post(
        f"/meetings/minutes/{minutes.id}/approve",
        data={"csrf_token": form_token(read_page), "draft_sha256": read},
    )

    assert refused.status_code == 422
    assert "Protokollet har upprättats på nytt sedan du öppnade sidan." in refused.text
    session.refresh(minutes)
    assert minutes.approvals == []
    [offered] = DRAFT_SHA256.findall(refused.text)
    assert offered == minutes.sha256 != read


def test_a_member_submits_a_motion_and_the_board_answers_it(
    board: TestClient, voters: list[TestClient], assembly: Assembly, session, clock
) -> None:
    meeting = plan(session, held_on=TODAY + timedelta(days=40))
    page = f"/meetings/{meeting.id}/motion"
    assert "Lämna en motion" in voters[4].get(f"/meetings/{meeting.id}").text
    empty = post(voters[4], page, page, {"title": "Replokal", "text": ""})
    assert empty.status_code == 422
    assert 'id="e-text"' in empty.text
    assert 'value="Replokal"' in empty.text
    assert not session.get(Meeting, meeting.id).items
    submitted = post(voters[4], page, page, {"title": "Replokal", "text": "Hyr en replokal."})
    assert submitted.status_code == 303
    session.refresh(meeting)
    item = meeting.items[0]
    # She lands on her motion, not on the agenda's first item, told in its card that it was received; the
    # board lands on the motion it answered.
    here = f"/meetings/{meeting.id}"
    assert submitted.headers["location"] == f"{here}?motion={item.id}&done=motion_submitted#done"
    shown = confirmed(
        voters[4], submitted, "Din motion är inlämnad. Styrelsen yttrar sig över den före mötet."
    )
    card = shown[shown.index(f'<li class="card" id="item-{item.id}">') :]
    assert card.index('id="done"') < card.index("<h3>Replokal</h3>")  # in her card, above its title
    assert shown.count('id="done"') == 1  # not above the page as well
    # Another member given her address reads the sentence above the page, never in a card of someone else's.
    forged = voters[3].get(submitted.headers["location"]).text
    assert forged.index('id="done"') < forged.index('<ol class="agenda">')
    answer = f"{here}/items/{item.id}/answer"
    assert voters[4].get(answer).status_code == 403
    answered = post(board, answer, answer, {"board_answer": "Styrelsen tillstyrker."})
    assert (answered.status_code, answered.headers["location"]) == (303, f"{here}#item-{item.id}")
    shown = voters[0].get(f"/meetings/{meeting.id}").text
    assert "Styrelsens yttrande:" in shown
    assert "Styrelsen tillstyrker." in shown
    assert assembly.members[4].member.full_name in shown
    # So does the board that adds an item of its own.
    items = f"/meetings/{meeting.id}/items"
    added = post(board, items, items, {"kind": "board_proposal", "title": "Verksamhetsplan 2027", "text": ""})
    session.refresh(meeting)
    assert added.headers["location"] == f"/meetings/{meeting.id}#item-{meeting.items[-1].id}"


def test_notice_attendance_proxies_and_opening_through_the_forms(
    board: TestClient, assembly: Assembly, session, clock
) -> None:
    meeting = plan(session)
    here = f"/meetings/{meeting.id}"
    without = post(board, f"{here}/open", f"{here}/open", {"override_reason": "", "early_opening_reason": ""})
    assert without.status_code == 422
    assert 'id="e-override_reason"' in without.text
    assert session.get(Meeting, meeting.id).status == MeetingStatus.planned
    assert post(board, f"{here}/notice", f"{here}/notice", {"text": "Välkomna i dag."}).status_code == 303
    shown = board.get(here).text
    assert 'Kallelsen gick ut <time class="nowrap" datetime="2026-11-20">2026-11-20</time>.' in shown
    assert "Kallelsen gick ut senare än röstreglerna tillåter." in shown
    assert "Köad som e-post till varje medlem med e-postadress" in shown  # the worker sends it
    notices = session.scalars(select(OutgoingMail).where(OutgoingMail.template == "meeting_notice")).all()
    assert len(notices) == len(assembly.ids())
    ids = assembly.ids()
    attendance = f"{here}/attendance"
    assert post(board, attendance, attendance, {"present_member_id": ids[0]}).status_code == 303
    twice = post(board, attendance, attendance, {"present_member_id": ids[0]})
    assert twice.status_code == 422
    assert (
        '<p class="error" id="e-present_member_id">Medlemmen är redan registrerad som närvarande.</p>'
        in twice.text
    )
    proxy = {
        "principal_member_id": ids[4],
        "attendee_member_id": ids[0],
        "dated": "2026-11-01",
        "signed": "1",
    }
    form = board.get(attendance).text
    assert '<input type="checkbox" id="f-signed" name="signed" value="1" required' in form
    assert "daterad och undertecknad av medlemmen (lag 2018:672, 6 kap. 4 §)" in form
    # The box left unticked: refused by the box, what was chosen kept, nothing stored.
    unsigned = post(board, attendance, f"{here}/proxies", {k: v for k, v in proxy.items() if k != "signed"})
    assert unsigned.status_code == 422
    assert (
        '<p class="error" id="e-signed">En fullmakt gäller bara om medlemmen har undertecknat den. Kryssa i '
        "rutan när du har sett medlemmens underskrift.</p>" in unsigned.text
    )
    assert 'value="2026-11-01"' in unsigned.text
    session.refresh(meeting)
    assert meeting.proxies == []
    assert post(board, attendance, f"{here}/proxies", proxy).status_code == 303
    assert "röstar för" in board.get(attendance).text
    assert "(fullmakt daterad" in board.get(attendance).text
    session.refresh(meeting)
    assert [p.signed for p in meeting.proxies] == [True]
    opened = post(board, f"{here}/open", f"{here}/open", {"override_reason": "Brådskande beslut."})
    assert opened.status_code == 303
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.open
    assert meeting.notice_override_reason == "Brådskande beslut."


def test_a_per_capsulam_decision_is_answered_by_the_board(
    board: TestClient, voters: list[TestClient], assembly: Assembly, session, clock
) -> None:
    answer = post(
        board, "/meetings/per-capsulam", "/meetings/per-capsulam", {"question": "Köp en projektor?"}
    )
    assert answer.status_code == 303
    page = answer.headers["location"]
    for client in voters[:3]:
        assert post(client, page, f"{page}/ballot", {"choice": "yes"}).status_code == 303
    assert post(board, page, f"{page}/close", {}).status_code == 303
    result = board.get(page).text
    assert '<p class="outcome"><strong>Bifall</strong></p>' in result
    assert "3 av 3 styrelseledamöter svarade." in result
    assert "Krav: alla styrelseledamöter nådda och eniga." in result


def test_the_start_page_shows_a_members_waiting_vote_and_the_boards_meetings(
    board: TestClient, voters: list[TestClient], meeting: Meeting
) -> None:
    vote_id = open_vote(
        board, meeting, method="open", question="Ska vi ha sommarfest?", decision_kind="ordinary"
    )
    start = voters[0].get("/").text
    assert "Omröstningar som väntar på dig:" in start
    assert f'href="/meetings/votes/{vote_id}"' in start
    assert "Ska vi ha sommarfest?" not in voters[4].get("/").text  # not present: not hers to cast
    assert "Möten att förbereda eller leda:" in board.get("/").text


def test_the_start_page_lists_a_meeting_under_way_apart_from_those_to_come(
    voters: list[TestClient], session, meeting: Meeting
) -> None:
    """The member looking for the meeting she sits in finds it as under way, not among the coming ones."""
    plan(session, title="Extra stämma 2027", held_on=TODAY + timedelta(days=40), kind=MeetingKind.EXTRA)
    start = voters[0].get("/").text
    under_way, _, after = start.partition("Kommande möten:")
    coming = after.partition("</ul>")[0]
    assert "Pågår nu:" in under_way
    assert f'<a href="/meetings/{meeting.id}">Årsmöte 2026</a>' in under_way
    assert "Extra stämma 2027" in coming
    assert "Årsmöte 2026" not in coming


def test_the_meeting_list_runs_as_many_statements_for_a_hundred_meetings_as_for_two(
    board: TestClient, session, rulebook, count_statements
) -> None:
    def statements() -> int:
        with count_statements() as counter:
            assert board.get("/meetings").status_code == 200
        return counter.count

    for n in range(2):
        plan(session, title=f"Möte {n}")
    few = statements()
    for n in range(98):
        plan(session, title=f"Möte {n + 2}", held_on=TODAY - timedelta(days=n))
    assert statements() == few


def test_the_majority_is_said_in_words_from_either_shape_of_a_result() -> None:
    structured = majority_words(
        {"majority": {"rule": "share", "share": "2/3", "at_least": True, "base": "votes_cast"}}
    )
    prose = majority_words({"majority_required": "at least 2/3 of votes cast"})
    assert structured == prose
    assert structured.message == "at least %(share)s of the votes cast"
    assert structured.values == {"share": "2/3"}
    assert majority_words({"majority_required": "the 2 candidate(s) with most votes"}).values == {"seats": 2}
    assert majority_words({"majority": {"rule": "unanimous_board"}}).message.startswith("every board member")
    assert majority_words({"majority_required": "something else"}) is None


def test_the_notice_says_its_timing_and_its_e_mail_as_two_sentences(
    board: TestClient, meeting: Meeting, session
) -> None:
    # The two sentences come from two template lines; the line break between them was trimmed away, so a
    # phone showed "Det är inom röstreglernas tid.Inte skickad med e-post".
    meetings.record_notice_mail(session, meeting=meeting, status="not_configured", detail=None)
    shown = board.get(f"/meetings/{meeting.id}").text
    said = "Det är inom den tid stadgarna anger. Inte skickad med e-post: ingen e-postserver är inställd."
    assert said in shown


def test_a_member_is_not_told_how_the_notice_e_mail_went_only_the_board_is(
    board: TestClient, voters: list[TestClient], meeting: Meeting, session
) -> None:
    """Sending the notice another way is the board's to do: the member reads when the notice went out, not
    that no mail server is set up."""
    meetings.record_notice_mail(session, meeting=meeting, status="not_configured", detail=None)
    assert "ingen e-postserver är inställd" in board.get(f"/meetings/{meeting.id}").text
    member_page = voters[3].get(f"/meetings/{meeting.id}").text  # not on the board
    assert "Kallelsen gick ut" in member_page
    assert "ingen e-postserver är inställd" not in member_page


def test_a_closed_meeting_shows_the_board_no_empty_work_panel(
    board: TestClient, meeting: Meeting, session
) -> None:
    assert 'id="board-work"' in board.get(f"/meetings/{meeting.id}").text
    meetings.close_meeting(session, meeting=meeting, now=NOW)
    assert 'id="board-work"' not in board.get(f"/meetings/{meeting.id}").text


def test_a_closed_vote_is_avslutad_and_a_closed_meeting_avslutat() -> None:
    """En omröstning is avslutad, ett möte avslutat: one English word, two Swedish."""
    from kooperativet.web.i18n import translations
    from kooperativet.web.meeting_words import MEETING_STATUSES, VOTE_STATUSES

    swedish = translations("sv")
    assert swedish.gettext(VOTE_STATUSES["closed"]) == "Avslutad"
    assert swedish.gettext(MEETING_STATUSES["closed"]) == "Avslutat"
    assert swedish.gettext("That is within the rulebook's time.") == "Det är inom den tid stadgarna anger."
