"""The log page names people: each login and member an event names by id is shown by name, read for the whole
page in a constant number of statements, with the id only where two bear the same name; a removed member is
never named again, nor through a login that was hers; no secret ballot's event names a member (docs/audit.md,
"Reading the log over the API and on the web"; docs/personal-data.md; docs/ballot-secrecy.md)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role, User
from kooperativet.parties.models import Member
from kooperativet.privacy.removal import pseudonymise_member
from kooperativet.web.audit_words import FIELDS, LOGINS, MEMBERS
from tests.governance.conftest import Assembly, assembly, clock, rulebook, small_tally_keys  # noqa: F401
from tests.governance.test_secret_ballots import TELLERS, secret_vote
from tests.web.conftest import sign_in
from tests.web.test_office_audit import PAGE, appended

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def auditor(browser_client, make_user):
    actor = make_user(Role.auditor)
    sign_in(browser_client, actor.user.email)
    return actor


def named(session: Session, actor, name: str) -> None:
    """Give a login (and its member, when it has one) a name of its own: every test login is "Test Person"."""
    actor.user.full_name = name
    member = getattr(actor, "member", None)
    if member is not None:
        member.first_name, member.last_name = name.split(" ", 1)
    session.flush()


def details(html: str, event: AuditEvent) -> str:
    """The text of one event's row on the page."""
    row = re.search(rf'<tr id="event-{event.id}">(.*?)</tr>', html, re.S)
    assert row is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1)))


def test_logins_and_members_are_shown_by_name(
    browser_client, session, auditor, make_user, make_member
) -> None:
    treasurer, voter, adjuster = make_user(Role.treasurer), make_member(), make_member()
    named(session, treasurer, "Karin Kassör")
    named(session, voter, "Dagny Ek")
    named(session, adjuster, "Bertil Holm")
    payment = appended(
        session, "payment_recorded", payment_id=6, amount="100.00", recorded_by_id=treasurer.user.id
    )
    cast = appended(
        session,
        "vote_cast",
        vote_id=2,
        member_id=voter.member.id,
        cast_by_member_id=voter.member.id,
        choice="no",
    )
    locked = appended(
        session, "minutes_locked", minutes_id=1, approved_by=[adjuster.member.id, voter.member.id]
    )

    html = browser_client.get(PAGE).text

    assert "Registrerad av (inloggning) Karin Kassör " in details(html, payment)
    assert "Avgiven av (medlem) Dagny Ek " in details(html, cast)
    assert "Medlem Dagny Ek " in details(html, cast)
    assert "Justerat av (medlemmar) Bertil Holm, Dagny Ek " in details(html, locked)
    # The stored event is what it was: ids.
    stored = json.loads(session.get(AuditEvent, payment.id).payload)
    assert stored["recorded_by_id"] == treasurer.user.id


def test_the_id_tells_apart_two_who_bear_the_same_name(
    browser_client, session, auditor, make_user, make_member
) -> None:
    first, second, unique = make_user(Role.treasurer), make_user(Role.admin), make_user(Role.admin)
    named(session, first, "Karin Kassör")
    named(session, second, "Karin Kassör")
    named(session, unique, "Ada Admin")
    members = [make_member(), make_member()]
    for actor in members:
        named(session, actor, "Mia Medlem")
    event = appended(
        session,
        "member_login_changed",
        member_id=members[0].member.id,
        changed_by_user_id=first.user.id,
        old_user_id=unique.user.id,
        new_user_id=second.user.id,
    )

    text = details(browser_client.get(PAGE).text, event)

    assert f"Karin Kassör (inloggning {first.user.id})" in text
    assert f"Karin Kassör (inloggning {second.user.id})" in text
    assert f"Mia Medlem (medlem {members[0].member.id})" in text
    assert "Ada Admin " in text
    assert "(inloggning " + str(unique.user.id) + ")" not in text


def test_the_names_are_read_in_as_many_statements_for_many_events_as_for_two(
    browser_client, session, auditor, make_user, count_statements
) -> None:
    def statements() -> tuple[int, str]:
        with count_statements() as counter:
            answer = browser_client.get(PAGE, params={"kind": "named", "limit": 100})
            assert answer.status_code == 200
        return counter.count, answer.text

    def event_naming_new_people(i: int) -> tuple[int, int]:
        login = make_user(Role.treasurer)
        named(session, login, f"Kassör Nummer{i}")
        member = Member(first_name="Medlem", last_name=f"Nummer{i}", joined_on=date(2025, 1, 1))
        session.add(member)
        session.flush()
        appended(session, "named", by_user_id=login.user.id, member_id=member.id, member_ids=[member.id])
        return login.user.id, member.id

    # Someone's login was changed once: the page reads the links to tell which logins were a removed member's.
    appended(session, "member_login_changed", member_id=999_999, old_user_id=None, new_user_id=None)
    for i in range(2):
        event_naming_new_people(i)
    few, html = statements()
    assert "Kassör Nummer1" in html
    assert "Medlem Nummer1" in html
    for i in range(2, 60):
        event_naming_new_people(i)
    many, html = statements()
    assert "Kassör Nummer59" in html
    assert "Medlem Nummer59" in html
    assert many == few


