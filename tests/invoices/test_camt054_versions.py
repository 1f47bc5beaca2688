"""camt.054 files of every version read (001.02 … 001.08), several references in one payment, odd entries.

Each file in ``data/camt054/`` holds the same five entries in its version's shape (see the comment at the
top of each file): the whole of invoice 2026-0001; one payment of 20 000.00 with two OCR references
(2026-0002 in full, then 5 000.00 to 2026-0003); an entry without a booking date; an entry the bank
identifies by nothing (001.02 … 001.07) or only by a UETR (001.08); and a debit. The three invoices are
15 000.00 each.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.invoices.camt054 import VERSIONS, parse_camt054
from kooperativet.invoices.models import Payment, UnmatchedBankEntry
from tests.invoices.conftest import DATA

FILES = DATA / "camt054"
UETR = "3f2b6d1c-8a4e-4b7f-9c2d-5e6f7a8b9c0d"


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def three_invoices(api, seller, municipality, make_member, make_assignment, treasurer, on_day):
    """Invoices 2026-0001 … 2026-0003 (OCR 2026000105, 2026000204, 2026000303), 15 000.00 each."""
    member = make_member()
    invoices = []
    for _ in range(3):
        assignment = make_assignment(member.member, municipality)
        response = api.post(
            "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
        )
        assert response.status_code == 201, response.text
        invoices.append(response.json())
    assert [i["ocr"] for i in invoices] == ["2026000105", "2026000204", "2026000303"]
    return invoices


def upload(api, actor, content: bytes, name: str = "camt054.xml"):
    return api.post(
        "/api/v1/payments/camt054",
        files={"file": (name, content, "application/xml")},
        headers=actor.headers,
    )


def state(api, treasurer, invoice) -> tuple[str, str]:
    body = api.get(f"/api/v1/invoices/{invoice['id']}", headers=treasurer.headers).json()
    return body["status"], body["paid_amount"]


def version_file(version: str) -> bytes:
    return (FILES / f"camt054_{version.replace('.', '_')}.xml").read_bytes()


def test_the_reader_reads_the_seven_versions() -> None:
    assert VERSIONS == ("001.02", "001.03", "001.04", "001.05", "001.06", "001.07", "001.08")
    assert sorted(p.name for p in FILES.glob("*.xml")) == [
        f"camt054_{v.replace('.', '_')}.xml" for v in VERSIONS
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_each_version_is_parsed_to_the_same_credits(version: str) -> None:
    n = version[-1]
    credits = parse_camt054(version_file(version))

    assert [(c.entry_reference, str(c.amount), c.currency, str(c.booked_on)) for c in credits] == [
        (f"BANK-0{n}-1", "15000.00", "SEK", "2026-03-14"),
        (f"BANK-0{n}-2", "20000.00", "SEK", "2026-03-14"),
        (f"BANK-0{n}-3", "700.00", "SEK", "None"),
        (f"UETR:{UETR}" if version == "001.08" else f"MSG-0{n}/4", "300.00", "SEK", "2026-03-14"),
    ]
    assert [c.references for c in credits] == [
        ("2026000105",),
        ("2026000204", "2026000303"),
        ("2026000105",),
        (),
    ]
    assert [c.problem for c in credits] == [
        None,
        None,
        "the bank gave no booking date",
        "the bank identified the entry only by its UETR"
        if version == "001.08"
        else "the bank gave no reference for the entry",
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_each_version_pays_invoices_stores_odd_entries_unmatched_and_imports_once(
    api, session, three_invoices, treasurer, version: str
) -> None:
    n = version[-1]
    first, second, third = three_invoices

    result = upload(api, treasurer, version_file(version))

    assert result.status_code == 200, result.text
    assert result.json() == {"matched": 2, "partly_paid": 1, "unmatched": 2, "already_imported": 0}
    assert state(api, treasurer, first) == ("paid", "15000.00")
    assert state(api, treasurer, second) == ("paid", "15000.00")
    assert state(api, treasurer, third) == ("partly_paid", "5000.00")
    payments = session.execute(
        select(Payment.bank_entry_reference, Payment.invoice_id, Payment.amount, Payment.reference).order_by(
            Payment.id
        )
    ).all()
    assert [(ref, invoice_id, str(amount), ocr) for ref, invoice_id, amount, ocr in payments] == [
        (f"BANK-0{n}-1", first["id"], "15000.00", "2026000105"),
        (f"BANK-0{n}-2#1", second["id"], "15000.00", "2026000204"),
        (f"BANK-0{n}-2#2", third["id"], "5000.00", "2026000303"),
    ]
    listed = api.get("/api/v1/payments/unmatched", headers=treasurer.headers).json()
    assert listed["total"] == 2
    unmatched = sorted(
        (e["bank_entry_reference"], e["amount"], e["booked_on"], e["reference"], e["uetr"], e["reason"])
        for e in listed["items"]
    )
    fourth = (
        (f"UETR:{UETR}", "300.00", "2026-03-14", None, UETR, "the bank identified the entry only by its UETR")
        if version == "001.08"
        else (f"MSG-0{n}/4", "300.00", "2026-03-14", None, None, "the bank gave no reference for the entry")
    )
    assert unmatched == sorted(
        [(f"BANK-0{n}-3", "700.00", None, "2026000105", None, "the bank gave no booking date"), fourth]
    )
    assert all(e["resolution"] is None for e in listed["items"])

    replay = upload(api, treasurer, version_file(version))

    assert replay.json() == {"matched": 0, "partly_paid": 0, "unmatched": 0, "already_imported": 4}
    assert session.scalar(select(func.count()).select_from(Payment)) == 3
    assert session.scalar(select(func.count()).select_from(UnmatchedBankEntry)) == 2


# --- several references, one amount --------------------------------------------------------------------


def several(amount: str, *references: str, reference: str = "BANK-SEV-1") -> bytes:
    strd = "".join(f"<Strd><CdtrRefInf><Ref>{r}</Ref></CdtrRefInf></Strd>" for r in references)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>MSG-SEV</MsgId><CreDtTm>2026-03-16T06:00:00</CreDtTm></GrpHdr>
    <Ntfctn><Id>N</Id><CreDtTm>2026-03-16T06:00:00</CreDtTm><Acct><Id><Othr><Id>50501055</Id></Othr></Id></Acct>
      <Ntry>
        <Amt Ccy="SEK">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-16</Dt></BookgDt><AcctSvcrRef>{reference}</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf>{strd}</RmtInf></TxDtls></NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>""".encode()


