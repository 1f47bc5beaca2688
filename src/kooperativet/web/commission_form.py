"""The commission form: what a member types, read into the API's own payloads, and the refusals put back by
the fields in words she understands.

The form holds the commission, its client (picked from hers, or a new one with the commission, as the API's
``AssignmentCreate.client`` allows), its fee lines, new expenses with their receipts, and a draft's receipts
for expenses saved before (``receipt.<expense id>``), all saved with the draft. Lines and expenses
are numbered fields (``lines.0.quantity``) so that a message from the schema or a rule (``lines.0.quantity``
too) lands next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Protocol

from starlette.datastructures import FormData, UploadFile

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import ExtentUnit
from kooperativet.core.vat import VatCategory
from kooperativet.documents.render import money, quantity
from kooperativet.web.forms import amount_text, beyond_any_id, decimal_text, stored_integer
from kooperativet.web.i18n import N_

#: The units a fee line may be counted in: UN/ECE Recommendation 20 codes (what the schema and the UBL
#: keep), each with the word a person reads.
UNITS: Final = (
    ("HUR", N_("hour")),
    ("DAY", N_("day")),
    ("WEE", N_("week")),
    ("MON", N_("month")),
    ("C62", N_("piece")),
    ("LS", N_("lump sum")),
)
EXTENT_UNITS: Final = ((ExtentUnit.days, N_("days")), (ExtentUnit.hours, N_("hours")))


class Plurals(Protocol):
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


#: A count of each unit in words, singular for exactly one and plural otherwise (5 dagar, 1 dag, 2,5 timmar),
#: as the office's pages count a client's payment terms: each pair written out for the catalogue's plurals.
COUNTED: Final[dict[str, Callable[[Plurals, int], str]]] = {
    "HUR": lambda t, n: t.ngettext("hour", "hours", n),
    "DAY": lambda t, n: t.ngettext("day", "days", n),
    "WEE": lambda t, n: t.ngettext("week", "weeks", n),
    "MON": lambda t, n: t.ngettext("month", "months", n),
    "C62": lambda t, n: t.ngettext("piece", "pieces", n),
    "LS": lambda t, n: t.ngettext("lump sum", "lump sums", n),
    ExtentUnit.days: lambda t, n: t.ngettext("day", "days", n),
    ExtentUnit.hours: lambda t, n: t.ngettext("hour", "hours", n),
}


def unit_word(translations: Plurals, unit: str, quantity: Decimal) -> str:
    """The unit of ``quantity`` in words, in the number it takes; a unit not listed is shown as it is."""
    counted = COUNTED.get(unit)
    # Gettext counts in whole numbers: only exactly one is singular (1,5 timmar, 0,5 dagar).
    return unit if counted is None else counted(translations, 1 if quantity == 1 else 2)


@dataclass(frozen=True, slots=True)
class VatChoice:
    """One VAT treatment a line may have (docs/invoicing.md, "VAT per line"), said in words."""

    key: str
    category: VatCategory
    rate: Decimal
    label: str
    explanation: str


VAT_CHOICES: Final = (
    VatChoice(
        "S25",
        VatCategory.STANDARD,
        Decimal("25"),
        N_("25 %% VAT"),
        N_("The usual rate for services: workshops, teaching, design and most commissions."),
    ),
    VatChoice(
        "S12",
        VatCategory.STANDARD,
        Decimal("12"),
        N_("12 %% VAT"),
        N_("The reduced rate for e.g. food and hotel stays; seldom used for the cooperative's work."),
    ),
    VatChoice(
        "S6",
        VatCategory.STANDARD,
        Decimal("6"),
        N_("6 %% VAT"),
        N_("Admission to concerts and theatre, and an author's or artist's licence of her copyright."),
    ),
    VatChoice(
        "E",
        VatCategory.EXEMPT,
        Decimal("0"),
        N_("Exempt from VAT"),
        N_("Some cultural services are exempt; write the reason or the legal reference on the line."),
    ),
    VatChoice(
        "AE",
        VatCategory.REVERSE_CHARGE,
        Decimal("0"),
        N_("Reverse charge"),
        N_(
            "A business buyer in another EU country accounts for the VAT itself (omvänd "
            "betalningsskyldighet); the client's VAT number is needed."
        ),
    ),
    VatChoice(
        "O",
        VatCategory.OUTSIDE_SCOPE,
        Decimal("0"),
        N_("Outside the scope of VAT"),
        N_("Services to a buyer outside the EU."),
    ),
)
VAT_BY_KEY: Final = {choice.key: choice for choice in VAT_CHOICES}


def vat_choice(category: str, rate: Decimal) -> VatChoice | None:
    """The choice a stored line was made with (a line from the API may carry another rate: None)."""
    key = _vat_key(VatCategory(category), rate)
    choice = VAT_BY_KEY[key]
    return choice if choice.category == category and choice.rate == rate else None


RECEIPT_TYPES: Final = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"

COMMISSION_FIELDS: Final = (
    "client_id",
    "title",
    "description",
    "period_start",
    "period_end",
    "place",
    "extent_quantity",
    "extent_unit",
    "buyer_reference",
)
CLIENT_FIELDS: Final = (
    "name",
    "kind",
    "organisation_number",
    "vat_number",
    "country",
    "street",
    "postal_code",
    "city",
    "email",
    "default_buyer_reference",
    "public_sector",
)
LINE_FIELDS: Final = ("description", "quantity", "unit", "unit_price", "vat", "exemption_reason")
EXPENSE_FIELDS: Final = ("spent_on", "description", "amount", "vat_rate", "reinvoice")
NEW_CLIENT: Final = "new"
#: The hidden field, one a saved expense, that marks it to be removed when the draft is saved.
REMOVED: Final = "remove_expense"
#: The file field of a saved expense's receipt, ``receipt.<expense id>``: attached when the draft is saved.
SAVED_RECEIPT: Final = "receipt"
#: The new client's boxes a person types in (not the kind, the country or the public body, which come filled
#: in or ticked off): any of them typed with no client chosen in the list is a new client.
NEW_CLIENT_TYPED: Final = tuple(
    f"client.{name}" for name in CLIENT_FIELDS if name not in ("kind", "country", "public_sector")
)
_ROW = re.compile(r"^(lines|expenses)\.(\d+)\.(\w+)$")
_SAVED_RECEIPT = re.compile(rf"^{SAVED_RECEIPT}\.(\d+)$")


def saved_receipt_field(expense_id: int) -> str:
    """The name of a saved expense's receipt field, and of its message."""
    return f"{SAVED_RECEIPT}.{expense_id}"


