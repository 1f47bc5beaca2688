"""Reading and adding dated parameter values. Services flush; the caller's transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.db import clock_of
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.parameters.catalog import (
    CATALOG,
    DEFAULTS,
    InvalidParameterValue,
    ValueKind,
    normalise_value,
    renewal_period,
    spec_for,
)
from kooperativet.parameters.models import ParameterValue


def add_value(
    session: Session,
    *,
    key: str,
    valid_from: date,
    value: str,
    source: str,
    decision_reference: str | None = None,
    created_by_id: int | None = None,
) -> ParameterValue:
    """Add a value valid from a date. A value for the same key and date already exists → 409."""
    canonical = checked_value(session, key=key, value=value, valid_from=valid_from)
    if not source.strip():
        raise RuleViolation("every parameter value needs its source", code="source_required", field="source")
    existing = session.scalar(
        select(ParameterValue).where(ParameterValue.key == key, ParameterValue.valid_from == valid_from)
    )
    if existing is not None:
        raise Conflict(
            f"{key} already has a value valid from {valid_from} ({existing.value}); "
            "add one from another date",
            code="overlapping_valid_from",
            field="valid_from",
        )
    row = ParameterValue(
        key=key,
        valid_from=valid_from,
        value=canonical,
        source=source.strip(),
        decision_reference=decision_reference,
        created_by_id=created_by_id,
    )
    session.add(row)
    session.flush()
    # The value itself is a row anyone with the database could change; the chain is what shows it was
    # changed afterwards (docs/audit.md, "Parameters"), so an auditor can trust the rate a payslip used.
    append_event(
        session,
        kind="parameter_value_added",
        payload={
            "parameter_value_id": row.id,
            "key": key,
            "valid_from": valid_from.isoformat(),
            "value": canonical,
            "source": row.source,
            "decision_reference": decision_reference,
            "by_user_id": created_by_id,
        },
        now=clock_of(session),
    )
    return row


def checked_value(
    session: Session,
    *,
    key: str,
    value: str,
    valid_from: date,
    field: str = "value",
    date_field: str = "valid_from",
) -> str:
    """The canonical text of ``value`` for ``key`` from ``valid_from``, or a ``RuleViolation`` on ``field``
    saying why not: what its kind accepts (the catalog) and, for a value the law caps (``at_most``), the cap
    in force on ``valid_from`` (no cap then: on ``date_field``). A fee above the law's cap was stored before,
    and charged on every reminder. A vote that would set a parameter checks its proposal here too."""
    try:
        spec = spec_for(key)
        canonical = normalise_value(spec, value, valid_from=valid_from)
    except InvalidParameterValue as exc:
        raise RuleViolation(str(exc), code="invalid_parameter_value", field=field) from exc
    if spec.at_most is not None:
        _within_cap(
            session,
            key=key,
            cap_key=spec.at_most,
            value=canonical,
            valid_from=valid_from,
            fields=(field, date_field),
        )
    return canonical


def _within_cap(
    session: Session, *, key: str, cap_key: str, value: str, valid_from: date, fields: tuple[str, str]
) -> None:
    """``value`` is at most the cap in force on ``valid_from``. Without a cap in force then, the value cannot
    be checked against the law, and is refused as any reading of a missing parameter is."""
    row = session.scalar(_VALUE_IN_FORCE, {"key": cap_key, "on": valid_from})
    if row is None:
        raise RuleViolation(
            f"no value of {cap_key} is in force on {valid_from}, so {key} cannot be checked against the "
            f"law's maximum; an admin must add one first",
            code="missing_parameter",
            field=fields[1],
        )
    if Decimal(value) > row.as_decimal():
        raise RuleViolation(
            f"{key} may be at most {row.value} kr from {valid_from}: {cap_key} in force then "
            f"(valid from {row.valid_from}; {row.source})",
            code="invalid_parameter_value",
            field=fields[0],
            maximum=row.value,
            maximum_key=cap_key,
            maximum_valid_from=row.valid_from.isoformat(),
            maximum_source=row.source,
        )


#: Built once, and its cache key with it: the rules read a parameter on almost every request (a commission's
#: minimum day rate), and building the statement cost more than running it.
_VALUE_IN_FORCE: Final = (
    select(ParameterValue)
    .where(ParameterValue.key == bindparam("key"), ParameterValue.valid_from <= bindparam("on"))
    .order_by(ParameterValue.valid_from.desc())
    .limit(1)
)


def value_in_force(session: Session, *, key: str, on: date) -> ParameterValue:
    """The value of ``key`` that holds on ``on``: the latest one valid from that day or earlier."""
    spec_for_key(key)
    row = session.scalar(_VALUE_IN_FORCE, {"key": key, "on": on})
    if row is None:
        raise RuleViolation(
            f"no value of {key} is in force on {on}; an admin must add one", code="missing_parameter"
        )
    return row


def history(session: Session, *, key: str) -> list[ParameterValue]:
    spec_for_key(key)
    return list(
        session.scalars(
            select(ParameterValue).where(ParameterValue.key == key).order_by(ParameterValue.valid_from)
        )
    )


@dataclass(frozen=True, slots=True)
class MissingRenewal:
    """A parameter the law sets anew each period (``ParameterSpec.renewed``) whose value in force on a day is
    from an earlier period: the value of ``period_start`` … ``period_end`` has not been added, and
    ``in_force`` (from the earlier ``in_force_period_start`` … ``in_force_period_end``) is used meanwhile."""

    key: str
    period_start: date
    period_end: date
    in_force: ParameterValue
    in_force_period_start: date
    in_force_period_end: date


def missing_renewal(key: str, in_force: ParameterValue | None, *, on: date) -> MissingRenewal | None:
    """``in_force`` (``key``'s value on ``on``) is from an earlier period than ``on``'s, for a parameter the
    law sets anew each period: which period lacks its value. None when the value is the period's own, when
    the parameter is not renewed by period, or when no value is in force at all (said otherwise)."""
    renewal = CATALOG[key].renewed
    if renewal is None or in_force is None:
        return None
    start, end = renewal_period(renewal, on)
    if in_force.valid_from >= start:
        return None
    earlier_start, earlier_end = renewal_period(renewal, in_force.valid_from)
    return MissingRenewal(
        key=key,
        period_start=start,
        period_end=end,
        in_force=in_force,
        in_force_period_start=earlier_start,
        in_force_period_end=earlier_end,
    )


def missing_renewals(session: Session, *, on: date) -> list[MissingRenewal]:
    """Every parameter renewed by period (``ParameterSpec.renewed``) whose value in force on ``on`` is from an
    earlier period, by key: one statement per such parameter (the catalogue has one, the reference rate)."""
    found = []
    for key in sorted(key for key, spec in CATALOG.items() if spec.renewed is not None):
        missing = missing_renewal(key, session.scalar(_VALUE_IN_FORCE, {"key": key, "on": on}), on=on)
        if missing is not None:
            found.append(missing)
    return found


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter as the catalog describes it, with its dated values and the one in force on a day."""

    key: str
    kind: ValueKind
    description: str
    choices: list[str]
    in_force: ParameterValue | None
    values: list[ParameterValue]
    #: The period whose value is missing, when the law sets one each period and ``in_force`` is older.
    missing_renewal: MissingRenewal | None = None


def parameter(session: Session, *, key: str, on: date) -> Parameter:
    """``key`` with its values; ``in_force`` is None when no value holds on ``on`` (an admin must add one)."""
    spec_for_key(key)
    spec = CATALOG[key]
    values = history(session, key=key)
    try:
        in_force: ParameterValue | None = value_in_force(session, key=key, on=on)
    except RuleViolation:
        in_force = None
    return Parameter(
        key=key,
        kind=spec.kind,
        description=spec.description,
        choices=list(spec.choices),
        in_force=in_force,
        values=values,
        missing_renewal=missing_renewal(key, in_force, on=on),
    )


def parameters(session: Session, *, on: date) -> list[Parameter]:
    """Every parameter of the catalog, by key."""
    return [parameter(session, key=key, on=on) for key in sorted(CATALOG)]


def spec_for_key(key: str) -> None:
    if key not in CATALOG:
        raise NotFound(f"there is no parameter {key!r}")


def seed_defaults(session: Session) -> int:
    """Add the catalogue's default values for keys that have none yet; returns how many were added."""
    seeded_keys = set(session.scalars(select(ParameterValue.key).distinct()))
    added = 0
    for default in DEFAULTS:
        if default.key in seeded_keys:
            continue
        session.add(
            ParameterValue(
                key=default.key, valid_from=default.valid_from, value=default.value, source=default.source
            )
        )
        added += 1
    session.flush()
    return added
