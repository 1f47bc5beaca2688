"""The law caps the reminder fee (lag (1981:739) 4 § andra stycket 1: 60 kr since 2013-03-16, 50 kr in
förordningen (1981:1057) before): the cap is a dated parameter of its own, and a reminder fee above the cap in
force on its valid-from date is refused in the service, the API and on the admin's page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.errors import RuleViolation
from kooperativet.parameters import service
from kooperativet.parameters.catalog import DEFAULTS
from tests.web.conftest import browser_client, form_token, sign_in

__all__ = ["browser_client"]


def test_the_cap_is_seeded_with_its_law_and_every_seeded_fee_stays_within_it(session: Session) -> None:
    service.seed_defaults(session)
    before = service.value_in_force(session, key="reminder_fee_max", on=date(2013, 3, 15))
    now = service.value_in_force(session, key="reminder_fee_max", on=date(2026, 12, 7))
    assert (before.as_decimal(), now.as_decimal()) == (Decimal("50.00"), Decimal("60.00"))
    assert now.valid_from == date(2013, 3, 16)
    assert "Lag (1981:739)" in now.source
    assert "4 § andra stycket 1" in now.source
    assert "SFS 2013:56" in now.source
    assert "förordningen (1981:1057)" in before.source.lower()
    for fee in (default for default in DEFAULTS if default.key == "reminder_fee"):
        cap = service.value_in_force(session, key="reminder_fee_max", on=fee.valid_from)
        assert Decimal(fee.value) <= cap.as_decimal()


def test_a_fee_up_to_the_cap_is_stored_and_one_above_it_refused_naming_the_cap(session: Session) -> None:
    service.seed_defaults(session)
    service.add_value(
        session, key="reminder_fee", valid_from=date(2027, 1, 1), value="60.00", source="Styrelsen"
    )

    with pytest.raises(RuleViolation) as refused:
        service.add_value(
            session, key="reminder_fee", valid_from=date(2027, 2, 1), value="60.01", source="Styrelsen"
        )

    assert refused.value.code == "invalid_parameter_value"
    assert refused.value.extra["field"] == "value"
    assert refused.value.extra["maximum"] == "60.00"
    assert "reminder_fee may be at most 60.00 kr from 2027-02-01" in refused.value.detail
    assert "Lag (1981:739)" in refused.value.detail
    assert service.value_in_force(session, key="reminder_fee", on=date(2027, 2, 1)).value == "60.00"


def test_a_fee_is_held_to_the_cap_of_its_own_date(session: Session) -> None:
    service.seed_defaults(session)
    # 55 kr was lawful in 2013 after 16 March, not in 2012 (50 kr in förordningen (1981:1057)).
    service.add_value(session, key="reminder_fee", valid_from=date(2013, 4, 1), value="55.00", source="x")
    with pytest.raises(RuleViolation, match=r"at most 50\.00 kr from 2012-01-01"):
        service.add_value(session, key="reminder_fee", valid_from=date(2012, 1, 1), value="55.00", source="x")
    # A cap lowered later binds the fees from its date, not the ones before it.
    service.add_value(session, key="reminder_fee_max", valid_from=date(2028, 1, 1), value="45.00", source="x")
    service.add_value(session, key="reminder_fee", valid_from=date(2027, 12, 31), value="60.00", source="x")
    with pytest.raises(RuleViolation, match=r"at most 45\.00 kr from 2028-01-01"):
        service.add_value(session, key="reminder_fee", valid_from=date(2028, 1, 1), value="50.00", source="x")


def test_without_a_cap_in_force_on_its_date_a_fee_is_refused_not_stored_unchecked(session: Session) -> None:
    service.seed_defaults(session)
    with pytest.raises(
        RuleViolation, match="no value of reminder_fee_max is in force on 2003-06-30"
    ) as refused:
        service.add_value(
            session, key="reminder_fee", valid_from=date(2003, 6, 30), value="10.00", source="x"
        )
    assert (refused.value.code, refused.value.extra["field"]) == ("missing_parameter", "valid_from")


def test_the_api_refuses_a_fee_above_the_cap_with_problem_details_naming_the_field_and_the_cap(
    api: TestClient, make_user, session: Session
) -> None:
    service.seed_defaults(session)
    admin = make_user(Role.admin)
    body = {"valid_from": "2027-01-01", "value": "75.00", "source": "Styrelsen 2026-12-01, § 4"}

    answer = api.post("/api/v1/parameters/reminder_fee/values", json=body, headers=admin.headers)

    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "invalid_parameter_value"
    assert problem["errors"] == [{"field": "value", "reason": problem["detail"]}]
    assert (problem["maximum"], problem["maximum_key"], problem["maximum_valid_from"]) == (
        "60.00",
        "reminder_fee_max",
        "2013-03-16",
    )
    assert "at most 60.00 kr" in problem["detail"]
    assert "Lag (1981:739) om ersättning för inkassokostnader m.m. 4 § andra stycket 1" in problem["detail"]
    fees = api.get("/api/v1/parameters/reminder_fee", headers=admin.headers).json()["values"]
    assert [fee["value"] for fee in fees] == ["60.00"]
    body["value"] = "60.00"
    assert (
        api.post("/api/v1/parameters/reminder_fee/values", json=body, headers=admin.headers).status_code
        == 201
    )


def test_the_admins_page_says_the_cap_and_its_law_next_to_the_value(
    browser_client: TestClient, make_user, session: Session
) -> None:
    service.seed_defaults(session)
    sign_in(browser_client, make_user(Role.admin).user.email)
    page = browser_client.get("/office/parameters/reminder_fee").text
    form = {"valid_from": "2027-01-01", "value": "75", "source": "Styrelsen", "csrf_token": form_token(page)}

    answer = browser_client.post("/office/parameters/reminder_fee", data=form)

    assert answer.status_code == 422
    said = (
        '<p class="error" id="e-value">Lagen tillåter högst 60,00\N{NO-BREAK SPACE}kr från det datumet: '
        "Lag (1981:739) om ersättning för inkassokostnader m.m. 4 § andra stycket 1 (SFS 2013:56): högst "
        "60 kr för en skriftlig betalningspåminnelse; beloppet stod tidigare i förordningen (1981:1057).</p>"
    )
    assert said in answer.text
    assert 'value="75"' in answer.text
    cap = browser_client.get("/office/parameters/reminder_fee_max").text
    assert "Högsta tillåtna påminnelseavgift" in cap
    assert "60,00\N{NO-BREAK SPACE}kr" in cap