@dataclass(slots=True)
class CommissionForm:
    """What the form holds, as typed: the person's own text is never lost when a page comes back."""

    values: dict[str, str] = field(default_factory=dict)
    lines: list[dict[str, str]] = field(default_factory=list)
    expenses: list[dict[str, str]] = field(default_factory=list)
    receipts: list[UploadFile | None] = field(default_factory=list)
    #: The saved expenses of a draft she marked to be removed: removed when she saves the draft with what
    #: she typed, not by a button of their own that would send the page away and lose her typing.
    removed: list[int] = field(default_factory=list)
    #: A receipt chosen for a saved expense, by the expense's id: attached when she saves the draft with the
    #: rest, not by a form of its own that would send the page away and lose her typing.
    saved_receipts: dict[int, UploadFile] = field(default_factory=dict)
    action: str = "save"

    @property
    def new_client(self) -> bool:
        return self.values.get("client_id") == NEW_CLIENT

    @property
    def impossible_client(self) -> bool:
        """A client chosen by a number beyond any id (tampered into the list's value): it names no client,
        and the database would refuse even to look it up."""
        return beyond_any_id(self.values.get("client_id", ""))

    @property
    def chose_files(self) -> bool:
        """Whether she chose any receipt: a browser keeps no chosen file on a page that comes back."""
        return bool(self.saved_receipts) or any(receipt is not None for receipt in self.receipts)

    def field_names(self) -> set[str]:
        """Every field the page shows, so that a message for anything else goes to the top of the form."""
        names = {*COMMISSION_FIELDS, "lines", *(f"client.{name}" for name in CLIENT_FIELDS)}
        for index in range(len(self.lines)):
            names.update(f"lines.{index}.{name}" for name in LINE_FIELDS)
        for index in range(len(self.expenses)):
            names.update(f"expenses.{index}.{name}" for name in (*EXPENSE_FIELDS, "receipt"))
        names.update(saved_receipt_field(expense_id) for expense_id in self.saved_receipts)
        return names


