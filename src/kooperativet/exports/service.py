"""The treasurer's month-end exports (AGI, SIE 4I, pain.001), their batches and the treasurer's overview.

Each export reads issued documents, hands plain values to a pure writer (``exports.formats``) and stores
the bytes in an ``ExportBatch`` with the documents it covered; a document goes into the normal exports of
one kind once, and a batch is downloaded again byte for byte. ``created_at`` is passed in (routers use the
clock, the demo its fixed day), so the same data and time give the same file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet import __version__
from kooperativet.assignments.models import Assignment, Expense
from kooperativet.audit.service import append_event, chain_head
from kooperativet.core.calendar import is_bank_day
from kooperativet.core.identifiers import mask_account, mask_iban, mask_personal_identity
from kooperativet.core.money import ZERO
from kooperativet.core.vat import VatCategory
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.exports import entries
from kooperativet.exports.formats import ExportFile, agi, pain001, sie
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportedDocument, ExportKind
from kooperativet.exports.payroll_summary import parse_period
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus, Payment
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Client, Cooperative, Member, SalaryAccount
from kooperativet.parties.service import get_cooperative
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipLine, RunStatus

PROGRAM_NAME: Final = "kooperativet"
SWEDEN: Final = ZoneInfo("Europe/Stockholm")

_TAX_MODE_SPECIFICATION: Final = {"flat": 1, "table": 1, "sink": 2, "asink": 3}


@dataclass(frozen=True, slots=True)
class Month:
    """A month of payment (``YYYY-MM``): its first day and the first day of the next."""

    text: str
    start: date
    end: date

    @classmethod
    def of(cls, text: str, *, field: str = "period") -> Month:
        try:
            start, end = parse_period(text)
        except RuleViolation as exc:
            raise RuleViolation(exc.detail, field=field) from exc
        return cls(text, start, end)

    @property
    def agi_period(self) -> str:
        return self.text.replace("-", "")


def agi_due_date(period: str) -> date:
    """When the AGI for a month (``YYYY-MM``) must reach Skatteverket (26 kap. SFL, moved to a bank day)."""
    return agi.agi_due_date(period=period.replace("-", ""), is_bank_day=is_bank_day)


# --- AGI ------------------------------------------------------------------------------------------------


def export_agi(
    session: Session, *, period: str, today: date, created_at: datetime, created_by_id: int | None
) -> ExportBatch:
    """The arbetsgivardeklaration of a month of payment: HU and one IU per person (and tax field).

    Payslips of approved runs paid out in the month are declared; a draft run of the month is left out and
    named in the batch's notes. A month after today's is a 422. When the month was declared before and
    new payslips have come, the whole month is sent again: the IUs carry the same specification numbers,
    so Skatteverket replaces the earlier ones (a correction). Nothing new to declare is a 409.
    """
    month = Month.of(period)
    _require_not_future(month, today=today)
    cooperative = get_cooperative(session)
    _require_filled(
        cooperative,
        ("organisation_number", "contact_name", "contact_phone", "contact_email"),
        what="the arbetsgivardeklaration",
    )
    payslips = _payslips_paid_in(session, month)
    earlier = _exported_ids(session, ExportKind.agi, DocumentKind.payslip)
    new = [payslip for payslip in payslips if payslip.id not in earlier]
    if not new:
        raise Conflict(
            f"no payslip paid out in {month.text} is left to declare"
            + _earlier_batches_hint(session, ExportKind.agi, period=month.text),
            code="nothing_to_export",
        )
    contact = agi.Contact(
        name=cooperative.contact_name or "",
        phone=cooperative.contact_phone or "",
        email=cooperative.contact_email or "",
    )
    organisation_number = cooperative.organisation_number or ""
    try:
        file = agi.render(
            sender=agi.Sender(
                program_name=PROGRAM_NAME, organisation_number=organisation_number, technical_contact=contact
            ),
            employer=agi.Employer(organisation_number=organisation_number, contact=contact),
            period=month.agi_period,
            contribution_bases=_contribution_bases(payslips),
            returns=_individual_returns(session, payslips),
            created_at=created_at.astimezone(SWEDEN).replace(tzinfo=None),
        )
    except agi.InvalidDeclaration as exc:
        raise RuleViolation(str(exc), code="invalid_declaration", field="period") from exc
    return _store(
        session,
        kind=ExportKind.agi,
        file=file,
        covered=[(DocumentKind.payslip, payslip.id) for payslip in new],
        notes=_left_out_runs(session, month) + _threshold_notes(payslips),
        created_at=created_at,
        created_by_id=created_by_id,
        period=month.text,
    )


def _threshold_notes(payslips: Sequence[Payslip]) -> list[str]:
    """Name the people whose base this month holds pay of earlier months (the year reached 1 000 kr).

    Their contribution base is larger than the month's FK011, so FK487 is more than the IUs alone give;
    the note lets the treasurer answer Skatteverket's question about the difference (payroll.md §2).
    """
    notes = []
    for payslip in payslips:
        for line in payslip.lines:
            base = sum((Decimal(part["base"]) for part in line.contribution_parts), ZERO)
            if _is_contribution_base(line) and base > line.taxable_pay:
                number = mask_personal_identity(payslip.snapshot["employee"]["personal_identity_number"])
                notes.append(
                    f"payslip {payslip.number} ({number}): the year's pay reached the 1 000 kr threshold, so "
                    f"the contributions include {base - line.taxable_pay} kr paid earlier in {payslip.year} "
                    "without contributions (SFS 2000:980 2 kap. 24 §); FK487 is that much base more than "
                    "this month's FK011"
                )
    return notes


def _contribution_bases(payslips: Sequence[Payslip]) -> list[agi.ContributionBase]:
    """One base per person and rate (FK487 drops the öre of each before adding a rate's bases).

    A line's parts hold its contribution base; a payout that reached the yearly 1 000 kr carries the year's
    earlier pay in its base too (payroll.md §2). Pay without contributions has no parts or a zero rate.
    """
    bases: dict[tuple[str, str, Decimal], Decimal] = {}
    for payslip in payslips:
        number = payslip.snapshot["employee"]["personal_identity_number"]
        for line in payslip.lines:
            for part in line.contribution_parts:
                rate = Decimal(part["rate"])
                if rate:
                    key = (number, line.contribution_category, rate)
                    bases[key] = bases.get(key, ZERO) + Decimal(part["base"])
    return [
        agi.ContributionBase(category=category, rate=rate, base=base)  # type: ignore[arg-type]  # stored as one of the four categories
        for (_, category, rate), base in sorted(bases.items())
    ]


def _is_contribution_base(line: PayslipLine) -> bool:
    """Pay on which contributions were due (FK011); otherwise FK131: born 1937 or earlier (rate 0), or the
    year's pay still below 1 000 kr when paid (no parts)."""
    return any(Decimal(part["rate"]) for part in line.contribution_parts)


def _individual_returns(session: Session, payslips: Sequence[Payslip]) -> list[agi.IndividualReturn]:
    """One IU per person and tax field; the specification number depends only on the tax field, so it is
    the same every time the month is sent (flat/table 1, SINK 2, A-SINK 3)."""
    grouped: dict[tuple[str, int], list[tuple[Payslip, int]]] = {}
    for payslip in payslips:
        number = payslip.snapshot["employee"]["personal_identity_number"]
        for index, line in enumerate(payslip.lines):
            key = (number, _TAX_MODE_SPECIFICATION[line.tax_mode])
            grouped.setdefault(key, []).append((payslip, index))
    foreign = _foreign_payees(
        session,
        member_ids={
            payslip.member_id
            for items in grouped.values()
            for payslip, index in items
            if payslip.lines[index].tax_mode in ("sink", "asink")
        },
    )
    returns = []
    for (number, specification), items in sorted(grouped.items()):
        lines = [payslip.lines[index] for payslip, index in items]
        mode = lines[0].tax_mode
        activity = None
        if mode == "asink":
            assignment = session.get_one(Assignment, lines[0].assignment_id)
            activity = assignment.title[:100]
        returns.append(
            agi.IndividualReturn(
                personal_identity_number=number,
                specification_number=specification,
                cash_pay=sum((line.taxable_pay for line in lines if _is_contribution_base(line)), ZERO),
                pay_not_contribution_base=sum(
                    (line.taxable_pay for line in lines if not _is_contribution_base(line)), ZERO
                ),
                tax=sum((line.tax for line in lines), ZERO),
                tax_mode=mode,  # type: ignore[arg-type]  # stored as one of the four modes
                activity=activity,
                payee=foreign.get(items[0][0].member_id) if mode in ("sink", "asink") else None,
            )
        )
    return returns


def _foreign_payees(session: Session, *, member_ids: set[int]) -> dict[int, agi.ForeignPayee]:
    """Name, address abroad, citizenship and TIN of the SINK and A-SINK payees, in one query."""
    if not member_ids:
        return {}
    members = session.scalars(select(Member).where(Member.id.in_(member_ids)))
    return {
        member.id: agi.ForeignPayee(
            first_name=member.first_name,
            last_name=member.last_name,
            street=member.street,
            postal_code=member.postal_code,
            city=member.city,
            country=member.country,
            citizenship=member.citizenship,
            tin=member.tax_identification_number,
            tin_country=member.tax_identification_country,
        )
        for member in members
    }


# --- SIE ------------------------------------------------------------------------------------------------


def export_sie(
    session: Session,
    *,
    date_from: date,
    date_to: date,
    today: date,
    created_at: datetime,
    created_by_id: int | None,
) -> ExportBatch:
    """A SIE 4I file with the vouchers of the documents dated in the range that no SIE batch has covered.

    Invoices and credit notes by issue date, payments by payment date, approved runs and the expense
    reimbursements paid with them by pay date. Draft runs are left out and named in the notes.
    """
    if date_to < date_from:
        raise RuleViolation("the range ends before it starts", field="to")
    if date_from > today:
        raise RuleViolation(f"{date_from} lies in the future; nothing can be booked yet", field="from")
    cooperative = get_cooperative(session)
    _require_filled(cooperative, ("organisation_number",), what="the SIE file")
    accounts = account_map(session, on=date_to)
    earlier = {kind: _exported_ids(session, ExportKind.sie, kind) for kind in DocumentKind}
    dated: list[tuple[date, int, int, DocumentKind, sie.Voucher]] = []

    def add(day: date, kind: DocumentKind, document_id: int, voucher: sie.Voucher) -> None:
        if document_id not in earlier[kind]:
            dated.append((day, _VOUCHER_ORDER[kind], document_id, kind, voucher))

    in_range = (date_from, date_to)
    for invoice, client_name in session.execute(
        select(Invoice, Client.name)
        .join(Client, Client.id == Invoice.client_id)
        .where(Invoice.issue_date.between(*in_range))
    ):
        kind = DocumentKind.credit_note if invoice.kind == InvoiceKind.credit_note else DocumentKind.invoice
        add(
            invoice.issue_date,
            kind,
            invoice.id,
            entries.invoice_voucher(_invoice(invoice, client_name), accounts=accounts),
        )
    for payment, number in session.execute(
        select(Payment, Invoice.number)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Payment.paid_on.between(*in_range))
    ):
        snapshot = entries.PaymentSnapshot(
            invoice_number=number, paid_on=payment.paid_on, amount=payment.amount
        )
        add(
            payment.paid_on,
            DocumentKind.payment,
            payment.id,
            entries.payment_voucher(snapshot, accounts=accounts),
        )
    runs = session.scalars(
        select(PayrollRun).where(PayrollRun.pay_date.between(*in_range), PayrollRun.status != RunStatus.draft)
    )
    for run in runs:
        payslips = _run_payslips(session, run.id)
        add(
            run.pay_date,
            DocumentKind.payroll_run,
            run.id,
            entries.payroll_run_voucher(_run(run, payslips), accounts=accounts),
        )
        for expense in _reimbursed_expenses(session, payslips):
            add(
                run.pay_date,
                DocumentKind.expense,
                expense.expense_id,
                entries.expense_voucher(expense, accounts=accounts),
            )
    if not dated:
        raise Conflict(
            f"nothing dated {date_from} … {date_to} is left to book"
            + _earlier_batches_hint(session, ExportKind.sie),
            code="nothing_to_export",
        )
    dated.sort(key=lambda item: item[:3])
    vouchers = [item[4] for item in dated]
    try:
        file = sie.render(
            program_name=PROGRAM_NAME,
            program_version=__version__,
            generated_on=created_at.astimezone(SWEDEN).date(),
            company_name=cooperative.name,
            organisation_number=cooperative.organisation_number or "",
            account_names=entries.account_names(vouchers),
            vouchers=vouchers,
        )
    except sie.SieError as exc:
        raise RuleViolation(str(exc), code="invalid_sie", field="from") from exc
    notes = [
        f"payroll run {run_id} ({pay_date}) is not approved and was left out"
        for run_id, pay_date in session.execute(
            select(PayrollRun.id, PayrollRun.pay_date)
            .where(PayrollRun.pay_date.between(*in_range), PayrollRun.status == RunStatus.draft)
            .order_by(PayrollRun.id)
        )
    ]
    return _store(
        session,
        kind=ExportKind.sie,
        file=file,
        covered=[(kind, document_id) for _, _, document_id, kind, _ in dated],
        notes=notes,
        created_at=created_at,
        created_by_id=created_by_id,
        date_from=date_from,
        date_to=date_to,
    )


