"""Removing a member pseudonymises what bookkeeping law does not require and keeps the rest for 7 years."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User
from kooperativet.parties.models import Member

MEMBERS = "/api/v1/members"


def _leave(session: Session, member: Member) -> None:
    member.left_on = date(2025, 6, 30)
    member.street, member.phone = "Storgatan 1", "070-123 45 67"
    session.flush()


def test_removal_clears_contact_bank_and_login_and_keeps_what_bookkeeping_law_requires(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    admin, mia = make_user(Role.admin), make_member()
    email, number = mia.user.email, mia.member.personal_identity_number
    mia.member.bank_iban = "SE3550000000054910000003"
    _leave(session, mia.member)

    response = api.post(f"{MEMBERS}/{mia.member.id}/pseudonymise", headers=admin.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    removed = body["member"]
    assert (removed["first_name"], removed["last_name"]) == ("Borttagen", f"medlem {mia.member.id}")
    assert removed["email"] is None
    assert removed["street"] is None
    assert removed["phone"] is None
    assert removed["bank_account_number"] is None
    assert removed["bank_iban"] is None
    assert removed["user_id"] is None
    # Kept: the AGI underlag (SFF 39 kap.) and the membership period (BFL 7 kap. 2 §).
    assert removed["personal_identity_number"] == number
    assert (removed["birth_date"], removed["joined_on"], removed["left_on"]) == (
        "1990-05-14",
        "2025-01-01",
        "2025-06-30",
    )
    assert len(removed["tax_settings"]) == 1
    assert body["retained_until"] == "2032-12-31"
    session.expire_all()
    user = session.get_one(User, mia.user.id)
    assert not user.is_active
    assert user.email != email
    assert api.get("/api/v1/auth/me", headers=mia.headers).status_code == 401


def test_removal_clears_the_iban_of_a_member_who_gave_only_an_iban_and_a_pending_one(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    admin, mia = make_user(Role.admin), make_member()
    mia.member.bank_clearing_number = mia.member.bank_account_number = None
    mia.member.bank_iban = "SE3550000000054910000003"
    mia.member.pending_iban = "SE6950000000050001234560"
    _leave(session, mia.member)

    response = api.post(f"{MEMBERS}/{mia.member.id}/pseudonymise", headers=admin.headers)

    assert response.status_code == 200, response.text
    removed = response.json()["member"]
    assert (removed["bank_iban"], removed["pending_iban"], removed["bank_clearing_number"]) == (
        None,
        None,
        None,
    )
    stored = session.execute(
        text("SELECT bank_iban, pending_iban FROM members WHERE id = :id"), {"id": mia.member.id}
    ).one()
    assert tuple(stored) == (None, None)


def test_a_current_member_cannot_be_removed_and_nobody_twice(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    admin, mia = make_user(Role.admin), make_member()
    url = f"{MEMBERS}/{mia.member.id}/pseudonymise"

    assert api.post(url, headers=admin.headers).json()["code"] == "member_not_left"
    _leave(session, mia.member)
    assert api.post(url, headers=admin.headers).status_code == 200
    assert api.post(url, headers=admin.headers).json()["code"] == "already_removed"
