"""The meeting notice (kallelse) and the e-mail of a changed start time reach a member where every other
message reaches her (``notifications.member_recipients``): at her record's address, else at her login's. Until
2026-12-07 they went only to an address on the member's record, so a member whose address was on her login
only got the vote notices but not the kallelse to the annual meeting. A member with neither is left out and
counted (``without_address``), so the board knows to call her another way, and who gets the notice and who is
left out are found in as many statements for thirty members as for three."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.governance.meetings import create_meeting, notice_reach
from kooperativet.governance.models import Meeting, MeetingKind
from kooperativet.mail import recipient
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Language, Member
from tests.governance.conftest import MEETING_DAY, TODAY, Assembly
from tests.governance.test_meetings_api import API, plan_meeting
from tests.statement_count import counted


def mails(session: Session, template: str) -> dict[int | None, OutgoingMail]:
    """The messages of ``template`` by the member each is addressed to."""
    query = select(OutgoingMail).where(OutgoingMail.template == template)
    return {mail.member_id: mail for mail in session.scalars(query)}


def give_notice(api: TestClient, assembly: Assembly, meeting_id: int) -> dict[str, object]:
    url = f"{API}/meetings/{meeting_id}/notice"
    sent = api.post(url, json={"text": "Välkomna"}, headers=assembly.officer.headers)
    assert sent.status_code == 200, sent.text
    return sent.json()


def test_a_member_with_her_address_on_her_login_only_gets_the_notice_and_the_new_time(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    login_only, unreachable = assembly.members[3], assembly.members[4]
    login_only.member.email = None
    login_only.member.language = Language.en
    # No address on her record and no login: the board reaches her another way.
    unreachable.member.email = None
    unreachable.member.user_id = None
    session.flush()
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")

    notice = give_notice(api, assembly, meeting_id)

    # The one with no address anywhere is counted, so the board knows to call her another way.
    assert (notice["mail_status"], notice["without_address"]) == ("queued", 1)
    assert (
        notice["mail_detail"]
        == "queued for 4 member(s); 1 without an e-mail address, to be called another way"
    )
    read = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers).json()
    assert (read["notice_mail_detail"], read["notice_without_address"]) == (notice["mail_detail"], 1)
    # Kept as counts of their own on the meeting, read by the page and the API, not out of the detail's words.
    stored = session.get_one(Meeting, meeting_id)
    session.refresh(stored)
    assert (stored.notice_mail_queued, stored.notice_without_address) == (4, 1)
    reached = assembly.members[:4]
    noticed = mails(session, "meeting_notice")
    assert {i: mail.to_addresses for i, mail in noticed.items()} == {
        a.member.id: [recipient(a.member.full_name, a.member.email or a.user.email)] for a in reached
    }
    hers = noticed[login_only.member.id]
    assert hers.to_addresses == [recipient(login_only.member.full_name, login_only.user.email)]
    # In her language, greeted by her first name, as every other message to her.
    assert hers.language == "en"
    assert hers.text_body.startswith("Hello Mia,")

    moved = api.put(
        f"{API}/meetings/{meeting_id}/starts-at",
        json={"starts_at": "18:30"},
        headers=assembly.officer.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["time_change_mail_detail"] == "queued for 4 member(s)"
    told = mails(session, "meeting_time_changed")
    assert {i: mail.to_addresses for i, mail in told.items()} == {
        i: mail.to_addresses for i, mail in noticed.items()
    }


def test_a_board_member_with_her_address_on_her_login_only_gets_the_board_meetings_notice(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    chair, _, login_only = assembly.members[:3]
    login_only.member.email = None
    session.flush()
    meeting_id = plan_meeting(api, assembly, kind="board", title="Styrelsemöte")

    notice = give_notice(api, assembly, meeting_id)

    assert (notice["mail_status"], notice["mail_detail"]) == ("queued", "queued for 3 member(s)")
    assert notice["without_address"] == 0
    noticed = mails(session, "meeting_notice")
    assert sorted(noticed) == sorted(assembly.ids()[:3])
    assert noticed[login_only.member.id].to_addresses == [
        recipient(login_only.member.full_name, login_only.user.email)
    ]
    assert noticed[chair.member.id].to_addresses == [recipient(chair.member.full_name, chair.member.email)]


def test_nobody_with_any_address_queues_nothing_and_says_so(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    for actor in assembly.members:
        actor.member.email = None
        actor.member.user_id = None
    session.flush()
    meeting_id = plan_meeting(api, assembly)

    notice = give_notice(api, assembly, meeting_id)

    assert (notice["mail_status"], notice["without_address"]) == ("no_recipients", len(assembly.members))
    assert f"{len(assembly.members)} without an e-mail address" in notice["mail_detail"]
    read = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers).json()
    assert read["notice_without_address"] == len(assembly.members)
    assert mails(session, "meeting_notice") == {}


def test_who_gets_the_notice_is_found_in_as_many_statements_for_thirty_members_as_for_three(
    session: Session, connection: Connection, make_user, rulebook: int
) -> None:
    meeting = create_meeting(
        session, kind=MeetingKind.ANNUAL, title="Årsmöte 2027", held_on=MEETING_DAY, location=None
    )
    counts, added = [], 0
    for count in (3, 30):
        # Every other member has her address on her login only; every third has none at all.
        for index in range(count):
            number = added + index
            login = make_user(Role.member).user if number % 3 else None
            session.add(
                Member(
                    first_name="Mia",
                    last_name=f"Medlem {number}",
                    joined_on=date(2025, 1, 1),
                    user_id=login.id if login else None,
                    email=f"mia.{number}@example.se" if number % 2 else None,
                )
            )
        added += count
        session.flush()
        with counted(connection) as statements:
            found = notice_reach(session, meeting=meeting, today=TODAY)
        counts.append(statements.count)
        reachable = [n for n in range(added) if n % 3 or n % 2]
        assert [r.full_name for r in found.recipients] == [f"Mia Medlem {n}" for n in reachable]
        # Those with no address anywhere are named apart, for the board to call another way.
        assert found.unreached == [f"Mia Medlem {n}" for n in range(added) if n not in reachable]

    assert counts[0] == counts[1]
