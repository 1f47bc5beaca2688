"""Issue 10 item 8: a member may give a Swedish IBAN instead of a clearing and account number. Payroll
approves her, the payslip records and shows the IBAN, and the salary file pays it (docs/exports.md)."""

from __future__ import annotations

import io
from decimal import Decimal

from fastapi.testclient import TestClient
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.parties.models import Cooperative, Member
from kooperativet.payroll.models import Payslip
from tests.conftest import REFERENCE

RUNS = "/api/v1/payroll-runs"
NOVEMBER = {"pay_date": "2026-11-25"}
IBAN = "SE3550000000054910000003"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def _iban_only(member: Member, session: Session) -> None:
    member.bank_clearing_number = member.bank_account_number = None
    member.bank_iban = IBAN
    session.flush()


def _approve(api: TestClient, headers: dict[str, str]) -> dict:
    run = api.post(RUNS, json=NOVEMBER, headers=headers).json()
    approved = api.post(f"{RUNS}/{run['id']}/approve", headers=headers)
    assert approved.status_code == 200, approved.text
    return approved.json()


def _payslip(session: Session, member: Member) -> Payslip:
    return session.scalars(select(Payslip).where(Payslip.member_id == member.id)).one()


def _pdf_text(api: TestClient, payslip: Payslip, headers: dict[str, str]) -> str:
    response = api.get(f"/api/v1/payslips/{payslip.id}/pdf", headers=headers)
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


def test_an_iban_only_member_is_approved_and_paid_to_her_iban_which_her_payslip_shows(
    api: TestClient,
    session: Session,
    exporter: Cooperative,
    export_day,
    make_user,
    make_member,
    paid_assignment,
) -> None:
    treasurer = make_user(Role.treasurer)
    ilse, bo = make_member(), make_member()
    _iban_only(ilse.member, session)
    paid_assignment(ilse.member, "20000.00")
    paid_assignment(bo.member, "15000.00")

    run = _approve(api, treasurer.headers)

    payslip = _payslip(session, ilse.member)
    assert (payslip.bank_clearing_number, payslip.bank_account_number, payslip.bank_iban) == (
        None,
        None,
        IBAN,
    )
    assert payslip.net_pay == Decimal("10014.28")
    assert (
        payslip.snapshot["employee"]["bank_iban"],
        payslip.snapshot["employee"]["bank_clearing_number"],
    ) == (
        IBAN,
        None,
    )
    others = _payslip(session, bo.member)
    assert (others.bank_clearing_number, others.bank_account_number, others.bank_iban) == (
        "6000",
        "123456789",
        None,
    )
    text = _pdf_text(api, payslip, ilse.headers)
    assert "Utbetalas till konto: SE35 5000 **** **** **** 0003" in text
    assert "None" not in text
    assert "0549" not in text  # masked like a clearing-account number
    assert "Utbetalas till konto: 6000-****6789" in _pdf_text(api, others, bo.headers)

    batch = api.post("/api/v1/exports/pain001", json={"run_id": run["id"]}, headers=treasurer.headers)
    assert batch.status_code == 201, batch.text
    content = api.get(f"/api/v1/exports/{batch.json()['id']}/file", headers=treasurer.headers).content
    document = etree.fromstring(content)
    etree.XMLSchema(etree.parse(str(REFERENCE / "pain001" / "pain.001.001.03.xsd"))).assertValid(document)
    by_payslip = {
        transaction.findtext("p:PmtId/p:EndToEndId", namespaces=NS): transaction
        for transaction in document.findall(".//p:CdtTrfTxInf", NS)
    }
    to_ilse = by_payslip[payslip.number]
    assert to_ilse.findtext("p:Amt/p:InstdAmt", namespaces=NS) == "10014.28"
    assert to_ilse.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN
    assert to_ilse.find("p:CdtrAcct/p:Id/p:Othr", NS) is None
    assert to_ilse.find("p:CdtrAgt", NS) is None
    to_bo = by_payslip[others.number]
    assert to_bo.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "6000123456789"
    assert to_bo.findtext("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Cd", namespaces=NS) == "BBAN"
    assert to_bo.findtext("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", namespaces=NS) == "6000"


def test_a_member_with_both_is_paid_to_the_iban_and_her_payslip_says_so(
    api: TestClient, session: Session, exporter: Cooperative, make_user, make_member, paid_assignment
) -> None:
    treasurer, both = make_user(Role.treasurer), make_member()
    both.member.bank_iban = IBAN
    session.flush()
    paid_assignment(both.member, "20000.00")

    _approve(api, treasurer.headers)

    payslip = _payslip(session, both.member)
    assert (payslip.bank_clearing_number, payslip.bank_account_number, payslip.bank_iban) == (
        None,
        None,
        IBAN,
    )
    text = _pdf_text(api, payslip, both.headers)
    assert "Utbetalas till konto: SE35 5000 **** **** **** 0003" in text
    assert "6000-" not in text


def test_a_member_with_neither_stops_the_approval_by_name_and_the_iban_only_member_does_not(
    api: TestClient, session: Session, exporter: Cooperative, make_user, make_member, paid_assignment
) -> None:
    treasurer, ilse, alva = make_user(Role.treasurer), make_member(), make_member()
    _iban_only(ilse.member, session)
    alva.member.bank_clearing_number = alva.member.bank_account_number = None
    session.flush()
    paid_assignment(ilse.member, "20000.00")
    paid_assignment(alva.member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()

    refused = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)

    assert refused.status_code == 422
    assert refused.json()["code"] == "member_without_bank_account"
    assert refused.json()["detail"] == (
        "the run cannot be approved: salary cannot be paid to "
        f"{alva.member.full_name} (member {alva.member.id}): no bank account"
    )


def test_an_iban_only_account_awaiting_confirmation_is_not_paid_to(
    api: TestClient, session: Session, exporter: Cooperative, make_user, make_member, paid_assignment
) -> None:
    treasurer, ilse = make_user(Role.treasurer), make_member()
    ilse.member.bank_clearing_number = ilse.member.bank_account_number = None
    ilse.member.pending_iban = IBAN
    session.flush()
    paid_assignment(ilse.member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()

    refused = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)

    assert refused.json()["code"] == "member_without_bank_account"
    assert refused.json()["detail"] == (
        "the run cannot be approved: salary cannot be paid to "
        f"{ilse.member.full_name} (member {ilse.member.id}): "
        "the new bank account awaits confirmation by a second person or the member"
    )
