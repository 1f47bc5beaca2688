"""Every client can be invoiced: the PDF is the invoice, and the Peppol UBL is made only for a buyer with a
Peppol address — never for a private person; a public-sector buyer without one is refused (invoicing.md,
"Who gets an e-invoice")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.calculation import InvoiceLine, amounts_including_vat, calculate_invoice
from kooperativet.invoices.models import Invoice
from kooperativet.parties.models import Client, ClientKind, Language
from tests.documents.glyphs import glyph_problems
from tests.invoices.conftest import embedded_files, pdf_text

WEDDING = ("Bröllopsmusik", "3", "HUR", "1200.00", VatCategory.STANDARD, "25")
SOUND = ("Ljudanläggning", "1", "C62", "333.33", VatCategory.STANDARD, "25")
LECTURE_ABROAD = ("Föreläsning", "1", "DAY", "9000.00", VatCategory.OUTSIDE_SCOPE, "0")


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def private_person(session: Session) -> Client:
    client = Client(
        name="Petra Privat",
        kind=ClientKind.person,
        personal_identity_number="195603022343",
        street="Rosenvägen 4",
        postal_code="224 66",
        city="Lund",
        payment_terms_days=20,
    )
    session.add(client)
    session.flush()
    return client


@pytest.fixture
def norwegian_business(session: Session) -> Client:
    client = Client(
        name="Nordlys Scene AS",
        organisation_number="923609016",
        country="NO",
        street="Storgata 12",
        postal_code="0155",
        city="Oslo",
        language=Language.en,
    )
    session.add(client)
    session.flush()
    return client


def issue(api, treasurer, assignment_id: int, **extra):
    return api.post(
        "/api/v1/invoices", json={"assignment_id": assignment_id, **extra}, headers=treasurer.headers
    )


def test_a_private_person_is_invoiced_with_a_pdf_only(
    api, seller, private_person, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, private_person, WEDDING, SOUND)

    response = issue(api, treasurer, assignment.id)

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["number"], body["has_ubl"], body["ubl_sha256"]) == ("2026-0001", False, None)
    assert (body["net_total"], body["vat_total"], body["rounding"], body["payable"]) == (
        "3933.33",
        "983.33",
        "0.34",
        "4917.00",
    )
    assert body["due_date"] == "2026-03-23"  # 20 days from Monday 2 March 2026
    assert body["buyer_reference"] is None
    pdf = api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers)
    assert pdf.status_code == 200
    assert embedded_files(pdf.content) == {}
    ubl = api.get(f"/api/v1/invoices/{body['id']}/ubl", headers=treasurer.headers)
    assert ubl.status_code == 404
    assert (ubl.json()["title"], ubl.json()["code"], ubl.json()["detail"]) == (
        "Not found",
        "no_ubl",
        "invoice 2026-0001 was issued as a PDF only: the buyer has no Peppol address, so there is no UBL",
    )


def test_a_private_persons_invoice_shows_what_she_pays_including_vat_and_every_legal_item(
    api, seller, private_person, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, private_person, WEDDING, SOUND)
    body = issue(api, treasurer, assignment.id).json()

    content = api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content
    text = pdf_text(content)
    rows = text.splitlines()

    # Lines: the unit price excl. VAT (mervärdesskattelagen 17 kap.) and the amount incl. VAT for her.
    assert "Beskrivning Antal Enhet À-pris exkl." in rows
    assert "Momssats Belopp inkl. moms" in rows
    assert "Bröllopsmusik 3 tim 1 200,00 25 % 4 500,00" in rows
    assert "Ljudanläggning 1 st 333,33 25 % 416,66" in rows
    assert "25 % 3 933,33 983,33" in rows
    assert "Att betala inkl. moms: 4 917,00 SEK" in rows
    assert "Att betala inkl. moms (SEK) 4 917,00" in rows
    assert "Betalningsvillkor 20 dagar netto" in rows
    for item in (
        "Interim Kultur ekonomisk förening",
        "Kulturgatan 1",
        "211 20 Malmö",
        "Organisationsnummer: 769621-2344",
        "Momsregistreringsnummer: SE769621234401",
        "Godkänd för F-skatt",
        "Petra Privat",
        "Rosenvägen 4",
        "224 66 Lund",
        "Fakturadatum 2026-03-02",
        "Förfallodatum 2026-03-23",
        "Leveransperiod: 2026-02-09 – 2026-02-20",
    ):
        assert item in text, item
    assert "Alla belopp att betala är inklusive moms. Momsen räknas per momssats på summan av" in rows
    # Nothing of ROT/RUT, no personnummer, no Peppol reference invented for her.
    for absent in ("ROT", "RUT", "rot", "rut", "195603", "Er referens", "Belopp exkl. moms"):
        assert absent not in text, absent
    assert glyph_problems(content) == []


def test_a_business_outside_the_eu_without_peppol_gets_a_pdf_outside_the_scope_of_vat(
    api, seller, norwegian_business, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, norwegian_business, LECTURE_ABROAD)

    response = issue(api, treasurer, assignment.id)

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["has_ubl"], body["net_total"], body["vat_total"], body["payable"]) == (
        False,
        "9000.00",
        "0.00",
        "9000.00",
    )
    assert body["lines"][0]["vat_category"] == "O"
    # Its reference is left out rather than made up: only Peppol needs one.
    assert body["buyer_reference"] is None
    content = api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content
    text = pdf_text(content)
    assert "Amount excl. VAT" in text
    assert "Outside the scope of VAT" in text
    assert "Amount due (SEK) 9,000.00" in text.splitlines()
    assert "Amount due incl. VAT" not in text
    assert "Organisation number: 923609016" in text
    assert embedded_files(content) == {}
    assert glyph_problems(content) == []
    assert api.get(f"/api/v1/invoices/{body['id']}/ubl", headers=treasurer.headers).status_code == 404


def test_an_eu_business_without_peppol_is_reverse_charged_on_a_pdf(
    api, session, seller, eu_business, make_member, make_assignment, treasurer, on_day
) -> None:
    eu_business.peppol_scheme = None
    eu_business.peppol_id = None
    session.flush()
    line = ("Lecture", "1", "DAY", "8000.00", VatCategory.REVERSE_CHARGE, "0")
    assignment = make_assignment(make_member().member, eu_business, line)

    body = issue(api, treasurer, assignment.id).json()

    assert (body["has_ubl"], body["vat_total"], body["payable"]) == (False, "0.00", "8000.00")
    text = pdf_text(api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content)
    assert "Buyer's VAT registration number: DE136695976" in text
    assert "Omvänd betalningsskyldighet" in text


def test_a_buyer_abroad_is_given_the_iban_and_bic_a_bankgiro_cannot_be_paid_from_there(
    api, session, seller, eu_business, make_member, make_assignment, treasurer, on_day
) -> None:
    seller.iban = "SE4550000000058398257466"
    seller.bic = "ESSESESS"
    eu_business.peppol_scheme = None
    eu_business.peppol_id = None
    session.flush()
    line = ("Lecture", "1", "DAY", "8000.00", VatCategory.REVERSE_CHARGE, "0")
    body = issue(api, treasurer, make_assignment(make_member().member, eu_business, line).id).json()

    text = pdf_text(api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content)

    assert "IBAN: SE45 5000 0000 0583 9825 7466" in text
    assert "BIC (SWIFT): ESSESESS" in text
    assert "Bankgiro: 5050-1055" in text


def test_a_swedish_buyer_pays_the_bankgiro_and_is_not_shown_the_iban(
    api, session, seller, private_person, make_member, make_assignment, treasurer, on_day
) -> None:
    seller.iban = "SE4550000000058398257466"
    seller.bic = "ESSESESS"
    session.flush()
    body = issue(api, treasurer, make_assignment(make_member().member, private_person, WEDDING).id).json()

    text = pdf_text(api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content)

    assert "Bankgiro: 5050-1055" in text
    assert "IBAN" not in text


def test_a_public_sector_buyer_without_a_peppol_address_is_refused_and_nothing_is_stored(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    municipality.organisation_number = None
    session.flush()
    assignment = make_assignment(make_member().member, municipality)

    response = issue(api, treasurer, assignment.id)

    assert response.status_code == 422
    detail = (
        f"Lunds kommun is a public-sector buyer and must receive an e-invoice (lag (2018:1277)); record its "
        f"Peppol address (peppol_scheme and peppol_id) or Swedish organisation number on client "
        f"{municipality.id}"
    )
    assert response.json()["code"] == "peppol_address_missing"
    assert response.json()["errors"] == [{"field": "peppol_id", "reason": detail}]
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0
    municipality.peppol_scheme, municipality.peppol_id = "0007", "2120001124"
    session.flush()
    registered = issue(api, treasurer, assignment.id).json()
    assert (registered["number"], registered["has_ubl"]) == ("2026-0001", True)


def test_a_public_sector_buyer_with_its_organisation_number_gets_a_ubl(
    api, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    body = issue(api, treasurer, make_assignment(make_member().member, municipality).id).json()

    assert body["has_ubl"] is True
    assert len(body["ubl_sha256"]) == 64
    assert api.get(f"/api/v1/invoices/{body['id']}/ubl", headers=treasurer.headers).status_code == 200


def test_a_credit_note_goes_the_way_of_the_invoice_it_credits(
    api, seller, municipality, private_person, make_member, make_assignment, treasurer, on_day
) -> None:
    member = make_member().member
    private = issue(api, treasurer, make_assignment(member, private_person, WEDDING).id).json()
    public = issue(api, treasurer, make_assignment(member, municipality).id).json()

    credits = [
        api.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={}, headers=treasurer.headers)
        for invoice in (private, public)
    ]

    assert [(c.status_code, c.json()["has_ubl"]) for c in credits] == [(201, False), (201, True)]
    assert credits[0].json()["payable"] == "4500.00"
    content = api.get(f"/api/v1/invoices/{credits[0].json()['id']}/pdf", headers=treasurer.headers).content
    assert "Kreditfaktura 2026-0003" in pdf_text(content)
    assert "Krediterat belopp (SEK) 4 500,00" in pdf_text(content).splitlines()
    assert embedded_files(content) == {}
    assert glyph_problems(content) == []
    ubl = api.get(f"/api/v1/invoices/{credits[0].json()['id']}/ubl", headers=treasurer.headers)
    assert (ubl.status_code, ubl.json()["code"]) == (404, "no_ubl")


def test_amounts_including_vat_add_up_to_the_total_of_their_rate() -> None:
    """VAT is computed on the sum per rate, so the lines' amounts incl. VAT are the differences of the
    rounded running totals: 100.01 × 1.25 = 125.0125 and 200.02 × 1.25 = 250.025, so 125.01 and 125.02."""
    lines = [
        InvoiceLine("A", Decimal("1"), "C62", Decimal("100.01"), VatCategory.STANDARD, Decimal("25")),
        InvoiceLine("B", Decimal("1"), "C62", Decimal("100.01"), VatCategory.STANDARD, Decimal("25")),
        InvoiceLine("C", Decimal("3"), "C62", Decimal("33.33"), VatCategory.STANDARD, Decimal("6")),
    ]
    calculation = calculate_invoice(lines=lines, buyer_vat_number=None, round_payable_to_krona=False)

    gross = amounts_including_vat(calculation)

    assert gross == (Decimal("125.01"), Decimal("125.02"), Decimal("105.99"))
    assert sum(gross) == calculation.totals.tax_inclusive_amount == Decimal("356.02")


def test_a_single_days_supply_is_dated_not_a_period_from_and_to_the_same_day(
    api, session, seller, private_person, make_member, make_assignment, treasurer, on_day
) -> None:
    """Mervärdesskattelagen 17 kap. asks for the date of the supply; one day is a date (Leveransdatum)."""
    assignment = make_assignment(make_member().member, private_person, WEDDING)
    assignment.period_end = assignment.period_start
    session.flush()
    body = issue(api, treasurer, assignment.id).json()

    text = pdf_text(api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content)

    assert "Leveransdatum: 2026-02-09" in text
    assert "Leveransperiod" not in text
