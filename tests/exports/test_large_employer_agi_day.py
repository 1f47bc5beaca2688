"""An employer whose VAT base is above 40 million kronor a year declares its AGI on the 26th and still pays
by the 12th (the 17th in January): skatteförfarandelagen 26 kap. 30 § and 62 kap. 3 § (docs/exports.md)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.core.calendar import is_bank_day
from kooperativet.exports.formats import agi
from tests.exports.conftest import ApprovedRun

EXPORTS = "/api/v1/exports"


@pytest.mark.parametrize(
    ("period", "declared", "paid"),
    [
        ("202610", date(2026, 11, 26), date(2026, 11, 12)),
        ("202607", date(2026, 8, 26), date(2026, 8, 12)),  # no 17th in August: only small employers have it
        ("202612", date(2027, 1, 26), date(2027, 1, 18)),  # January: paid by the 17th, a Sunday in 2027
        ("202611", date(2026, 12, 28), date(2026, 12, 14)),  # the 26th a Saturday, the 12th a Saturday
        ("202605", date(2026, 6, 26), date(2026, 6, 12)),
    ],
)
def test_a_large_employer_declares_on_the_26th_and_pays_by_the_12th(
    period: str, declared: date, paid: date
) -> None:
    large = {"period": period, "is_bank_day": is_bank_day, "vat_base_above_40_million": True}
    assert agi.agi_due_date(**large) == declared
    assert agi.tax_payment_due_date(**large) == paid


def test_boxing_day_moves_the_november_declaration_of_a_large_employer() -> None:
    """The 26th of December is a public holiday: November's AGI is due on the next weekday, the 29th in
    2025 (Saturday 27th, Sunday 28th) when the holidays are known, the 26th itself when only weekends are."""
    assert agi.agi_due_date(period="202511", is_bank_day=is_bank_day, vat_base_above_40_million=True) == date(
        2025, 12, 29
    )
    assert agi.agi_due_date(period="202511", vat_base_above_40_million=True) == date(2025, 12, 26)


@pytest.mark.parametrize("period", ["202601", "202607", "202611", "202612"])
def test_a_small_employer_pays_on_the_day_it_declares(period: str) -> None:
    small = {"period": period, "is_bank_day": is_bank_day}
    assert agi.tax_payment_due_date(**small) == agi.agi_due_date(**small)


def test_the_month_end_and_the_agi_batch_follow_the_setting_when_it_was_made(
    api: TestClient, session: Session, make_user, approved_run: ApprovedRun, export_day: date
) -> None:
    admin = make_user(Role.admin)
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    owed = api.get("/api/v1/treasurer/overview?month=2026-11", headers=headers).json()["skatteverket"]
    assert (owed["due_date"], owed["declaration_due_date"]) == ("2026-12-14", "2026-12-14")
    small = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert small.status_code == 201, small.text

    version = api.get("/api/v1/cooperative", headers=admin.headers).json()["version"]
    changed = api.patch(
        "/api/v1/cooperative",
        json={"version": version, "vat_base_above_40_million": True},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["vat_base_above_40_million"] is True

    owed = api.get("/api/v1/treasurer/overview?month=2026-11", headers=headers).json()["skatteverket"]
    # Paid by the 12th (a Saturday: the 14th), declared by the 26th (a Saturday, the 27th a Sunday: the 28th).
    assert (owed["due_date"], owed["declaration_due_date"]) == ("2026-12-14", "2026-12-28")
    batches = {batch["id"]: batch for batch in api.get(EXPORTS, headers=headers).json()["items"]}
    assert batches[small.json()["id"]]["due_date"] == "2026-12-14"  # made under the 12th, kept so

    refused = api.patch(
        "/api/v1/cooperative",
        json={"version": version + 1, "vat_base_above_40_million": None},
        headers=admin.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "vat_base_above_40_million"
