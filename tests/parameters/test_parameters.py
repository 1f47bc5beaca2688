from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

# The modules that read JSON parameters hand their readers down to the catalogue when they are imported.
import kooperativet.exports.service.sie
import kooperativet.payroll.parameters  # noqa: F401
from kooperativet.auth.models import Role
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.parameters import service


def test_seeded_defaults_carry_their_sources_and_change_on_their_dates(session: Session) -> None:
    # 13 + the yearly 1 000 kr contribution threshold + the reminders' 20 (docs/reminders.md: 13 half-years of
    # the reference rate, the interest margin, the reminder fee, the law's two caps on it since 2003 and the
    # three numbers of the schedule)
    assert service.seed_defaults(session) == 34
    assert service.seed_defaults(session) == 0
    sink_2025 = service.value_in_force(session, key="sink_rate", on=date(2025, 12, 31))
    sink_2026 = service.value_in_force(session, key="sink_rate", on=date(2026, 1, 1))
    assert (sink_2025.as_decimal(), sink_2026.as_decimal()) == (Decimal("0.25"), Decimal("0.225"))
    assert "2026" in sink_2026.source
    assert service.value_in_force(session, key="fee_rate", on=date(2026, 11, 25)).as_decimal() == Decimal(
        "0.06"
    )
    threshold = service.value_in_force(session, key="employer_contribution_threshold", on=date(2026, 1, 1))
    assert threshold.value == "1000.00"
    assert "SFS 2000:980" in threshold.source
    assert "2 kap. 14 §" in threshold.source


def test_a_new_value_holds_from_its_date_and_the_old_one_before(session: Session) -> None:
    service.seed_defaults(session)
    service.add_value(
        session, key="fee_rate", valid_from=date(2027, 1, 1), value="0.055", source="Årsmötet 2026, § 12"
    )
    assert service.value_in_force(session, key="fee_rate", on=date(2026, 12, 31)).as_decimal() == Decimal(
        "0.06"
    )
    assert service.value_in_force(session, key="fee_rate", on=date(2027, 1, 1)).as_decimal() == Decimal(
        "0.055"
    )


def test_the_same_key_and_date_twice_is_a_conflict(session: Session) -> None:
    service.seed_defaults(session)
    with pytest.raises(Conflict, match="already has a value"):
        service.add_value(session, key="fee_rate", valid_from=date(2025, 1, 1), value="0.05", source="x")


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("fee_rate", "6", "between 0 and 1"),
        ("fee_rate", "abc", "decimal fraction"),
        ("minimum_day_rate", "12.345", "two decimals"),
        ("pay_on", "sometimes", "one of payment, invoice"),
        ("pay_day", "31", "between 1 and 28"),
        # A digit to ``str.isdigit`` that ``int`` cannot read, and more digits than ``int`` reads at all.
        ("pay_day", "²", "whole number"),
        ("pay_day", "-²", "whole number"),
        ("pay_day", "9" * 10_000, "whole number"),
    ],
)
def test_bad_values_are_refused_with_the_reason(session: Session, key: str, value: str, reason: str) -> None:
    with pytest.raises(RuleViolation, match=reason):
        service.add_value(session, key=key, valid_from=date(2027, 1, 1), value=value, source="test")


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        # JSON, but not what payroll or the exports read: stored, they failed every pay estimate or SIE
        # export after the value's date.
        ("employer_contribution_rules", "[]", "valid from 2027-01-01: must be a non-empty list of rules"),
        ("employer_contribution_rules", '[{"category": "full"}]', "rule 1: rate is missing"),
        ("account_map", "[]", "account_map: the account map is a JSON object"),
        ("account_map", '{"x": 1}', "account_map: the account map has no account for"),
    ],
)
def test_a_json_value_its_reader_cannot_read_is_refused_before_it_is_stored(
    session: Session, key: str, value: str, reason: str
) -> None:
    service.seed_defaults(session)
    with pytest.raises(RuleViolation, match=reason) as refused:
        service.add_value(session, key=key, valid_from=date(2027, 1, 1), value=value, source="test")
    assert refused.value.code == "invalid_parameter_value"
    assert service.value_in_force(session, key=key, on=date(2027, 1, 1)).valid_from < date(2027, 1, 1)


def test_no_value_in_force_is_a_clear_error(session: Session) -> None:
    with pytest.raises(RuleViolation, match="no value of fee_rate is in force on 2020-01-01"):
        service.value_in_force(session, key="fee_rate", on=date(2020, 1, 1))


def test_admin_adds_a_value_over_the_api_and_everyone_reads_them(
    api: TestClient, make_user, session: Session
) -> None:
    service.seed_defaults(session)
    admin, member = make_user(Role.admin), make_user(Role.member)
    body = {"valid_from": "2027-01-01", "value": "0.055", "source": "Årsmötet 2026, § 12"}
    created = api.post("/api/v1/parameters/fee_rate/values", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.json()["value"] == "0.055"
    again = api.post("/api/v1/parameters/fee_rate/values", json=body, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "overlapping_valid_from"
    read = api.get("/api/v1/parameters/fee_rate", headers=member.headers).json()
    assert [v["value"] for v in read["values"]] == ["0.06", "0.055"]
    assert (
        api.post("/api/v1/parameters/fee_rate/values", json=body, headers=member.headers).status_code == 403
    )
    assert api.get("/api/v1/parameters/no_such_thing", headers=member.headers).status_code == 404
