"""The office's pages for payroll runs, month end, members and parameters, through the test client.

Each page calls the same services as the API: the same refusals (own work, a second person's confirmation,
the admin's parameters), the same bytes for downloads, and reads in a fixed number of statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import today
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.exports.models import ExportBatch
from kooperativet.invoices.models import Invoice, InvoiceStatus
from kooperativet.parameters.models import ParameterValue
from kooperativet.parties.models import Member, MemberTaxSetting, TaxMode
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.models import DraftPayslip, PayOn, PayrollRun, Payslip, RunStatus
from kooperativet.payroll.service.mark_paid import approved_day
from kooperativet.web.templating import amount
from tests.exports.conftest import EXPORT_DAY, PAY_DATE, approved_run, export_day, exporter
from tests.payroll.conftest import APPROVED_AT, credit_note, invoice_of, paid_assignment, payroll_ready
from tests.web.conftest import confirmed, form_token, sign_in

__all__ = ["approved_run", "export_day", "exporter", "paid_assignment", "payroll_ready"]

OFFICE_PAGES = ("/office/payroll", "/office/month-end", "/office/members", "/office/parameters")
MONTH_END = date(2026, 11, 30)


def _token(client: TestClient, path: str) -> str:
    return form_token(client.get(path).text)


def _signed_in(client: TestClient, actor) -> TestClient:
    sign_in(client, actor.user.email)
    return client


def _runs(session: Session) -> int:
    return session.scalar(select(func.count(PayrollRun.id))) or 0


# --- who may ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", OFFICE_PAGES)
def test_a_member_is_refused_every_office_page(
    browser_client: TestClient, make_member, payroll_ready, path: str
) -> None:
    _signed_in(browser_client, make_member())
    answer = browser_client.get(path)
    assert answer.status_code == 403
    assert "Inte tillåtet" in answer.text


def test_signed_out_goes_to_sign_in(browser_client: TestClient) -> None:
    answer = browser_client.get("/office/payroll")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/signin?next=")


# --- payroll runs -----------------------------------------------------------------------------------------


def test_a_pay_date_that_is_not_a_date_is_refused_by_its_field_and_nothing_is_saved(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    paid_assignment(make_member().member, "10000.00")
    client = _signed_in(browser_client, make_user(Role.treasurer))
    token = _token(client, "/office/payroll")
    answer = client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-13-40", "pay_on": "payment"}
    )
    assert answer.status_code == 422
    assert 'id="e-pay_date"' in answer.text
    assert (
        "Den dagen finns inte i kalendern: kontrollera dag och månad." in answer.text
    )  # written as asked, but no such month
    assert 'value="2026-13-40"' in answer.text  # what was typed stays
    assert _runs(session) == 0


def test_nothing_ready_is_said_in_words_and_nothing_is_saved(
    browser_client: TestClient, session: Session, make_user, payroll_ready
) -> None:
    client = _signed_in(browser_client, make_user(Role.treasurer))
    token = _token(client, "/office/payroll")
    answer = client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-11-25", "pay_on": "payment"}
    )
    assert answer.status_code == 422
    assert "Ingen utbetalning är klar" in answer.text
    assert "nothing_ready" not in answer.text
    assert _runs(session) == 0


def test_a_draft_changed_since_it_was_calculated_says_what_and_is_recalculated_before_approval(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    alva = make_member().member
    paid_assignment(alva, "20000.00")
    client = _signed_in(browser_client, make_user(Role.treasurer))
    token = _token(client, "/office/payroll")
    created = client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-11-25", "pay_on": "payment"}
    )
    run_path = created.headers["location"].partition("?")[0]
    assert "Räkna om körningen" not in client.get(run_path).text
    alva.street = "Nygatan 3"  # her address on the payslip changes after the draft was calculated
    session.commit()

    page = client.get(run_path).text
    assert "Sedan körningen räknades" in page
    assert "en medlems uppgifter eller bankkonto" in page
    assert "Räkna om körningen" in page
    assert "Godkänn körningen" not in page  # approval is offered again once recalculated
    refused = client.post(f"{run_path}/approve", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Räkna om den" in refused.text
    assert "draft_changed" not in refused.text

    recalculated = client.post(f"{run_path}/recalculate", data={"csrf_token": token})
    confirmed(client, recalculated, "Utkastet till lönekörning är omräknat.")
    page = client.get(run_path).text
    assert "Sedan körningen räknades" not in page
    assert "Godkänn körningen" in page
    approved = client.post(f"{run_path}/approve", data={"csrf_token": token})
    assert approved.status_code == 303
    run = session.get_one(PayrollRun, int(run_path.rsplit("/", 1)[1]))
    session.refresh(run)
    assert run.status == RunStatus.approved
    [payslip] = payroll_service.run_payslips(session, run_id=run.id)
    assert payslip.snapshot["employee"]["street"] == "Nygatan 3"


def test_a_payout_ready_since_the_draft_was_made_is_counted_on_it_with_what_to_do(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    alva, bo, cecilia = (make_member().member for _ in range(3))
    paid_assignment(alva, "20000.00")
    bos = paid_assignment(bo, "8000.00", status=AssignmentStatus.invoiced, invoice_status=InvoiceStatus.open)
    cecilias = paid_assignment(
        cecilia, "6000.00", status=AssignmentStatus.invoiced, invoice_status=InvoiceStatus.open
    )
    client = _signed_in(browser_client, make_user(Role.treasurer))
    token = _token(client, "/office/payroll")
    created = client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-11-25", "pay_on": "payment"}
    )
    run_path = created.headers["location"].partition("?")[0]
    assert 'id="ready-since-created"' not in client.get(run_path).text

    bos.status = AssignmentStatus.paid  # the client's payment is recorded after the draft was made
    session.commit()
    page = client.get(run_path).text
    assert "1 utbetalning har blivit klar att betala sedan utkastet skapades" in page
    assert "släng utkastet och skapa körningen igen" in page
    assert "betalas den ut i nästa körning" in page
    cecilias.status = AssignmentStatus.paid
    session.commit()
    assert "2 utbetalningar har blivit klara att betala sedan utkastet skapades" in client.get(run_path).text
    assert client.post(f"{run_path}/recalculate", data={"csrf_token": token}).status_code == 303
    assert "2 utbetalningar har blivit klara" in client.get(run_path).text  # recalculating adds none

    discarded = client.post(f"{run_path}/discard", data={"csrf_token": token})
    confirmed(client, discarded, "Utkastet till lönekörning är slängt.")
    again = client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-11-25", "pay_on": "payment"}
    )
    page = client.get(again.headers["location"]).text
    assert 'id="ready-since-created"' not in page
    assert "Lönespecifikationer (3)" in page


def test_a_run_whose_invoices_are_credited_since_says_so_and_leaves_nothing_to_approve(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    alva = make_member().member
    work = paid_assignment(alva, "20000.00")
    client = _signed_in(browser_client, make_user(Role.treasurer))
    token = _token(client, "/office/payroll")
    created = client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-11-25", "pay_on": "payment"}
    )
    run_path = created.headers["location"].partition("?")[0]
    # the client is refunded in full before the run is approved
    credit_note(session, invoice_of(session, work), Decimal("20000.00"), issued_on=date(2026, 11, 10))
    session.commit()

    page = client.get(run_path).text
    assert "fakturorna och kreditfakturorna för ett uppdrag som körningen betalar" in page
    refused = client.post(f"{run_path}/recalculate", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Inget återstår att betala i körningen" in refused.text
    assert "nothing_left_to_pay" not in refused.text
    run = session.get_one(PayrollRun, int(run_path.rsplit("/", 1)[1]))
    session.refresh(run)
    assert run.status == RunStatus.draft  # nothing of the refused recalculation stays; she discards it


def test_the_treasurer_creates_reviews_approves_and_marks_paid_a_run_with_separation_of_duties(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    karin = make_member(Role.treasurer)  # the treasurer is a member too, with work of her own in the run
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    paid_assignment(karin.member, "10000.00")
    client = _signed_in(browser_client, karin)
    token = _token(client, "/office/payroll")

    created = client.post(
        "/office/payroll", data={"csrf_token": token, "pay_date": "2026-11-25", "pay_on": "payment"}
    )
    confirmed(
        client,
        created,
        "Utkastet till lönekörning är skapat. Granska lönespecifikationerna innan det godkänns.",
    )
    run_path = created.headers["location"].partition("?")[0]
    review = client.get(run_path)
    assert review.status_code == 200
    page = review.text
    assert alva.member.full_name in page
    assert karin.member.full_name in page
    # Alva's payslip as the service calculates it (payroll.md §1), in the table as on the PDFs.
    draft = payroll_service.show_run(
        session, run=session.get_one(PayrollRun, int(run_path.rsplit("/", 1)[1]))
    )
    alva_slip = next(p for p in draft.payslips if p.member_id == alva.member.id)
    assert alva_slip.gross_salary == Decimal("15230.66")
    assert alva_slip.net_pay == Decimal("11941.34")
    assert "15\u00a0230,66" in page
    assert "11\u00a0941,34" in page
    assert "Det här är din egen lön" in page  # the warning by Karin's own payslip

    refused = client.post(f"{run_path}/approve", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Du kan inte besluta om din egen lön" in refused.text
    assert session.get_one(PayrollRun, draft.run.id).status == RunStatus.draft

    admin = make_user(Role.admin)
    other = _signed_in(TestClient(browser_client.app, follow_redirects=False), admin)
    other_token = _token(other, run_path)
    approved = other.post(f"{run_path}/approve", data={"csrf_token": other_token})
    confirmed(other, approved, "Körningen är godkänd: lönespecifikationerna är utfärdade med sina nummer.")
    session.expire_all()
    assert session.get_one(PayrollRun, draft.run.id).status == RunStatus.approved
    shown = client.get(run_path).text
    assert "Godkänd" in shown
    assert "Alla lönespecifikationer (zip)" in shown
    # Who approved, by name: the event log names her login by its id only.
    assert re.search(rf"<dt>Godkänd</dt><dd><time [^>]*>[^<]+</time> av {admin.user.full_name}</dd>", shown)

    # The day offered is the pay date, unless the run was approved after it (today, here): never a day the
    # service would refuse.
    offered = re.search(r'<input id="f-paid_on" name="paid_on" type="date" value="([^"]*)"', shown)
    assert offered is not None
    approved_on = session.get_one(PayrollRun, draft.run.id).approved_at
    assert approved_on is not None
    assert offered[1] == max(date(2026, 11, 25), approved_day(approved_on)).isoformat()
    paid = client.post(f"{run_path}/mark-paid", data={"csrf_token": token, "paid_on": offered[1]})
    confirmed(client, paid, "Körningen är markerad som utbetald.")
    session.expire_all()
    assert session.get_one(PayrollRun, draft.run.id).status == RunStatus.paid
    shown = client.get(run_path).text
    assert re.search(rf"<dt>Godkänd</dt><dd>.*?</time> av {admin.user.full_name}</dd>", shown)
    assert re.search(
        rf'<dt>Utbetald</dt><dd><time [^>]*datetime="{offered[1]}">.*?</time> av {karin.user.full_name}</dd>',
        shown,
    )
    assert 'name="paid_on"' not in shown  # paid: no form to mark it again


def test_mark_paid_on_a_draft_is_refused_in_words(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    paid_assignment(make_member().member, "10000.00")
    run = payroll_service.create_run(
        session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=PayOn.payment, created_by_id=None
    ).run
    client = _signed_in(browser_client, make_user(Role.treasurer))
    token = _token(client, f"/office/payroll/{run.id}")
    answer = client.post(
        f"/office/payroll/{run.id}/mark-paid", data={"csrf_token": token, "paid_on": "2026-11-25"}
    )
    assert answer.status_code == 409
    assert "Körningen är inte godkänd än" in answer.text


@pytest.fixture
def at_month_end(browser_client: TestClient) -> Iterator[date]:
    """The pages' today: the month end, five days after November's pay date, when the treasurer gets round to
    marking the run paid."""
    app = browser_client.app
    assert isinstance(app, FastAPI)
    app.dependency_overrides[today] = lambda: MONTH_END
    yield MONTH_END
    app.dependency_overrides.pop(today, None)


def test_the_treasurer_marks_a_run_paid_at_the_month_end_on_the_pay_date_it_left_the_bank(
    browser_client: TestClient, session: Session, make_user, approved_run, at_month_end
) -> None:
    run_id = approved_run.run.id
    client = _signed_in(browser_client, make_user(Role.treasurer))
    page = client.get(f"/office/payroll/{run_id}").text
    # Offered the pay date the salary file asked the bank for, not the month end she marks it on.
    assert '<input id="f-paid_on" name="paid_on" type="date" value="2026-11-25"' in page
    assert "Dag då lönerna lämnade banken" in page
    paid = client.post(
        f"/office/payroll/{run_id}/mark-paid", data={"csrf_token": form_token(page), "paid_on": "2026-11-24"}
    )
    confirmed(client, paid, "Körningen är markerad som utbetald.")
    session.expire_all()
    stored = session.get_one(PayrollRun, run_id)
    assert (stored.status, stored.paid_on) == (RunStatus.paid, date(2026, 11, 24))
    shown = client.get(f"/office/payroll/{run_id}").text
    assert re.search(r'<dt>Utbetald</dt><dd><time [^>]*datetime="2026-11-24">2026-11-24</time> av ', shown)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "2026-12-01",
            "Den dagen har inte kommit än. Ange dagen då lönerna lämnade banken: i dag eller tidigare.",
        ),
        (
            "2026-11-19",
            "Den dagen är före godkännandet. Lönerna kan tidigast ha lämnat banken samma dag som körningen "
            "godkändes.",
        ),
        ("2026-11-31", "Den dagen finns inte i kalendern: kontrollera dag och månad."),
        ("", "Fyll i fältet."),
    ],
    ids=["after today", "before the approval", "no such day", "empty"],
)
def test_a_day_paid_the_run_cannot_have_is_refused_by_its_field_keeping_what_was_typed(
    browser_client: TestClient, session: Session, make_user, approved_run, at_month_end, typed: str, said: str
) -> None:
    run_id = approved_run.run.id
    client = _signed_in(browser_client, make_user(Role.treasurer))
    token = _token(client, f"/office/payroll/{run_id}")
    answer = client.post(f"/office/payroll/{run_id}/mark-paid", data={"csrf_token": token, "paid_on": typed})
    assert answer.status_code == 422
    assert f'<p class="error" id="e-paid_on">{said}</p>' in answer.text
    assert re.search(
        rf'<input id="f-paid_on" name="paid_on" type="date" value="{typed}"[^>]*aria-invalid', answer.text
    )
    assert "paid_in_the_future" not in answer.text
    assert "paid_before_approval" not in answer.text
    session.expire_all()
    stored = session.get_one(PayrollRun, run_id)
    assert (stored.status, stored.paid_on) == (RunStatus.approved, None)


def test_a_correction_without_an_amount_is_refused_by_its_field_and_nothing_is_saved(
    browser_client: TestClient, session: Session, make_user, approved_run, make_member, paid_assignment
) -> None:
    [original, *_] = payroll_service.run_payslips(session, run_id=approved_run.run.id)
    paid_assignment(make_member().member, "1000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 12, 23), pay_on=None, created_by_id=None
    ).run
    payouts_before = len(draft.payouts)
    client = _signed_in(browser_client, make_user(Role.treasurer))
    path = f"/office/payroll/{draft.id}"
    page = client.get(path).text
    assert original.number in page  # offered as a line to correct
    line = f"{original.id}:{original.lines[0].assignment_id}"
    answer = client.post(
        f"{path}/corrections",
        data={"csrf_token": form_token(page), "line": line, "invoiced_amount": "0", "reason": "glömd"},
    )
    assert answer.status_code == 422
    assert 'id="e-invoiced_amount"' in answer.text
    session.expire_all()
    assert len(session.get_one(PayrollRun, draft.id).payouts) == payouts_before

    added = client.post(
        f"{path}/corrections",
        data={
            "csrf_token": form_token(page),
            "line": line,
            "invoiced_amount": "1 000,00",
            "reason": "en faktura kom inte med",
        },
    )
    confirmed(client, added, "Rättelsen är tillagd i körningen.")
    session.expire_all()
    correction = session.get_one(PayrollRun, draft.id).payouts[-1]
    assert correction.corrects_payslip_id == original.id
    assert correction.invoiced_amount == Decimal("1000.00")


def test_payslip_downloads_are_the_apis_bytes(
    browser_client: TestClient, api: TestClient, session: Session, approved_run
) -> None:
    treasurer = approved_run.treasurer
    client = _signed_in(browser_client, treasurer)
    run_id = approved_run.run.id
    [first, *_] = payroll_service.run_payslips(session, run_id=run_id)
    pdf = client.get(f"/office/payroll/payslips/{first.id}.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == api.get(f"/api/v1/payslips/{first.id}/pdf", headers=treasurer.headers).content
    archive = client.get(f"/office/payroll/{run_id}/payslips.zip")
    assert archive.status_code == 200
    from_api = api.get(f"/api/v1/payroll-runs/{run_id}/payslips.zip", headers=treasurer.headers)
    assert archive.content == from_api.content
    name = f"lonespecifikationer-korning-{run_id}.zip"
    assert archive.headers["content-disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )
    assert from_api.headers["content-disposition"] == archive.headers["content-disposition"]


def test_the_auditor_follows_a_run_to_the_files_that_hold_it(
    browser_client: TestClient,
    session: Session,
    make_user,
    make_member,
    paid_assignment,
    approved_run,
    export_day,
) -> None:
    """The run's page names the run by the number its SIE voucher and salary file use, and lists the batches
    that hold it (its AGI, SIE and salary file), each to download: the auditor traces a payslip from the run
    to its declaration and its voucher without matching dates by hand. Another run's file is not listed."""
    run_id = approved_run.run.id
    treasurer = _signed_in(browser_client, approved_run.treasurer)
    token = _token(treasurer, "/office/month-end?month=2026-11")
    for path, data in (
        ("/office/month-end/agi", {"period": "2026-11"}),
        ("/office/month-end/sie", {"from": "2026-11-01", "to": "2026-11-30"}),
        ("/office/month-end/pain001", {"run_id": str(run_id), "month": "2026-11"}),
    ):
        assert treasurer.post(path, data={"csrf_token": token, **data}).status_code == 303
    paid_assignment(make_member().member, "4000.00")
    later = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 12, 23), pay_on=None, created_by_id=None
    ).run
    payroll_service.approve_run(
        session, run_id=later.id, approved_by_id=approved_run.treasurer.user.id, now=APPROVED_AT
    )
    later_file = treasurer.post(
        "/office/month-end/pain001", data={"csrf_token": token, "run_id": str(later.id), "month": "2026-12"}
    )
    assert later_file.status_code == 303
    batches = {
        batch.kind: batch
        for batch in session.scalars(select(ExportBatch).order_by(ExportBatch.id))
        if batch.run_id in (None, run_id)
    }
    sie = session.get_one(ExportBatch, batches["sie"].id).content or b""
    assert f'"Lönekörning {run_id} 2026-11"'.encode("cp437") in sie  # the voucher names the run by number

    auditor = _signed_in(TestClient(browser_client.app, follow_redirects=False), make_user(Role.auditor))
    page = auditor.get(f"/office/payroll/{run_id}").text
    assert f"<dt>Lönekörning</dt><dd>Nr {run_id}</dd>" in page
    listed = page[page.index('id="batches"') : page.index('id="payslips"')]
    for kind, words in (
        ("agi", "Arbetsgivardeklaration (AGI)"),
        ("sie", "Bokföring (SIE 4)"),
        ("pain001", "Löneutbetalningar (pain.001)"),
    ):
        batch = batches[kind]
        assert words in listed
        assert f'<a href="/office/month-end/batches/{batch.id}/file" download>{batch.filename}</a>' in listed
        assert auditor.get(f"/office/month-end/batches/{batch.id}/file").status_code == 200
    assert f"RUN-{later.id}" not in listed
    assert listed.count('/file" download>') == 3
    assert 'href="/office/month-end?month=2026-11#batches"' in listed
    other = auditor.get(f"/office/payroll/{later.id}").text
    other = other[other.index('id="batches"') : other.index('id="payslips"')]
    assert other.count('/file" download>') == 1  # its own salary file; no AGI or SIE made for it yet
    assert f"RUN-{later.id}.xml" in other


