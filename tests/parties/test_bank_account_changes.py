"""R12 b: a changed bank account is audited, paid only once a second person confirms."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from tests.mailbox import Mailbox

MEMBERS = "/api/v1/members"
NEW_ACCOUNT = {"bank_clearing_number": "5000", "bank_account_number": "1234560"}


def _events(session: Session, kind: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(event.payload) for event in rows]


def _change(api: TestClient, member_id: int, headers: dict[str, str], **fields: str | None) -> dict:
    version = api.get(f"{MEMBERS}/{member_id}", headers=headers).json()["version"]
    response = api.patch(f"{MEMBERS}/{member_id}", json={"version": version, **fields}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _confirm(api: TestClient, member_id: int, headers: dict[str, str]):
    """Confirm what waits as the confirmer reads it now: with the member's current version."""
    version = api.get(f"{MEMBERS}/{member_id}", headers=headers).json()["version"]
    return api.post(f"{MEMBERS}/{member_id}/bank-account/confirm", json={"version": version}, headers=headers)


def test_a_changed_account_waits_and_salary_stays_on_the_confirmed_account(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()

    body = _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)

    assert (body["bank_clearing_number"], body["bank_account_number"]) == ("6000", "123456789")
    assert (body["pending_clearing_number"], body["pending_account_number"]) == ("5000", "1234560")
    [event] = _events(session, "member_bank_account_changed")
    assert event == {
        "member_id": mia.member.id,
        "changed_by_user_id": treasurer.user.id,
        "old": "6000-****6789",
        "new": "5000-****4560",
        "waits_for_confirmation": True,
    }


def test_the_one_who_entered_the_account_cannot_confirm_it_but_another_treasurer_can(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()
    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)

    refused = _confirm(api, mia.member.id, treasurer.headers)
    confirmed = _confirm(api, mia.member.id, colleague.headers)

    assert (refused.status_code, refused.json()["code"]) == (403, "entered_by_you")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["bank_account_number"] == "1234560"
    assert confirmed.json()["pending_account_number"] is None
    assert _events(session, "member_bank_account_confirmed")[0]["confirmed_by_user_id"] == colleague.user.id
    assert _confirm(api, mia.member.id, colleague.headers).json()["code"] == "nothing_to_confirm"


def test_the_member_herself_can_confirm_the_account_the_office_entered(
    api: TestClient, make_user, make_member
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()
    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)

    confirmed = _confirm(api, mia.member.id, mia.headers)

    assert confirmed.status_code == 200
    assert confirmed.json()["bank_account_number"] == "1234560"