_VOUCHER_ORDER: Final = {
    DocumentKind.invoice: 1,
    DocumentKind.credit_note: 2,
    DocumentKind.payment: 3,
    DocumentKind.payroll_run: 4,
    DocumentKind.expense: 5,
    DocumentKind.payslip: 6,
}


def account_map(session: Session, *, on: date) -> entries.AccountMap:
    """The ``account_map`` parameter in force on ``on``; a broken one is a 422 naming what is wrong."""
    value = parameters_service.value_in_force(session, key="account_map", on=on).value
    try:
        return entries.AccountMap.of(json.loads(value))
    except entries.InvalidAccountMap as exc:
        raise RuleViolation(f"account_map: {exc}", code="invalid_account_map", field="account_map") from exc


def _invoice(invoice: Invoice, client_name: str) -> entries.InvoiceSnapshot:
    return entries.InvoiceSnapshot(
        number=invoice.number,
        issue_date=invoice.issue_date,
        client_name=client_name,
        is_credit_note=invoice.kind == InvoiceKind.credit_note,
        lines=tuple(
            entries.InvoiceLineAmount(
                vat_category=VatCategory(line.vat_category), vat_rate=line.vat_rate, amount=line.amount
            )
            for line in invoice.lines
        ),
        payable=invoice.payable,
    )


