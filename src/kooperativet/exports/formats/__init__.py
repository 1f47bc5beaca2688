"""File writers for the treasurer's exports: pure functions from plain values to bytes.

Every writer has the exporter shape ``render(...) -> ExportFile`` (pretix's exporters: filename, media type,
bytes). The month's files (AGI, pain.001, SIE) are written as a stream of chunks (their ``chunks``), which
``render`` joins: no tree of a file of thousands of payees is built (``xml_text``). The modules import only
the standard library, lxml and ``kooperativet.core``; the caller passes in anything that depends on the
clock (``created_at``, ``generated_on``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class ExportFile:
    """One rendered file, ready to be stored with its batch or sent to the user.

    ``notes`` say what the writer had to change to fit the file's character set (``formats.charset``).
    ``records`` is how many rows of data the file holds, besides its headers and totals, where its writer
    counts them (the payroll summary's): a caller that writes no file of headers alone reads it here
    instead of asking the database again.
    """

    filename: str
    media_type: str
    content: bytes
    notes: tuple[str, ...] = ()
    records: int | None = None
