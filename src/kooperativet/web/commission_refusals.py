"""The commission form's refusals put back by their fields, in words the member understands: the schema's
messages, the rules' refusals by their code, and a stale version."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.requests import Request

from kooperativet.assignments.rules import (
    check_money,
    check_period,
    check_positive,
    check_receipt_size,
    receipt_media_type,
)
from kooperativet.core import identifiers as ids
from kooperativet.errors import DomainError
from kooperativet.parties.service.checks import postal_code_for, validated
from kooperativet.web.commission_form import CLIENT_FIELDS, CommissionForm
from kooperativet.web.forms import TOO_LARGE_AMOUNT, UNCLEAR_NUMBER, amount_text, decimal_text, field_errors
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.refusals import REFUSALS
from kooperativet.web.templating import gettext

STALE: Final = N_(
    "Someone changed this commission after you opened it (perhaps you, in another window). What you typed "
    "is below; open the commission again to see the latest version before you save."
)
#: The same, for handing in from the commission's page: nothing was typed there, and the page that comes back
#: shows the commission as it is now, with the version that hands this one in.
STALE_HAND_IN: Final = N_(
    "Someone changed this commission after you opened it (perhaps you, in another window), so it was not "
    "handed in. This is how it reads now: check it, and hand it in if it is right."
)
ABOVE_ZERO: Final = N_("This must be above zero.")
AMOUNT: Final = N_("Write an amount above zero in kronor and öre, e.g. 1,250.50.")
#: The commission's rules said by the field they name (the services' English details carry numbers and
#: codes, so the words are chosen by the field and the code).
RULE_WORDS: Final = {
    "period_end": N_("The period ends before it starts."),
    "client_id": N_("Choose a client from the list, or add a new one."),
    "client.vat_number": N_("Reverse charge needs the client's VAT number."),
    "file": N_("A receipt must be a PDF, JPEG or PNG file of at most 10 MB, and not empty."),
    "organisation_number": N_("This is not a valid Swedish organisation number."),
    "vat_number": N_("This VAT number is not valid for the client's country."),
    "postal_code": REFUSALS["invalid_postal_code"],
    "email": N_("This is not a valid e-mail address."),
    "exemption_reason": N_("Write why the line is exempt from VAT, e.g. the legal reference."),
    "vat_rate": N_("A receipt's VAT is 25, 12, 6 or 0 per cent."),
    "vat_category": N_(
        "This VAT treatment does not fit where the client is: reverse charge is for a business client with a "
        "VAT number of another EU country, outside the scope of VAT for a client outside the EU."
    ),
    # The form always shows a line to fill in (an empty one is left out when read): "add one" would point
    # to the button beside a line that is right there.
    "lines": N_("Fill in at least one fee line: what the client pays for, the quantity and the price."),
}
#: Refusals whose words say what is wrong whatever field they name: a day beyond those a period may hold is
#: not "the period ends before it starts", though both name ``period_end``.
SAID_BY_CODE: Final = ("date_out_of_range", "amount_too_large")
DUPLICATE_CLIENT: Final = N_(
    "A client with this number is already registered: choose it in the list of clients."
)


def schema_errors(request: Request, exc: ValidationError, form: CommissionForm) -> dict[str, str]:
    """The schema's refusals by field; money fields get an example of how to write an amount."""
    errors: dict[str, str] = {}
    # Both say what is wrong already: "1.500" kr is no wrongly written amount, nor is one of twenty digits,
    # which "write an amount above zero" would call one.
    said_already = {gettext(request, UNCLEAR_NUMBER), gettext(request, TOO_LARGE_AMOUNT)}
    for key, message in field_errors(request, exc).items():
        key = _form_key(key, form)
        if key.endswith(("unit_price", ".amount")) and message not in said_already:
            message = gettext(request, AMOUNT)
        if key == "lines" and not form.lines:
            message = gettext(request, RULE_WORDS["lines"])  # too many lines keep the limit's own words
        errors.setdefault(key, message)
    if not form.new_client and not form.values.get("client_id", "").strip():
        # The schema lets a client be chosen or added, so the service refuses a missing one only once the
        # rest is valid: say it now with the others.
        errors.setdefault("client_id", gettext(request, RULE_WORDS["client_id"]))
    for key, message in field_rule_errors(request, form).items():
        errors.setdefault(key, message)
    return placed(errors, form)


def field_rule_errors(request: Request, form: CommissionForm) -> dict[str, str]:
    """The commission's rules that concern one field each (``assignments.rules``: the period not ending before
    it starts, each fee line's quantity and price above zero), checked on what the form has. The service
    stops at the first rule refused and checks none while the schema refuses something: said beside the
    others, a form with three mistakes comes back once with three, not three times with one."""
    errors: dict[str, str] = {}

    def check(named: str, rule: Callable[..., None], **values: Any) -> None:
        try:
            rule(**values)
        except ArithmeticError:
            return  # a number beyond any amount (1e400): the schema says so by its field
        except DomainError as exc:
            field = str(exc.extra.get("field") or named)
            errors.setdefault(_form_key(field, form), rule_message(request, exc, field))

    start, end = _day(form.values.get("period_start", "")), _day(form.values.get("period_end", ""))
    if start is not None and end is not None:
        check("period_end", check_period, start=start, end=end)
    if form.new_client:
        _new_client_numbers(form, check)
    for index, receipt in enumerate(form.receipts):
        if receipt is not None:
            try:
                _check_receipt(receipt)
            except DomainError as exc:
                errors.setdefault(f"expenses.{index}.receipt", rule_message(request, exc, "file"))
    language = request_language(request)
    for index, line in enumerate(form.lines):
        for name, rule, read in (
            ("quantity", check_positive, decimal_text),
            ("unit_price", check_money, amount_text),
        ):
            value = _number(read(line.get(name, ""), language))
            if value is not None:
                check(f"lines.{index}.{name}", rule, value=value, field=f"lines.{index}.{name}")
    return errors