def blank_line() -> dict[str, str]:
    return {"description": "", "quantity": "", "unit": "HUR", "unit_price": "", "vat": "S25"}


def blank_expense() -> dict[str, str]:
    return {"spent_on": "", "description": "", "amount": "", "vat_rate": "25", "reinvoice": "on"}


def empty_form() -> CommissionForm:
    return CommissionForm(values={"extent_unit": "days", "client.kind": "organisation"}, lines=[blank_line()])


def form_of(assignment: Assignment, *, language: str) -> CommissionForm:
    """A draft as its edit form shows it; numbers are written the way the person writes them."""
    values = {
        "client_id": str(assignment.client_id),
        "title": assignment.title,
        "description": assignment.description,
        "period_start": assignment.period_start.isoformat(),
        "period_end": assignment.period_end.isoformat(),
        "place": assignment.place or "",
        "extent_quantity": quantity(assignment.extent_quantity, language),
        "extent_unit": str(assignment.extent_unit),
        "buyer_reference": assignment.buyer_reference or "",
    }
    lines = [
        {
            "description": line.description,
            "quantity": quantity(line.quantity, language),
            "unit": line.unit,
            "unit_price": money(line.unit_price, language),
            "vat": _vat_key(VatCategory(line.vat_category), line.vat_rate),
            "exemption_reason": line.exemption_reason or "",
        }
        for line in assignment.lines
    ]
    return CommissionForm(values=values, lines=lines)


def read_form(form: FormData) -> CommissionForm:
    """The posted fields, rows in the order of their numbers; a new client typed in with no client chosen in
    the list is the new client."""
    values: dict[str, str] = {}
    rows: dict[str, dict[int, dict[str, str]]] = {"lines": {}, "expenses": {}}
    files: dict[int, UploadFile] = {}
    saved_receipts: dict[int, UploadFile] = {}
    removed: list[int] = []
    for key, value in form.multi_items():
        found = _ROW.match(key)
        if isinstance(value, UploadFile):
            # A file field left empty comes as a file without a name: nothing chosen.
            if found and found.group(1) == "expenses" and value.filename:
                files[int(found.group(2))] = value
            elif (
                (saved := _SAVED_RECEIPT.match(key))
                and value.filename
                and (expense_id := stored_integer(saved.group(1))) is not None
            ):
                saved_receipts[expense_id] = value
            continue
        if found:
            rows[found.group(1)].setdefault(int(found.group(2)), {})[found.group(3)] = value
        elif key == REMOVED:
            if (number := stored_integer(value)) is not None and number not in removed:
                removed.append(number)
        elif key not in ("csrf_token", "action"):
            values[key] = value
    if not values.get("client_id", "").strip() and _typed(values, NEW_CLIENT_TYPED):
        # The list left at "Choose a client" and a new client filled in below it: she added a new one.
        values["client_id"] = NEW_CLIENT
    expense_numbers = sorted(set(rows["expenses"]) | set(files))
    action = form.get("action")
    return CommissionForm(
        values=values,
        lines=[rows["lines"][n] for n in sorted(rows["lines"])],
        expenses=[rows["expenses"].get(n, {}) for n in expense_numbers],
        receipts=[files.get(n) for n in expense_numbers],
        removed=removed,
        saved_receipts=saved_receipts,
        action=action if isinstance(action, str) and action else "save",
    )