def _personnummer(serial: int) -> str:
    """A valid personnummer for 1985-MM-DD with a serial, its Luhn check digit computed."""
    body = f"85{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    total = 0
    for index, digit in enumerate(body):
        product = int(digit) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return f"19{body}{(10 - total % 10) % 10}"


def _members_with_paid_work(session: Session, paid_assignment, count: int, start: int) -> list[Member]:
    members = []
    for serial in range(start, start + count):
        number = _personnummer(serial)
        member = Member(
            first_name="Medlem",
            last_name=f"Nummer{serial:03d}",
            personal_identity_number=number,
            birth_date=date(int(number[:4]), int(number[4:6]), int(number[6:8])),
            joined_on=date(2025, 1, 1),
            bank_clearing_number="6000",
            bank_account_number="123456789",
        )
        member.tax_settings = [MemberTaxSetting(valid_from=date(2025, 1, 1), mode=TaxMode.flat, percent=30)]
        session.add(member)
        members.append(member)
    session.flush()
    for member in members:
        paid_assignment(member, "5000.00")
    return members


def test_the_review_of_a_100_payslip_draft_reads_as_many_statements_as_of_a_2_payslip_one(
    browser_client: TestClient, session: Session, make_user, payroll_ready, paid_assignment, count_statements
) -> None:
    client = _signed_in(browser_client, make_user(Role.treasurer))
    _members_with_paid_work(session, paid_assignment, 2, start=0)
    small = payroll_service.create_run(
        session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    _members_with_paid_work(session, paid_assignment, 100, start=100)
    large = payroll_service.create_run(
        session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    assert len(large.payouts) == 100
    client.get(f"/office/payroll/{small.id}")  # warm up: the signed-in session's first reads
    with count_statements() as few:
        assert client.get(f"/office/payroll/{small.id}").status_code == 200
    with count_statements() as many:
        page = client.get(f"/office/payroll/{large.id}")
    with count_statements() as second:
        next_page = client.get(f"/office/payroll/{large.id}?page=2")
    assert page.status_code == next_page.status_code == 200
    assert 'id="ready-since-created"' not in page.text
    # Payouts ready since the large draft was made are counted on its page by the same statements.
    _members_with_paid_work(session, paid_assignment, 30, start=300)
    with count_statements() as ready_since:
        counted = client.get(f"/office/payroll/{large.id}")
    assert "30 utbetalningar har blivit klara att betala sedan utkastet skapades" in counted.text
    assert many.count == few.count == second.count == ready_since.count
    # A page of PAYSLIPS_PER_PAGE (50) payslips each, members in order, and the run's own sums under both.
    assert page.text.count('class="card payslip"') == next_page.text.count('class="card payslip"') == 50
    for shown, first, last, after in ((page, 100, 149, 150), (next_page, 150, 199, 100)):
        assert f"Nummer{first}" in shown.text
        assert f"Nummer{last}" in shown.text
        assert f"Nummer{after}" not in shown.text
    assert "Sida 1 av 2" in page.text
    assert "Sida 2 av 2" in next_page.text
    net = session.scalar(select(func.sum(DraftPayslip.net_pay)).where(DraftPayslip.run_id == large.id))
    assert net is not None
    for shown in (page.text, next_page.text):
        assert "Lönespecifikationer (100)" in shown
        assert amount(Decimal(str(net)).quantize(Decimal("0.01")), "sv") in shown


def test_payslips_that_stop_the_approval_come_first_on_a_long_draft_and_are_counted(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    karin = make_member(Role.treasurer)
    members = _members_with_paid_work(session, paid_assignment, 60, start=0)
    no_account = members[-1]
    no_account.bank_clearing_number = None
    no_account.bank_account_number = None
    paid_assignment(karin.member, "10000.00")  # her own pay, with the highest member id
    session.flush()
    run = payroll_service.create_run(
        session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    client = _signed_in(browser_client, karin)

    first = client.get(f"/office/payroll/{run.id}").text
    cards = first.split('class="card payslip"')[1:]
    assert len(cards) == 50
    # The member who cannot be paid and the treasurer's own pay open the first page, then members in order.
    assert no_account.full_name in cards[0] + cards[1]
    assert karin.member.full_name in cards[0] + cards[1]
    assert members[0].full_name in cards[2]
    assert 'id="unpayable"' in first
    assert "1 lönespecifikation kan inte betalas ut" in first
    last = client.get(f"/office/payroll/{run.id}?page=99").text  # past the end: the last page
    assert "Sida 2 av 2" in last
    assert last.count('class="card payslip"') == 11


def test_a_stored_account_that_fails_its_check_is_named_in_swedish_words_not_the_parsers_english(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    karin = make_member(Role.treasurer)
    (member,) = _members_with_paid_work(session, paid_assignment, 1, start=0)
    member.bank_clearing_number = "9999"  # no bank has this clearing number: stored before the check
    session.flush()
    run = payroll_service.create_run(
        session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    problem = session.scalar(select(DraftPayslip.bank_problem).where(DraftPayslip.run_id == run.id))
    assert problem  # the parser's reason, kept for the API's refusal

    page = _signed_in(browser_client, karin).get(f"/office/payroll/{run.id}").text

    card = page.split('class="card payslip"')[1]
    assert member.full_name in card
    assert "Bankkontot för lön är inte giltigt: rätta det i medlemsregistret." in card
    assert problem not in page
    assert "1 lönespecifikation kan inte betalas ut" in page


def test_the_runs_list_reads_as_many_statements_for_40_runs_as_for_2(
    browser_client: TestClient, session: Session, make_user, payroll_ready, count_statements
) -> None:
    client = _signed_in(browser_client, make_user(Role.treasurer))

    def add_runs(count: int) -> None:
        for day in range(count):
            session.add(
                PayrollRun(pay_date=date(2024, 1, 1 + day % 28), pay_on=PayOn.payment, status=RunStatus.paid)
            )
        session.flush()

    add_runs(2)
    client.get("/office/payroll")
    with count_statements() as few:
        assert client.get("/office/payroll").status_code == 200
    add_runs(38)
    with count_statements() as many:
        page = client.get("/office/payroll")
    assert page.text.count("/office/payroll/") >= 40
    assert many.count == few.count


# --- month end --------------------------------------------------------------------------------------------


def test_month_end_shows_the_overview_and_an_agi_batch_downloads_as_the_apis(
    browser_client: TestClient, api: TestClient, session: Session, approved_run, export_day
) -> None:
    treasurer = approved_run.treasurer
    client = _signed_in(browser_client, treasurer)
    page = client.get("/office/month-end?month=2026-11")
    assert page.status_code == 200
    overview = api.get("/api/v1/treasurer/overview?month=2026-11", headers=treasurer.headers).json()
    owed = overview["skatteverket"]
    for value in (owed["tax_withheld"], owed["employer_contributions"], owed["total"]):
        assert amount(Decimal(value)) in page.text
    assert "De senaste tolv månaderna" in page.text
    assert "<svg" in page.text

    made = client.post(
        "/office/month-end/agi", data={"csrf_token": form_token(page.text), "period": "2026-11"}
    )
    assert made.status_code == 303, made.text
    batch = session.scalars(select(ExportBatch).order_by(ExportBatch.id.desc())).first()
    assert batch is not None
    listed = client.get(made.headers["location"]).text
    assert f"{batch.audit_head_entries}:{batch.audit_head_hash}" in listed
    web = client.get(f"/office/month-end/batches/{batch.id}/file")
    assert web.status_code == 200
    assert web.content == api.get(f"/api/v1/exports/{batch.id}/file", headers=treasurer.headers).content
    assert web.content.startswith(b"<?xml")

    again = client.post(
        "/office/month-end/agi", data={"csrf_token": form_token(page.text), "period": "2026-11"}
    )
    assert again.status_code == 422
    assert "Det finns inget nytt att exportera för det valet." in again.text
    assert "En fil som redan är gjord finns i listan över exportomgångar nedan" in again.text
    assert session.scalar(select(func.count(ExportBatch.id))) == 1


def test_month_end_names_a_credit_note_of_work_already_paid_and_the_consent_it_needs(
    browser_client: TestClient, session: Session, approved_run, export_day
) -> None:
    payslip = session.scalars(
        select(Payslip).where(Payslip.run_id == approved_run.run.id).order_by(Payslip.id)
    ).first()
    assert payslip is not None
    invoice = session.scalars(
        select(Invoice).where(Invoice.member_id == payslip.member_id, Invoice.kind == "invoice")
    ).one()
    credited = credit_note(session, invoice, Decimal("5000.00"), issued_on=EXPORT_DAY)
    session.commit()
    client = _signed_in(browser_client, approved_run.treasurer)
    page = client.get("/office/month-end?month=2026-11").text
    section = page[page.index('id="credited-after-pay"') :]
    section = section[: section.index("</section>")]
    assert "Kreditfakturor på arbete som redan betalats ut som lön" in section
    assert "kvittning mot lön" in section
    assert "lag (1970:215)" in section
    assert f'href="/office/invoices/{credited.id}">{credited.number}</a>' in section
    assert f'href="/office/payroll/payslips/{payslip.id}.pdf">{payslip.number}</a>' in section
    assert amount(Decimal("5000.00")) in section
    october = client.get("/office/month-end?month=2026-10").text
    assert 'id="credited-after-pay"' not in october

    # Where the treasurer lands after issuing it, the credit note says the same.
    shown = client.get(f"/office/invoices/{credited.id}").text
    notice = shown[shown.index('id="paid-as-salary"') :]
    notice = notice[: notice.index("</div>")]
    assert f"redan fått lön för det här arbetet på lönespecifikation {payslip.number}" in notice
    assert amount(Decimal("5000.00")) in notice
    assert "kvittning mot lön" in notice
    assert 'href="/office/month-end?month=2026-11#credited-after-pay"' in notice


def test_a_credit_note_of_work_not_yet_paid_says_nothing_of_salary(
    browser_client: TestClient, session: Session, approved_run, make_member, paid_assignment
) -> None:
    """Work no payslip has paid: the next run counts the credit note, and the page says nothing of pay."""
    waiting = invoice_of(session, paid_assignment(make_member().member, "8000.00"))
    credited = credit_note(session, waiting, Decimal("8000.00"), issued_on=EXPORT_DAY)
    session.commit()
    client = _signed_in(browser_client, approved_run.treasurer)
    shown = client.get(f"/office/invoices/{credited.id}")
    assert shown.status_code == 200
    assert 'id="paid-as-salary"' not in shown.text


def test_a_month_that_is_not_a_month_is_refused_by_its_field_and_nothing_is_saved(
    browser_client: TestClient, session: Session, approved_run, export_day
) -> None:
    client = _signed_in(browser_client, approved_run.treasurer)
    token = _token(client, "/office/month-end?month=2026-11")
    answer = client.post("/office/month-end/agi", data={"csrf_token": token, "period": "2026-14"})
    assert answer.status_code == 422
    assert 'id="e-period"' in answer.text
    answer = client.post(
        "/office/month-end/sie", data={"csrf_token": token, "from": "2026-11-30", "to": "2026-11-01"}
    )
    assert answer.status_code == 422
    assert 'id="e-to"' in answer.text
    assert session.scalar(select(func.count(ExportBatch.id))) == 0


def test_the_payroll_summary_and_salary_file_download_as_the_apis(
    browser_client: TestClient, api: TestClient, session: Session, approved_run, export_day
) -> None:
    treasurer = approved_run.treasurer
    client = _signed_in(browser_client, treasurer)
    web_csv = client.get("/office/month-end/payroll-summary?month=2026-11&format=csv")
    assert web_csv.status_code == 200
    api_csv = api.get("/api/v1/payroll-summary?period=2026-11&format=csv", headers=treasurer.headers)
    assert web_csv.content == api_csv.content
    token = _token(client, "/office/month-end?month=2026-11")
    made = client.post(
        "/office/month-end/pain001",
        data={"csrf_token": token, "run_id": str(approved_run.run.id), "month": "2026-11"},
    )
    assert made.status_code == 303, made.text
    batch = session.scalars(select(ExportBatch).order_by(ExportBatch.id.desc())).first()
    assert batch is not None
    assert batch.run_id == approved_run.run.id
    web = client.get(f"/office/month-end/batches/{batch.id}/file").content
    assert web == api.get(f"/api/v1/exports/{batch.id}/file", headers=treasurer.headers).content
    # From the salary file back to the run it pays: the auditor opens the run from the batch.
    listed = client.get("/office/month-end?month=2026-11").text
    assert f'<a href="/office/payroll/{approved_run.run.id}">lönekörningen med utbetalning' in listed


def test_the_month_end_page_reads_as_many_statements_for_a_busy_month_as_for_a_quiet_one(
    browser_client: TestClient,
    session: Session,
    make_user,
    payroll_ready,
    paid_assignment,
    export_day,
    count_statements,
) -> None:
    client = _signed_in(browser_client, make_user(Role.treasurer))
    treasurer = make_user(Role.treasurer)

    def approved_run_of(count: int, start: int) -> None:
        _members_with_paid_work(session, paid_assignment, count, start=start)
        run = payroll_service.create_run(
            session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=None, created_by_id=None
        ).run
        payroll_service.approve_run(session, run_id=run.id, approved_by_id=treasurer.user.id, now=APPROVED_AT)

    approved_run_of(1, start=300)
    client.get("/office/month-end?month=2026-11")
    with count_statements() as quiet:
        assert client.get("/office/month-end?month=2026-11").status_code == 200
    approved_run_of(20, start=400)
    approved_run_of(5, start=500)
    with count_statements() as busy:
        assert client.get("/office/month-end?month=2026-11").status_code == 200
    assert busy.count == quiet.count


# --- members ----------------------------------------------------------------------------------------------


def test_the_register_lists_searches_and_shows_a_member(
    browser_client: TestClient, make_user, make_member
) -> None:
    alva = make_member()
    client = _signed_in(browser_client, make_user(Role.treasurer))
    listed = client.get("/office/members")
    assert listed.status_code == 200
    assert alva.member.last_name in listed.text
    assert "****6789" in listed.text
    assert alva.member.personal_identity_number not in listed.text
    found = client.get(f"/office/members?q={alva.member.last_name}")
    assert alva.member.last_name in found.text
    assert "Ingen medlem matchar" in client.get("/office/members?q=ingen-sadan").text
    detail = client.get(f"/office/members/{alva.member.id}")
    assert detail.status_code == 200
    assert "fast procentsats 30\u00a0%" in detail.text
    assert client.get("/office/members/999999").status_code == 404


def _member_form(client: TestClient, member_id: int, **changes: str) -> dict[str, str]:
    import re

    page = client.get(f"/office/members/{member_id}").text
    values = dict(re.findall(r'<input id="f-(\w+)" name="\w+" type="\w+" value="([^"]*)"', page))
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    return {
        **values,
        "language": "sv",
        "version": version.group(1),
        "csrf_token": form_token(page),
        **changes,
    }


def test_a_wrong_personnummer_is_refused_by_its_field_and_nothing_is_saved(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()
    client = _signed_in(browser_client, make_user(Role.treasurer))
    data = _member_form(
        client, alva.member.id, personal_identity_number="19900514-1231", phone="070-123 45 67"
    )
    answer = client.post(f"/office/members/{alva.member.id}", data=data)
    assert answer.status_code == 422
    assert 'id="e-personal_identity_number"' in answer.text
    assert 'value="070-123 45 67"' in answer.text
    session.expire_all()
    assert session.get_one(Member, alva.member.id).phone is None

    saved = client.post(f"/office/members/{alva.member.id}", data={**data, "personal_identity_number": ""})
    assert saved.status_code == 422  # a required field left empty, by its field
    assert 'id="e-personal_identity_number"' in saved.text


def _confirm_form(page: str) -> dict[str, str]:
    """What the page's confirmation sends: the member's version the confirmer read, with the form token."""
    import re

    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    return {"csrf_token": form_token(page), "version": version.group(1)}


def test_a_new_bank_account_waits_for_a_second_office_person(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()
    karin = make_user(Role.treasurer)
    client = _signed_in(browser_client, karin)
    data = _member_form(client, alva.member.id, bank_clearing_number="5000", bank_account_number="1234560")
    changed = client.post(f"/office/members/{alva.member.id}", data=data)
    assert changed.headers["location"] == f"/office/members/{alva.member.id}?done=member_saved"
    confirmed(client, changed, "Ändringarna är sparade.")
    session.expire_all()
    member = session.get_one(Member, alva.member.id)
    assert member.has_pending_bank_account
    assert member.bank_account_number == "123456789"
    listed = client.get("/office/members").text
    assert "Bankkonton som väntar på bekräftelse" in listed
    detail = client.get(f"/office/members/{alva.member.id}").text
    assert "Bekräfta det nya bankkontot" not in detail  # she entered it: not hers to confirm
    refused = client.post(f"/office/members/{alva.member.id}/confirm-account", data=_confirm_form(detail))
    assert refused.status_code == 403
    assert "Du lade in det här bankkontot" in refused.text

    other = _signed_in(TestClient(browser_client.app, follow_redirects=False), make_user(Role.admin))
    page = other.get(f"/office/members/{alva.member.id}").text
    assert "Bekräfta det nya bankkontot" in page
    confirmation = other.post(f"/office/members/{alva.member.id}/confirm-account", data=_confirm_form(page))
    confirmed(other, confirmation, "Bankkontot är bekräftat; lönen betalas till det från och med nu.")
    session.expire_all()
    member = session.get_one(Member, alva.member.id)
    assert not member.has_pending_bank_account
    assert member.bank_account_number == "1234560"


def test_saving_other_fields_keeps_a_pending_account_waiting(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()
    client = _signed_in(browser_client, make_user(Role.treasurer))
    data = _member_form(client, alva.member.id, bank_clearing_number="5000", bank_account_number="1234560")
    assert client.post(f"/office/members/{alva.member.id}", data=data).status_code == 303
    again = _member_form(client, alva.member.id, phone="070-123 45 67")
    assert client.post(f"/office/members/{alva.member.id}", data=again).status_code == 303
    session.expire_all()
    member = session.get_one(Member, alva.member.id)
    assert member.phone == "070-123 45 67"
    assert member.pending_account_number == "1234560"


def test_the_register_reads_as_many_statements_for_60_members_as_for_3(
    browser_client: TestClient, session: Session, make_user, paid_assignment, count_statements
) -> None:
    client = _signed_in(browser_client, make_user(Role.treasurer))
    _members_with_paid_work(session, lambda *_: None, 3, start=600)
    client.get("/office/members")
    with count_statements() as few:
        assert client.get("/office/members").status_code == 200
    _members_with_paid_work(session, lambda *_: None, 45, start=700)
    with count_statements() as many:
        assert client.get("/office/members").status_code == 200
    assert many.count == few.count


# --- parameters -------------------------------------------------------------------------------------------


def test_the_parameters_show_their_values_and_sources(
    browser_client: TestClient, make_user, payroll_ready
) -> None:
    client = _signed_in(browser_client, make_user(Role.treasurer))
    page = client.get("/office/parameters")
    assert page.status_code == 200
    assert "Kooperativets avgift" in page.text
    assert "fee_rate" not in page.text.replace("/fee_rate", "")
    detail = client.get("/office/parameters/fee_rate")
    assert detail.status_code == 200
    assert "Bara en administratör lägger till" in detail.text
    assert client.get("/office/parameters/no_such_key").status_code == 404


def test_only_an_admin_adds_a_value(
    browser_client: TestClient, session: Session, make_user, payroll_ready
) -> None:
    client = _signed_in(browser_client, make_user(Role.treasurer))
    token = _token(client, "/office/parameters/fee_rate")
    answer = client.post(
        "/office/parameters/fee_rate",
        data={"csrf_token": token, "valid_from": "2027-01-01", "value": "0.07", "source": "Årsmötet"},
    )
    assert answer.status_code == 403
    assert session.scalar(select(ParameterValue).where(ParameterValue.valid_from == date(2027, 1, 1))) is None


def test_an_admin_adds_a_value_typed_the_swedish_way_and_errors_sit_by_their_fields(
    browser_client: TestClient, session: Session, make_user, payroll_ready
) -> None:
    client = _signed_in(browser_client, make_user(Role.admin))
    token = _token(client, "/office/parameters/fee_rate")
    bad = client.post(
        "/office/parameters/fee_rate",
        data={"csrf_token": token, "valid_from": "2027-01-01", "value": "sju", "source": ""},
    )
    assert bad.status_code == 422
    assert 'id="e-source"' in bad.text
    assert 'value="sju"' in bad.text
    refused = client.post(
        "/office/parameters/fee_rate",
        data={"csrf_token": token, "valid_from": "2027-01-01", "value": "sju", "source": "Årsmötet 2026"},
    )
    assert refused.status_code == 422
    assert 'id="e-value"' in refused.text
    assert session.scalar(select(ParameterValue).where(ParameterValue.valid_from == date(2027, 1, 1))) is None

    added = client.post(
        "/office/parameters/fee_rate",
        data={"csrf_token": token, "valid_from": "2027-01-01", "value": "0,07", "source": "Årsmötet 2026"},
    )
    assert added.headers["location"] == "/office/parameters/fee_rate?done=parameter_value_added"
    confirmed(client, added, "Värdet är tillagt.")
    row = session.scalar(
        select(ParameterValue).where(
            ParameterValue.key == "fee_rate", ParameterValue.valid_from == date(2027, 1, 1)
        )
    )
    assert row is not None
    assert row.value == "0.07"
    assert row.source == "Årsmötet 2026"

    twice = client.post(
        "/office/parameters/fee_rate",
        data={"csrf_token": token, "valid_from": "2027-01-01", "value": "0,08", "source": "Årsmötet 2026"},
    )
    assert twice.status_code == 422
    assert 'id="e-valid_from"' in twice.text


# --- the start page ---------------------------------------------------------------------------------------


def test_the_start_page_tells_the_office_of_a_draft_run_and_an_account_to_confirm(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    alva = make_member()
    paid_assignment(alva.member, "10000.00")
    run = payroll_service.create_run(
        session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    karin = make_user(Role.treasurer)
    client = _signed_in(browser_client, karin)
    data = _member_form(client, alva.member.id, bank_clearing_number="5000", bank_account_number="1234560")
    assert client.post(f"/office/members/{alva.member.id}", data=data).status_code == 303

    mine = client.get("/").text
    assert f'href="/office/payroll/{run.id}"' in mine
    assert "väntar på din bekräftelse" not in mine  # Karin entered the account herself
    other = _signed_in(TestClient(browser_client.app, follow_redirects=False), make_user(Role.admin))
    theirs = other.get("/").text
    assert f"Ett nytt bankkonto för {alva.member.full_name} väntar på din bekräftelse" in theirs
    member = _signed_in(TestClient(browser_client.app, follow_redirects=False), make_member())
    assert "Löner som väntar på dig" not in member.get("/").text


def test_the_start_page_says_a_removal_of_an_account_waits_and_not_a_new_account(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready
) -> None:
    alva = make_member()
    karin = make_user(Role.treasurer)
    client = _signed_in(browser_client, karin)
    data = _member_form(client, alva.member.id, bank_clearing_number="", bank_account_number="")
    assert client.post(f"/office/members/{alva.member.id}", data=data).status_code == 303

    other = _signed_in(TestClient(browser_client.app, follow_redirects=False), make_user(Role.admin))
    theirs = other.get("/").text
    assert f"Borttagningen av bankkontot för {alva.member.full_name} väntar på din bekräftelse" in theirs
    assert "Ett nytt bankkonto" not in theirs


@pytest.mark.parametrize("typed", ["1 000,00", ""])
def test_a_correction_from_a_page_read_before_the_run_was_approved_says_why_at_the_top(
    browser_client: TestClient, session: Session, make_user, approved_run, make_member, paid_assignment, typed
) -> None:
    """The approved run's page has no correction form: the refusal is said at the top of the page, where the
    run's own refusals are, instead of in a card that is not shown (where it said nothing at all)."""
    [original, *_] = payroll_service.run_payslips(session, run_id=approved_run.run.id)
    paid_assignment(make_member().member, "1000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=date(2026, 12, 23), pay_on=None, created_by_id=None
    ).run
    client = _signed_in(browser_client, make_user(Role.treasurer))
    path = f"/office/payroll/{draft.id}"
    page = client.get(path).text
    payroll_service.approve_run(
        session, run_id=draft.id, approved_by_id=make_user(Role.admin).user.id, now=APPROVED_AT
    )
    session.commit()
    payouts_before = len(draft.payouts)
    line = f"{original.id}:{original.lines[0].assignment_id}"
    answer = client.post(
        f"{path}/corrections",
        data={"csrf_token": form_token(page), "line": line, "invoiced_amount": typed, "reason": "glömd"},
    )
    assert answer.status_code == 422
    locked = "Körningen är godkänd och låst. Rätta en lönespecifikation med en rättelse i en senare körning."
    assert f'<div class="alert" role="alert">{locked}</div>' in answer.text
    assert 'id="corrections"' not in answer.text
    session.expire_all()
    assert len(session.get_one(PayrollRun, draft.id).payouts) == payouts_before
