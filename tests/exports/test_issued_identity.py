"""The exports write the name and personnummer each payslip was issued to, also once the member's record
says something else: they read the payslip's own columns of whom it was issued to, or its snapshot when it
was issued before those columns existed (``exports.service.sources.as_issued``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.formats import sie_read
from kooperativet.exports.formats.pain001 import NAMESPACE as PAIN001
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Member
from kooperativet.parties.schemas import MemberUpdate
from kooperativet.payroll.models import Payslip
from kooperativet.privacy.removal import pseudonymise_member
from tests.conftest import VALID_PERSONAL_NUMBERS
from tests.exports.conftest import EXPORT_DAY, ApprovedRun

EXPORTS = "/api/v1/exports"
CHANGED_AT = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
#: A personnummer none of the run's members has (make_member hands them out in order).
NEW_NUMBER = VALID_PERSONAL_NUMBERS[-1].replace("-", "")


def _alva(session: Session, run: ApprovedRun) -> tuple[Member, Payslip]:
    """The member on the run's first payslip (the one with an outlay paid back), and the payslip."""
    payslip = session.scalars(
        select(Payslip).where(Payslip.run_id == run.run.id).order_by(Payslip.sequence)
    ).first()
    assert payslip is not None
    return session.get_one(Member, payslip.member_id), payslip


def _exported(api: TestClient, run: ApprovedRun, path: str, body: dict) -> bytes:
    headers = run.treasurer.headers  # type: ignore[attr-defined]
    batch = api.post(f"{EXPORTS}/{path}", json=body, headers=headers)
    assert batch.status_code == 201, batch.text
    return api.get(f"{EXPORTS}/{batch.json()['id']}/file", headers=headers).content


def _payee_names(content: bytes) -> list[str]:
    return [
        element.text or ""
        for element in etree.fromstring(content).iterfind(f".//{{{PAIN001}}}Cdtr/{{{PAIN001}}}Nm")
    ]


def _declared_numbers(content: bytes) -> list[str]:
    return [
        element.text or "" for element in etree.fromstring(content).iter() if element.get("faltkod") == "215"
    ]


def _voucher_texts(content: bytes) -> list[str]:
    return [voucher.text for voucher in sie_read.read(content).vouchers]


def test_a_new_name_and_personnummer_after_the_payslip_do_not_change_what_the_exports_write(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva, payslip = _alva(session, approved_run)
    issued_name, issued_number = (
        payslip.snapshot["employee"]["name"],
        payslip.snapshot["employee"]["personal_identity_number"],
    )
    parties_service.update_member(
        session,
        member=alva,
        update=MemberUpdate(
            version=alva.version, first_name="Alva", last_name="Nyström", personal_identity_number=NEW_NUMBER
        ),
        actor=make_user(Role.treasurer).user,
        now=CHANGED_AT,
    )
    assert (alva.full_name, alva.personal_identity_number) == ("Alva Nyström", NEW_NUMBER)

    declared = _declared_numbers(_exported(api, approved_run, "agi", {"period": "2026-11"}))
    paid = _payee_names(_exported(api, approved_run, "pain001", {"run_id": approved_run.run.id}))
    booked = _voucher_texts(_exported(api, approved_run, "sie", {"from": "2026-11-01", "to": "2026-11-30"}))

    assert issued_number in declared
    assert NEW_NUMBER not in declared
    assert issued_name in paid
    assert "Alva Nyström" not in paid
    assert f"Utlägg {issued_name}: Tåg" in booked
    assert not any("Nyström" in text for text in booked)


def test_a_removed_member_is_paid_under_the_name_on_the_payslip_to_the_account_on_the_payslip(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva, payslip = _alva(session, approved_run)
    issued_name = payslip.snapshot["employee"]["name"]
    alva.left_on = date(2026, 11, 25)
    pseudonymise_member(
        session, member=alva, actor=make_user(Role.admin).user, today=EXPORT_DAY, now=CHANGED_AT
    )
    assert alva.full_name == f"Borttagen medlem {alva.id}"

    content = _exported(api, approved_run, "pain001", {"run_id": approved_run.run.id})

    namespaces = {"p": PAIN001}
    [transfer] = [
        transaction
        for transaction in etree.fromstring(content).iterfind(".//p:CdtTrfTxInf", namespaces)
        if transaction.findtext("p:PmtId/p:EndToEndId", namespaces=namespaces) == payslip.number
    ]
    assert transfer.findtext("p:Cdtr/p:Nm", namespaces=namespaces) == issued_name
    assert transfer.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=namespaces) == "6000123456789"
    assert "Borttagen" not in content.decode()
