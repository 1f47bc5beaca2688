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

    def __call__(self, text: str, *, where: str, max_length: int | None = None) -> str:
        """``text`` spelt in the character set and, with ``max_length``, shortened to that many characters
        (the most the file's field takes); each change is noted once per place and text."""
        if (
            self.fitting is not None
            and self.fitting.fullmatch(text)
            and unicodedata.is_normalized("NFC", text)
            and (max_length is None or len(text) <= max_length)
        ):
            return text
        spelt = transliterate(text, fits=self.fits)
        written = spelt if max_length is None else shortened(spelt, max_length)
        if written != unicodedata.normalize("NFC", text) and (where, text) not in self._notes:
            reasons = []
            if spelt != unicodedata.normalize("NFC", text):
                reasons.append(f"{self.charset} has no spelling for some of its characters")
            if written != spelt:
                reasons.append(f"the field takes at most {max_length} characters")
            self._notes[where, text] = f"{where}: {text!r} was written as {written!r} ({'; '.join(reasons)})"
        return written

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes.values())


def shortened(text: str, max_length: int) -> str:
    """``text`` cut to at most ``max_length`` characters at a character's boundary: a letter is never left
    without its combining marks (the marks of a letter cut off go with it, and so does the letter), and no
    space is left at the end."""
    if len(text) <= max_length:
        return text
    end = max_length
    while end > 0 and (_continues(text[end]) or text[end - 1] == _ZERO_WIDTH_JOINER):
        end -= 1  # the first character cut off belongs to the one before it: cut before that one too
    return text[:end].rstrip()


_ZERO_WIDTH_JOINER: Final = "\u200d"


def _continues(char: str) -> bool:
    """Part of the character before it: a combining mark, a variation selector or a zero-width joiner."""
    return unicodedata.category(char).startswith("M") or char == _ZERO_WIDTH_JOINER


def xml_fitter() -> TextFitter:
    """A fitter for XML 1.0 text: controls become spaces, noncharacters and lone surrogates ``?``."""
    return TextFitter(fits=is_xml_char, charset="XML 1.0", fitting=XML_TEXT)


def payment_fitter() -> TextFitter:
    """A fitter for the names and texts of a payment file (``fits_payment_latin``)."""
    return TextFitter(
        fits=fits_payment_latin, charset="the payment file's Latin character set", fitting=PAYMENT_TEXT
    )
