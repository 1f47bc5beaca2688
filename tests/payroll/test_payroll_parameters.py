"""Dated parameters wired to the calculation: one source of values, corrected by an admin with a date."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.parameters.catalog import DEFAULTS
from kooperativet.payroll.calculation import ContributionCategory, contribution_category
from kooperativet.payroll.parameters import payroll_parameters_on


def test_the_seeded_values_for_2025_and_2026_are_what_payroll_uses(session: Session, payroll_ready) -> None:
    loaded_2025 = payroll_parameters_on(session, pay_date=date(2025, 11, 25))
    loaded_2026 = payroll_parameters_on(session, pay_date=date(2026, 11, 25))
    assert loaded_2025.parameters.sink_rate.value == Decimal("0.25")
    assert loaded_2026.parameters.sink_rate.value == Decimal("0.225")
    youth = loaded_2026.parameters.contribution_rules[1]
    assert (youth.category, youth.monthly_cap, youth.paid_from) == (
        ContributionCategory.YOUTH, Decimal("25000.00"), date(2026, 4, 1),
    )  # fmt: skip
    assert all(use.parameter_id is not None and use.source for use in loaded_2026.used)
    seeded = {(d.key, d.valid_from) for d in DEFAULTS if d.key == "employer_contribution_rules"}
    assert seeded == {
        ("employer_contribution_rules", date(2025, 1, 1)),
        ("employer_contribution_rules", date(2026, 1, 1)),
    }


def test_an_admin_adds_next_years_rules_over_the_api_and_payroll_uses_them_from_that_date(
    api: TestClient, session: Session, payroll_ready, make_user
) -> None:
    admin = make_user(Role.admin)
    rules = [
        {"category": "none", "rate": "0", "source": "Skatteverket", "born_to": 1937},
        {"category": "full", "rate": "0.30", "source": "a future budget", "born_from": 1938},
    ]
    body = {"valid_from": "2027-01-01", "value": json.dumps(rules), "source": "budget 2027 (test)"}
    created = api.post(
        "/api/v1/parameters/employer_contribution_rules/values", json=body, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    overlapping = api.post(
        "/api/v1/parameters/employer_contribution_rules/values", json=body, headers=admin.headers
    )
    assert overlapping.status_code == 409
    loaded = payroll_parameters_on(session, pay_date=date(2027, 1, 25))
    rules_2027 = loaded.parameters.contribution_rules
    assert contribution_category(
        birth_date=date(2004, 8, 30), pay_date=date(2027, 1, 25), rules=rules_2027
    ) == (ContributionCategory.FULL)
    assert rules_2027[1].rate.value == Decimal("0.30")
    used = {use.key: use for use in loaded.used}
    assert used["employer_contribution_rules"].parameter_id == created.json()["id"]
    before = payroll_parameters_on(session, pay_date=date(2026, 12, 25)).parameters.contribution_rules
    assert any(rule.category is ContributionCategory.YOUTH for rule in before)
