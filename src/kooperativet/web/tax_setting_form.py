"""The office's form for a member's new tax setting: its fields, the values it first shows and what it sends
to ``TaxSettingCreate`` (the page is ``pages.office_member_tax``; the member's page shows the form)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kooperativet.parties.models import Member
from kooperativet.web.forms import decimal_text

#: The setting's fields as the form names them (``tax_`` and the schema's name), in the order of the form.
FIELDS = (
    "valid_from", "mode", "percent", "table_number", "table_column", "tax_information_missing",
    "extra_monthly_tax", "note",
)  # fmt: skip
PREFIX = "tax_"


def tax_form_of(member: Member, language: str) -> dict[str, Any]:
    """The form as the page first shows it: the setting in force last, to change what differs, with the day
    left for the office to choose (a decision names the day it applies from). A percent is written the
    page's way (``12,5`` in Swedish)."""
    latest = max(member.tax_settings, key=lambda setting: setting.valid_from, default=None)
    values = dict.fromkeys(FIELDS, "")
    values["mode"] = "flat"
    if latest is not None:
        values |= {
            "mode": str(latest.mode),
            "percent": "" if latest.percent is None else _written(latest.percent, language),
            "table_number": "" if latest.table_number is None else str(latest.table_number),
            "table_column": "" if latest.table_column is None else str(latest.table_column),
            "tax_information_missing": "on" if latest.tax_information_missing else "",
            "extra_monthly_tax": f"{latest.extra_monthly_tax.quantize(1):f}",
        }
    return {"values": values, "errors": {}}


def _written(percent: Decimal, language: str) -> str:
    text = f"{percent.normalize():f}"
    return text.replace(".", ",") if language == "sv" else text


def schema_input(values: dict[str, str], language: str) -> dict[str, Any]:
    """The typed values as ``TaxSettingCreate`` reads them: numbers written the page's way, the fields of
    other modes left out, an empty extra tax as none. An empty day is left out, so that it is refused as a
    field not filled in ("Fyll i fältet"), not as a value that is not valid."""
    mode = values["mode"]
    day = {"valid_from": values["valid_from"]} if values["valid_from"] else {}
    return day | {
        "mode": mode,
        "percent": decimal_text(values["percent"], language) or None if mode == "flat" else None,
        "table_number": values["table_number"] or None if mode == "table" else None,
        "table_column": values["table_column"] or None if mode == "table" else None,
        "tax_information_missing": mode == "table" and values["tax_information_missing"] == "on",
        "extra_monthly_tax": decimal_text(values["extra_monthly_tax"], language) or "0",
        "note": values["note"] or None,
    }
