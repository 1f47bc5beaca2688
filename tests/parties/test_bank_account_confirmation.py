"""R12 b: a confirmation confirms only the change the confirmer reviewed, and removing the salary account
waits for a second person like any other change of it; going back to the confirmed account needs nobody."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.parties.models import Member, SalaryAccount
from kooperativet.payroll.service import salary_account_problem
from tests.mailbox import Mailbox
from tests.notifications.conftest import html_of, text_of

MEMBERS = "/api/v1/members"
NEW_ACCOUNT = {"bank_clearing_number": "5000", "bank_account_number": "1234560"}
SWAPPED_ACCOUNT = {"bank_clearing_number": "5000", "bank_account_number": "7654324"}
NO_ACCOUNT = {"bank_clearing_number": None, "bank_account_number": None, "bank_iban": None}
CONFIRMED_ACCOUNT = {"bank_clearing_number": "6000", "bank_account_number": "123456789", "bank_iban": None}


def _events(session: Session, kind: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(event.payload) for event in rows]


def _read(api: TestClient, member_id: int, headers: dict[str, str]) -> dict:
    return api.get(f"{MEMBERS}/{member_id}", headers=headers).json()


def _change(api: TestClient, member_id: int, headers: dict[str, str], **fields: str | None) -> dict:
    version = _read(api, member_id, headers)["version"]
    response = api.patch(f"{MEMBERS}/{member_id}", json={"version": version, **fields}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _confirm(api: TestClient, member_id: int, headers: dict[str, str], *, version: int):
    return api.post(f"{MEMBERS}/{member_id}/bank-account/confirm", json={"version": version}, headers=headers)


def _accounts(body: dict) -> tuple[tuple[str | None, ...], bool, tuple[str | None, ...]]:
    """(confirmed, whether a removal waits, pending) as the API reads them."""
    return (
        (body["bank_clearing_number"], body["bank_account_number"], body["bank_iban"]),
        body["bank_account_removal_pending"],
        (body["pending_clearing_number"], body["pending_account_number"], body["pending_iban"]),
    )


# --- the confirmation names what was reviewed -------------------------------------------------------------


def test_an_account_swapped_after_the_review_is_refused_and_not_confirmed(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()
    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)
    reviewed = _read(api, mia.member.id, colleague.headers)  # she reviews 5000-****4560
    _change(api, mia.member.id, treasurer.headers, **SWAPPED_ACCOUNT)  # swapped before her click

    refused = _confirm(api, mia.member.id, colleague.headers, version=reviewed["version"])

    assert (refused.status_code, refused.json()["code"]) == (409, "version_conflict")
    assert _accounts(_read(api, mia.member.id, colleague.headers)) == (
        ("6000", "123456789", None),
        False,
        ("5000", "7654324", None),
    )
    assert _events(session, "member_bank_account_confirmed") == []

    reviewed_again = _read(api, mia.member.id, colleague.headers)
    confirmed = _confirm(api, mia.member.id, colleague.headers, version=reviewed_again["version"])

    assert confirmed.status_code == 200, confirmed.text
    assert _accounts(confirmed.json())[0] == ("5000", "7654324", None)
    assert _events(session, "member_bank_account_confirmed")[0]["account"] == "5000-****4324"


def test_a_confirmation_without_a_version_confirms_what_waits_as_it_did_before_versions(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    """An API client written before the version existed still confirms, the second person still required;
    the web's form always names the version."""
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()
    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)

    own = api.post(f"{MEMBERS}/{mia.member.id}/bank-account/confirm", headers=treasurer.headers)
    confirmed = api.post(f"{MEMBERS}/{mia.member.id}/bank-account/confirm", headers=colleague.headers)

    assert own.status_code == 403
    assert confirmed.status_code == 200, confirmed.text
    assert _accounts(confirmed.json())[0] == ("5000", "1234560", None)
    assert len(_events(session, "member_bank_account_confirmed")) == 1


def test_a_version_that_is_no_number_is_a_422(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()
    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)

    refused = api.post(
        f"{MEMBERS}/{mia.member.id}/bank-account/confirm", json={"version": "new"}, headers=colleague.headers
    )

    assert refused.status_code == 422
    assert _read(api, mia.member.id, colleague.headers)["bank_account_number"] == "123456789"
    assert _events(session, "member_bank_account_confirmed") == []


# --- removing the account ----------------------------------------------------------------------------------