def test_several_references_pay_their_invoices_in_order_and_the_remainder_is_stored_unmatched(
    api, session, three_invoices, treasurer
) -> None:
    first, second, third = three_invoices
    # 2026000206 has a wrong check digit: it takes nothing; the others take all that is due.
    content = several("31000.00", "2026000105", "2026000206", "2026000303")

    result = upload(api, treasurer, content)

    assert result.json() == {"matched": 2, "partly_paid": 0, "unmatched": 1, "already_imported": 0}
    assert state(api, treasurer, first) == ("paid", "15000.00")
    assert state(api, treasurer, second) == ("open", "0.00")
    assert state(api, treasurer, third) == ("paid", "15000.00")
    entry = api.get("/api/v1/payments/unmatched", headers=treasurer.headers).json()["items"][0]
    assert (entry["bank_entry_reference"], entry["amount"], entry["reference"], entry["reason"]) == (
        "BANK-SEV-1#rest",
        "1000.00",
        "2026000206",
        "1000.00 of 31000.00 was left after paying the invoices its references name; "
        "2026000206: no valid OCR reference",
    )
    assert upload(api, treasurer, content).json()["already_imported"] == 1


def test_when_the_amount_runs_out_the_later_references_take_nothing(api, three_invoices, treasurer) -> None:
    first, second, _third = three_invoices

    result = upload(api, treasurer, several("15000.00", "2026000105", "2026000204"))

    assert result.json() == {"matched": 1, "partly_paid": 0, "unmatched": 0, "already_imported": 0}
    assert state(api, treasurer, first) == ("paid", "15000.00")
    assert state(api, treasurer, second) == ("open", "0.00")