def _run(run: PayrollRun, payslips: Sequence[Payslip]) -> entries.PayrollRunSnapshot:
    def total(name: str) -> Decimal:
        return sum((getattr(payslip, name) for payslip in payslips), ZERO)

    return entries.PayrollRunSnapshot(
        run_id=run.id,
        pay_date=run.pay_date,
        gross_salary=total("gross_salary"),
        holiday_pay=total("holiday_pay"),
        employer_contributions=total("employer_contributions"),
        residue=total("residue"),
        tax=total("tax"),
    )


def _reimbursed_expenses(session: Session, payslips: Sequence[Payslip]) -> list[entries.ExpenseSnapshot]:
    """The re-invoiced outlays paid back on the payslips' lines (the payout's E, payroll collector)."""
    snapshots = []
    for payslip in payslips:
        name = payslip.snapshot["employee"]["name"]
        assignment_ids = [
            line.assignment_id
            for line in payslip.lines
            if line.expense_reimbursement and line.corrects_payslip_id is None
        ]
        expenses = session.scalars(
            select(Expense)
            .where(Expense.assignment_id.in_(assignment_ids), Expense.reinvoice.is_(True))
            .order_by(Expense.id)
        )
        snapshots += [
            entries.ExpenseSnapshot(
                expense_id=expense.id,
                paid_on=payslip.pay_date,
                member_name=name,
                description=expense.description,
                amount=expense.amount,
                vat_rate=expense.vat_rate,
            )
            for expense in expenses
        ]
    return snapshots


