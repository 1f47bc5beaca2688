"""The declaration's XML: its namespaces and how an element, a field (``faltkod``) and a ``Blankett`` are
written, in Skatteverket's example files' shape (``tests/reference/agi/``).
"""

from __future__ import annotations

import re

from lxml import etree

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


def blankett(root: etree._Element, employer_id: str, period: str, kind: str) -> etree._Element:
    """A ``Blankett`` of the employer and period, and in it the element of its ``kind`` (``HU``, ``IU``)."""
    form = sub(root, "Blankett")
    arende = sub(form, "Arendeinformation")
    sub(arende, "Arendeagare", employer_id)
    sub(arende, "Period", period)
    return sub(sub(form, "Blankettinnehall"), kind)


def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{KOMPONENT_NS}}}{tag}")
    element.text = text
    return element


def field(parent: etree._Element, tag: str, faltkod: str, text: str) -> None:
    sub(parent, tag, text).set("faltkod", faltkod)


def parse_period(period: str) -> tuple[int, int]:
    match = _PERIOD.fullmatch(period)
    if match is None:
        raise InvalidDeclaration(f"period {period!r} is not YYYYMM")
    return int(match.group(1)), int(match.group(2))
