"""The treasurer's month-end exports over the API: AGI, SIE 4I and pain.001, as batches exported once."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Expense
from kooperativet.auth.models import Role
from kooperativet.core.money import drop_ore
from kooperativet.exports.formats import sie_read
from kooperativet.exports.formats.agi import KOMPONENT_NS
from kooperativet.exports.formats.pain001 import NAMESPACE as PAIN001
from kooperativet.invoices.models import Invoice
from kooperativet.parties.models import Client, Cooperative
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.models import Payslip
from tests.conftest import REFERENCE
from tests.exports.conftest import EXPORT_DAY, PAY_DATE, ApprovedRun
from tests.payroll.conftest import credit_note, invoice_of

EXPORTS = "/api/v1/exports"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
APPROVED_AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _payslips(session: Session, run_id: int) -> list[Payslip]:
    return list(session.scalars(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.id)))


def _download(api: TestClient, batch: dict, headers: dict[str, str]) -> bytes:
    response = api.get(f"{EXPORTS}/{batch['id']}/file", headers=headers)
    assert response.status_code == 200, response.text
    return response.content


def _fields(content: bytes, code: str) -> list[str]:
    root = etree.fromstring(content)
    return [element.text or "" for element in root.iter() if element.get("faltkod") == code]


# --- AGI


def test_agi_declares_each_person_and_sums_to_the_payslips(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    response = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert response.status_code == 201, response.text
    batch = response.json()
    assert (batch["kind"], batch["period"], batch["due_date"]) == ("agi", "2026-11", "2026-12-14")
    content = _download(api, batch, headers)
    assert batch["sha256"] == hashlib.sha256(content).hexdigest()

    payslips = _payslips(session, approved_run.run.id)
    # FK487 as Skatteverket computes it: per rate, the whole-krona bases × rate with the öre dropped, then
    # added: 14 305 × 31.42 % = 4 494.63 → 4 494 (Alva), 12 793 × 10.21 % = 1 306.17 → 1 306 (Bertil),
    # 23 342 × 20.81 % = 4 857.47 → 4 857 (Cleo): 10 657. The payslips' contributions in öre add up to
    # 10 658.52, one krona more once the öre are dropped; that was the figure written before.
    assert [p.employer_contributions for p in payslips] == [
        Decimal("4494.72"), Decimal("1306.24"), Decimal("4857.56")
    ]  # fmt: skip
    assert _fields(content, "487") == ["10657"]
    assert _fields(content, "497") == [str(sum(drop_ore(payslip.tax) for payslip in payslips))]
    by_person = {p.snapshot["employee"]["personal_identity_number"]: p for p in payslips}
    assert sorted(_fields(content, "215")) == sorted(by_person)
    assert sorted(_fields(content, "011")) == sorted(str(drop_ore(p.taxable_pay)) for p in payslips)
    sink = [p for p in payslips if p.lines[0].tax_mode == "sink"]
    assert _fields(content, "274") == [str(drop_ore(p.tax)) for p in sink]
    assert len(_fields(content, "001")) == len(payslips) - len(sink)
    assert etree.fromstring(content).find(f".//{{{KOMPONENT_NS}}}HU") is not None


def test_agi_of_a_month_with_a_draft_run_leaves_the_run_out_and_says_so(
    api: TestClient,
    session: Session,
    approved_run: ApprovedRun,
    make_member,
    paid_assignment,
    export_day: date,
) -> None:
    late = make_member()
    paid_assignment(late.member, "5000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 11, 30), pay_on=None, created_by_id=None
    ).run
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    response = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["notes"] == [
        f"payroll run {draft.id} (2026-11-30) is not approved and was left out"
    ]
    assert late.member.personal_identity_number not in _fields(
        _download(api, response.json(), headers), "215"
    )


def test_agi_is_declared_once_and_a_later_run_resends_the_month_with_the_same_specification_numbers(
    api: TestClient,
    session: Session,
    approved_run: ApprovedRun,
    make_member,
    paid_assignment,
    export_day: date,
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    first = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers).json()
    again = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert again.status_code == 409
    assert f"/api/v1/exports/{first['id']}/file" in again.json()["detail"]

    late = make_member()
    paid_assignment(late.member, "5000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 11, 26), pay_on=None, created_by_id=None
    ).run
    payroll_service.approve_run(
        session,
        run_id=draft.id,
        approved_by_id=approved_run.treasurer.user.id,
        now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
    )  # type: ignore[attr-defined]
    correction = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert correction.status_code == 201, correction.text
    assert correction.json()["document_count"] == 1
    before = _download(api, first, headers)
    after = _download(api, correction.json(), headers)
    returns_before = set(zip(_fields(before, "215"), _fields(before, "570"), strict=True))
    returns_after = set(zip(_fields(after, "215"), _fields(after, "570"), strict=True))
    assert returns_before < returns_after  # the earlier IUs are resent under the same numbers


def test_agi_refuses_a_future_month_and_a_cooperative_without_organisation_number(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    future = api.post(f"{EXPORTS}/agi", json={"period": "2026-12"}, headers=headers)
    assert (future.status_code, future.json()["field"]) == (422, "period")
    cooperative = session.scalars(select(Cooperative)).one()
    cooperative.organisation_number = None
    session.flush()
    missing = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert (missing.status_code, missing.json()["field"]) == (422, "organisation_number")
    assert "organisation_number" in missing.json()["detail"]


# --- SIE


def test_sie_vouchers_balance_and_book_tax_and_contributions_as_the_payslips(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    response = api.post(f"{EXPORTS}/sie", json=NOVEMBER, headers=headers)
    assert response.status_code == 201, response.text
    content = _download(api, response.json(), headers)
    assert b"#FORMAT PC8\n" in content
    document = sie_read.read(content)
    assert document.vouchers
    assert all(voucher.balance == 0 for voucher in document.vouchers)

    def booked(account: str) -> Decimal:
        return sum(
            (row.amount for v in document.vouchers for row in v.transactions if row.account == account),
            Decimal(0),
        )

    payslips = _payslips(session, approved_run.run.id)
    assert booked("2710") == -sum((p.tax for p in payslips), Decimal(0))
    assert booked("7510") == sum((p.employer_contributions for p in payslips), Decimal(0))
    assert booked("1930") == -sum((p.net_pay for p in payslips), Decimal(0))
    assert booked("2641") == Decimal("44.66")  # 789.00 × 6 / 106, Alva's train ticket
    assert document.vouchers[0].date == PAY_DATE


def test_sie_books_the_outlay_a_correction_pays_back_with_its_run_and_the_original_outlay_once(
    api: TestClient,
    session: Session,
    exporter: Cooperative,
    make_user,
    make_member,
    paid_assignment,
    export_day: date,
) -> None:
    """A correction payout may pay back an outlay (its E): it is in the payslip's net pay and in pain.001,
    so it leaves the bank in the SIE file too. It has no expense record, so the run's voucher books it on
    reimbursed expenses; the outlay the original payslip paid back (October) is not booked again."""
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    assignment = paid_assignment(alva.member, "20000.00", expenses="100.00")
    october = payroll_service.create_run(
        session, today=date(2026, 10, 1), pay_date=date(2026, 10, 23), pay_on=None, created_by_id=None
    ).run
    payroll_service.approve_run(session, run_id=october.id, approved_by_id=treasurer.user.id, now=APPROVED_AT)
    [original] = _payslips(session, october.id)
    paid_assignment(make_member().member, "1000.00")
    november = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    payroll_service.add_correction(
        session,
        run=november,
        payslip_id=original.id,
        assignment_id=assignment.id,
        invoiced_amount=Decimal("1000.00"),
        expense_reimbursement=Decimal("250.00"),
        reason="the train ticket was left out",
        actor_id=treasurer.user.id,
    )
    payroll_service.approve_run(
        session, run_id=november.id, approved_by_id=treasurer.user.id, now=APPROVED_AT
    )
    payslips = _payslips(session, november.id)
    assert [p.expense_reimbursement for p in payslips] == [Decimal("250.00"), Decimal("0.00")]

    response = api.post(f"{EXPORTS}/sie", json=NOVEMBER, headers=treasurer.headers)
    assert response.status_code == 201, response.text
    assert response.json()["document_count"] == 1  # the run: October's outlay was paid and booked then
    [voucher] = sie_read.read(_download(api, response.json(), treasurer.headers)).vouchers
    assert [p.net_pay for p in payslips] == [Decimal("751.25"), Decimal("658.00")]
    assert {row.account: row.amount for row in voucher.transactions} == {
        "7210": Decimal("1477.91"), "7285": Decimal("177.34"), "7510": Decimal("224.73"),
        "6990": Decimal("250.00"),  # the correction's outlay, whole: no receipt, no input VAT
        "2710": Decimal("-496.00"), "2731": Decimal("-224.73"),
        "1930": Decimal("-1409.25"),  # 751.25 + 658.00: what the run's pain.001 sends
    }  # fmt: skip
    # The payouts' residue (0,02) stays on the sales account the invoices credited: no 3041, no 3740 here.
    assert sum((p.residue for p in payslips), Decimal(0)) == Decimal("0.02")
    assert voucher.balance == 0
    assert response.json()["notes"] == [
        f"payroll run {november.id} (2026-11-25): 250.00 kr of outlays paid back by its corrections is "
        "booked on 6990 without input VAT (no receipt is recorded for a correction); move the VAT to input "
        "VAT if a receipt shows it"
    ]


def test_sie_books_each_document_once(api: TestClient, approved_run: ApprovedRun, export_day: date) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    first = api.post(f"{EXPORTS}/sie", json=NOVEMBER, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["document_count"] == 2  # the run and Alva's outlay
    again = api.post(f"{EXPORTS}/sie", json=NOVEMBER, headers=headers)
    assert again.status_code == 409
    assert _download(api, first.json(), headers) == _download(api, first.json(), headers)


def test_sie_spells_an_emoji_and_a_polish_letter_in_codepage_437_and_says_so_in_the_batch(
    api: TestClient,
    session: Session,
    approved_run: ApprovedRun,
    client_record: Client,
    paid_assignment,
    make_member,
    export_day: date,
) -> None:
    client_record.name = "Teatern Łódź 🎭"
    expense = session.scalars(select(Expense)).one()
    expense.description = "Tåg Łódź 🎭"
    assignment = paid_assignment(make_member().member, "1000.00", issue_date=date(2026, 11, 3))
    number = session.scalars(select(Invoice.number).where(Invoice.assignment_id == assignment.id)).one()
    session.flush()
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]

    response = api.post(f"{EXPORTS}/sie", json=NOVEMBER, headers=headers)

    assert response.status_code == 201, response.text
    texts = [voucher.text for voucher in sie_read.read(_download(api, response.json(), headers)).vouchers]
    assert f"Faktura {number} Teatern Lódz ?" in texts
    assert any(text.startswith("Utlägg ") and text.endswith(": Tåg Lódz ?") for text in texts)
    notes = response.json()["notes"]
    assert api.get(EXPORTS, headers=headers).json()["items"][0]["notes"] == notes
    assert (
        f"voucher of 2026-11-03: 'Faktura {number} Teatern Łódź 🎭' was written as "
        f"'Faktura {number} Teatern Lódz ?' (codepage 437 has no spelling for some of its characters)"
    ) in notes
    assert any(
        note.startswith("voucher of 2026-11-25: 'Utlägg ") and ": Tåg Lódz ?'" in note for note in notes
    )


def test_sie_refuses_a_range_in_the_future_or_backwards(
    api: TestClient, approved_run: ApprovedRun, export_day: date
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    future = api.post(f"{EXPORTS}/sie", json={"from": "2026-12-01", "to": "2026-12-31"}, headers=headers)
    assert (future.status_code, future.json()["field"]) == (422, "from")
    backwards = api.post(f"{EXPORTS}/sie", json={"from": "2026-11-30", "to": "2026-11-01"}, headers=headers)
    assert (backwards.status_code, backwards.json()["field"]) == (422, "to")


# --- pain.001


def test_pain001_is_schema_valid_and_pays_each_payslip_its_net_pay(
    api: TestClient, session: Session, approved_run: ApprovedRun
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    response = api.post(f"{EXPORTS}/pain001", json={"run_id": approved_run.run.id}, headers=headers)
    assert response.status_code == 201, response.text
    content = _download(api, response.json(), headers)
    schema = etree.XMLSchema(etree.parse(str(REFERENCE / "pain001" / "pain.001.001.03.xsd")))
    document = etree.fromstring(content)
    assert schema.validate(document), schema.error_log
    ns = {"p": PAIN001}
    paid = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns): Decimal(
            tx.findtext("p:Amt/p:InstdAmt", namespaces=ns) or ""
        )
        for tx in document.iterfind(".//p:CdtTrfTxInf", ns)
    }
    assert paid == {p.number: p.net_pay for p in _payslips(session, approved_run.run.id)}
    assert document.findtext(".//p:ReqdExctnDt", namespaces=ns) == "2026-11-25"
    assert document.findtext(".//p:CtgyPurp/p:Cd", namespaces=ns) == "SALA"

    again = api.post(f"{EXPORTS}/pain001", json={"run_id": approved_run.run.id}, headers=headers)
    assert again.status_code == 409


def test_pain001_of_a_member_with_a_name_longer_than_the_banks_take_is_schema_valid_and_noted(
    api: TestClient, session: Session, exporter: Cooperative, make_user, make_member, paid_assignment
) -> None:
    """A name of 100 characters (the register takes 100 + 100): the file names her in the banks' 70 and says
    so in the batch's notes."""
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    alva.member.first_name = "Anna-" + "Maria" * 9  # 50 characters
    alva.member.last_name = "von " + "Lindqvist" * 5  # 49
    session.flush()
    paid_assignment(alva.member, "20000.00")
    run = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    payroll_service.approve_run(session, run_id=run.id, approved_by_id=treasurer.user.id, now=APPROVED_AT)

    response = api.post(f"{EXPORTS}/pain001", json={"run_id": run.id}, headers=treasurer.headers)
    assert response.status_code == 201, response.text
    document = etree.fromstring(_download(api, response.json(), treasurer.headers))
    schema = etree.XMLSchema(etree.parse(str(REFERENCE / "pain001" / "pain.001.001.03.xsd")))
    assert schema.validate(document), schema.error_log
    assert document.findtext(".//p:Cdtr/p:Nm", namespaces={"p": PAIN001}) == alva.member.full_name[:70]
    [note] = response.json()["notes"]
    assert note.endswith(
        f"was written as {alva.member.full_name[:70]!r} (the field takes at most 70 characters)"
    )


