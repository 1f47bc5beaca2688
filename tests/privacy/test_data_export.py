from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, AssignmentLine, Expense
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.core.vat import VatCategory
from kooperativet.parties.models import Client


def test_a_member_exports_everything_stored_about_them_and_nothing_secret(
    api: TestClient, session: Session, make_member, client_record: Client
) -> None:
    member = make_member()
    other = make_member()
    for owner, title in ((member, "Skrivarverkstad"), (other, "Someone else's work")):
        assignment = Assignment(
            member_id=owner.member.id,
            client_id=client_record.id,
            title=title,
            description="",
            period_start=date(2026, 10, 5),
            period_end=date(2026, 10, 9),
            extent_quantity=Decimal("5"),
            extent_unit=ExtentUnit.days,
            status=AssignmentStatus.draft,
        )
        assignment.lines = [
            AssignmentLine(
                position=1,
                description="Workshopdagar",
                quantity=Decimal("5"),
                unit="DAY",
                unit_price=Decimal("3200.00"),
                vat_category=VatCategory.STANDARD,
                vat_rate=Decimal("25"),
            )
        ]
        assignment.expenses = [
            Expense(
                spent_on=date(2026, 10, 5),
                description="Tåg",
                amount=Decimal("1178.00"),
                vat_rate=Decimal("6"),
            )
        ]
        session.add(assignment)
    session.flush()

    response = api.get(f"/api/v1/members/{member.member.id}/data-export", headers=member.headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["member"]["personal_identity_number"] == member.member.personal_identity_number
    assert data["member"]["bank_account_number"] == "123456789"
    assert data["user"]["email"] == member.user.email
    assert "password_hash" not in data["user"]
    assert [a["title"] for a in data["assignments"]] == ["Skrivarverkstad"]
    [assignment] = data["assignments"]
    assert assignment["lines"][0]["unit_price"] == "3200.00"
    assert assignment["expenses"][0]["amount"] == "1178.00"
    assert [s["mode"] for s in data["tax_settings"]] == ["flat"]
    assert data["invoices"] == data["payslips"] == data["employments"] == []
    assert "Someone else's work" not in response.text


def test_another_member_s_export_is_not_found(api: TestClient, make_member) -> None:
    member, other = make_member(), make_member()
    response = api.get(f"/api/v1/members/{other.member.id}/data-export", headers=member.headers)
    assert response.status_code == 404
