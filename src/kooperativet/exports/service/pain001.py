"""The pain.001 salary payment file of an approved payroll run, for the bank: one transfer per payslip with
net pay, to the member's confirmed account; the notes name every account changed since the last file.

The run is read as plain rows in a fixed number of statements: its payslips' numbers and net pay, the name
each was issued to, and of each payee only the account columns (decrypted) and whether a change waits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kooperativet.core.batch import cyclic_collector_paused
from kooperativet.core.identifiers import mask_account, mask_iban
from kooperativet.db import in_chunks
from kooperativet.encryption import decrypted, stored
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.exports.formats import pain001
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportedDocument, ExportKind
from kooperativet.exports.service.batches import cooperative_taking_turns, earlier_batches_hint, store_batch
from kooperativet.exports.service.sources import (
    SWEDEN,
    as_issued,
    full_name,
    plain_rows,
    require_filled,
)
from kooperativet.parties.models import Member, SalaryAccount, salary_account_of
from kooperativet.payroll.models import PayrollRun, Payslip, RunStatus


@cyclic_collector_paused()  # a month's worth of rows at once (core/batch.py)
def export_pain001(
    session: Session, *, run_id: int, created_at: datetime, created_by_id: int | None
) -> ExportBatch:
    """The salary payment file of an approved run: one transfer per payslip with its net pay, executed on
    the pay date. A draft run or a run already exported is a 409; missing debtor details are a 422."""
    # The run's id, status and pay date, not the run object: that would load its thousands of payouts.
    run = session.execute(
        select(PayrollRun.id, PayrollRun.status, PayrollRun.pay_date).where(PayrollRun.id == run_id)
    ).one_or_none()
    if run is None:
        raise NotFound(f"payroll run {run_id} does not exist")
    if run.status == RunStatus.draft:
        raise Conflict(f"payroll run {run_id} is not approved; approve it first", code="run_not_approved")
    cooperative = cooperative_taking_turns(session)  # before what is left to export is read
    require_filled(cooperative, ("organisation_number", "iban", "bic"), what="the payment file")
    if _in_a_payment_file(session, run.id):
        raise Conflict(
            f"payroll run {run_id} is already in a payment file"
            + earlier_batches_hint(session, ExportKind.pain001, run_id=run_id),
            code="already_exported",
        )
    transfers = _transfers(session, run_id=run.id)
    if not transfers:
        raise Conflict(f"payroll run {run_id} has no net pay to transfer", code="nothing_to_export")
    _refuse_purged_payees(run.id, transfers)
    issued = decrypted((transfer.employee_name for transfer in transfers), Payslip.employee_name)
    names = as_issued(
        session, zip((transfer.payslip_id for transfer in transfers), issued, strict=True), field="name"
    )
    confirmed = _confirmed_accounts(transfers)
    fallback = _accounts_on_payslips(
        session, [transfer.payslip_id for transfer in transfers if confirmed[transfer.member_id] is None]
    )
    payments = pain001.PayrollRunPayments(
        run_id=f"RUN-{run.id}",
        pay_date=run.pay_date,
        payments=tuple(
            pain001.SalaryPayment(
                payslip_id=transfer.number,
                member_name=names[transfer.payslip_id],
                account=_payout_account(confirmed[transfer.member_id], fallback.get(transfer.payslip_id)),
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
        notes=_changed_accounts(
            session, payees={transfer.member_id: transfer for transfer in transfers}, confirmed=confirmed
        ),
        created_at=created_at,
        created_by_id=created_by_id,
        run_id=run.id,
    )


def _refuse_purged_payees(run_id: int, transfers: list[_Transfer]) -> None:
    """A payee purged after the retention period (``privacy.purge``) has no account left, neither on her
    record nor on her payslip: the run's file cannot be made again, and the refusal says whose and since
    when, not which empty account the bank would refuse."""
    purged = sorted({(t.member_id, t.purged_at) for t in transfers if t.purged_at is not None})
    if purged:
        whose = ", ".join(
            f"member {member} on {purged_at.astimezone(SWEDEN).date()}" for member, purged_at in purged
        )
        raise Conflict(
            f"the bank details of payroll run {run_id}'s payees were erased after the retention period "
            f"({whose}); a payment file of the run cannot be made again",
            code="erased_after_retention",
        )


def _in_a_payment_file(session: Session, run_id: int) -> bool:
    query = select(ExportedDocument.id).where(
        ExportedDocument.export_kind == ExportKind.pain001,
        ExportedDocument.document_kind == DocumentKind.payroll_run,
        ExportedDocument.document_id == run_id,
    )
    return session.scalar(query) is not None


class _Transfer(NamedTuple):
    """A payslip's transfer and what its payee's notes need, as ``_transfers`` reads it: a tuple, whose
    fields are read faster than a database row's columns by name, for each of a run's thousands."""

    payslip_id: int
    number: str
    member_id: int
    net_pay: Decimal
    employee_name: str | None
    first_name: str
    last_name: str
    bank_clearing_number: str | None
    bank_account_number: str | None
    bank_iban: str | None
    pending: bool
    bank_account_changed_at: datetime | None
    purged_at: datetime | None


def _transfers(session: Session, *, run_id: int) -> list[_Transfer]:
    """The run's payslips with net pay: number, amount and, of the payee, what a transfer and its notes
    need — the name, the confirmed account as stored (``_confirmed_accounts``), whether a change waits for
    confirmation (tested in SQL, not decrypted), when the account last changed and when the payee was
    purged after the retention period, if she was. Personnummer and TIN are neither read nor decrypted."""
    query = (
        select(
            Payslip.id,
            Payslip.number,
            Payslip.member_id,
            Payslip.net_pay,
            stored(Payslip.employee_name),
            Member.first_name,
            Member.last_name,
            stored(Member.bank_clearing_number),
            stored(Member.bank_account_number),
            stored(Member.bank_iban),
            or_(
                Member.pending_account_number.is_not(None),
                Member.pending_iban.is_not(None),
                Member.bank_account_removal_pending,
            ).label("pending"),
            Member.bank_account_changed_at,
            Member.purged_at,
        )
        .join(Member, Member.id == Payslip.member_id)
        .where(Payslip.run_id == run_id, Payslip.net_pay > 0)
        .order_by(Payslip.sequence)
    )
    return [_Transfer(*row) for row in plain_rows(session, query)]


def _confirmed_accounts(transfers: list[_Transfer]) -> dict[int, SalaryAccount | None]:
    """Each payee's confirmed account, by member id, the stored columns decrypted a column at a time. A
    member who gave an IBAN is paid to it (``salary_account_of``): her clearing and account number are not
    decrypted."""
    iban = decrypted((transfer.bank_iban for transfer in transfers), Member.bank_iban)
    to_bban = [
        transfer if its_iban is None else None for transfer, its_iban in zip(transfers, iban, strict=True)
    ]
    clearing = decrypted((t and t.bank_clearing_number for t in to_bban), Member.bank_clearing_number)
    account = decrypted((t and t.bank_account_number for t in to_bban), Member.bank_account_number)
    return {
        transfer.member_id: salary_account_of(iban=i, clearing_number=c, account_number=a)
        for transfer, c, a, i in zip(transfers, clearing, account, iban, strict=True)
    }


def _accounts_on_payslips(session: Session, payslip_ids: list[int]) -> dict[int, SalaryAccount]:
    """The account on each payslip, for the few payees who have no confirmed account any more."""
    accounts: dict[int, SalaryAccount] = {}
    columns = (Payslip.id, Payslip.bank_clearing_number, Payslip.bank_account_number, Payslip.bank_iban)
    for chunk in in_chunks(payslip_ids):
        for payslip in session.execute(select(*columns).where(Payslip.id.in_(chunk))):
            accounts[payslip.id] = SalaryAccount(
                clearing_number=payslip.bank_clearing_number,
                account_number=payslip.bank_account_number,
                iban=payslip.bank_iban,
            )
    return accounts


def _payout_account(
    confirmed: SalaryAccount | None, on_payslip: SalaryAccount | None
) -> pain001.MemberAccount:
    """The member's confirmed account now (it may have been confirmed after the payslip was issued): the IBAN
    when the member gave one, else the clearing and account number (``salary_account_of``); without either
    (a removed member), the account on the payslip. A changed account that nobody has confirmed yet is never
    paid to."""
    account = confirmed or on_payslip or SalaryAccount()
    return pain001.MemberAccount(
        clearing_number=account.clearing_number, account_number=account.account_number, iban=account.iban
    )


def _changed_accounts(
    session: Session, *, payees: Mapping[int, _Transfer], confirmed: Mapping[int, SalaryAccount | None]
) -> list[str]:
    """Every payee (by member id) whose bank account changed since the previous payment file, masked; the
    unconfirmed ones are paid to their last confirmed account and say so."""
    previous = session.scalar(
        select(func.max(ExportBatch.created_at)).where(ExportBatch.kind == ExportKind.pain001)
    )
    changed = sorted(
        (member_id, payee, changed_at)
        for member_id, payee in payees.items()
        if (changed_at := payee.bank_account_changed_at) is not None
        and (previous is None or changed_at > previous)
    )
    notes = []
    for member_id, payee, changed_at in changed:
        who = (
            f"bank account of {full_name(payee.first_name, payee.last_name)} (member {member_id}) changed on "
            f"{changed_at.date()}"
        )
        paid_to = _masked(confirmed[member_id])
        if payee.pending:
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
