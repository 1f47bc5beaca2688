"""Warnings, not errors: a long period, the member's SÄVA thresholds, a fee below the minimum day rate."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.parameters import service as parameters_service
from tests.assignments.factories import approve, assignment_body, register, submit


def codes(assignment: dict) -> list[str]:
    return [w["code"] for w in assignment["warnings"]]


def test_a_period_of_three_months_is_fine_and_one_day_more_is_warned(
    api: TestClient, make_member, client_record
) -> None:
    member = make_member()
    three = register(
        api,
        member.headers,
        assignment_body(client_record.id, period_start="2026-01-05", period_end="2026-04-04"),
    )
    longer = register(
        api,
        member.headers,
        assignment_body(client_record.id, period_start="2026-01-05", period_end="2026-04-05"),
    )
    assert codes(three) == []
    assert codes(longer) == ["period_over_three_months"]
    assert "semesterlagen 5 §" in longer["warnings"][0]["message"]


def test_a_fee_below_the_minimum_day_rate_in_force_is_warned(
    api: TestClient, session: Session, make_member, client_record
) -> None:
    member = make_member()
    parameters_service.add_value(
        session, key="minimum_day_rate", valid_from=date(2026, 1, 1), value="3200.00", source="test"
    )
    low = register(api, member.headers, assignment_body(client_record.id))
    assert codes(low) == ["below_minimum_day_rate"]
    assert "3000.00 kr per day, below the minimum day rate of 3200.00 kr" in low["warnings"][0]["message"]
    by_hours = assignment_body(
        client_record.id,
        extent_quantity="16",
        extent_unit="hours",
        lines=[
            {
                "description": "Timmar",
                "quantity": "16",
                "unit": "HUR",
                "unit_price": "400.00",
                "vat_rate": "25",
            }
        ],
    )
    assert codes(register(api, member.headers, by_hours)) == []  # 6 400 kr for two 8-hour days


def test_a_public_client_without_a_reference_is_warned(api: TestClient, make_member, client_record) -> None:
    member = make_member()
    created = register(api, member.headers, assignment_body(client_record.id, buyer_reference=None))
    assert codes(created) == ["buyer_reference_missing"]


def test_passing_nine_months_of_save_is_warned_and_the_treasurer_confirms_it(
    api: TestClient, make_member, make_user, cooperative, client_record
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)
    # 268 days in 2025: over three months, so the treasurer confirms that warning first.
    long = submit(
        api,
        member.headers,
        register(
            api,
            member.headers,
            assignment_body(client_record.id, period_start="2025-01-01", period_end="2025-09-25"),
        ),
    )
    approve(api, treasurer.headers, long, confirm=True)

    new = register(api, member.headers, assignment_body(client_record.id))
    assert codes(new) == ["save_preferential_right"]
    assert "passes on 2026-10-07 270 counted days in 3 years (271 days then)" in new["warnings"][0]["message"]
    counter = api.get(
        f"/api/v1/members/{member.member.id}/save-counter",
        params={"on": "2025-12-31"},
        headers=member.headers,
    ).json()
    assert (counter["days_in_3_years"], counter["preferential_right_passed"]) == (268, False)

    submitted = submit(api, member.headers, new)
    refused = api.post(
        f"/api/v1/assignments/{new['id']}/approve",
        json={"version": submitted["version"]},
        headers=treasurer.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "warnings_not_confirmed"
    assert [w["code"] for w in refused.json()["warnings"]] == ["save_preferential_right"]
    assert api.get(f"/api/v1/assignments/{new['id']}", headers=member.headers).json()["status"] == "submitted"

    approved = approve(api, treasurer.headers, submitted, confirm=True)
    assert approved["warnings_confirmed"] is True
    assert codes(approved) == ["save_preferential_right"]
    # Recorded at approval: the same warnings are shown afterwards, even though the count has moved on.
    again = api.get(f"/api/v1/assignments/{new['id']}", headers=treasurer.headers).json()
    assert again["warnings"] == approved["warnings"]
    counter = api.get(
        f"/api/v1/members/{member.member.id}/save-counter",
        params={"on": "2026-10-09"},
        headers=member.headers,
    ).json()
    assert counter["days_in_3_years"] == 273
    assert counter["days_in_5_years"] == 273
    # The first employment ended more than six months before the second began: a run of its own.
    assert counter["days_in_successive_employments"] == 5
    assert counter["preferential_right_passed"] is True
    assert counter["conversion_passed"] is False
    assert counter["employments"] == 2
