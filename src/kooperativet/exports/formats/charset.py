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

import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from kooperativet.core.text import is_xml_char, transliterate

_PAYMENT_CHARACTERS: Final = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ åäöÅÄÖ")


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
    """Fits texts to one character set and keeps a note for each text it changed, once per place and text."""

    fits: Callable[[str], bool]
    charset: str
    _notes: dict[tuple[str, str], str] = field(default_factory=dict)

    def __call__(self, text: str, *, where: str) -> str:
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
    return TextFitter(fits=is_xml_char, charset="XML 1.0")