def test_pain001_needs_an_approved_run_and_the_cooperatives_account(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_member, paid_assignment
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    paid_assignment(make_member().member, "5000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 12, 23), pay_on=None, created_by_id=None
    ).run
    not_approved = api.post(f"{EXPORTS}/pain001", json={"run_id": draft.id}, headers=headers)
    assert (not_approved.status_code, not_approved.json()["code"]) == (409, "run_not_approved")
    cooperative = session.scalars(select(Cooperative)).one()
    cooperative.iban = None
    session.flush()
    missing = api.post(f"{EXPORTS}/pain001", json={"run_id": approved_run.run.id}, headers=headers)
    assert (missing.status_code, missing.json()["field"]) == (422, "iban")
    # Where an admin fills it in: the web interface's page first, the API's call after it.
    assert "Administration › Kooperativet in the web interface" in missing.json()["detail"]
    unknown = api.post(f"{EXPORTS}/pain001", json={"run_id": 999_999}, headers=headers)
    assert unknown.status_code == 404


# --- batches and the overview


def test_batches_list_what_each_export_covered(
    api: TestClient, approved_run: ApprovedRun, export_day: date
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    for path, body in (
        ("agi", {"period": "2026-11"}),
        ("sie", NOVEMBER),
        ("pain001", {"run_id": approved_run.run.id}),
    ):
        assert api.post(f"{EXPORTS}/{path}", json=body, headers=headers).status_code == 201
    page = api.get(EXPORTS, headers=headers).json()
    assert page["total"] == 3
    assert [batch["kind"] for batch in page["items"]] == ["pain001", "sie", "agi"]
    assert [batch["document_count"] for batch in page["items"]] == [1, 2, 3]
    assert page["items"][0]["run_id"] == approved_run.run.id
    assert (page["items"][1]["date_from"], page["items"][1]["date_to"]) == ("2026-11-01", "2026-11-30")


def test_overview_shows_what_is_owed_to_skatteverket_and_what_is_left_to_export(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    payslips = _payslips(session, approved_run.run.id)
    before = api.get("/api/v1/treasurer/overview?month=2026-11", headers=headers)
    assert before.status_code == 200, before.text
    owed = before.json()["skatteverket"]
    tax = sum((p.tax for p in payslips), Decimal(0))
    contributions = sum((p.employer_contributions for p in payslips), Decimal(0))
    assert (owed["tax_withheld"], owed["employer_contributions"], owed["total"]) == (
        str(tax), str(contributions), str(tax + contributions),
    )  # fmt: skip
    assert (owed["due_date"], owed["declared"]) == ("2026-12-14", False)
    [payouts] = before.json()["payouts"]
    assert (payouts["status"], payouts["net_pay"]) == (
        "approved",
        str(sum((p.net_pay for p in payslips), Decimal(0))),
    )
    assert before.json()["left_to_export"] == {
        "agi_payslips": 3,
        "sie_documents": 1,
        "pain001_runs": [approved_run.run.id],
    }

    for path, body in (
        ("agi", {"period": "2026-11"}),
        ("sie", NOVEMBER),
        ("pain001", {"run_id": approved_run.run.id}),
    ):
        assert api.post(f"{EXPORTS}/{path}", json=body, headers=headers).status_code == 201
    after = api.get("/api/v1/treasurer/overview?month=2026-11", headers=headers).json()
    assert after["skatteverket"]["declared"] is True
    assert after["left_to_export"] == {"agi_payslips": 0, "sie_documents": 0, "pain001_runs": []}
    assert after["payouts"][0]["payment_file_exported"] is True


def test_overview_says_to_pay_what_the_agi_declares_in_whole_kronor(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    """Skatteverket debits the tax account with the AGI's FK487 and FK497, in whole kronor: the overview's
    amount to pay is theirs, before the file is made and after, while the payslips' sums (10 658.52 kr of
    contributions against FK487's 10 657) stay shown for what they are."""
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    before = api.get("/api/v1/treasurer/overview?month=2026-11", headers=headers).json()["skatteverket"]
    made = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert made.status_code == 201, made.text
    content = _download(api, made.json(), headers)
    [contributions], [tax] = _fields(content, "487"), _fields(content, "497")
    after = api.get("/api/v1/treasurer/overview?month=2026-11", headers=headers).json()["skatteverket"]
    for owed in (before, after):
        assert (owed["declared_employer_contributions"], owed["declared_tax_withheld"], owed["to_pay"]) == (
            f"{contributions}.00",
            f"{tax}.00",
            f"{int(contributions) + int(tax)}.00",
        )
    assert (before["employer_contributions"], contributions) == ("10658.52", "10657")


def test_overview_names_a_credit_note_of_work_already_paid_as_salary(
    api: TestClient,
    session: Session,
    approved_run: ApprovedRun,
    export_day: date,
    make_member,
    paid_assignment,
) -> None:
    """Alva was paid on 25 November for an invoice her client is credited 5 000 kr of the next day: the
    overview names the credit note, her payslip and the work taken back. A credit note of work no payslip has
    paid yet (Dan's) is not named: the next run counts it."""
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    alva_payslip = _payslips(session, approved_run.run.id)[0]
    alva_invoice = session.scalars(
        select(Invoice).where(Invoice.member_id == alva_payslip.member_id, Invoice.kind == "invoice")
    ).one()
    credited = credit_note(session, alva_invoice, Decimal("5000.00"), issued_on=export_day)
    dan = make_member()
    not_yet_paid = invoice_of(session, paid_assignment(dan.member, "8000.00"))
    credit_note(session, not_yet_paid, Decimal("8000.00"), issued_on=export_day)
    session.commit()

    overview = api.get("/api/v1/treasurer/overview?month=2026-11", headers=headers)
    assert overview.status_code == 200, overview.text
    assert overview.json()["credited_after_pay"] == [
        {
            "credit_note_id": credited.id,
            "credit_note_number": credited.number,
            "credited_invoice_number": alva_invoice.number,
            "issue_date": "2026-11-26",
            "member_id": alva_payslip.member_id,
            "member_name": alva_payslip.employee_name,
            "payslip_id": alva_payslip.id,
            "payslip_number": alva_payslip.number,
            "work_amount": "5000.00",
        }
    ]
    october = api.get("/api/v1/treasurer/overview?month=2026-10", headers=headers)
    assert october.json()["credited_after_pay"] == []
