"""The pain.001 salary payment file of an approved payroll run, for the bank: one transfer per payslip with
net pay, to the member's confirmed account; the notes name every account changed since the last file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, lazyload, load_only

from kooperativet.core.identifiers import mask_account, mask_iban
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.exports.formats import pain001
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportKind
from kooperativet.exports.service.batches import earlier_batches_hint, exported_ids, store_batch
from kooperativet.exports.service.sources import SWEDEN, in_chunks, require_filled
from kooperativet.parties.models import Member, SalaryAccount
from kooperativet.parties.service import get_cooperative
from kooperativet.payroll.models import PayrollRun, Payslip, RunStatus


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
    require_filled(cooperative, ("organisation_number", "iban", "bic"), what="the payment file")
    if run.id in exported_ids(session, ExportKind.pain001, DocumentKind.payroll_run):
        raise Conflict(
            f"payroll run {run_id} is already in a payment file"
            + earlier_batches_hint(session, ExportKind.pain001, run_id=run_id),
            code="already_exported",
        )
    transfers = _transfers(session, run_id=run.id)
    if not transfers:
        raise Conflict(f"payroll run {run_id} has no net pay to transfer", code="nothing_to_export")
    members = _payees(session, {transfer.member_id for transfer in transfers})
    fallback = _accounts_on_payslips(
        session, [t.id for t in transfers if not members[t.member_id].salary_account]
    )
    payments = pain001.PayrollRunPayments(
        run_id=f"RUN-{run.id}",
        pay_date=run.pay_date,
        payments=tuple(
            pain001.SalaryPayment(
                payslip_id=transfer.number,
                member_name=transfer.snapshot["employee"]["name"],
                account=_payout_account(members[transfer.member_id], fallback.get(transfer.id)),
                amount=transfer.net_pay,
            )
            for transfer in transfers
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
    return store_batch(
        session,
        kind=ExportKind.pain001,
        file=file,
        covered=[(DocumentKind.payroll_run, run.id)],
        notes=_changed_accounts(session, members=members.values()),
        created_at=created_at,
        created_by_id=created_by_id,
        run_id=run.id,
    )


def _transfers(session: Session, *, run_id: int) -> list[Row[Any]]:
    """The run's payslips with net pay, as plain rows: number, payee, amount and the snapshot (encrypted,
    so the name it was issued to is read in Python), without building payslip objects or loading lines."""
    query = (
        select(Payslip.id, Payslip.number, Payslip.member_id, Payslip.net_pay, Payslip.snapshot)
        .where(Payslip.run_id == run_id, Payslip.net_pay > 0)
        .order_by(Payslip.sequence)
    )
    return list(session.execute(query))


def _payees(session: Session, ids: set[int]) -> dict[int, Member]:
    """The payees with what a transfer needs (names, confirmed and pending accounts), one query per chunk;
    their other encrypted details (personnummer, TIN) are neither read nor decrypted."""
    columns = (
        Member.first_name,
        Member.last_name,
        Member.bank_clearing_number,
        Member.bank_account_number,
        Member.bank_iban,
        Member.pending_clearing_number,
        Member.pending_account_number,
        Member.pending_iban,
        Member.bank_account_changed_at,
    )
    payees: dict[int, Member] = {}
    for chunk in in_chunks(ids):
        query = select(Member).where(Member.id.in_(chunk)).options(load_only(*columns), lazyload("*"))
        payees.update((member.id, member) for member in session.scalars(query))
    return payees


def _accounts_on_payslips(session: Session, payslip_ids: list[int]) -> dict[int, SalaryAccount]:
    """The account on each payslip, for the few payees who have no confirmed account any more."""
    accounts: dict[int, SalaryAccount] = {}
    for chunk in in_chunks(payslip_ids):
        query = select(Payslip).where(Payslip.id.in_(chunk)).options(lazyload("*"))
        for payslip in session.scalars(query):
            accounts[payslip.id] = SalaryAccount(
                clearing_number=payslip.bank_clearing_number,
                account_number=payslip.bank_account_number,
                iban=payslip.bank_iban,
            )
    return accounts


def _payout_account(member: Member, on_payslip: SalaryAccount | None) -> pain001.MemberAccount:
    """The member's confirmed account now (it may have been confirmed after the payslip was issued): the IBAN
    when the member gave one, else the clearing and account number (``Member.salary_account``); without
    either (a removed member), the account on the payslip. A changed account that nobody has confirmed yet is
    never paid to."""
    account = member.salary_account or on_payslip or SalaryAccount()
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
