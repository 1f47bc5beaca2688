"""The declaration's XML: its namespaces and how the root, a field (``faltkod``) and a ``Blankett`` are
written, in Skatteverket's example files' shape (``tests/reference/agi/``). The elements of the *komponent*
namespace carry its prefix ``agd``; the root is in the default *instans* namespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from kooperativet.exports.formats.xml_text import XmlText

INSTANS_NS = "http://xmls.skatteverket.se/se/skatteverket/da/instans/schema/1.1"
KOMPONENT_NS = "http://xmls.skatteverket.se/se/skatteverket/da/komponent/schema/1.1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (
    f"{INSTANS_NS} http://xmls.skatteverket.se/se/skatteverket/da/arbetsgivardeklaration/"
    "arbetsgivardeklaration_1.1.xsd"
)

_PERIOD = re.compile(r"(\d{4})(0[1-9]|1[0-2])")


class InvalidDeclaration(ValueError):
    """The data cannot make a valid arbetsgivardeklaration (wrong id, period or combination of fields)."""


#: The XML declaration and the root's start tag, as every file has them.
DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='no'?>"
ROOT = "Skatteverket"
ROOT_ATTRIBUTES = (
    f' xmlns="{INSTANS_NS}" xmlns:agd="{KOMPONENT_NS}" xmlns:xsi="{XSI_NS}" omrade="Arbetsgivardeklaration"'
    f' xsi:schemaLocation="{SCHEMA_LOCATION}"'
)


@contextmanager
def blankett(xml: XmlText, employer_id: str, period: str, kind: str) -> Iterator[None]:
    """A ``Blankett`` of the employer and period, open at the element of its ``kind`` (``HU``, ``IU``)."""
    with sub(xml, "Blankett"):
        with sub(xml, "Arendeinformation"):
            leaf(xml, "Arendeagare", employer_id)
            leaf(xml, "Period", period)
        with sub(xml, "Blankettinnehall"), sub(xml, kind):
            yield


def sub(xml: XmlText, tag: str) -> XmlText:
    """Open an element of the *komponent* namespace (``with sub(xml, "IU"):``)."""
    return xml.element(f"agd:{tag}")


def leaf(xml: XmlText, tag: str, text: str) -> None:
    xml.leaf(f"agd:{tag}", text)


def field(xml: XmlText, tag: str, faltkod: str, text: str) -> None:
    xml.leaf(f"agd:{tag}", text, f' faltkod="{faltkod}"')


def parse_period(period: str) -> tuple[int, int]:
    match = _PERIOD.fullmatch(period)
    if match is None:
        raise InvalidDeclaration(f"period {period!r} is not YYYYMM")
    return int(match.group(1)), int(match.group(2))