# --- pain.001 -------------------------------------------------------------------------------------------


def export_pain001(
    session: Session, *, run_id: int, created_at: datetime, created_by_id: int | None
) -> ExportBatch:
    """The salary payment file of an approved run: one transfer per payslip with its net pay, executed on
    the pay date. A draft run or a run already exported is a 409; missing debtor details are a 422."""
    run = session.get(PayrollRun, run_id)
    if run is None:
        raise NotFound(f"payroll run {run_id} does not exist")
    if run.status == RunStatus.draft:
        raise Conflict(f"payroll run {run_id} is not approved; approve it first", code="run_not_approved")
    cooperative = get_cooperative(session)
    _require_filled(cooperative, ("organisation_number", "iban", "bic"), what="the payment file")
    if run.id in _exported_ids(session, ExportKind.pain001, DocumentKind.payroll_run):
        raise Conflict(
            f"payroll run {run_id} is already in a payment file"
            + _earlier_batches_hint(session, ExportKind.pain001, run_id=run_id),
            code="already_exported",
        )
    payslips = [payslip for payslip in _run_payslips(session, run.id) if payslip.net_pay > 0]
    if not payslips:
        raise Conflict(f"payroll run {run_id} has no net pay to transfer", code="nothing_to_export")
    members = {payslip.member_id: session.get_one(Member, payslip.member_id) for payslip in payslips}
    payments = pain001.PayrollRunPayments(
        run_id=f"RUN-{run.id}",
        pay_date=run.pay_date,
        payments=tuple(
            pain001.SalaryPayment(
                payslip_id=payslip.number,
                member_name=payslip.snapshot["employee"]["name"],
                account=_payout_account(payslip, members[payslip.member_id]),
                amount=payslip.net_pay,
            )
            for payslip in payslips
        ),
    )
    try:
        file = pain001.render(
            message_id=f"KOOPERATIVET-RUN-{run.id}",
            created_at=created_at.astimezone(SWEDEN),
            debtor=pain001.Debtor(
                name=cooperative.name,
                organisation_number=cooperative.organisation_number or "",
                iban=cooperative.iban or "",
                bic=cooperative.bic or "",
            ),
            runs=[payments],
        )
    except pain001.InvalidPaymentFile as exc:
        raise RuleViolation(str(exc), code="invalid_payment_file", field="run_id") from exc
    return _store(
        session,
        kind=ExportKind.pain001,
        file=file,
        covered=[(DocumentKind.payroll_run, run.id)],
        notes=_changed_accounts(session, members=members.values()),
        created_at=created_at,
        created_by_id=created_by_id,
        run_id=run.id,
    )


