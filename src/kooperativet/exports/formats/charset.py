"""The character sets of the export files, and the notes a writer leaves when it had to change a text.

A writer never refuses a file for a character (a name with ``Ł`` or an emoji would otherwise block the
month for good); it spells the text in the file's character set with ``core.text.transliterate`` and notes
each change, and the export batch shows the notes to the treasurer.

- SIE 4: IBM PC-8, codepage 437 (``#FORMAT PC8``; SIE-gruppen, SIE 4B), one line of printable text.
- pain.001: the Latin character set of ISO 20022 payment messages as the EPC (EPC217-08, "SEPA
  Requirements for an Extended Character Set") and the Swedish banks' implementation guides allow it:
  ``a–z A–Z 0–9 / - ? : ( ) . , ' +`` and space, plus the Swedish ``å ä ö Å Ä Ö``.
- XML files (AGI, UBL): any XML 1.0 ``Char`` (UTF-8).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from kooperativet.core.text import is_xml_char, transliterate

_PAYMENT_CHARACTERS: Final = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ åäöÅÄÖ")

#: The printable characters of codepage 437: every byte but the C0 controls and DEL, as decoded.
CODEPAGE_437_PRINTABLE: Final = "".join(
    bytes([byte]).decode("cp437") for byte in range(0x20, 0x100) if byte != 0x7F
)


def all_of(characters: str) -> re.Pattern[str]:
    """A pattern a text matches in full when each of its characters is one of ``characters``."""
    return re.compile("[" + "".join(re.escape(char) for char in characters) + "]*")


#: Texts made of XML 1.0 ``Char`` only (``core.text.is_xml_char``).
XML_TEXT: Final = re.compile(r"[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
#: Texts in the payment files' Latin set (``fits_payment_latin``).
PAYMENT_TEXT: Final = all_of("".join(sorted(_PAYMENT_CHARACTERS)))


def fits_codepage_437(char: str) -> bool:
    """Printable in codepage 437 (controls are not text in a SIE field)."""
    if ord(char) < 0x20 or ord(char) == 0x7F:
        return False
    try:
        char.encode("cp437")
    except UnicodeEncodeError:
        return False
    return True


def fits_payment_latin(char: str) -> bool:
    """In the EPC basic Latin set plus the Swedish letters (names and remittance text in pain.001)."""
    return char in _PAYMENT_CHARACTERS


@dataclass
class TextFitter:
    """Fits texts to one character set and keeps a note for each text it changed, once per place and text.

    ``fitting`` matches, in full, the texts whose every character ``fits``: such a text, when composed (NFC),
    is written as it is without looking at each character — the common case, and a month's file has
    thousands of names and addresses.
    """

    fits: Callable[[str], bool]
    charset: str
    fitting: re.Pattern[str] | None = None
    _notes: dict[tuple[str, str], str] = field(default_factory=dict)

    def __call__(self, text: str, *, where: str) -> str:
        if (
            self.fitting is not None
            and self.fitting.fullmatch(text)
            and unicodedata.is_normalized("NFC", text)
        ):
            return text
        written = transliterate(text, fits=self.fits)
        if written != unicodedata.normalize("NFC", text) and (where, text) not in self._notes:
            self._notes[where, text] = (
                f"{where}: {text!r} was written as {written!r} ({self.charset} has no spelling for some of "
                "its characters)"
            )
        return written

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes.values())


def xml_fitter() -> TextFitter:
    """A fitter for XML 1.0 text: controls become spaces, noncharacters and lone surrogates ``?``."""
    return TextFitter(fits=is_xml_char, charset="XML 1.0", fitting=XML_TEXT)


def payment_fitter() -> TextFitter:
    """A fitter for the names and texts of a payment file (``fits_payment_latin``)."""
    return TextFitter(
        fits=fits_payment_latin, charset="the payment file's Latin character set", fitting=PAYMENT_TEXT
    )
