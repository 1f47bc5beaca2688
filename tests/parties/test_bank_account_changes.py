"""R12 b: a changed bank account is audited, paid only once a second person confirms."""

from __future__ import annotations

import json
from email.header import decode_header, make_header

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role

MEMBERS = "/api/v1/members"
NEW_ACCOUNT = {"bank_clearing_number": "5000", "bank_account_number": "1234560"}


def _events(session: Session, kind: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(event.payload) for event in rows]


def _change(api: TestClient, member_id: int, headers: dict[str, str], **fields: str) -> dict:
    version = api.get(f"{MEMBERS}/{member_id}", headers=headers).json()["version"]
    response = api.patch(f"{MEMBERS}/{member_id}", json={"version": version, **fields}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


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
    }


def test_the_one_who_entered_the_account_cannot_confirm_it_but_another_treasurer_can(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    treasurer, colleague, mia = make_user(Role.treasurer), make_user(Role.admin), make_member()
    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)
    confirm = f"{MEMBERS}/{mia.member.id}/bank-account/confirm"

    refused = api.post(confirm, headers=treasurer.headers)
    confirmed = api.post(confirm, headers=colleague.headers)

    assert refused.status_code == 403
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["bank_account_number"] == "1234560"
    assert confirmed.json()["pending_account_number"] is None
    assert _events(session, "member_bank_account_confirmed")[0]["confirmed_by_user_id"] == colleague.user.id
    assert api.post(confirm, headers=colleague.headers).json()["code"] == "nothing_to_confirm"


def test_the_member_herself_can_confirm_the_account_the_office_entered(
    api: TestClient, make_user, make_member
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()
    _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)

    confirmed = api.post(f"{MEMBERS}/{mia.member.id}/bank-account/confirm", headers=mia.headers)

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
    api: TestClient, app, make_user, make_member, unused_tcp_port: int
) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    treasurer, mia = make_user(Role.treasurer), make_member()
    controller = Controller(Collect(), hostname="127.0.0.1", port=unused_tcp_port)
    controller.start()
    try:
        app.state.settings = app.state.settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": unused_tcp_port, "smtp_starttls": False}
        )
        _change(api, mia.member.id, treasurer.headers, **NEW_ACCOUNT)
    finally:
        controller.stop()

    [message] = received
    assert message["To"] == mia.user.email
    assert str(make_header(decode_header(message["Subject"]))) == "Ändrade uppgifter i medlemsregistret"
    text = message.get_payload(decode=True).decode()
    assert "bankkonto för lön" in text
    assert "1234560" not in text


@pytest.fixture
def unused_tcp_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