def _payout_account(payslip: Payslip, member: Member) -> pain001.MemberAccount:
    """The member's confirmed account now (it may have been confirmed after the payslip was issued): the IBAN
    when the member gave one, else the clearing and account number (``Member.salary_account``); without
    either (a removed member), the account on the payslip. A changed account that nobody has confirmed yet is
    never paid to."""
    account = member.salary_account or SalaryAccount(
        clearing_number=payslip.bank_clearing_number,
        account_number=payslip.bank_account_number,
        iban=payslip.bank_iban,
    )
    return pain001.MemberAccount(
        clearing_number=account.clearing_number, account_number=account.account_number, iban=account.iban
    )


def _changed_accounts(session: Session, *, members: Iterable[Member]) -> list[str]:
    """Every payee whose bank account changed since the previous payment file, masked; the unconfirmed ones
    are paid to their last confirmed account and say so."""
    previous = session.scalar(
        select(func.max(ExportBatch.created_at)).where(ExportBatch.kind == ExportKind.pain001)
    )
    notes = []
    for member in sorted(members, key=lambda m: m.id):
        changed_at = member.bank_account_changed_at
        if changed_at is None or (previous is not None and changed_at <= previous):
            continue
        who = f"bank account of {member.full_name} (member {member.id}) changed on {changed_at.date()}"
        paid_to = _masked(member.salary_account)
        if member.has_pending_bank_account:
            notes.append(
                f"{who} and is NOT confirmed: this file pays the last confirmed account {paid_to}; another "
                "treasurer or admin, or the member, must confirm the new account before it is used"
            )
        else:
            notes.append(
                f"{who}, since the previous payment file, and was confirmed: this file pays {paid_to}"
            )
    return notes


def _masked(account: SalaryAccount | None) -> str:
    if account is None:
        return "the account on the payslip"
    if account.iban is not None:
        return f"IBAN {mask_iban(account.iban)}"
    return f"{account.clearing_number}-{mask_account(account.account_number or '')}"


# --- batches --------------------------------------------------------------------------------------------


def list_batches(session: Session, *, limit: int, offset: int) -> tuple[list[ExportBatch], int]:
    total = session.scalar(select(func.count(ExportBatch.id))) or 0
    rows = session.scalars(select(ExportBatch).order_by(ExportBatch.id.desc()).limit(limit).offset(offset))
    return list(rows), total


def get_batch(session: Session, *, batch_id: int) -> ExportBatch:
    batch = session.get(ExportBatch, batch_id)
    if batch is None:
        raise NotFound(f"export batch {batch_id} does not exist")
    return batch


def batch_file(batch: ExportBatch) -> ExportFile:
    """The stored bytes of a batch, exactly as exported."""
    return ExportFile(filename=batch.filename, media_type=batch.media_type, content=batch.content)


