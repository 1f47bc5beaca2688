"""The notice given on the meeting's page reaches a member whose address is on her login only, as every
other message reaches her; one with no address anywhere is left out, and the page says the e-mail went to each
member with an address, or that nobody has one and the notice must go out another way. When some are left out
the board reads how many, and who still has no address, to call them by post; a member reads neither. So with
the e-mail telling a changed start time: the board reads how many it could not tell, under the changed
time."""

from __future__ import annotations

from datetime import time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.mail import recipient
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Member
from tests.governance.conftest import TODAY, Assembly
from tests.web.test_meetings import (
    assembly,
    board,
    client_for,
    clock,
    mail_server,  # noqa: F401  (autouse: a mail server is set, so the notice queues its e-mails)
    plan,
    post,
    rulebook,
)

__all__ = ["assembly", "board", "clock", "rulebook"]


def give_notice(board: TestClient, meeting_id: int) -> str:
    here = f"/meetings/{meeting_id}"
    assert post(board, f"{here}/notice", f"{here}/notice", {"text": "Välkomna."}).status_code == 303
    return board.get(here).text


def notices(session: Session) -> dict[int | None, list[str]]:
    query = select(OutgoingMail).where(OutgoingMail.template == "meeting_notice")
    return {mail.member_id: mail.to_addresses for mail in session.scalars(query)}


def test_the_notice_from_the_page_reaches_a_member_at_the_address_on_her_login(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    login_only, unreachable = assembly.members[3], assembly.members[4]
    login_only.member.email = None
    unreachable.member.email = None
    unreachable.member.user_id = None
    session.flush()

    shown = give_notice(board, plan(session).id)

    assert notices(session) == {
        a.member.id: [recipient(a.member.full_name, a.member.email or a.user.email)]
        for a in assembly.members[:4]
    }
    assert notices(session)[login_only.member.id] == [
        recipient(login_only.member.full_name, login_only.user.email)
    ]
    # The board reads how many were left out and who, to call them another way.
    assert (
        "Köad som e-post till 4 medlemmar; 1 saknar e-postadress och behöver kallas på annat sätt." in shown
    )
    assert f"Saknar e-postadress nu: {unreachable.member.full_name}." in shown


def test_a_notice_that_reaches_every_member_says_so_without_a_count(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    shown = give_notice(board, plan(session).id)

    assert len(notices(session)) == len(assembly.members)
    assert "Köad som e-post till varje medlem med e-postadress" in shown
    assert "saknar e-postadress" not in shown.lower()


def test_only_the_board_reads_who_was_left_out_of_the_notice(
    app, board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    unreachable = assembly.members[4]
    unreachable.member.email = None
    unreachable.member.user_id = None
    session.flush()
    meeting_id = plan(session).id
    give_notice(board, meeting_id)

    not_on_the_board = client_for(app, assembly.members[3].user.email)
    member = not_on_the_board.get(f"/meetings/{meeting_id}").text
    assert "Kallelsen gick ut" in member
    assert "saknar e-postadress" not in member.lower()
    assert unreachable.member.full_name not in member


def test_the_page_says_so_when_nobody_has_an_address_anywhere(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    for actor in assembly.members:
        actor.member.email = None
        actor.member.user_id = None
    session.flush()

    shown = give_notice(board, plan(session).id)

    assert notices(session) == {}
    assert "Inte skickad med e-post: ingen av de kallade har en e-postadress." in shown


# --- the e-mail with a changed start time ------------------------------------------------------------------

NOT_TOLD = "1 saknar e-postadress och behöver få den nya tiden på annat sätt."


def change_time(board: TestClient, meeting_id: int, starts_at: str) -> str:
    here = f"/meetings/{meeting_id}"
    answer = post(board, here, f"{here}/starts-at", {"starts_at": starts_at})
    assert answer.status_code == 303, answer.text
    return board.get(here).text


def noticed_at_six(board: TestClient, session: Session) -> int:
    """An annual meeting a month ahead at 18.00, its notice given on its page to every member."""
    meeting = plan(session, held_on=TODAY + timedelta(days=30))
    meeting.starts_at = time(18, 0)
    session.flush()
    give_notice(board, meeting.id)
    return meeting.id


def without_address_after_the_notice(assembly: Assembly, session: Session) -> Member:
    """A member who lost her address after the notice, and has no login: the new time cannot reach her by
    e-mail."""
    unreachable = assembly.members[4].member
    unreachable.email = None
    unreachable.user_id = None
    session.flush()
    return unreachable


def test_the_board_reads_how_many_the_new_time_could_not_reach_and_who(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = noticed_at_six(board, session)
    unreachable = without_address_after_the_notice(assembly, session)

    shown = change_time(board, meeting_id, "18:30")

    changed = shown.split('<p class="time-changed">', 1)[1].split("</p>", 1)[0]
    assert "ändrades starttiden från 18:00 till 18:30." in changed
    assert f"Köad som e-post till 4 medlemmar; {NOT_TOLD}" in changed
    # The notice reached everyone, and says so; the names are those who have no address now.
    assert "Köad som e-post till varje medlem med e-postadress" in shown
    assert f"Saknar e-postadress nu: {unreachable.full_name}." in shown


def test_a_new_time_that_reaches_every_member_says_so_without_a_count(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    shown = change_time(board, noticed_at_six(board, session), "18:30")

    changed = shown.split('<p class="time-changed">', 1)[1].split("</p>", 1)[0]
    assert "De kallade får den nya tiden med e-post" in changed
    assert "saknar e-postadress" not in shown.lower()


def test_only_the_board_reads_who_the_new_time_could_not_reach(
    app, board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = noticed_at_six(board, session)
    unreachable = without_address_after_the_notice(assembly, session)
    change_time(board, meeting_id, "18:30")

    not_on_the_board = client_for(app, assembly.members[3].user.email)
    member = not_on_the_board.get(f"/meetings/{meeting_id}").text
    assert "ändrades starttiden från 18:00 till 18:30." in member
    assert "saknar e-postadress" not in member.lower()
    assert "Köad som e-post" not in member
    assert unreachable.full_name not in member


def test_the_banner_right_after_the_change_says_how_many_it_could_not_reach(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = noticed_at_six(board, session)
    without_address_after_the_notice(assembly, session)
    here = f"/meetings/{meeting_id}"

    answer = post(board, here, f"{here}/starts-at", {"starts_at": "18:30"})
    assert answer.headers["location"] == f"{here}?time=changed"
    shown = board.get(answer.headers["location"]).text

    banner = shown.split('<div class="notice" role="status">', 1)[1].split("</div>", 1)[0]
    assert banner == f"Starttiden är ändrad. Köad som e-post till 4 medlemmar; {NOT_TOLD}"