def without_blank_rows(form: CommissionForm) -> CommissionForm:
    """Lines and expenses with nothing typed are left out when saving (an added row left empty)."""
    lines = [line for line in form.lines if _typed(line, ("description", "quantity", "unit_price"))]
    kept = [
        (expense, receipt)
        for expense, receipt in zip(form.expenses, form.receipts, strict=True)
        if receipt is not None or _typed(expense, ("spent_on", "description", "amount"))
    ]
    return CommissionForm(
        values=form.values,
        lines=lines,
        expenses=[expense for expense, _ in kept],
        receipts=[receipt for _, receipt in kept],
        removed=form.removed,
        saved_receipts=form.saved_receipts,
        action=form.action,
    )


def assignment_payload(form: CommissionForm, *, language: str) -> dict[str, Any]:
    """The fields of ``AssignmentCreate``/``AssignmentUpdate`` (without expenses); a field left blank is left
    out, so that the schema says "please fill in" rather than "not valid"."""
    v = form.values
    payload: dict[str, Any] = {
        "title": v.get("title", ""),
        "description": v.get("description", ""),
        "place": v.get("place", "").strip() or None,
        "extent_unit": v.get("extent_unit", "days"),
        "buyer_reference": v.get("buyer_reference", "").strip() or None,
        "lines": [_line_payload(line, language=language) for line in form.lines],
    }
    for name in ("period_start", "period_end"):
        if v.get(name, "").strip():
            payload[name] = v[name].strip()
    if v.get("extent_quantity", "").strip():
        payload["extent_quantity"] = decimal_text(v["extent_quantity"], language)
    if form.new_client:
        payload["client"] = client_payload(v)
    elif v.get("client_id", "").strip():
        payload["client_id"] = v["client_id"].strip()
    return payload


def client_payload(values: Mapping[str, str]) -> dict[str, Any]:
    def given(name: str) -> str | None:
        return values.get(f"client.{name}", "").strip() or None

    payload: dict[str, Any] = {
        "name": values.get("client.name", ""),
        "kind": values.get("client.kind", "organisation"),
        "country": (given("country") or "SE").upper(),
        "public_sector": values.get("client.public_sector") == "on",
    }
    for name in ("organisation_number", "vat_number", "street", "postal_code", "city", "email"):
        payload[name] = given(name)
    payload["default_buyer_reference"] = given("default_buyer_reference")
    return payload


def expense_payload(expense: Mapping[str, str], *, language: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "description": expense.get("description", ""),
        "vat_rate": expense.get("vat_rate", "25"),
        "reinvoice": expense.get("reinvoice") == "on",
    }
    if expense.get("spent_on", "").strip():
        payload["spent_on"] = expense["spent_on"].strip()
    if expense.get("amount", "").strip():
        payload["amount"] = amount_text(expense["amount"], language)
    return payload


def _line_payload(line: Mapping[str, str], *, language: str) -> dict[str, Any]:
    choice = VAT_BY_KEY.get(line.get("vat", ""))
    payload: dict[str, Any] = {
        "description": line.get("description", ""),
        "unit": line.get("unit", ""),
        "vat_category": choice.category if choice else "",
        "vat_rate": str(choice.rate) if choice else "",
        # Only an exempt line carries a reason; a reason left in the box after changing the choice is dropped.
        "exemption_reason": line.get("exemption_reason", "").strip() or None
        if choice and choice.category == VatCategory.EXEMPT
        else None,
    }
    if line.get("quantity", "").strip():
        payload["quantity"] = decimal_text(line["quantity"], language)
    if line.get("unit_price", "").strip():
        payload["unit_price"] = amount_text(line["unit_price"], language)
    return payload


def _vat_key(category: VatCategory, rate: Decimal) -> str:
    for choice in VAT_CHOICES:
        if choice.category == category and (category != VatCategory.STANDARD or choice.rate == rate):
            return choice.key
    return VAT_CHOICES[0].key


def _typed(row: Mapping[str, str], names: tuple[str, ...]) -> bool:
    return any(row.get(name, "").strip() for name in names)