def _store(
    session: Session,
    *,
    kind: ExportKind,
    file: ExportFile,
    covered: Iterable[tuple[DocumentKind, int]],
    notes: list[str],
    created_at: datetime,
    created_by_id: int | None,
    period: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    run_id: int | None = None,
) -> ExportBatch:
    head = chain_head(session)
    batch = ExportBatch(
        kind=kind,
        period=period,
        date_from=date_from,
        date_to=date_to,
        run_id=run_id,
        filename=file.filename,
        media_type=file.media_type,
        content=file.content,
        sha256=hashlib.sha256(file.content).hexdigest(),
        notes=notes + list(file.notes),  # the writer's notes: texts it had to spell in the file's charset
        created_by_id=created_by_id,
        created_at=created_at,
        audit_head_entries=head.entries,
        audit_head_hash=head.hash,
    )
    batch.documents = [
        ExportedDocument(export_kind=kind, document_kind=document_kind, document_id=document_id)
        for document_kind, document_id in covered
    ]
    session.add(batch)
    session.flush()
    append_event(
        session,
        kind="export_created",
        payload={
            "batch_id": batch.id,
            "kind": str(kind),
            "filename": batch.filename,
            "sha256": batch.sha256,
            "documents": len(batch.documents),
            "created_by_id": created_by_id,
        },
        now=created_at,
    )
    return batch


def _exported_ids(session: Session, export_kind: ExportKind, document_kind: DocumentKind) -> set[int]:
    return set(
        session.scalars(
            select(ExportedDocument.document_id).where(
                ExportedDocument.export_kind == export_kind, ExportedDocument.document_kind == document_kind
            )
        )
    )


def _earlier_batches_hint(
    session: Session, kind: ExportKind, *, period: str | None = None, run_id: int | None = None
) -> str:
    query = select(ExportBatch.id).where(ExportBatch.kind == kind).order_by(ExportBatch.id)
    if period is not None:
        query = query.where(ExportBatch.period == period)
    if run_id is not None:
        query = query.where(ExportBatch.run_id == run_id)
    ids = list(session.scalars(query))
    if not ids:
        return ""
    return f"; download the earlier batch again: {', '.join(f'/api/v1/exports/{i}/file' for i in ids)}"


def _require_not_future(month: Month, *, today: date) -> None:
    if month.start > today:
        raise RuleViolation(
            f"{month.text} lies in the future; it can be exported from its first day", field="period"
        )


def _require_filled(cooperative: Cooperative, names: Sequence[str], *, what: str) -> None:
    missing = [name for name in names if not (getattr(cooperative, name) or "").strip()]
    if missing:
        raise RuleViolation(
            f"{what} needs the cooperative's {', '.join(missing)}; an admin fills them in "
            "(PATCH /api/v1/cooperative)",
            code="cooperative_incomplete",
            field=missing[0],
        )


def _payslips_paid_in(session: Session, month: Month) -> list[Payslip]:
    return list(
        session.scalars(
            select(Payslip)
            .where(Payslip.pay_date >= month.start, Payslip.pay_date < month.end)
            .order_by(Payslip.pay_date, Payslip.year, Payslip.sequence)
        )
    )


def _run_payslips(session: Session, run_id: int) -> list[Payslip]:
    return list(session.scalars(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.sequence)))


def _draft_runs(session: Session, month: Month) -> list[PayrollRun]:
    return list(
        session.scalars(
            select(PayrollRun)
            .where(
                PayrollRun.pay_date >= month.start,
                PayrollRun.pay_date < month.end,
                PayrollRun.status == RunStatus.draft,
            )
            .order_by(PayrollRun.id)
        )
    )


def _left_out_runs(session: Session, month: Month) -> list[str]:
    return [
        f"payroll run {run.id} ({run.pay_date}) is not approved and was left out"
        for run in _draft_runs(session, month)
    ]


# --- the treasurer's overview ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OwedToSkatteverket:
    period: str
    due_date: date
    tax_withheld: Decimal
    employer_contributions: Decimal
    declared: bool

    @property
    def total(self) -> Decimal:
        return self.tax_withheld + self.employer_contributions


@dataclass(frozen=True, slots=True, kw_only=True)
class UnpaidInvoice:
    id: int
    number: str
    client_name: str
    due_date: date | None
    outstanding: Decimal
    overdue: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RunPayouts:
    run_id: int
    pay_date: date
    status: str
    payslip_count: int
    net_pay: Decimal
    payment_file_exported: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class LeftToExport:
    agi_payslips: int
    sie_documents: int
    pain001_runs: list[int]


