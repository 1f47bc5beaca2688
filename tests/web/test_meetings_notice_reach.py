"""The notice given on the meeting's page reaches a member whose address is on her login only, as every
other message reaches her; one with no address anywhere is left out, and the page says the e-mail went to each
member with an address, or that nobody has one and the notice must go out another way."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.mail import recipient
from kooperativet.mail.models import OutgoingMail
from tests.governance.conftest import Assembly
from tests.web.test_meetings import assembly, board, clock, plan, post, rulebook

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
    assert "Köad som e-post till varje medlem med e-postadress" in shown


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