def _new_client_numbers(form: CommissionForm, check: Callable[..., None]) -> None:
    """A new client's organisation number, VAT number and Swedish postal code, read as the client service
    reads them (``parties.service.checks``): a wrong number was said only once everything else passed."""
    typed = {name: form.values.get(f"client.{name}", "").strip() for name in CLIENT_FIELDS}
    for name, parse in (
        ("organisation_number", ids.normalise_organisation_number),
        ("vat_number", ids.normalise_vat_number),
    ):
        if typed[name]:
            check(name, validated, field=name, parse=parse, value=typed[name])
    if typed["postal_code"]:
        check(
            "postal_code",
            postal_code_for,
            country=typed["country"].upper() or "SE",
            postal_code=typed["postal_code"],
        )


def _check_receipt(receipt: UploadFile) -> None:
    """A chosen receipt's size and kind, by the rules its upload is stored by (``assignments.rules``), read
    from its first bytes without reading it all: a file of the wrong kind was refused only once the rest of
    the form passed, and every round before asked her to choose her receipts again."""
    receipt.file.seek(0, os.SEEK_END)
    size = receipt.file.tell()
    receipt.file.seek(0)
    head = receipt.file.read(16)
    receipt.file.seek(0)
    check_receipt_size(size)
    receipt_media_type(head)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None  # not a date: the schema says so by its field


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None  # not a number: the schema says so by its field
    return value if value.is_finite() else None


def no_such_client(request: Request) -> dict[str, str]:
    """The refusal of a client the form's list cannot hold (``CommissionForm.impossible_client``)."""
    return {"client_id": gettext(request, RULE_WORDS["client_id"])}


def rule_errors(
    request: Request, exc: DomainError, form: CommissionForm, *, prefix: str = ""
) -> dict[str, str]:
    """A rule's refusal in words, next to the field it names. ``prefix`` places a field named without its row
    (an added expense's ``expense.amount``, a receipt's ``file``) in its row."""
    raw = str(exc.extra.get("field") or "form")
    key = _form_key(raw, form)
    if prefix and (raw.startswith("expense.") or raw == "file"):
        key = prefix + ("receipt" if raw == "file" else raw.removeprefix("expense."))
    errors = {key: rule_message(request, exc, raw)}
    if not prefix:  # the commission's own rules, not an added expense's: the others refused with it
        for other, message in field_rule_errors(request, form).items():
            errors.setdefault(other, message)
    return placed(errors, form)


def hand_in_message(request: Request, exc: DomainError) -> str:
    """A refusal to hand a draft in, said on the commission's page."""
    if exc.code == "version_conflict":
        return gettext(request, STALE_HAND_IN)
    return rule_message(request, exc, "form")


def rule_message(request: Request, exc: DomainError, field: str) -> str:
    last = field.rsplit(".", 1)[-1]
    if exc.code == "version_conflict":
        message = STALE
    elif exc.code == "not_a_draft":
        message = REFUSALS["not_a_draft"]
    elif exc.code in ("duplicate", "duplicate_organisation_number", "duplicate_vat_number"):
        message = DUPLICATE_CLIENT
    elif exc.code in SAID_BY_CODE:
        message = REFUSALS[exc.code]
    elif field in RULE_WORDS:
        message = RULE_WORDS[field]
    elif last in ("unit_price", "amount"):
        message = AMOUNT
    elif last in ("quantity", "extent_quantity"):
        message = ABOVE_ZERO
    elif last in RULE_WORDS:
        message = RULE_WORDS[last]
    else:
        message = exc.detail
    return gettext(request, message)


def placed(errors: dict[str, str], form: CommissionForm) -> dict[str, str]:
    """Messages for fields the page does not show are said at the top of the form."""
    shown = form.field_names()
    kept = {key: message for key, message in errors.items() if key in shown}
    others = [message for key, message in errors.items() if key not in shown]
    if others:
        kept["form"] = " ".join(others)
    return kept


def _form_key(key: str, form: CommissionForm) -> str:
    """The form's name of a field the schema or a rule names: a line's VAT category and rate are one choice;
    a new client's own fields are ``client.*``."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[2] in ("vat_category", "vat_rate"):
        return f"lines.{parts[1]}.vat"
    if form.new_client and key in CLIENT_FIELDS:
        return f"client.{key}"
    if key == "client" and form.new_client:
        return "client.name"
    return key
