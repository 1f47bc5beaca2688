"""A parameter the law sets anew each period (the reference rate: Riksbanken, each calendar half-year,
räntelagen (1975:635) 9 §) is said to be missing its value once a period begins without one: a rule of the
catalogue (``ParameterSpec.renewed``), checked against the day it is asked for, never against the clock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kooperativet.parameters import service
from kooperativet.parameters.catalog import CATALOG, Renewal, renewal_period


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 6, 30))),
        (date(2026, 6, 30), (date(2026, 1, 1), date(2026, 6, 30))),
        (date(2026, 7, 1), (date(2026, 7, 1), date(2026, 12, 31))),
        (date(2026, 12, 7), (date(2026, 7, 1), date(2026, 12, 31))),
    ],
)
def test_a_half_year_is_the_calendar_s(day: date, period: tuple[date, date]) -> None:
    assert renewal_period(Renewal.half_year, day) == period


def test_the_reference_rate_is_renewed_each_half_year_and_nothing_else_is() -> None:
    assert {key for key, spec in CATALOG.items() if spec.renewed} == {"reference_rate"}
    assert CATALOG["reference_rate"].renewed is Renewal.half_year


def test_a_half_year_begun_without_its_rate_is_named_with_the_rate_used_meanwhile(session: Session) -> None:
    service.seed_defaults(session)  # the newest seeded rate is from 2026-01-01
    assert service.missing_renewals(session, on=date(2026, 6, 30)) == []
    assert service.parameter(session, key="reference_rate", on=date(2026, 6, 30)).missing_renewal is None

    [missing] = service.missing_renewals(session, on=date(2026, 12, 7))
    assert (missing.key, missing.period_start, missing.period_end) == (
        "reference_rate",
        date(2026, 7, 1),
        date(2026, 12, 31),
    )
    assert (missing.in_force.valid_from, missing.in_force.value) == (date(2026, 1, 1), "0.02")
    assert (missing.in_force_period_start, missing.in_force_period_end) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
    )
    assert service.parameter(session, key="reference_rate", on=date(2026, 12, 7)).missing_renewal == missing
    # A year on, the half-year missing is the one that day falls in.
    [later] = service.missing_renewals(session, on=date(2027, 2, 1))
    assert (later.period_start, later.period_end) == (date(2027, 1, 1), date(2027, 6, 30))


def test_once_added_the_half_year_s_rate_is_not_missing(session: Session) -> None:
    service.seed_defaults(session)
    service.add_value(
        session,
        key="reference_rate",
        valid_from=date(2026, 7, 1),
        value="0.02",
        source="Riksbanken: referensräntan 2026-07-01 – 2026-12-31 (test)",
    )
    assert service.missing_renewals(session, on=date(2026, 12, 7)) == []
    # A parameter not renewed by period is never missing, however old its value.
    fee = service.parameter(session, key="fee_rate", on=date(2030, 1, 1))
    assert fee.in_force is not None
    assert fee.missing_renewal is None
