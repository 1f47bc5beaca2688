"""Issuing invoices over the API: numbers, OCR, due dates, VAT, stored documents, refusals storing nothing."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from lxml import etree
from sqlalchemy import func, select

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.documents import render_documents
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.ocr import is_valid_ocr
from kooperativet.invoices.snapshot import snapshot_from_json
from kooperativet.invoices.ubl import validate_ubl
from kooperativet.parties.models import Client
from tests.invoices.conftest import XSD_DIR, embedded_files, pdf_text

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


def issue(api, treasurer, assignment_id: int, **extra):
    return api.post(
        "/api/v1/invoices", json={"assignment_id": assignment_id, **extra}, headers=treasurer.headers
    )


def test_an_approved_assignment_is_invoiced_with_number_ocr_due_date_and_totals(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    member = make_member()
    assignment = make_assignment(member.member, municipality, expenses=(("Tågbiljett", "625.00", "6"),))

    response = issue(api, treasurer, assignment.id)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"] == "2026-0001"
    assert (body["kind"], body["status"], body["overdue"]) == ("invoice", "open", False)
    assert body["issue_date"] == "2026-03-02"
    assert body["due_date"] == "2026-04-01"
    # The digits of the number, the length digit (10 digits → 0) and the Luhn digit.
    assert body["ocr"][:9] == "202600010"
    assert is_valid_ocr(body["ocr"], with_length_digit=True)
    # 2 days × 6 000 + the ticket without its 6 % VAT (625 / 1.06 = 589.62), all at 25 %.
    assert body["work_amount"] == "12000.00"
    assert body["expenses_amount"] == "589.62"
    assert body["net_total"] == "12589.62"
    assert body["vat_total"] == "3147.41"
    assert body["rounding"] == "-0.03"
    assert body["payable"] == "15737.00"
    assert body["buyer_reference"] == "KF-4711"
    assert [line["is_expense"] for line in body["lines"]] == [False, True]
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.invoiced


def test_the_due_date_moves_to_the_next_bank_day(
    api, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    on_day(date(2026, 3, 6))  # + 30 days = Easter Sunday 5 April; Easter Monday is a holiday too
    assignment = make_assignment(make_member().member, municipality)

    assert issue(api, treasurer, assignment.id).json()["due_date"] == "2026-04-07"


def test_the_stored_documents_are_a_valid_ubl_and_a_pdf_that_embeds_it_and_downloads_are_identical(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, municipality)
    body = issue(api, treasurer, assignment.id).json()

    ubl = api.get(f"/api/v1/invoices/{body['id']}/ubl", headers=treasurer.headers)
    pdf = api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers)

    assert ubl.headers["content-type"] == "application/xml"
    assert pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(ubl.content).hexdigest() == body["ubl_sha256"]
    assert hashlib.sha256(pdf.content).hexdigest() == body["pdf_sha256"]
    assert api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content == pdf.content
    assert validate_ubl(ubl.content, xsd_dir=XSD_DIR) == []
    assert embedded_files(pdf.content) == {"2026-0001.xml": ubl.content}
    root = etree.fromstring(ubl.content)
    assert root.findtext("cbc:BuyerReference", namespaces=NS) == "KF-4711"
    assert root.findtext("cac:PaymentMeans/cbc:PaymentID", namespaces=NS) == body["ocr"]
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == body["payable"]
    # Rendering the stored snapshot again gives the same bytes.
    invoice = session.get_one(Invoice, body["id"])
    rendered = render_documents(snapshot_from_json(invoice.snapshot))
    assert (rendered.pdf_sha256, rendered.ubl_sha256) == (body["pdf_sha256"], body["ubl_sha256"])


def test_the_pdf_lists_every_legal_item_in_swedish(
    api, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, municipality)
    body = issue(api, treasurer, assignment.id).json()

    text = pdf_text(api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content)

    for item in [
        "Faktura 2026-0001",
        "Fakturadatum",
        "2026-03-02",
        "Förfallodatum",
        "2026-04-01",
        "SE769621234401",
        "769621-2344",
        "Godkänd för F-skatt",
        "Interim Kultur ekonomisk förening",
        "Kulturgatan 1",
        "Lunds kommun",
        "Box 41",
        "Er referens",
        "KF-4711",
        "2026-02-09 – 2026-02-20",
        "Föreställning",
        "6 000,00",
        "12 000,00",
        "3 000,00",
        "15 000,00",
        "5050-1055",
        body["ocr"],
        "dröjsmålsränta",
    ]:
        assert item in text, item


def test_six_per_cent_vat_and_rounding_to_whole_kronor(
    api, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    line = ("Upphovsrättslig licens", "1", "C62", "1234.56", VatCategory.STANDARD, "6")
    assignment = make_assignment(make_member().member, municipality, line)

    body = issue(api, treasurer, assignment.id).json()

    assert (body["net_total"], body["vat_total"], body["rounding"], body["payable"]) == (
        "1234.56",
        "74.07",
        "0.37",
        "1309.00",
    )


def test_a_reverse_charged_invoice_to_an_eu_business_is_in_english_with_the_legal_words(
    api, seller, eu_business, make_member, make_assignment, treasurer, on_day
) -> None:
    line = ("Guest performance", "1", "DAY", "8000.00", VatCategory.REVERSE_CHARGE, "0")
    assignment = make_assignment(make_member().member, eu_business, line)

    body = issue(api, treasurer, assignment.id).json()

    assert (body["vat_total"], body["payable"], body["language"]) == ("0.00", "8000.00", "en")
    text = pdf_text(api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content)
    for item in ["Invoice 2026-0001", "Omvänd betalningsskyldighet", "DE136695976"]:
        assert item in text, item
    # The client gave no reference: none is printed (its UBL names it, as Peppol requires one).
    assert "Your reference" not in text
    ubl = etree.fromstring(api.get(f"/api/v1/invoices/{body['id']}/ubl", headers=treasurer.headers).content)
    assert ubl.findtext("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", namespaces=NS) == "AE"


@pytest.mark.parametrize(
    ("category", "buyer", "reason"),
    [
        # A Swedish business buyer of the cooperative's services is charged Swedish VAT (2 500.00 here).
        (VatCategory.REVERSE_CHARGE, {"vat_number": "SE556026998601", "country": "SE"}, "Swedish VAT"),
        # A German buyer is inside the EU: reverse charge, not outside the scope of VAT.
        (VatCategory.OUTSIDE_SCOPE, {"vat_number": "DE136695976", "country": "DE"}, "outside the EU"),
        # Without a VAT number the buyer's country tells where it is.
        (VatCategory.OUTSIDE_SCOPE, {"vat_number": None, "country": "SE"}, "outside the EU"),
    ],
)
def test_a_vat_category_that_does_not_fit_where_the_buyer_is_is_refused_and_takes_no_number(
    api, session, seller, make_member, make_assignment, treasurer, on_day, category, buyer, reason
) -> None:
    client = Client(
        name="Scen AB",
        street="Storgatan 1",
        postal_code="111 22",
        city="Stockholm",
        default_buyer_reference="Eva",
        **buyer,
    )
    session.add(client)
    session.flush()
    member = make_member().member
    refused = make_assignment(member, client, ("Föreställning", "1", "DAY", "10000.00", category, "0"))

    response = issue(api, treasurer, refused.id)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["errors"][0]["field"]) == (
        "invoice_rule_violation",
        "lines[0].vat_category",
    )
    assert reason in problem["detail"]
    standard = ("Föreställning", "1", "DAY", "10000.00", VatCategory.STANDARD, "25")
    assert issue(api, treasurer, make_assignment(member, client, standard).id).json()["number"] == "2026-0001"


def test_user_text_is_escaped_and_never_fetched(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    municipality.name = '<img src="file:///etc/passwd">Evil'
    session.flush()
    assignment = make_assignment(make_member().member, municipality)

    body = issue(api, treasurer, assignment.id).json()

    text = pdf_text(api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=treasurer.headers).content)
    assert '<img src="file:///etc/passwd">Evil' in text


def test_partial_invoicing_takes_part_of_a_line_and_refuses_more_than_remains(
    api, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    line = ("Workshop", "40", "HUR", "800.00", VatCategory.STANDARD, "25")
    assignment = make_assignment(make_member().member, municipality, line)
    line_id = assignment.lines[0].id

    first = issue(api, treasurer, assignment.id, parts=[{"assignment_line_id": line_id, "quantity": "15"}])
    too_much = issue(api, treasurer, assignment.id, parts=[{"assignment_line_id": line_id, "quantity": "26"}])
    rest = issue(api, treasurer, assignment.id)
    nothing = issue(api, treasurer, assignment.id)

    assert (first.status_code, first.json()["net_total"]) == (201, "12000.00")
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["field"] == "parts[0].quantity"
    assert (rest.status_code, rest.json()["number"], rest.json()["net_total"]) == (
        201,
        "2026-0002",
        "20000.00",
    )
    assert (nothing.status_code, nothing.json()["code"]) == (422, "nothing_to_invoice")


@pytest.mark.parametrize(
    "status", [AssignmentStatus.draft, AssignmentStatus.submitted, AssignmentStatus.rejected]
)
def test_an_assignment_that_is_not_approved_is_not_invoiced_and_nothing_is_stored(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day, status
) -> None:
    member = make_member().member
    refused = make_assignment(member, municipality, status=status)

    response = issue(api, treasurer, refused.id)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "assignment_id", "reason": response.json()["detail"]}]
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0
    # The number was not used up: the next invoice still gets the first number of the year.
    approved = make_assignment(member, municipality)
    assert issue(api, treasurer, approved.id).json()["number"] == "2026-0001"


def test_a_public_buyer_without_a_reference_is_refused(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    municipality.default_buyer_reference = None
    session.flush()
    assignment = make_assignment(make_member().member, municipality)

    response = issue(api, treasurer, assignment.id)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "buyer_reference"


def test_a_seller_that_cannot_issue_peppol_invoices_is_named_in_the_refusal(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    seller.bankgiro = None
    session.flush()
    assignment = make_assignment(make_member().member, municipality)

    response = issue(api, treasurer, assignment.id)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "seller.bankgiro"
    assert session.get_one(Assignment, assignment.id).status == AssignmentStatus.approved


def test_a_replayed_issue_with_the_same_idempotency_key_returns_the_first_invoice(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    line = ("Workshop", "40", "HUR", "800.00", VatCategory.STANDARD, "25")
    assignment = make_assignment(make_member().member, municipality, line)
    body = {
        "assignment_id": assignment.id,
        "parts": [{"assignment_line_id": assignment.lines[0].id, "quantity": "1"}],
    }
    headers = {**treasurer.headers, "Idempotency-Key": "issue-0001-abcdef"}

    first = api.post("/api/v1/invoices", json=body, headers=headers)
    replay = api.post("/api/v1/invoices", json=body, headers=headers)

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert session.scalar(select(func.count()).select_from(Invoice)) == 1


def test_members_see_only_invoices_of_their_own_assignments(
    api, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    owner, other = make_member(), make_member()
    body = issue(api, treasurer, make_assignment(owner.member, municipality).id).json()

    assert api.get(f"/api/v1/invoices/{body['id']}", headers=owner.headers).status_code == 200
    assert api.get(f"/api/v1/invoices/{body['id']}/pdf", headers=owner.headers).status_code == 200
    assert api.get(f"/api/v1/invoices/{body['id']}", headers=other.headers).status_code == 404
    assert api.get(f"/api/v1/invoices/{body['id']}/ubl", headers=other.headers).status_code == 404
    assert api.get("/api/v1/invoices", headers=owner.headers).json()["total"] == 1
    assert api.get("/api/v1/invoices", headers=other.headers).json()["total"] == 0
    assert issue(api, owner, make_assignment(owner.member, municipality).id).status_code == 403


def test_the_list_filters_by_client_member_and_status(
    api, seller, municipality, eu_business, make_member, make_assignment, treasurer, on_day
) -> None:
    member = make_member()
    issue(api, treasurer, make_assignment(member.member, municipality).id)
    line = ("Guest performance", "1", "DAY", "8000.00", VatCategory.REVERSE_CHARGE, "0")
    issue(api, treasurer, make_assignment(member.member, eu_business, line).id)

    def total(**params: object) -> int:
        return api.get("/api/v1/invoices", params=params, headers=treasurer.headers).json()["total"]

    assert total() == 2
    assert total(client_id=eu_business.id) == 1
    assert total(member_id=member.member.id) == 2
    assert total(status="paid") == 0
    assert total(status="open", limit=1) == 2
    assert (
        len(api.get("/api/v1/invoices", params={"limit": 1}, headers=treasurer.headers).json()["items"]) == 1
    )


def test_a_business_that_gave_no_reference_gets_no_er_referens_and_its_ubl_names_it_as_peppol_requires(
    api, session, seller, make_member, make_assignment, treasurer, on_day
) -> None:
    """ "Er referens" is the buyer's own reference. A business with a Peppol address (its organisation number)
    that gave none had its own name printed there; now nothing is printed and the API says none was given.
    Only the UBL, which Peppol requires to carry a buyer or order reference (PEPPOL-EN16931-R003), names the
    buyer in BuyerReference; so does its credit note's."""
    theatre = Client(
        name="Folkteatern i Mellanstad AB",
        organisation_number="556677-8899",
        street="Teatergatan 1",
        postal_code="411 38",
        city="Göteborg",
    )
    session.add(theatre)
    session.flush()
    body = issue(api, treasurer, make_assignment(make_member().member, theatre).id).json()
    note = api.post(f"/api/v1/invoices/{body['id']}/credit-notes", json={}, headers=treasurer.headers)
    assert note.status_code == 201, note.text

    for document in (body, note.json()):
        assert (document["buyer_reference"], document["has_ubl"]) == (None, True)
        ubl = api.get(f"/api/v1/invoices/{document['id']}/ubl", headers=treasurer.headers).content
        assert validate_ubl(ubl, xsd_dir=XSD_DIR) == []
        root = etree.fromstring(ubl)
        assert root.findtext("cbc:BuyerReference", namespaces=NS) == "Folkteatern i Mellanstad AB"
        pdf = api.get(f"/api/v1/invoices/{document['id']}/pdf", headers=treasurer.headers).content
        text = pdf_text(pdf)
        assert "Folkteatern i Mellanstad AB" in text  # the buyer, once, where the buyer is named
        assert text.count("Folkteatern i Mellanstad AB") == 1
        assert "Er referens" not in text
        assert embedded_files(pdf) == {f"{document['number']}.xml": ubl}
