"""A member's dated tax settings: flat percent, table and column, or a rate from the dated parameters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.parties.models import Member, MemberTaxSetting, TaxMode
from kooperativet.parties.schemas import TaxSettingCreate

DEFAULT_FLAT_TAX_PERCENT = Decimal("30")


def add_tax_setting(
    session: Session, *, member: Member, data: TaxSettingCreate, actor: User, now: datetime
) -> MemberTaxSetting:
    """A new tax setting from ``data.valid_from`` on; the earlier ones stay as history. Audited: what tax is
    withheld changes every payslip after it, so the log says who set what (docs/audit.md). A record erased
    after the retention period is not changed any more, as ``update_member`` says."""
    if member.purged_at is not None:
        raise Conflict(
            f"member {member.id}'s personal data was erased after the retention period; the record is not "
            "changed any more (a person who joins again is registered as a new member)",
            code="member_purged",
        )
    if any(existing.valid_from == data.valid_from for existing in member.tax_settings):
        raise Conflict(
            f"member {member.id} already has a tax setting valid from {data.valid_from}; add a later date",
            code="overlapping_valid_from",
            field="valid_from",
        )
    setting = new_tax_setting(data)
    member.tax_settings.append(setting)
    member.version += 1
    session.flush()
    append_event(
        session,
        kind="member_tax_setting_added",
        payload={
            "member_id": member.id,
            "valid_from": setting.valid_from.isoformat(),
            "tax_mode": str(setting.mode),
            "tax_percent": None if setting.percent is None else str(setting.percent),
            "tax_table_number": setting.table_number,
            "tax_table_column": setting.table_column,
            "tax_information_missing": setting.tax_information_missing,
            "extra_monthly_tax": str(setting.extra_monthly_tax),
            "changed_by_user_id": actor.id,
        },
        now=now,
    )
    return setting


def new_tax_setting(data: TaxSettingCreate) -> MemberTaxSetting:
    percent = data.percent
    if data.mode is TaxMode.flat:
        percent = percent if percent is not None else DEFAULT_FLAT_TAX_PERCENT
    elif percent is not None:
        raise RuleViolation(
            f"percent applies to flat mode only; {data.mode} takes its rate from the dated parameters",
            code="percent_for_flat_only",
            field="percent",
        )
    if data.mode is TaxMode.table and (data.table_number is None or data.table_column is None):
        # Named by the field left out: the column when only it is missing, else the table's number.
        raise RuleViolation(
            "table mode needs table_number (29–42) and table_column (1–6)",
            code="table_incomplete",
            field="table_column" if data.table_number is not None else "table_number",
        )
    if data.mode is not TaxMode.table and (data.table_number is not None or data.table_column is not None):
        raise RuleViolation(
            "table_number and table_column apply to table mode only",
            code="table_for_table_mode_only",
            field="table_number",
        )
    _check_extra_tax(data)
    return MemberTaxSetting(
        valid_from=data.valid_from,
        mode=data.mode,
        percent=percent,
        table_number=data.table_number,
        table_column=data.table_column,
        tax_information_missing=data.tax_information_missing,
        extra_monthly_tax=data.extra_monthly_tax,
        note=data.note,
    )


def _check_extra_tax(data: TaxSettingCreate) -> None:
    """Extra tax is whole kronor a month, on top of a preliminary tax (payroll.md §3): SINK and A-SINK are
    final taxes, with nothing to add to."""
    extra = data.extra_monthly_tax
    if extra != extra.to_integral_value():
        raise RuleViolation(
            f"extra tax is withheld in whole kronor, not {extra}",
            code="extra_tax_whole_kronor",
            field="extra_monthly_tax",
        )
    if extra and data.mode in (TaxMode.sink, TaxMode.asink):
        raise RuleViolation(
            f"{data.mode} is a final tax: no extra tax is withheld with it",
            code="extra_tax_with_final_tax",
            field="extra_monthly_tax",
        )
