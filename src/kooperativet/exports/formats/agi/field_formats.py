"""Which of a declaration's typed fields Skatteverket would refuse (``core.agi_formats``), found before the
file is written: the caller refuses the whole export with every problem at once, so that the treasurer can
correct them all and export again. Each text is checked as the writer would write it — spelt for XML 1.0
and, for a contact's name, cut to ``CONTACT_NAME_MAX`` — so a name cut with a note is not refused for its
length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kooperativet.core.agi_formats import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    CONTACT_PHONE,
    PAYEE_CITY,
    PAYEE_FIRST_NAME,
    PAYEE_LAST_NAME,
    PAYEE_STREET,
    POSTAL_CODE,
    PROGRAM_NAME,
    TIN,
    AgiFormat,
)
from kooperativet.exports.formats.agi.employer_declaration import CONTACT_NAME_MAX, Contact, Employer, Sender
from kooperativet.exports.formats.agi.individual_return import PAYEE_TEXT_MAX, IndividualReturn
from kooperativet.exports.formats.charset import TextFitter, xml_fitter


@dataclass(frozen=True, kw_only=True)
class FieldProblem:
    """A field outside its format: the sender's or employer's (``return_index`` None) or that of the IU at
    ``return_index`` of the returns checked."""

    format: AgiFormat
    return_index: int | None = None


def field_problems(
    *, sender: Sender, employer: Employer, returns: Sequence[IndividualReturn]
) -> list[FieldProblem]:
    """Every typed field of the file that is outside its format, the sender's and employer's first (a
    contact used for both is named once), then the IUs' in order. Removed IUs carry no payee fields."""
    fit = xml_fitter()  # spells as the writer does; its notes are not kept
    problems: list[FieldProblem] = []
    if not PROGRAM_NAME.accepts(fit(sender.program_name, where="")):
        problems.append(FieldProblem(format=PROGRAM_NAME))
    seen: set[str] = set()
    for contact in (sender.technical_contact, employer.contact):
        for fmt in _contact_problems(contact, fit):
            if fmt.key not in seen:
                seen.add(fmt.key)
                problems.append(FieldProblem(format=fmt))
    for index, individual in enumerate(returns):
        payee = individual.payee
        if payee is None or individual.removed:
            continue
        for fmt, value in (
            (PAYEE_FIRST_NAME, payee.first_name),
            (PAYEE_LAST_NAME, payee.last_name),
            (PAYEE_STREET, payee.street),
            (POSTAL_CODE, payee.postal_code),
            (PAYEE_CITY, payee.city),
            (TIN, payee.tin),
        ):
            # Written only when given (``individual_return``); the name and address cut to their most
            # characters first, the postal code and TIN, identifiers, as they are.
            cut = PAYEE_TEXT_MAX if fmt not in (POSTAL_CODE, TIN) else None
            if value and not fmt.accepts(fit(value, where="", max_length=cut)):
                problems.append(FieldProblem(format=fmt, return_index=index))
    return problems


def _contact_problems(contact: Contact, fit: TextFitter) -> list[AgiFormat]:
    return [
        fmt
        for fmt, text in (
            (CONTACT_NAME, fit(contact.name, where="", max_length=CONTACT_NAME_MAX)),
            (CONTACT_PHONE, fit(contact.phone, where="")),
            (CONTACT_EMAIL, fit(contact.email, where="")),
        )
        if not fmt.accepts(text)
    ]
