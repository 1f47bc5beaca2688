"""A member's dated tax settings: flat percent, table and column, or a rate from the dated parameters."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from kooperativet.errors import Conflict, RuleViolation
from kooperativet.parties.models import Member, MemberTaxSetting, TaxMode
from kooperativet.parties.schemas import TaxSettingCreate

DEFAULT_FLAT_TAX_PERCENT = Decimal("30")


def add_tax_setting(session: Session, *, member: Member, data: TaxSettingCreate) -> MemberTaxSetting:
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
        raise RuleViolation(
            "table mode needs table_number (29–42) and table_column (1–6)",
            code="table_incomplete",
            field="table_number",
        )
    if data.mode is not TaxMode.table and (data.table_number is not None or data.table_column is not None):
        raise RuleViolation(
            "table_number and table_column apply to table mode only",
            code="table_for_table_mode_only",
            field="table_number",
        )
    return MemberTaxSetting(
        valid_from=data.valid_from,
        mode=data.mode,
        percent=percent,
        table_number=data.table_number,
        table_column=data.table_column,
        tax_information_missing=data.tax_information_missing,
        note=data.note,
    )