@dataclass(frozen=True, slots=True, kw_only=True)
class TreasurerOverview:
    month: str
    skatteverket: OwedToSkatteverket
    unpaid_invoices: list[UnpaidInvoice]
    payouts: list[RunPayouts]
    left_to_export: LeftToExport


def treasurer_overview(session: Session, *, month: str, today: date) -> TreasurerOverview:
    """What the month asks of the treasurer (reads only): what is owed to Skatteverket and by when, which
    client invoices issued up to the month's end are unpaid (overdue as of today), the month's runs, and
    what is not yet exported."""
    span = Month.of(month, field="month")
    payslips = _payslips_paid_in(session, span)
    agi_done = _exported_ids(session, ExportKind.agi, DocumentKind.payslip)
    unpaid = session.execute(
        select(Invoice, Client.name)
        .join(Client, Client.id == Invoice.client_id)
        .where(
            Invoice.kind == InvoiceKind.invoice,
            Invoice.status.in_((InvoiceStatus.open, InvoiceStatus.partly_paid)),
            Invoice.issue_date < span.end,
        )
        .order_by(Invoice.due_date, Invoice.id)
    )
    pain_done = _exported_ids(session, ExportKind.pain001, DocumentKind.payroll_run)
    runs = list(
        session.scalars(
            select(PayrollRun)
            .where(PayrollRun.pay_date >= span.start, PayrollRun.pay_date < span.end)
            .order_by(PayrollRun.pay_date, PayrollRun.id)
        )
    )
    payouts = []
    for run in runs:
        run_payslips = [payslip for payslip in payslips if payslip.run_id == run.id]
        payouts.append(
            RunPayouts(
                run_id=run.id,
                pay_date=run.pay_date,
                status=str(run.status),
                payslip_count=len(run_payslips) if run.status != RunStatus.draft else len(run.payouts),
                net_pay=sum((payslip.net_pay for payslip in run_payslips), ZERO),
                payment_file_exported=run.id in pain_done,
            )
        )
    return TreasurerOverview(
        month=span.text,
        skatteverket=OwedToSkatteverket(
            period=span.text,
            due_date=agi_due_date(span.text),
            tax_withheld=sum((payslip.tax for payslip in payslips), ZERO),
            employer_contributions=sum((payslip.employer_contributions for payslip in payslips), ZERO),
            declared=bool(payslips) and all(payslip.id in agi_done for payslip in payslips),
        ),
        unpaid_invoices=[
            UnpaidInvoice(
                id=invoice.id,
                number=invoice.number,
                client_name=client_name,
                due_date=invoice.due_date,
                outstanding=invoice.outstanding,
                overdue=invoice.is_overdue_on(today),
            )
            for invoice, client_name in unpaid
        ],
        payouts=payouts,
        left_to_export=LeftToExport(
            agi_payslips=sum(1 for payslip in payslips if payslip.id not in agi_done),
            sie_documents=_sie_left(session, span),
            pain001_runs=[
                run.id for run in runs if run.status != RunStatus.draft and run.id not in pain_done
            ],
        ),
    )


def _sie_left(session: Session, span: Month) -> int:
    """How many invoices, credit notes, payments and approved runs dated in the month no SIE batch holds."""
    done = {kind: _exported_ids(session, ExportKind.sie, kind) for kind in DocumentKind}
    left = 0
    for invoice_id, kind in session.execute(
        select(Invoice.id, Invoice.kind).where(
            Invoice.issue_date >= span.start, Invoice.issue_date < span.end
        )
    ):
        document = DocumentKind.credit_note if kind == InvoiceKind.credit_note else DocumentKind.invoice
        left += invoice_id not in done[document]
    left += sum(
        payment_id not in done[DocumentKind.payment]
        for payment_id in session.scalars(
            select(Payment.id).where(Payment.paid_on >= span.start, Payment.paid_on < span.end)
        )
    )
    left += sum(
        run_id not in done[DocumentKind.payroll_run]
        for run_id in session.scalars(
            select(PayrollRun.id).where(
                PayrollRun.pay_date >= span.start,
                PayrollRun.pay_date < span.end,
                PayrollRun.status != RunStatus.draft,
            )
        )
    )
    return left