@pytest.mark.parametrize("purged", [False, True], ids=["removed", "purged"])
def test_a_removed_member_is_not_named_again_not_even_through_a_login_that_was_hers(
    browser_client, session, auditor, make_user, make_member, purged
) -> None:
    admin = make_user(Role.admin)
    named(session, admin, "Ada Admin")
    her = make_member()
    named(session, her, "Anna Andersson")
    earlier_login = her.user  # unlinked from her record before she was removed: it keeps her name
    later_login = make_user(Role.member)
    named(session, later_login, "Anna Andersson")
    member = her.member
    events = [
        appended(
            session, "login_created", user_id=earlier_login.id, by_user_id=admin.user.id, roles=["member"]
        ),
        appended(
            session,
            "member_bank_account_confirmed",
            member_id=member.id,
            confirmed_by_user_id=earlier_login.id,  # she confirmed her own account
            account="6000-****6789",
        ),
        appended(
            session,
            "member_login_changed",
            member_id=member.id,
            changed_by_user_id=admin.user.id,
            old_user_id=earlier_login.id,
            new_user_id=later_login.user.id,
        ),
        appended(
            session, "vote_cast", vote_id=1, member_id=member.id, cast_by_member_id=member.id, choice="yes"
        ),
        appended(session, "minutes_locked", minutes_id=1, approved_by=[member.id]),
    ]
    member.user_id = later_login.user.id
    member.left_on = date(2026, 6, 30)
    session.flush()
    pseudonymise_member(session, member=member, actor=admin.user, today=date(2026, 11, 20), now=NOW)
    if purged:
        member.purged_at = NOW
        session.flush()
    assert (
        session.get(User, earlier_login.id).full_name == "Anna Andersson"
    )  # the name is still in the database

    html = browser_client.get(PAGE).text

    assert "Anna" not in html
    assert "Andersson" not in html
    for event in events[1:]:
        assert f"Borttagen medlem {member.id}" in details(html, event)
    assert f"inloggning {earlier_login.id}" in details(html, events[0])
    assert f"inloggning {earlier_login.id}" in details(html, events[1])
    assert "Ada Admin" in details(html, events[2])  # the office's own login is still named


def test_every_field_that_holds_a_login_or_a_member_is_named() -> None:
    """A field added later that names a login (``…user_id``, ``…_by_id``) or a member (``member_id…``) must
    be in LOGINS or MEMBERS, or the page would show it as a bare number again."""
    person_like = re.compile(r"(user_id|_by_id|member_id|member_ids)$|^(by|approved_by)$")
    unclassified = sorted(
        name for name in FIELDS if person_like.search(name) and name not in LOGINS | MEMBERS
    )
    assert unclassified == []
    assert not LOGINS & MEMBERS


@pytest.mark.usefixtures("small_tally_keys")
def test_no_event_of_a_secret_ballot_names_a_member(
    api: TestClient,
    browser_client,
    session,
    auditor,
    assembly: Assembly,  # noqa: F811
    clock,  # noqa: F811
) -> None:
    vote_id = secret_vote(api, assembly, clock)
    for actor, choice in zip(assembly.members, ["yes", "no", "yes", "abstain", "yes"], strict=True):
        cast = api.post(
            f"/api/v1/governance/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers
        )
        assert cast.status_code == 201, cast.text
    closing = api.post(
        f"/api/v1/governance/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers
    )
    assert closing.status_code == 200, closing.text

    of_the_vote = [
        (kind, data)
        for kind, payload in session.execute(select(AuditEvent.kind, AuditEvent.payload))
        if (data := json.loads(payload)).get("vote_id") == vote_id
    ]
    assert [kind for kind, _ in of_the_vote] == ["vote_opened", "vote_closed"]
    for _, data in of_the_vote:
        # Only the opening may name members, those disqualified (jäv) from voting at all: none here.
        assert not (set(data) & (MEMBERS - {"excluded_member_ids"})), data
        assert data.get("excluded_member_ids", []) == []
    html = browser_client.get(PAGE).text
    assert "Avgiven av" not in html  # no event says who cast a ballot
