"""The seeded parameter defaults as calculation inputs, for pure tests (one source: parameters.catalog)."""

from __future__ import annotations

from datetime import date

from kooperativet.parameters.catalog import DEFAULTS
from kooperativet.payroll.calculation import ContributionRule, PayrollParameters, Rate
from kooperativet.payroll.parameters import ParameterUse, build_payroll_parameters


def seeded_values_on(pay_date: date) -> dict[str, ParameterUse]:
    """The seeded default of every key that is in force on ``pay_date``."""
    in_force: dict[str, ParameterUse] = {}
    for default in sorted(DEFAULTS, key=lambda value: value.valid_from):
        if default.valid_from <= pay_date:
            in_force[default.key] = ParameterUse(
                key=default.key, valid_from=default.valid_from, value=default.value, source=default.source
            )
    return in_force


def default_payroll_parameters(*, pay_date: date, fee_rate: Rate) -> PayrollParameters:
    seeded = build_payroll_parameters(seeded_values_on(pay_date))
    return PayrollParameters(
        fee_rate=fee_rate,
        holiday_pay_rate=seeded.holiday_pay_rate,
        contribution_rules=seeded.contribution_rules,
        sink_rate=seeded.sink_rate,
        asink_rate=seeded.asink_rate,
        table_surcharge_rate=seeded.table_surcharge_rate,
    )


def default_contribution_rules(pay_date: date) -> tuple[ContributionRule, ...]:
    """The seeded employer-contribution rules in force on ``pay_date``."""
    return build_payroll_parameters(seeded_values_on(pay_date)).contribution_rules
