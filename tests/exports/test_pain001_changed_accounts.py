"""R12 b: the salary file pays only confirmed accounts and names every payee whose account changed."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Member
from kooperativet.parties.schemas import MemberUpdate
from kooperativet.payroll.models import Payslip
from tests.conftest import REFERENCE
from tests.exports.conftest import ApprovedRun

EXPORTS = "/api/v1/exports"
CHANGED_AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _alva(session: Session, run: ApprovedRun) -> Member:
    """The member on the run's first payslip."""
    first = session.scalars(
        select(Payslip).where(Payslip.run_id == run.run.id).order_by(Payslip.sequence)
    ).first()
    assert first is not None
    return session.get_one(Member, first.member_id)


def _change_account(session: Session, member: Member, by) -> None:
    parties_service.update_member(
        session,
        member=member,
        update=MemberUpdate(
            version=member.version, bank_clearing_number="5000", bank_account_number="1234560"
        ),
        actor=by,
        now=CHANGED_AT,
    )


def _export(api: TestClient, run: ApprovedRun) -> tuple[dict, bytes]:
    headers = run.treasurer.headers  # type: ignore[attr-defined]
    batch = api.post(f"{EXPORTS}/pain001", json={"run_id": run.run.id}, headers=headers)
    assert batch.status_code == 201, batch.text
    return batch.json(), api.get(f"{EXPORTS}/{batch.json()['id']}/file", headers=headers).content


def test_an_unconfirmed_account_is_not_paid_to_and_the_batch_says_so(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user
) -> None:
    alva = _alva(session, approved_run)
    _change_account(session, alva, make_user(Role.treasurer).user)

    batch, content = _export(api, approved_run)

    assert b"<Id>50001234560</Id>" not in content
    assert b"<Id>6000123456789</Id>" in content
    [note] = batch["notes"]
    assert f"(member {alva.id}) changed on 2026-11-21 and is NOT confirmed" in note
    assert "6000-****6789" in note
    assert "1234560" not in note


def test_a_confirmed_new_account_is_paid_to_and_named_in_the_batch(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user
) -> None:
    alva = _alva(session, approved_run)
    _change_account(session, alva, make_user(Role.treasurer).user)
    parties_service.confirm_bank_account(
        session, member=alva, version=alva.version, actor=make_user(Role.admin).user, now=CHANGED_AT
    )

    batch, content = _export(api, approved_run)

    assert b"<Id>50001234560</Id>" in content
    [note] = batch["notes"]
    assert "was confirmed: this file pays 5000-****4560" in note


def _give_iban(session: Session, member: Member, by) -> None:
    parties_service.update_member(
        session,
        member=member,
        update=MemberUpdate(version=member.version, bank_iban="SE35 5000 0000 0549 1000 0003"),
        actor=by,
        now=CHANGED_AT,
    )


def test_an_unconfirmed_iban_is_not_paid_to(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user
) -> None:
    alva = _alva(session, approved_run)
    _give_iban(session, alva, make_user(Role.treasurer).user)

    batch, content = _export(api, approved_run)

    assert b"<IBAN>SE3550000000054910000003</IBAN>" not in content
    assert b"<Id>6000123456789</Id>" in content
    [note] = batch["notes"]
    assert "is NOT confirmed: this file pays the last confirmed account 6000-****6789" in note


def test_a_confirmed_iban_is_paid_to_per_payee_and_the_file_validates(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user
) -> None:
    alva = _alva(session, approved_run)
    _give_iban(session, alva, make_user(Role.treasurer).user)
    parties_service.confirm_bank_account(
        session, member=alva, version=alva.version, actor=make_user(Role.admin).user, now=CHANGED_AT
    )

    batch, content = _export(api, approved_run)

    namespaces = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    document = etree.fromstring(content)
    etree.XMLSchema(etree.parse(str(REFERENCE / "pain001" / "pain.001.001.03.xsd"))).assertValid(document)
    transactions = document.findall(".//p:CdtTrfTxInf", namespaces)
    paid_to = [
        transaction.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=namespaces)
        or transaction.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=namespaces)
        for transaction in transactions
    ]
    assert paid_to.count("SE3550000000054910000003") == 1
    assert len(paid_to) > 1  # the other payees keep their clearing and account number
    assert all(account.isdigit() for account in paid_to if account != "SE3550000000054910000003")
    assert document.findall(".//p:CdtrAgt", namespaces) != []
    assert len(document.findall(".//p:CdtrAgt", namespaces)) == len(transactions) - 1
    [note] = batch["notes"]
    assert "was confirmed: this file pays IBAN SE35****0003" in note
