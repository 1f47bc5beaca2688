"""The dated parameter values a payout uses, read from the parameter store and turned into calculation inputs.

The values live in ``kooperativet.parameters`` (one source, seeded with their sources, corrected by an admin
with a valid-from date); this module picks the ones in force on a pay date and converts them into
``PayrollParameters``. Each value used is kept as a ``ParameterUse`` so that a payslip stores what it used
and where it came from (payroll.md, "Dated parameters" and §5).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from kooperativet.errors import RuleViolation
from kooperativet.parameters import catalog
from kooperativet.parameters import service as parameters_service
from kooperativet.payroll.calculation import (
    ContributionCategory,
    ContributionRule,
    PayrollParameters,
    Rate,
    Threshold,
    YearBound,
)

PAYROLL_PARAMETER_KEYS = (
    "fee_rate",
    "holiday_pay_rate",
    "employer_contribution_rules",
    "sink_rate",
    "asink_rate",
    "table_surcharge_rate",
    "employer_contribution_threshold",
)
_RELATIVE_YEAR = re.compile(r"Y([+-]\d{1,3})")


class InvalidPayrollParameter(ValueError):
    """A stored parameter value that payroll cannot use; names the parameter and its valid-from date."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterUse:
    """One parameter value a payslip used: its key, valid-from date, value, source and stored row id."""

    key: str
    valid_from: date
    value: str
    source: str
    parameter_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["valid_from"] = self.valid_from.isoformat()
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedParameters:
    parameters: PayrollParameters
    used: tuple[ParameterUse, ...]


def payroll_parameters_on(session: Session, *, pay_date: date) -> LoadedParameters:
    """The payroll parameters in force on ``pay_date`` and the stored values they came from.

    A missing value is a 422 naming the parameter (``missing_parameter``); a stored value payroll cannot read
    is a 422 naming the parameter and its valid-from date.
    """
    used = tuple(
        _use(parameters_service.value_in_force(session, key=key, on=pay_date))
        for key in PAYROLL_PARAMETER_KEYS
    )
    try:
        parameters = build_payroll_parameters({use.key: use for use in used})
    except InvalidPayrollParameter as exc:
        raise RuleViolation(str(exc), code="invalid_parameter_value") from exc
    return LoadedParameters(parameters=parameters, used=used)


def _use(row: Any) -> ParameterUse:
    return ParameterUse(
        key=row.key, valid_from=row.valid_from, value=row.value, source=row.source, parameter_id=row.id
    )


def build_payroll_parameters(values: Mapping[str, ParameterUse]) -> PayrollParameters:
    """``PayrollParameters`` from the values in force, keyed by parameter key (``PAYROLL_PARAMETER_KEYS``)."""
    missing = [key for key in PAYROLL_PARAMETER_KEYS if key not in values]
    if missing:
        raise InvalidPayrollParameter(f"payroll needs the parameters {', '.join(missing)}")
    rules = values["employer_contribution_rules"]
    try:
        data = json.loads(rules.value)
    except json.JSONDecodeError as exc:
        raise InvalidPayrollParameter(_where(rules, f"not JSON: {exc.msg}")) from None
    return PayrollParameters(
        fee_rate=_rate(values["fee_rate"]),
        holiday_pay_rate=_rate(values["holiday_pay_rate"]),
        contribution_rules=contribution_rules_from_json(data, valid_from=rules.valid_from),
        sink_rate=_rate(values["sink_rate"]),
        asink_rate=_rate(values["asink_rate"]),
        table_surcharge_rate=_rate(values["table_surcharge_rate"]),
        contribution_threshold=_threshold(values["employer_contribution_threshold"]),
    )


def contribution_rules_from_json(data: Any, *, valid_from: date) -> tuple[ContributionRule, ...]:
    """Employer-contribution rules from the ``employer_contribution_rules`` JSON (payroll.md §2).

    A list of objects tried in order: ``category`` (full, pension_only, youth, none), ``rate`` and ``source``;
    optional ``born_from``/``born_to`` (a year, or ``"Y-68"`` relative to the income year), ``paid_from``/
    ``paid_to`` (ISO dates; ``paid_from`` defaults to the value's valid-from date) and, for a capped rate,
    ``monthly_cap`` with ``rate_above_cap`` and ``rate_above_cap_source``.
    """
    where = f"employer_contribution_rules valid from {valid_from.isoformat()}"
    if not isinstance(data, list) or not data:
        raise InvalidPayrollParameter(f"{where}: must be a non-empty list of rules")
    rules: list[ContributionRule] = []
    for position, item in enumerate(data, start=1):
        context = f"{where}, rule {position}"
        if not isinstance(item, dict):
            raise InvalidPayrollParameter(f"{context}: must be an object")
        try:
            cap = item.get("monthly_cap")
            rules.append(
                ContributionRule(
                    category=ContributionCategory(item["category"]),
                    rate=Rate(value=Decimal(item["rate"]), source=str(item["source"])),
                    paid_from=date.fromisoformat(item["paid_from"]) if "paid_from" in item else valid_from,
                    paid_to=date.fromisoformat(item["paid_to"]) if "paid_to" in item else None,
                    born_from=_year_bound(item.get("born_from")),
                    born_to=_year_bound(item.get("born_to")),
                    monthly_cap=Decimal(cap) if cap is not None else None,
                    rate_above_cap=(
                        Rate(value=Decimal(item["rate_above_cap"]), source=str(item["rate_above_cap_source"]))
                        if "rate_above_cap" in item
                        else None
                    ),
                )
            )
        except KeyError as exc:
            raise InvalidPayrollParameter(f"{context}: {exc.args[0]} is missing") from None
        except (ValueError, TypeError, InvalidOperation) as exc:
            raise InvalidPayrollParameter(f"{context}: {exc}") from None
    return tuple(rules)


def _year_bound(value: Any) -> YearBound | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return YearBound(year=value)
    match = _RELATIVE_YEAR.fullmatch(str(value).replace(" ", ""))
    if match is None:
        raise ValueError(f"a birth-year bound is a year or 'Y-68', not {value!r}")
    return YearBound(year=int(match.group(1)), relative_to_income_year=True)


def _rate(use: ParameterUse) -> Rate:
    try:
        return Rate(value=Decimal(use.value), source=use.source)
    except (InvalidOperation, ValueError) as exc:
        raise InvalidPayrollParameter(_where(use, str(exc))) from None


def _threshold(use: ParameterUse) -> Threshold:
    try:
        return Threshold(value=Decimal(use.value), source=use.source)
    except (InvalidOperation, ValueError) as exc:
        raise InvalidPayrollParameter(_where(use, str(exc))) from None


def _where(use: ParameterUse, problem: str) -> str:
    return f"{use.key} valid from {use.valid_from.isoformat()}: {problem}"


# A new value is read as payroll reads it before it is stored (parameters.catalog.check_json_with).
catalog.check_json_with(
    "employer_contribution_rules",
    lambda data, valid_from: contribution_rules_from_json(data, valid_from=valid_from),
)