def test_a_long_bank_reference_is_cut_so_that_the_payments_of_several_references_fit(
    api, three_invoices, treasurer
) -> None:
    _first, second, _third = three_invoices

    # ISO 20022 allows 35 characters; a longer one is cut to 90, so that "#1", "#rest" fit the 100 stored.
    result = upload(api, treasurer, several("20000.00", "2026000105", "2026000204", reference="R" * 99))

    assert result.status_code == 200, result.text
    assert result.json() == {"matched": 1, "partly_paid": 1, "unmatched": 0, "already_imported": 0}
    stored = api.get("/api/v1/payments", headers=treasurer.headers).json()["items"]
    assert sorted(p["bank_entry_reference"] for p in stored) == ["R" * 90 + "#1", "R" * 90 + "#2"]
    assert state(api, treasurer, second) == ("partly_paid", "5000.00")


def test_several_references_of_which_none_names_an_open_invoice_are_stored_unmatched_whole(
    api, three_invoices, treasurer
) -> None:
    upload(api, treasurer, several("2000.00", "2026000402", "2026000206"))

    entry = api.get("/api/v1/payments/unmatched", headers=treasurer.headers).json()["items"][0]

    assert (entry["bank_entry_reference"], entry["amount"], entry["reference"], entry["reason"]) == (
        "BANK-SEV-1",
        "2000.00",
        "2026000402 2026000206",
        "none of its references names an open invoice; 2026000402: no invoice has this OCR reference; "
        "2026000206: no valid OCR reference",
    )


# --- files that are not camt.054, odd entries -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'/>", "camt.053.001.02"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054.001.09'/>", "001.02 to 001.08"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054.001.08'/>", "BkToCstmrDbtCdtNtfctn"),
        (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>', "DOCTYPE"),
        (b"\x89PNG\r\n", "not well-formed XML"),
    ],
)
def test_a_file_that_is_not_camt054_is_a_422_problem_that_says_why(api, session, treasurer, content, words):
    response = upload(api, treasurer, content)

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["errors"][0]["field"]) == ("invalid_camt054", "file")
    assert words in body["detail"]
    assert session.scalar(select(func.count()).select_from(UnmatchedBankEntry)) == 0


def test_an_entry_without_a_readable_amount_is_stored_unmatched_and_the_rest_is_imported(
    api, three_invoices, treasurer
) -> None:
    content = several("15000.00", "2026000105").replace(
        b"<Ntry>",
        b"<Ntry><Amt Ccy='SEK'>12,50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        b"<BookgDt><Dt>2026-03-16</Dt></BookgDt><AcctSvcrRef>ODD-1</AcctSvcrRef></Ntry><Ntry>",
    )

    result = upload(api, treasurer, content)

    assert result.json() == {"matched": 1, "partly_paid": 0, "unmatched": 1, "already_imported": 0}
    entry = api.get("/api/v1/payments/unmatched", headers=treasurer.headers).json()["items"][0]
    assert (entry["bank_entry_reference"], entry["amount"], entry["reason"]) == (
        "ODD-1",
        None,
        "the entry has no readable amount in öre above zero",
    )


def test_the_import_is_audited_through_the_payments_it_records(
    api, session, three_invoices, treasurer
) -> None:
    upload(api, treasurer, version_file("001.08"))

    events = [
        json.loads(e.payload)
        for e in session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "payment_recorded").order_by(AuditEvent.id)
        )
    ]

    assert [(e["invoice_number"], e["amount"], e["bank_entry_reference"]) for e in events] == [
        ("2026-0001", "15000.00", "BANK-08-1"),
        ("2026-0002", "15000.00", "BANK-08-2#1"),
        ("2026-0003", "5000.00", "BANK-08-2#2"),
    ]
