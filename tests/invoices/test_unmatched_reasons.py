"""Why a credit was left unmatched, as the office page and the treasurers' e-mail write it: every sentence the
importer stores, in Swedish and in English, amounts as each language writes them."""

from __future__ import annotations

import pytest

from kooperativet.invoices.unmatched_reasons import reason_in

NBSP = "\N{NO-BREAK SPACE}"

#: Each sentence the importer writes (``invoices.payments``, ``invoices.camt054``), and its two wordings.
STORED = [
    (
        "no valid OCR reference",
        "Betalaren angav inget giltigt OCR-nummer.",
        "The payer gave no valid OCR number.",
    ),
    (
        "no invoice has this OCR reference",
        "Ingen faktura har det här OCR-numret.",
        "No invoice has this OCR number.",
    ),
    ("paid in EUR, invoiced in SEK", "Betalt i EUR, fakturerat i SEK.", "Paid in EUR, invoiced in SEK."),
    (
        "invoice 2026-0001 is the importer's own work; another treasurer or an admin records it",
        "Faktura 2026-0001 gäller eget arbete för den som läste in filen: en annan kassör eller en "
        "administratör kopplar den.",
        "Invoice 2026-0001 is the own work of the person who read the file: another treasurer or an admin "
        "assigns it.",
    ),
    (
        "invoice 2026-0002 was already paid",
        "Faktura 2026-0002 var redan betald.",
        "Invoice 2026-0002 was already paid.",
    ),
    (
        "invoice 2026-0003 is credited",
        "Faktura 2026-0003 är inte längre obetald.",
        "Invoice 2026-0003 is no longer unpaid.",
    ),
    (
        "more than the 12500.00 due on invoice 2026-0004",
        f"Mer än de 12{NBSP}500,00 kr som återstår på faktura 2026-0004.",
        "More than the 12,500.00 kr due on invoice 2026-0004.",
    ),
    (
        "nothing was left of the amount",
        "Inget fanns kvar av beloppet till den.",
        "Nothing was left of the amount for it.",
    ),
    ("incomplete entry", "Bankens post är ofullständig.", "The bank's entry is incomplete."),
    (
        "the bank gave no booking date",
        "Banken angav inget bokföringsdatum.",
        "The bank gave no booking date.",
    ),
    (
        "the entry has no readable amount in öre above zero",
        "Bankens post har inget läsbart belopp över noll.",
        "The bank's entry has no readable amount above zero.",
    ),
    (
        "the transaction has no readable amount in öre above zero",
        "Bankens post har inget läsbart belopp över noll.",
        "The bank's entry has no readable amount above zero.",
    ),
    (
        "the bank identified the entry only by its UETR",
        "Banken identifierade posten bara med betalarens spårningsnummer (UETR).",
        "The bank identified the entry only by the payer's tracking number (UETR).",
    ),
    (
        "the bank gave no reference for the entry",
        "Banken angav ingen referens för posten.",
        "The bank gave no reference for the entry.",
    ),
]


@pytest.mark.parametrize(("stored", "swedish", "english"), STORED)
def test_each_stored_reason_reads_in_swedish_and_in_english(stored: str, swedish: str, english: str) -> None:
    assert reason_in(stored, "sv") == swedish
    assert reason_in(stored, "en") == english


def test_a_several_reference_credits_reason_is_a_sentence_a_part_each_about_its_reference() -> None:
    stored = (
        "1000.00 of 31000.00 was left after paying the invoices its references name; "
        "2026000206: no valid OCR reference; 2026000402: invoice 2026-0002 was already paid; "
        "2026000501: invoice 2026-0005 is the importer's own work; another treasurer or an admin records it"
    )
    assert reason_in(stored, "sv") == (
        f"1{NBSP}000,00 kr av 31{NBSP}000,00 kr blev över när fakturorna som referenserna anger var betalda. "
        "2026000206: Betalaren angav inget giltigt OCR-nummer. "
        "2026000402: Faktura 2026-0002 var redan betald. "
        "2026000501: Faktura 2026-0005 gäller eget arbete för den som läste in filen: en annan kassör "
        "eller en administratör kopplar den."
    )
    assert reason_in("none of its references names an open invoice", "en") == (
        "None of its references names an unpaid invoice."
    )


def test_a_part_cut_short_at_the_stored_length_is_shown_as_stored() -> None:
    assert reason_in("no invoice has this OCR reference; 2026000206: no valid OCR ref", "sv") == (
        "Ingen faktura har det här OCR-numret. 2026000206: no valid OCR ref"
    )
