"""The formats Skatteverket's employer declaration (AGI, schema 1.1) takes in the fields whose value is typed
by a person: the contact's name, phone and e-mail, a SINK/A-SINK payee's name and address (FK216–218, FK220),
postal code (FK219) and TIN (FK252), and the program's name. A file with one field outside its format is
refused whole by Skatteverket, so the exporter checks them all before it stores anything
(``exports.service.agi``), and the cooperative's contact details are checked where they are typed
(``parties.service.cooperative``).

Source (docs/exports.md, "Field formats"): the length and pattern facets of Skatteverket's XSD for schema 1.1,
as a public set of Python classes generated from it with xsdata shows them (``TekniskKontaktperson``,
``Postnummer`` with ``faltkod`` 219, ``TIN`` with 252); the XSD itself was not found in a stored public
source — verify against it. An XSD pattern matches the whole value, and its ``\\s`` is space, tab, line feed
and carriage return only; lengths count characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

#: A text of the schema's text types: no ``<`` or ``>``, and at least one character that is not white space
#: (``[^<>]*[^<>\s][^<>]*``).
TEXT: Final = re.compile(r"[^<>]*[^<> \t\n\r][^<>]*")
#: ``Epostadress``: ASCII letters, digits and ``_`` in runs joined by ``- + . '`` before the ``@`` and by
#: ``- .`` after it, with at least one dot after the ``@``.
EMAIL: Final = re.compile(
    r"[a-zA-Z0-9_]+([-+.'][a-zA-Z0-9_]+)*@[a-zA-Z0-9_]+([-.][a-zA-Z0-9_]+)*\.[a-zA-Z0-9_]+([-.][a-zA-Z0-9_]+)*"
)
#: ``Postnummer`` (FK219): ASCII letters, digits, spaces and hyphens.
POSTAL_CODE_CHARACTERS: Final = re.compile(r"[A-Za-z0-9 -]+")


@dataclass(frozen=True, kw_only=True)
class AgiFormat:
    """One element's format: its length in characters and the pattern the whole value matches.

    ``requirement`` says it in English for the API's problem details; the web says it in Swedish by ``key``.
    """

    key: str
    element: str
    field_code: str | None
    min_length: int
    max_length: int
    pattern: re.Pattern[str]
    requirement: str

    def accepts(self, text: str) -> bool:
        return self.min_length <= len(text) <= self.max_length and self.pattern.fullmatch(text) is not None


PROGRAM_NAME: Final = AgiFormat(
    key="program_name",
    element="Programnamn",
    field_code=None,
    min_length=1,
    max_length=50,
    pattern=TEXT,
    requirement="1–50 characters, not only spaces, with no < or >",
)
#: The contact's ``Namn``: 1–50 characters; a longer name is cut to 50 with a note (exports.md), so it is
#: checked as cut.
CONTACT_NAME: Final = AgiFormat(
    key="contact_name",
    element="Namn",
    field_code=None,
    min_length=1,
    max_length=50,
    pattern=TEXT,
    requirement="a name that is not only spaces, with no < or > (a name over 50 characters is cut to 50)",
)
CONTACT_PHONE: Final = AgiFormat(
    key="contact_phone",
    element="Telefon",
    field_code=None,
    min_length=1,
    max_length=20,
    pattern=TEXT,
    requirement="at most 20 characters, not only spaces, with no < or >",
)
CONTACT_EMAIL: Final = AgiFormat(
    key="contact_email",
    element="Epostadress",
    field_code=None,
    min_length=5,
    max_length=254,
    pattern=EMAIL,
    requirement=(
        "an e-mail address of 5–254 characters written with the letters a–z and A–Z, digits and _ only, "
        "joined by . - + or ' (no å, ä, ö or other letters), such as kassor@example.se"
    ),
)
POSTAL_CODE: Final = AgiFormat(
    key="postal_code",
    element="Postnummer",
    field_code="219",
    min_length=1,
    max_length=9,
    pattern=POSTAL_CODE_CHARACTERS,
    requirement="1–9 characters: the letters A–Z, digits, spaces and hyphens",
)
TIN: Final = AgiFormat(
    key="tin",
    element="TIN",
    field_code="252",
    min_length=1,
    max_length=20,
    pattern=TEXT,
    requirement="1–20 characters, not only spaces, with no < or >",
)


def _payee_text(key: str, element: str, field_code: str, what: str) -> AgiFormat:
    """A SINK/A-SINK payee's name or address text: the schema's text type. A longer text is cut to 50
    characters with a note (``individual_return.PAYEE_TEXT_MAX``), so it is checked as cut and only its
    characters can put it outside the format."""
    return AgiFormat(
        key=key,
        element=element,
        field_code=field_code,
        min_length=1,
        max_length=50,
        pattern=TEXT,
        requirement=f"{what} that is not only spaces, with no < or > (a longer text is cut to 50 characters)",
    )


PAYEE_FIRST_NAME: Final = _payee_text("first_name", "Fornamn", "216", "a first name")
PAYEE_LAST_NAME: Final = _payee_text("last_name", "Efternamn", "217", "a last name")
PAYEE_STREET: Final = _payee_text("street", "Gatuadress", "218", "a street address")
PAYEE_CITY: Final = _payee_text("city", "Postort", "220", "a town")
