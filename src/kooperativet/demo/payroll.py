"""Demo step: the clients pay what is left, the treasurer runs payroll, payslips and summaries are written.

Before the run: the remaining amounts of the concert (Bertil, pension only) and the lecture (Cleo, youth) are
paid, Dagny's storytelling (born 1937: no contributions) is invoiced and paid, and Cleo registers a second,
larger commission that is invoiced and paid in the same month, so that her two payouts on one payslip cross
the youth reduction's 25 000 kr monthly cap. Bertil lives abroad and pays SINK; the others a flat percent (two
tax modes an outside check can recompute from payroll.md alone). Then one run for the next pay day is
created and approved; ``write`` renders every payslip on a process pool and writes the payroll summary.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import partial
from typing import Final

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.rules import ExtentUnit
from kooperativet.assignments.schemas import AssignmentCreate, FeeLineCreate
from kooperativet.auth.models import User
from kooperativet.core.vat import VatCategory
from kooperativet.demo import DemoContext
from kooperativet.demo.assignments import write_certificate
from kooperativet.employments import service as employments_service
from kooperativet.exports.service import SummaryFormat, payroll_summary
from kooperativet.invoices import payments
from kooperativet.invoices import service as invoices_service
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.schemas import InvoiceIssue, PaymentCreate
from kooperativet.parties.models import Member
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.documents import render_payslip_pdf

THEATRE: Final = "Folkteatern i Mellanstad AB"

#: The manifest's kind of each summary: the Swedish CSV is a payroll_summary_csv too, in other words.
SUMMARY_KINDS: Final = {
    SummaryFormat.csv: "payroll_summary_csv",
    SummaryFormat.xlsx: "payroll_summary_xlsx",
    SummaryFormat.csv_sv: "payroll_summary_csv",
}


def run(context: DemoContext) -> None:
    """Settle open invoices, add Cleo's second commission, create and approve the run."""
    session = context.session
    treasurer = session.get_one(User, context.ids["user:treasurer"])
    for key in ("six_percent", "reverse_charge"):
        _pay_rest(context, session.get_one(Invoice, context.ids[f"invoice:{key}"]), treasurer)
    dagny = invoices_service.issue_invoice(
        session,
        data=InvoiceIssue(assignment_id=context.ids["assignment:dagny"]),
        actor=treasurer,
        today=context.today,
        now=context.now,
    )
    _pay_rest(context, dagny, treasurer)
    second = _cleos_second_commission(context, treasurer)
    invoice = invoices_service.issue_invoice(
        session,
        data=InvoiceIssue(assignment_id=second),
        actor=treasurer,
        today=context.today,
        now=context.now,
    )
    _pay_rest(context, invoice, treasurer)
    for document in (dagny, invoice):
        context.write_after_commit(
            f"invoices/{document.number}.pdf",
            partial(getattr, document, "pdf"),
            kind="invoice_pdf",
            document_id=f"invoice:{document.number}",
        )
        if document.ubl is not None:  # no UBL for a buyer without a Peppol address
            context.write(
                f"invoices/{document.number}.xml",
                document.ubl,
                kind="invoice_ubl",
                document_id=f"invoice:{document.number}",
            )

    # The invoices' documents are rendered now; the run's payslips are left to ``write`` below, which renders
    # them as ``kooperativet payroll render`` does when no worker has taken the approval's jobs yet.
    context.commit_and_run_jobs()
    draft = payroll_service.create_run(
        session, today=context.today, pay_date=None, pay_on=None, created_by_id=treasurer.id
    ).run
    run_ = payroll_service.approve_run(session, run_id=draft.id, approved_by_id=treasurer.id, now=context.now)
    context.ids["payroll_run"] = run_.id


def write(context: DemoContext) -> None:
    """Render the run's payslips on a process pool (the document pipeline, as ``kooperativet payroll render``)
    and write them and the summaries."""
    session = context.session
    run_id = context.ids["payroll_run"]
    payroll_service.render_run_payslips(session, run_id=run_id)
    for payslip in payroll_service.run_payslips(session, run_id=run_id):
        assert payslip.pdf is not None
        context.write(
            f"payslips/{payslip.number}.pdf",
            payslip.pdf,
            kind="payslip_pdf",
            document_id=f"payslip:{payslip.number}",
        )
    # A payslip in English, as a member may ask for it (GET /payslips/{id}/pdf?language=en).
    first = payroll_service.run_payslips(session, run_id=run_id)[0]
    context.write(
        f"payslips/{first.number}-en.pdf",
        render_payslip_pdf(number=first.number, snapshot=first.snapshot, language="en"),
        kind="payslip_pdf",
        document_id=f"payslip:{first.number}",
    )
    created_at = datetime.combine(context.today, time(12, 0), tzinfo=UTC)
    for summary_format in SummaryFormat:
        file = payroll_summary(session, summary_format=summary_format, created_at=created_at, run_id=run_id)
        context.write(
            f"payroll/{file.filename}",
            file.content,
            kind=SUMMARY_KINDS[summary_format],
            document_id=f"payroll_run:{run_id}",
        )


def _pay_rest(context: DemoContext, invoice: Invoice, treasurer: User) -> None:
    if invoice.outstanding > 0:
        payments.record_payment(
            context.session,
            data=PaymentCreate(
                invoice_id=invoice.id,
                amount=invoice.outstanding,
                paid_on=context.today,
                reference=invoice.ocr,
            ),
            actor=treasurer,
            today=context.today,
            now=context.now,
        )


def _cleos_second_commission(context: DemoContext, treasurer: User) -> int:
    session = context.session
    cleo = session.get_one(Member, context.ids["member:cleo"])
    assert cleo.user_id is not None
    user = session.get_one(User, cleo.user_id)
    assignment = assignments_service.create_assignment(
        session,
        data=AssignmentCreate(
            client_id=context.ids[f"client:{THEATRE}"],
            title="Serieteckning i föreställningen Stadens ljud",
            description="Teckning live på scen under sex föreställningar.",
            period_start=date(2026, 11, 5),
            period_end=date(2026, 11, 14),
            place="Folkteatern, Göteborg",
            extent_quantity=Decimal("6"),
            extent_unit=ExtentUnit.days,
            buyer_reference="Karin Ek",
            lines=[
                FeeLineCreate(
                    description="Föreställningar",
                    quantity=Decimal("6"),
                    unit="DAY",
                    unit_price=Decimal("5000.00"),
                    vat_category=VatCategory.STANDARD,
                    vat_rate=Decimal("25"),
                )
            ],
        ),
        actor=user,
    )
    assignments_service.submit_assignment(
        session, assignment=assignment, version=assignment.version, actor=user, now=context.now
    )
    employment = employments_service.approve_assignment(
        session,
        assignment=assignment,
        version=assignment.version,
        actor=treasurer,
        confirm_warnings=True,
        today=context.today,
        now=context.now,
    )
    # She is paid for it in this run: its certificate is in the demo too.
    write_certificate(context, employment)
    context.ids["assignment:cleo_second"] = assignment.id
    return assignment.id
