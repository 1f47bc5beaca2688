"""Addresses as the mail package stores and sends them: ``"Åsa Öberg <asa@example.org>"`` or a bare address.

They are kept as readable text (the record shows who got what) and turned into ``email.headerregistry``
objects only when a message is built, so that the standard library does the RFC 2047 encoding of names
with å, ä and ö; no header is ever assembled by hand.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import getaddresses, parseaddr


def recipient(name: str | None, address: str) -> str:
    """``"Åsa Öberg <asa@example.org>"`` to store as a recipient (``queue_mail(to=…)``); just the
    address when there is no name."""
    if not name:
        return address
    return str(_address(name, address))


def greeting_name(*, first_name: str | None, full_name: str | None) -> str:
    """The name an e-mail greets its reader by: her first name ("Hej Alva!"), as Swedish e-mail to a
    colleague does, the same in every message. A member's record has it; a login that no member record is
    linked to (a treasurer, an admin) has only the name it was created with, whose first word is taken
    ("Karin Kassör" → "Karin"). Until 2026-12-05 such a login was greeted by its whole name ("Hej Karin
    Kassör!") beside members greeted by their first ("Hej Alva!"), and the meeting e-mails greeted members by
    their whole name too."""
    if first_name and first_name.strip():
        return first_name.strip()
    words = (full_name or "").split()
    return words[0] if words else ""


def header_addresses(stored: list[str]) -> tuple[Address, ...]:
    """The stored recipients as header objects (name and address)."""
    return tuple(_address(name, address) for name, address in getaddresses(stored))


def envelope_addresses(stored: list[str]) -> list[str]:
    """Just the addresses, for the SMTP envelope (``RCPT TO``)."""
    return [address for _name, address in getaddresses(stored)]


def sender_address(text: str) -> Address:
    """``smtp_from`` (``"Interim kultur <kansliet@example.org>"``) as a header object."""
    name, address = parseaddr(text)
    return _address(name, address)


def domain_of(text: str) -> str:
    """The domain of an address, for the Message-ID (``kansliet@example.org`` → ``example.org``)."""
    return sender_address(text).domain or "localhost"


def _address(name: str, address: str) -> Address:
    # Built from its parts rather than parsed: ``Address(addr_spec=…)`` refuses a local part with å, ä or ö,
    # which some members have; such a message only reaches servers that accept it (SMTPUTF8 is not used).
    username, _at, domain = address.rpartition("@")
    return Address(display_name=name, username=username, domain=domain)