def test_a_change_of_name_or_personnummer_is_audited_with_old_and_new_masked(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()

    _change(
        api, mia.member.id, treasurer.headers, first_name="Maja", personal_identity_number="19850131-5678"
    )

    [event] = _events(session, "member_identity_changed")
    assert event["changed_by_user_id"] == treasurer.user.id
    assert event["changes"] == {
        "first_name": {"old": "M**", "new": "M***"},
        "personal_identity_number": {"old": "19900514-****", "new": "19850131-****"},
    }
    assert "199005141230" not in json.dumps(event)


def test_the_member_is_told_by_email_when_smtp_is_set_up(
    api: TestClient, make_user, make_member, mailbox: Mailbox
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()

    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)

    [message] = mailbox.to(mia.user.email)
    assert message["Subject"] == "Ändrade uppgifter i medlemsregistret"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "bankkonto för lön" in text
    assert "1234560" not in text


# --- an IBAN for salary ---------------------------------------------------------------------------------

IBAN = "SE35 5000 0000 0549 1000 0003"


def test_an_iban_waits_for_confirmation_like_any_new_account_and_is_stored_encrypted(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()

    body = _change(api, mia.member.id, treasurer.headers, bank_iban=IBAN)

    assert (body["bank_clearing_number"], body["bank_account_number"], body["bank_iban"]) == (
        "6000",
        "123456789",
        None,
    )
    assert (body["pending_clearing_number"], body["pending_account_number"], body["pending_iban"]) == (
        "6000",
        "123456789",
        "SE3550000000054910000003",
    )
    [event] = _events(session, "member_bank_account_changed")
    assert (event["old"], event["new"]) == ("6000-****6789", "6000-****6789, IBAN SE35****0003")
    stored = session.execute(
        text("SELECT pending_iban FROM members WHERE id = :id"), {"id": mia.member.id}
    ).scalar_one()
    assert stored.startswith("v1:")
    assert "0549" not in stored

    confirmed = _confirm(api, mia.member.id, colleague.headers)

    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["bank_iban"], confirmed.json()["pending_iban"]) == (
        "SE3550000000054910000003",
        None,
    )
    assert _events(session, "member_bank_account_confirmed")[0]["account"] == (
        "6000-****6789, IBAN SE35****0003"
    )


def test_removing_the_iban_also_waits_for_confirmation(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()
    _change(api, mia.member.id, treasurer.headers, bank_iban=IBAN)
    _confirm(api, mia.member.id, colleague.headers)

    version = api.get(f"{MEMBERS}/{mia.member.id}", headers=treasurer.headers).json()["version"]
    body = api.patch(
        f"{MEMBERS}/{mia.member.id}", json={"version": version, "bank_iban": None}, headers=treasurer.headers
    ).json()

    assert body["bank_iban"] == "SE3550000000054910000003"
    assert (body["pending_account_number"], body["pending_iban"]) == ("123456789", None)


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"bank_iban": "SE36 5000 0000 0549 1000 0003"}, "bank_iban: the IBAN's check digit is wrong"),
        ({"bank_iban": "SE35 5000 0000 0549 1000"}, "bank_iban: the IBAN's check digit is wrong"),
        (
            {"bank_iban": "DE89 3704 0044 0532 0130 00"},
            "bank_iban: salary is paid to a Swedish account: give an IBAN starting with SE",
        ),
    ],
)
def test_a_bad_or_foreign_iban_is_refused(
    api: TestClient, make_user, make_member, fields: dict, detail: str
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()
    version = api.get(f"{MEMBERS}/{mia.member.id}", headers=treasurer.headers).json()["version"]

    response = api.patch(
        f"{MEMBERS}/{mia.member.id}", json={"version": version, **fields}, headers=treasurer.headers
    )

    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert response.json()["errors"][0]["field"] == "bank_iban"


def test_a_member_may_give_an_iban_instead_of_a_clearing_and_account_number(
    api: TestClient, make_user
) -> None:
    treasurer = make_user(Role.treasurer)
    body = {
        "first_name": "Ilse",
        "last_name": "Iban",
        "personal_identity_number": "19850131-5678",
        "bank_iban": IBAN,
        "joined_on": "2026-01-01",
    }

    response = api.post(MEMBERS, json=body, headers=treasurer.headers)

    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["bank_clearing_number"], created["bank_account_number"], created["bank_iban"]) == (
        None,
        None,
        "SE3550000000054910000003",
    )


def test_replacing_the_clearing_and_account_number_by_an_iban_alone_needs_a_second_persons_confirmation(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()
    only_iban = {"bank_clearing_number": None, "bank_account_number": None, "bank_iban": IBAN}

    body = _change(api, mia.member.id, treasurer.headers, **only_iban)

    assert (body["bank_clearing_number"], body["bank_account_number"], body["bank_iban"]) == (
        "6000",
        "123456789",
        None,
    )
    assert (body["pending_clearing_number"], body["pending_account_number"], body["pending_iban"]) == (
        None,
        None,
        "SE3550000000054910000003",
    )
    [event] = _events(session, "member_bank_account_changed")
    assert (event["old"], event["new"]) == ("6000-****6789", "IBAN SE35****0003")

    refused = _confirm(api, mia.member.id, treasurer.headers)
    confirmed = _confirm(api, mia.member.id, colleague.headers)

    assert (refused.status_code, refused.json()["code"]) == (403, "entered_by_you")
    assert confirmed.status_code == 200, confirmed.text
    after = confirmed.json()
    assert (after["bank_clearing_number"], after["bank_account_number"], after["bank_iban"]) == (
        None,
        None,
        "SE3550000000054910000003",
    )
    assert (after["pending_account_number"], after["pending_iban"]) == (None, None)
    assert _events(session, "member_bank_account_confirmed")[0]["account"] == "IBAN SE35****0003"