def test_removing_the_account_waits_for_a_second_person_and_salary_is_paid_to_it_meanwhile(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()

    body = _change(api, mia.member.id, treasurer.headers, **NO_ACCOUNT)

    assert _accounts(body) == (("6000", "123456789", None), True, (None, None, None))
    [event] = _events(session, "member_bank_account_changed")
    assert (event["old"], event["new"], event["waits_for_confirmation"]) == ("6000-****6789", None, True)
    session.expire_all()
    member = session.get_one(Member, mia.member.id)
    assert member.salary_account == SalaryAccount(clearing_number="6000", account_number="123456789")
    assert salary_account_problem(member) is None  # payroll still pays her confirmed account

    refused = _confirm(api, mia.member.id, treasurer.headers, version=body["version"])
    confirmed = _confirm(api, mia.member.id, colleague.headers, version=body["version"])

    assert (refused.status_code, refused.json()["code"]) == (403, "entered_by_you")
    assert confirmed.status_code == 200, confirmed.text
    assert _accounts(confirmed.json()) == ((None, None, None), False, (None, None, None))
    [confirmation] = _events(session, "member_bank_account_confirmed")
    assert (confirmation["confirmed_by_user_id"], confirmation["account"]) == (colleague.user.id, None)


def test_going_back_to_the_confirmed_account_withdraws_a_waiting_removal_at_once(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()
    _change(api, mia.member.id, treasurer.headers, **NO_ACCOUNT)

    body = _change(api, mia.member.id, treasurer.headers, **CONFIRMED_ACCOUNT)

    assert _accounts(body) == (("6000", "123456789", None), False, (None, None, None))
    assert [e["waits_for_confirmation"] for e in _events(session, "member_bank_account_changed")] == [
        True,
        False,
    ]


def test_a_new_account_entered_over_a_waiting_removal_waits_in_its_place(
    api: TestClient, make_user, make_member
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()
    _change(api, mia.member.id, treasurer.headers, **NO_ACCOUNT)

    body = _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)

    assert _accounts(body) == (("6000", "123456789", None), False, ("5000", "1234560", None))


def test_once_the_member_confirmed_the_removal_removing_again_is_no_change(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()
    removed = _change(api, mia.member.id, treasurer.headers, **NO_ACCOUNT)
    assert _confirm(api, mia.member.id, mia.headers, version=removed["version"]).status_code == 200

    body = _change(api, mia.member.id, treasurer.headers, **NO_ACCOUNT)

    assert _accounts(body) == ((None, None, None), False, (None, None, None))
    assert len(_events(session, "member_bank_account_changed")) == 1


def test_the_member_is_told_the_removal_waits_and_her_salary_is_paid_until_it_is_confirmed(
    api: TestClient, make_user, make_member, mailbox: Mailbox
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()

    _change(api, mia.member.id, treasurer.headers, **NO_ACCOUNT)

    [message] = mailbox.to(mia.user.email)
    text = text_of(message)
    assert "Följande av dina uppgifter i medlemsregistret har ändrats: bankkonto för lön." in text
    assert "Bankkontot för lön tas bort först när du eller någon annan på kansliet har bekräftat" in text
    assert "Det nya bankkontot" not in text
    assert "tas bort först" in html_of(message)


# --- the member's login: who "the member herself" is ------------------------------------------------------


def test_a_login_linked_while_a_change_waits_could_confirm_it_so_linking_waits_too(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    """The member may confirm her own new account. Were the office allowed to link her record to another login
    while the change waits, the person who entered the account could link a login she holds and confirm it
    "as the member": one person alone would redirect the salary."""
    treasurer, stranger, mia = make_user(Role.treasurer), make_user(Role.board), make_member()
    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)
    version = _read(api, mia.member.id, treasurer.headers)["version"]

    relinked = api.patch(
        f"{MEMBERS}/{mia.member.id}",
        json={"version": version, "user_id": stranger.user.id},
        headers=treasurer.headers,
    )
    as_stranger = _confirm(api, mia.member.id, stranger.headers, version=version)

    assert (relinked.status_code, relinked.json()["code"]) == (409, "bank_account_pending")
    assert relinked.json()["field"] == "user_id"
    assert _read(api, mia.member.id, treasurer.headers)["user_id"] == mia.user.id
    assert as_stranger.status_code in (403, 404)
    assert _events(session, "member_bank_account_confirmed") == []
    assert _events(session, "member_login_changed") == []
    # The member herself, linked before the change was entered, still confirms it.
    assert _confirm(api, mia.member.id, mia.headers, version=version).status_code == 200


def test_changing_a_members_login_is_audited_with_who_did_it(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, new_login, mia = make_user(Role.treasurer), make_user(Role.member), make_member()

    _change(api, mia.member.id, treasurer.headers, user_id=new_login.user.id)
    _change(api, mia.member.id, treasurer.headers, user_id=None)

    assert _events(session, "member_login_changed") == [
        {
            "member_id": mia.member.id,
            "changed_by_user_id": treasurer.user.id,
            "old_user_id": mia.user.id,
            "new_user_id": new_login.user.id,
        },
        {
            "member_id": mia.member.id,
            "changed_by_user_id": treasurer.user.id,
            "old_user_id": new_login.user.id,
            "new_user_id": None,
        },
    ]
