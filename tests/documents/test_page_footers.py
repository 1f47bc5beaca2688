"""Every document that can run over several pages says on each page after the first what it belongs to, and
on every page "Sida n av m" (docs/documents.md, "Pages"): a payslip with many assignments, an employer
certificate with many employments and the anställningsbevis; the one-page reminder says "Sida 1 av 1"."""

from __future__ import annotations

import html
import re
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kooperativet.employments.service.employer_certificate import (
    CertifiedEmployment,
    EmployerCertificate,
    employer_certificate_pdf,
)
from kooperativet.invoices.mailing.reminder_pdf import render_reminder_pdf
from kooperativet.payroll.documents import render_payslip_pdf
from tests.documents.pages import FOOTER_TOP, page_problems, page_texts, word_boxes
from tests.employments.test_employments_api import employed  # noqa: F401 (fixture)
from tests.payroll.test_payslip_documents import _snapshot as payslip_snapshot

PAYSLIP_CONTINUED = {
    "sv": (
        "Lönespecifikation L2026-00002 · Utbetalningsdag 2026-11-25 · Bertil Holm",
        "Sida {n} av {m}",
    ),
    "en": ("Payslip L2026-00002 · Pay date 2026-11-25 · Bertil Holm", "Page {n} of {m}"),
}


@pytest.mark.parametrize("language", PAYSLIP_CONTINUED)
def test_a_payslip_of_many_assignments_names_itself_on_every_following_page(language: str) -> None:
    identity, page = PAYSLIP_CONTINUED[language]
    snapshot = payslip_snapshot()
    snapshot["lines"] = [
        dict(snapshot["lines"][0], position=n, client_name=f"Kund {n}") for n in range(1, 10)
    ]
    pdf = render_payslip_pdf(number="L2026-00002", snapshot=snapshot, language=language)
    assert len(page_texts(pdf)) > 1
    assert page_problems(pdf, identity=identity, page=page) == []


def _employer_certificate(*, member_name: str) -> bytes:
    """An employer certificate of forty employments, several pages long, for ``member_name``."""
    employer = SimpleNamespace(
        name="Interim kultur", organisation_number="769600-1234", street="Gatan 1", postal_code="111 22",
        city="Stockholm",
    )  # fmt: skip
    member = SimpleNamespace(full_name=member_name, personal_identity_number="199005141230")
    rows = [
        CertifiedEmployment(
            employment_id=n,
            start=date(2026, 1, 5),
            end=date(2026, 1, 9),
            employment_type="Särskild visstidsanställning (LAS 5 § 1)",
            title=f"Skrivarverkstad {n}",
            extent="5 dagar",
            end_reason_code="fixed_term_ended",
            end_reason="Den avtalade tiden löpte ut",
        )
        for n in range(40)
    ]
    certificate = EmployerCertificate(
        employer=employer, member=member, period_from=date(2026, 1, 1), period_to=date(2026, 12, 31),  # type: ignore[arg-type]
        issued_on=date(2026, 11, 20), employments=rows, leave="Ingen", severance="Inget",
    )  # fmt: skip
    return employer_certificate_pdf(certificate)


def test_an_employer_certificate_of_many_employments_names_itself_and_repeats_the_column_heads() -> None:
    pdf = _employer_certificate(member_name="Alva Lindqvist")
    pages = page_texts(pdf)
    assert len(pages) > 1
    identity = "Arbetsgivarintyg · period 2026-01-01 – 2026-12-31 · utfärdat 2026-11-20 · Alva Lindqvist"
    assert page_problems(pdf, identity=identity) == []
    # A page of the table starts with its column heads: a page on its own still says what the dates are.
    assert all(
        "Från Till Anställningsform Befattning Omfattning" in text
        for text in pages
        if "Skrivarverkstad" in text
    )


#: What identifies an employer certificate in its footer, before the member's name.
IDENTIFIED_BY = "Arbetsgivarintyg · period 2026-01-01 – 2026-12-31 · utfärdat 2026-11-20"


def test_a_long_name_is_cut_at_the_end_of_the_footers_one_line_and_the_dates_stay_whole() -> None:
    """The running footer is one line beside "Sida 2 av 3" (common/base.css): what identifies the document
    comes first, and a name too long for the line is cut with "…" instead of wrapping to a second line. (The
    cut part is clipped, not left out: the PDF's text still holds it, so the test reads the lines.)"""
    name = "Maria-Josefina Åkerström-Sandberg von Lindqvist Öberg af Ekenstierna Gyllenhammar"
    pdf = _employer_certificate(member_name=name)
    lines = _footer_lines(pdf)
    assert len(lines) > 1
    for page, footer in enumerate(lines[1:], start=2):
        assert len(footer) == 1, f"page {page}'s footer is on {len(footer)} lines: {footer}"
        (line,) = footer
        assert line.startswith(f"{IDENTIFIED_BY} · Maria")
        assert line.endswith(f"Sida {page} av {len(lines)}")


def _footer_lines(pdf: bytes) -> list[list[str]]:
    """Each page's footer as its lines of text (words in the bottom margin grouped by their top edge); the
    page number beside it is on the same line."""
    pages = []
    for page in word_boxes(pdf).split("<page ")[1:]:
        by_top: dict[float, list[str]] = {}
        for top, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]+)<', page):
            if float(top) >= FOOTER_TOP:
                by_top.setdefault(round(float(top)), []).append(html.unescape(word))
        pages.append([" ".join(words) for _, words in sorted(by_top.items())])
    return pages


def test_the_anstallningsbevis_names_the_member_and_the_employment_on_its_second_page(
    api: TestClient,
    employed: tuple[Any, Any, Any, dict[str, Any]],  # noqa: F811 (fixture)
) -> None:
    member, _, _, employment = employed
    pdf = api.get(f"/api/v1/employments/{employment['id']}/certificate.pdf", headers=member.headers).content
    assert len(page_texts(pdf)) > 1
    identity = f"Anställningsbevis · anställning {employment['start']} – {employment['end']} · utfärdat"
    assert page_problems(pdf, identity=identity) == []


@pytest.mark.parametrize(("language", "page"), [("sv", "Sida {n} av {m}"), ("en", "Page {n} of {m}")])
def test_a_reminder_says_which_page_of_how_many_in_its_language(language: str, page: str) -> None:
    seller = {
        "name": "Interim kultur ekonomisk förening",
        "street": "Kulturgatan 7",
        "postal_code": "118 20",
        "city": "Stockholm",
        "bankgiro": "5050-1055",
        "email": "faktura@interim.example",
    }
    snapshot = {
        "language": language, "number": "2026-0042-P1", "sequence": 1, "reminder_date": "2027-01-15",
        "pay_by": "2027-01-25", "invoice_number": "2026-0042", "invoice_issue_date": "2026-11-24",
        "due_date": "2026-12-28", "ocr": "2026004206", "seller": seller,
        "buyer": {"name": "Exempelby kommun", "street": "Box 100", "postal_code": "123 45",
                  "city": "Exempelby"},
        "interest_days": 18, "rates": [{"from": "2026-12-29", "rate": "10.00"}],
        "amounts": {"payable": "1000.00", "settled": "0.00", "outstanding": "1000.00", "interest": "4.93",
                    "fee": "60.00", "earlier_fees": "0.00", "total": "1064.93"},
    }  # fmt: skip
    pdf = render_reminder_pdf(snapshot)
    assert len(page_texts(pdf)) == 1
    assert page_problems(pdf, identity="Betalningspåminnelse 2026-0042-P1", page=page) == []
