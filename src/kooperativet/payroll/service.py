"""Payroll runs and payslips (payroll.md §5). Services flush; the caller's transaction commits.

A draft run holds the payouts it collected; its payslips are calculated whenever it is shown, from the data
in force then. Approval calculates them once more, checks every member's bank account, issues numbered
payslips that store everything they were made from, locks the run and moves the assignments to ``salaried``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import refuse_own_work
from kooperativet.assignments.models import Assignment
from kooperativet.audit.service import append_event
from kooperativet.auth.models import Role, User
from kooperativet.core import identifiers as ids
from kooperativet.core.calendar import previous_bank_day
from kooperativet.core.money import ZERO
from kooperativet.db import count_rows
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.numbering import take_next_sequence
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Cooperative, Member, MemberTaxSetting
from kooperativet.payroll import collector
from kooperativet.payroll.calculation import (
    MissingTaxTable,
    MonthToDate,
    NoContributionRule,
    Payout,
    PayoutInput,
    TaxMode,
    TaxSetting,
    YearToDatePay,
    calculate_payouts_in_order,
)
from kooperativet.payroll.models import (
    PayOn,
    PayrollRun,
    Payslip,
    PayslipLine,
    PayslipNumberCounter,
    RunPayout,
    RunStatus,
)
from kooperativet.payroll.parameters import LoadedParameters, payroll_parameters_on
from kooperativet.payroll.tax_table_store import tax_table

# --- pay date ------------------------------------------------------------------------------------------


def default_pay_date(session: Session, *, today: date) -> date:
    """The next pay date on or after ``today``: the pay day (25th) of the month, or the bank day before it."""
    year, month = today.year, today.month
    while True:
        first = date(year, month, 1)
        pay_day = parameters_service.value_in_force(session, key="pay_day", on=first).as_int()
        candidate = previous_bank_day(date(year, month, pay_day))
        if candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# --- drafts: what the run would issue -------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class YearToDate:
    gross: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class PayslipDraft:
    """One member's payslip as calculated for a run: the payouts in order and their results."""

    member: Member
    payouts: tuple[RunPayout, ...]
    results: tuple[Payout, ...]
    tax_setting: MemberTaxSetting
    parameters: LoadedParameters
    tax_table_sha256: str | None
    tax_table_import_id: int | None
    year_to_date: YearToDate

    def total(self, field: str) -> Decimal:
        return sum((getattr(result, field) for result in self.results), ZERO)


def calculate_run(session: Session, *, run: PayrollRun) -> list[PayslipDraft]:
    """Every payslip of ``run`` as it would be issued now, members in id order (payroll.md §5).

    Several payouts to one member become one payslip, applied in order from what the member was already
    paid in the same calendar month (youth cap, table tax). A member in table mode without an imported table
    is a 422 naming the table and year.
    """
    loaded = payroll_parameters_on(session, pay_date=run.pay_date)
    by_member: dict[int, list[RunPayout]] = defaultdict(list)
    for payout in run.payouts:
        by_member[payout.member_id].append(payout)
    threshold = loaded.parameters.contribution_threshold
    year_pay = year_pay_before(
        session,
        member_ids=sorted(by_member),
        year=run.pay_date.year,
        threshold=threshold.value if threshold is not None else None,
    )
    drafts = []
    for member_id in sorted(by_member):
        member = session.get(Member, member_id)
        assert member is not None  # a foreign key
        drafts.append(
            _draft(
                session,
                run=run,
                member=member,
                payouts=by_member[member_id],
                loaded=loaded,
                year_pay=year_pay.get(member_id, YearToDatePay()),
            )
        )
    return drafts


def year_pay_before(
    session: Session, *, member_ids: Sequence[int], year: int, threshold: Decimal | None
) -> dict[int, YearToDatePay]:
    """Each member's pay from issued payslips of ``year`` and the part still without contributions (§2).

    One query for the whole batch. The deferred base is the pay of the payslips that carried no employer
    contributions, and only while the year's pay is below the threshold: the payslip that reached it paid
    the contributions on all of it.
    """
    if not member_ids:
        return {}
    without_contributions = case((Payslip.employer_contributions == 0, Payslip.taxable_pay), else_=0)
    rows = session.execute(
        select(
            Payslip.member_id,
            func.coalesce(func.sum(Payslip.taxable_pay), 0),
            func.coalesce(func.sum(without_contributions), 0),
        )
        .where(Payslip.member_id.in_(member_ids), Payslip.year == year)
        .group_by(Payslip.member_id)
    ).all()
    result = {}
    for member_id, pay, deferred in rows:
        pay = _amount(pay)
        below = threshold is not None and pay < threshold
        result[member_id] = YearToDatePay(pay=pay, deferred_base=_amount(deferred) if below else ZERO)
    return result


def _draft(
    session: Session,
    *,
    run: PayrollRun,
    member: Member,
    payouts: list[RunPayout],
    loaded: LoadedParameters,
    year_pay: YearToDatePay,
) -> PayslipDraft:
    setting = tax_setting_on(member, on=run.pay_date)
    tax = _calculation_tax_setting(setting)
    table, table_sha256, table_import_id = None, None, None
    if tax.mode is TaxMode.TABLE:
        assert tax.table_number is not None
        try:
            table, record = tax_table(session, year=run.pay_date.year, table_number=tax.table_number)
        except MissingTaxTable as exc:
            raise RuleViolation(
                f"{member.full_name} (member {member.id}) is taxed by table: {exc}",
                code="missing_tax_table",
                table_number=exc.table_number,
                year=exc.year,
            ) from exc
        table_sha256, table_import_id = record.sha256, record.id
    try:
        results = calculate_payouts_in_order(
            payouts=[
                PayoutInput(invoiced_amount=p.invoiced_amount, expense_reimbursement=p.expense_reimbursement)
                for p in payouts
            ],
            birth_date=member.birth_date,
            pay_date=run.pay_date,
            parameters=loaded.parameters,
            tax=tax,
            month_to_date=month_to_date(session, member_id=member.id, pay_date=run.pay_date),
            tax_table=table,
            year_to_date=year_pay,
        )
    except NoContributionRule as exc:
        raise RuleViolation(str(exc), code="no_contribution_rule") from exc
    before = year_to_date(session, member_id=member.id, pay_date=run.pay_date)
    return PayslipDraft(
        member=member,
        payouts=tuple(payouts),
        results=results,
        tax_setting=setting,
        parameters=loaded,
        tax_table_sha256=table_sha256,
        tax_table_import_id=table_import_id,
        year_to_date=YearToDate(
            gross=before.gross + sum((r.gross_salary + r.holiday_pay for r in results), ZERO),
            taxable=before.taxable + sum((r.taxable_pay for r in results), ZERO),
            tax=before.tax + sum((r.tax for r in results), ZERO),
        ),
    )


def tax_setting_on(member: Member, *, on: date) -> MemberTaxSetting:
    """The member's tax setting in force on ``on`` (the latest valid from that day or earlier)."""
    valid = [setting for setting in member.tax_settings if setting.valid_from <= on]
    if not valid:
        raise RuleViolation(
            f"{member.full_name} (member {member.id}) has no tax setting in force on {on}",
            code="missing_tax_setting",
        )
    return max(valid, key=lambda setting: setting.valid_from)


_FLAT = Decimal("30")  # TaxSetting's default; only flat mode reads the percent


def _calculation_tax_setting(setting: MemberTaxSetting) -> TaxSetting:
    mode = TaxMode(setting.mode)
    return TaxSetting(
        mode=mode,
        percent=Decimal(str(setting.percent))
        if mode is TaxMode.FLAT and setting.percent is not None
        else _FLAT,
        table_number=setting.table_number,
        column=setting.table_column,
        tax_information_missing=setting.tax_information_missing,
    )


def month_to_date(session: Session, *, member_id: int, pay_date: date) -> MonthToDate:
    """What issued payslips already paid the member in the calendar month of ``pay_date`` (§2–§3)."""
    taxable, tax = session.execute(
        select(
            func.coalesce(func.sum(Payslip.taxable_pay), 0), func.coalesce(func.sum(Payslip.tax), 0)
        ).where(
            Payslip.member_id == member_id,
            Payslip.pay_date >= pay_date.replace(day=1),
            Payslip.pay_date < _next_month(pay_date),
        )
    ).one()
    taxable, tax = _amount(taxable), _amount(tax)
    return MonthToDate(contribution_base_youth_used=taxable, taxable_pay=taxable, tax_withheld=tax)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def year_to_date(session: Session, *, member_id: int, pay_date: date) -> YearToDate:
    """Totals of the member's issued payslips in the year of ``pay_date`` (gross incl. holiday pay)."""
    gross, taxable, tax = session.execute(
        select(
            func.coalesce(func.sum(Payslip.gross_salary + Payslip.holiday_pay), 0),
            func.coalesce(func.sum(Payslip.taxable_pay), 0),
            func.coalesce(func.sum(Payslip.tax), 0),
        ).where(Payslip.member_id == member_id, Payslip.year == pay_date.year)
    ).one()
    return YearToDate(gross=_amount(gross), taxable=_amount(taxable), tax=_amount(tax))


def year_totals(session: Session, *, member_id: int, year: int) -> tuple[YearToDate, int]:
    """A member's totals of issued payslips in ``year`` and how many payslips they come from."""
    count = session.scalar(
        select(func.count(Payslip.id)).where(Payslip.member_id == member_id, Payslip.year == year)
    )
    return year_to_date(session, member_id=member_id, pay_date=date(year, 1, 1)), count or 0


def _amount(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- runs ----------------------------------------------------------------------------------------------


def create_run(
    session: Session, *, today: date, pay_date: date | None, pay_on: PayOn | None, created_by_id: int | None
) -> PayrollRun:
    """A draft run for ``pay_date`` (default: the next pay day) with every payout that is ready.

    Nothing ready is a 409; a payout that cannot be calculated (no tax table, no tax setting) is a 422.
    """
    pay_date = pay_date or default_pay_date(session, today=today)
    if pay_on is None:
        pay_on = PayOn(parameters_service.value_in_force(session, key="pay_on", on=pay_date).value)
    ready = collector.collect_ready_payouts(session, pay_on=pay_on, pay_date=pay_date)
    if not ready:
        raise Conflict(
            f"no payout is ready for a run on {pay_date} (pay_on={pay_on}): "
            + (
                "no assignment has fully paid invoices that are not yet salaried"
                if pay_on == PayOn.payment
                else "no assignment has issued invoices that are not yet salaried"
            ),
            code="nothing_ready",
        )
    run = PayrollRun(pay_date=pay_date, pay_on=pay_on, status=RunStatus.draft, created_by_id=created_by_id)
    run.payouts = [
        RunPayout(
            position=position,
            member_id=item.member_id,
            assignment_id=item.assignment_id,
            client_name=item.client_name,
            invoice_numbers=list(item.invoice_numbers),
            invoiced_amount=item.invoiced_amount,
            expense_reimbursement=item.expense_reimbursement,
        )
        for position, item in enumerate(ready, start=1)
    ]
    session.add(run)
    session.flush()
    calculate_run(session, run=run)  # refuse now, not at approval, what cannot be calculated
    return run


def get_run(session: Session, *, run_id: int, for_update: bool = False) -> PayrollRun:
    query = select(PayrollRun).where(PayrollRun.id == run_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    run = session.scalar(query)
    if run is None:
        raise NotFound(f"payroll run {run_id} does not exist")
    return run


def list_runs(session: Session, *, limit: int, offset: int) -> tuple[list[PayrollRun], int]:
    total = session.scalar(select(func.count(PayrollRun.id))) or 0
    rows = session.scalars(
        select(PayrollRun)
        .order_by(PayrollRun.pay_date.desc(), PayrollRun.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def _require_draft(run: PayrollRun) -> None:
    if run.status != RunStatus.draft:
        raise Conflict(
            f"payroll run {run.id} is {run.status} and locked; "
            "correct a payslip with a correction payout in a later run",
            code="run_locked",
        )


def add_correction(
    session: Session,
    *,
    run: PayrollRun,
    payslip_id: int,
    assignment_id: int,
    invoiced_amount: Decimal,
    expense_reimbursement: Decimal,
    reason: str,
    actor_id: int,
) -> RunPayout:
    """Add to a draft run a correction payout that refers to an issued payslip's line (payroll.md §5).

    The original payslip is never changed: the correction is paid and shown on a new payslip. A correction
    decides money for one member, so nobody adds one to her own payslip (``assignments.duties``).
    """
    _require_draft(run)
    original = session.get(Payslip, payslip_id)
    if original is None:
        raise NotFound(f"payslip {payslip_id} does not exist")
    refuse_own_work(
        actor_id=actor_id,
        worker=session.get_one(Member, original.member_id),
        act=f"correct payslip {original.number}",
    )
    line = next((line for line in original.lines if line.assignment_id == assignment_id), None)
    if line is None:
        raise RuleViolation(
            f"payslip {original.number} has no line for assignment {assignment_id}", field="assignment_id"
        )
    if invoiced_amount == 0 and expense_reimbursement == 0:
        raise RuleViolation("a correction needs an amount", field="invoiced_amount")
    payout = RunPayout(
        position=max((p.position for p in run.payouts), default=0) + 1,
        member_id=original.member_id,
        assignment_id=assignment_id,
        client_name=line.client_name,
        invoice_numbers=list(line.invoice_numbers),
        invoiced_amount=invoiced_amount,
        expense_reimbursement=expense_reimbursement,
        corrects_payslip_id=original.id,
        correction_reason=reason.strip(),
    )
    run.payouts.append(payout)
    run.version += 1
    session.flush()
    calculate_run(session, run=run)
    return payout


def approve_run(session: Session, *, run_id: int, approved_by_id: int, now: datetime) -> PayrollRun:
    """Lock a draft run and issue its payslips with gap-free numbers per year (payroll.md §5).

    Approving twice is a 409; a member without a valid bank account stops the approval (422 naming them).

    Approval is the decision that pays the run's salaries, so nobody approves a run that includes her own
    payout (409 ``own_work``, ``assignments.duties``). Creating or discarding a draft is allowed: a draft only
    collects what is ready by rules already decided (approved assignments, issued and paid invoices) and pays
    nobody; marking an approved run paid records what the bank did.
    """
    run = get_run(session, run_id=run_id, for_update=True)
    _require_draft(run)
    drafts = calculate_run(session, run=run)
    for draft in drafts:
        refuse_own_work(actor_id=approved_by_id, worker=draft.member, act=f"approve payroll run {run.id}")
    _require_bank_accounts([draft.member for draft in drafts])
    cooperative = session.scalar(select(Cooperative).order_by(Cooperative.id).limit(1))
    for draft in drafts:
        _issue(session, run=run, draft=draft, cooperative=cooperative, issued_by_id=approved_by_id)
    run.status = RunStatus.approved
    run.approved_at = now
    run.approved_by_id = approved_by_id
    run.version += 1
    collector.mark_salaried(
        session, assignment_ids={p.assignment_id for p in run.payouts if not p.corrects_payslip_id}
    )
    session.flush()
    payslips = run_payslips(session, run_id=run.id)
    append_event(
        session,
        kind="payroll_run_approved",
        payload={
            "run_id": run.id,
            "pay_date": run.pay_date.isoformat(),
            "payslips": [p.number for p in payslips],
            "gross_salary": str(sum((p.gross_salary for p in payslips), Decimal("0.00"))),
            "tax": str(sum((p.tax for p in payslips), Decimal("0.00"))),
            "employer_contributions": str(sum((p.employer_contributions for p in payslips), Decimal("0.00"))),
            "net_pay": str(sum((p.net_pay for p in payslips), Decimal("0.00"))),
            "approved_by_id": approved_by_id,
        },
        now=now,
    )
    return run


def discard_run(session: Session, *, run_id: int) -> None:
    """Throw away a draft run; its payouts become ready for another run. A locked run is a 409."""
    run = get_run(session, run_id=run_id, for_update=True)
    _require_draft(run)
    session.delete(run)
    session.flush()


def mark_run_paid(session: Session, *, run_id: int, paid_on: date, paid_by_id: int) -> PayrollRun:
    """An approved run's salaries have left the bank: approved → paid. Anything else is a 409."""
    run = get_run(session, run_id=run_id, for_update=True)
    if run.status != RunStatus.approved:
        raise Conflict(
            f"payroll run {run.id} is {run.status}; only an approved run can be marked paid",
            code="run_not_approved",
        )
    run.status = RunStatus.paid
    run.paid_on = paid_on
    run.paid_by_id = paid_by_id
    run.version += 1
    session.flush()
    return run


def _require_bank_accounts(members: Iterable[Member]) -> None:
    """Every member has a confirmed, valid account to be paid to: a Swedish IBAN or a clearing and account
    number (``Member.salary_account``)."""
    refused = []
    for member in members:
        try:
            account = member.salary_account
            if account is None:
                raise ids.InvalidIdentifier(
                    "the new bank account awaits confirmation by a second person or the member"
                    if member.has_pending_bank_account
                    else "no bank account"
                )
            if account.iban is not None:
                ids.parse_salary_iban(account.iban)
            else:
                ids.parse_bank_account(
                    clearing_number=account.clearing_number or "", account_number=account.account_number or ""
                )
        except ids.InvalidIdentifier as exc:
            refused.append(f"{member.full_name} (member {member.id}): {exc}")
    if refused:
        raise RuleViolation(
            "the run cannot be approved: salary cannot be paid to " + "; ".join(refused),
            code="member_without_bank_account",
        )


def take_payslip_number(session: Session, *, year: int) -> int:
    """The next payslip sequence of ``year``, from the shared gap-free counter (``numbering``)."""
    return take_next_sequence(session, PayslipNumberCounter, year=year)


def payslip_number(year: int, sequence: int) -> str:
    return f"L{year}-{sequence:05d}"


def _issue(
    session: Session,
    *,
    run: PayrollRun,
    draft: PayslipDraft,
    cooperative: Cooperative | None,
    issued_by_id: int,
) -> Payslip:
    member = draft.member
    year = run.pay_date.year
    sequence = take_payslip_number(session, year=year)
    lines = payslip_lines(draft)
    account = member.salary_account
    assert account is not None  # checked by _require_bank_accounts
    payslip = Payslip(
        run_id=run.id,
        member_id=member.id,
        year=year,
        sequence=sequence,
        number=payslip_number(year, sequence),
        pay_date=run.pay_date,
        language=member.language,
        invoiced_amount=draft.total("invoiced_amount"),
        fee=draft.total("fee"),
        gross_salary=draft.total("gross_salary"),
        holiday_pay=draft.total("holiday_pay"),
        employer_contributions=draft.total("employer_contributions"),
        residue=draft.total("residue"),
        taxable_pay=draft.total("taxable_pay"),
        tax=draft.total("tax"),
        expense_reimbursement=draft.total("expense_reimbursement"),
        net_pay=draft.total("net_pay"),
        year_to_date_gross=draft.year_to_date.gross,
        year_to_date_taxable=draft.year_to_date.taxable,
        year_to_date_tax=draft.year_to_date.tax,
        bank_clearing_number=account.clearing_number,
        bank_account_number=account.account_number,
        bank_iban=account.iban,
        snapshot=snapshot(
            run=run,
            draft=draft,
            cooperative=cooperative,
            lines=lines,
            assignments=_assignments(session, ids={line.assignment_id for line in lines}),
            payslip_numbers=_payslip_numbers(session, ids={line.corrects_payslip_id for line in lines}),
        ),
        issued_by_id=issued_by_id,
    )
    payslip.lines = lines
    session.add(payslip)
    session.flush()
    return payslip


def payslip_lines(draft: PayslipDraft) -> list[PayslipLine]:
    """The payslip's lines, one per payout in order, as they are (or would be) issued."""
    return [
        _line(position, payout, result)
        for position, (payout, result) in enumerate(zip(draft.payouts, draft.results, strict=True), start=1)
    ]


def _line(position: int, payout: RunPayout, result: Payout) -> PayslipLine:
    return PayslipLine(
        position=position,
        assignment_id=payout.assignment_id,
        client_name=payout.client_name,
        invoice_numbers=list(payout.invoice_numbers),
        corrects_payslip_id=payout.corrects_payslip_id,
        correction_reason=payout.correction_reason,
        invoiced_amount=result.invoiced_amount,
        fee_rate=result.fee_rate.value,
        fee=result.fee,
        pool=result.pool,
        gross_salary=result.gross_salary,
        holiday_pay_rate=result.holiday_pay_rate.value,
        holiday_pay=result.holiday_pay,
        contribution_category=result.contribution_category.value,
        contribution_parts=[
            {"base": str(part.base), "rate": str(part.rate.value), "source": part.rate.source}
            for part in result.contribution_parts
        ],
        contribution_base_month_to_date_before=result.month_to_date_before.contribution_base_youth_used,
        employer_contributions=result.employer_contributions,
        residue=result.residue,
        taxable_pay=result.taxable_pay,
        tax_mode=result.tax_mode.value,
        tax_percent=result.tax_percent,
        tax_table_number=result.tax_table_number,
        tax_column=result.tax_column,
        tax=result.tax,
        expense_reimbursement=result.expense_reimbursement,
        net_pay=result.net_pay,
    )


_LINE_AMOUNTS = (
    "invoiced_amount", "fee_rate", "fee", "pool", "gross_salary", "holiday_pay_rate", "holiday_pay",
    "contribution_base_month_to_date_before", "employer_contributions", "residue", "taxable_pay",
    "tax", "expense_reimbursement", "net_pay",
)  # fmt: skip


def _assignments(session: Session, *, ids: set[int]) -> dict[int, Assignment]:
    found = session.scalars(select(Assignment).where(Assignment.id.in_(ids)))
    return {assignment.id: assignment for assignment in found}


def _payslip_numbers(session: Session, *, ids: set[int | None]) -> dict[int, str]:
    query = select(Payslip.id, Payslip.number).where(Payslip.id.in_(ids - {None}))
    return dict(session.execute(query).all())


def work_snapshot(assignment: Assignment) -> dict[str, str]:
    """The work a payout pays for, as the payslip shows it: the period and the days or hours worked."""
    return {
        "work_start": assignment.period_start.isoformat(),
        "work_end": assignment.period_end.isoformat(),
        "extent_quantity": str(assignment.extent_quantity),
        "extent_unit": str(assignment.extent_unit),
    }


def line_snapshot(line: PayslipLine) -> dict[str, Any]:
    data: dict[str, Any] = {name: str(getattr(line, name)) for name in _LINE_AMOUNTS}
    data.update(
        position=line.position,
        assignment_id=line.assignment_id,
        client_name=line.client_name,
        invoice_numbers=list(line.invoice_numbers),
        corrects_payslip_id=line.corrects_payslip_id,
        correction_reason=line.correction_reason,
        contribution_category=line.contribution_category,
        contribution_parts=list(line.contribution_parts),
        tax_mode=line.tax_mode,
        tax_percent=None if line.tax_percent is None else str(line.tax_percent),
        tax_table_number=line.tax_table_number,
        tax_column=line.tax_column,
    )
    return data


def _paid_to(member: Member) -> dict[str, str | None]:
    """The account the payslip says the net pay goes to; ``bank_iban`` is only written when it is the one
    (snapshots issued before members could give an IBAN have the other two only)."""
    account = member.salary_account
    if account is not None and account.iban is not None:
        return {"bank_clearing_number": None, "bank_account_number": None, "bank_iban": account.iban}
    return {
        "bank_clearing_number": member.bank_clearing_number,
        "bank_account_number": member.bank_account_number,
    }


_TOTALS = (
    "invoiced_amount", "fee", "gross_salary", "holiday_pay", "employer_contributions", "residue",
    "taxable_pay", "tax", "expense_reimbursement", "net_pay",
)  # fmt: skip


def snapshot(
    *,
    run: PayrollRun,
    draft: PayslipDraft,
    cooperative: Cooperative | None,
    lines: Sequence[PayslipLine],
    assignments: Mapping[int, Assignment],
    payslip_numbers: Mapping[int, str],
) -> dict[str, Any]:
    """Everything the payslip was made from and shows, as JSON-ready values (payroll.md §5–§6)."""
    member, setting = draft.member, draft.tax_setting
    corrected = sorted({line.corrects_payslip_id for line in lines if line.corrects_payslip_id})
    return {
        "run_id": run.id,
        "pay_date": run.pay_date.isoformat(),
        "period": run.pay_date.strftime("%Y-%m"),
        "employer": {
            "name": cooperative.name if cooperative else "",
            "organisation_number": cooperative.organisation_number if cooperative else None,
        },
        "employee": {
            "member_id": member.id,
            "name": member.full_name,
            "street": member.street,
            "postal_code": member.postal_code,
            "city": member.city,
            "personal_identity_number": member.personal_identity_number,
            "birth_date": member.birth_date.isoformat(),
            "language": str(member.language),
            **_paid_to(member),
        },
        "tax_setting": {
            "id": setting.id,
            "valid_from": setting.valid_from.isoformat(),
            "mode": str(setting.mode),
            "percent": None if setting.percent is None else str(setting.percent),
            "table_number": setting.table_number,
            "table_column": setting.table_column,
            "tax_information_missing": setting.tax_information_missing,
        },
        "tax_table": (
            {"import_id": draft.tax_table_import_id, "sha256": draft.tax_table_sha256}
            if draft.tax_table_sha256
            else None
        ),
        "parameters": [use.as_json() for use in draft.parameters.used],
        "month_to_date_before": {
            "contribution_base": str(draft.results[0].month_to_date_before.contribution_base_youth_used),
            "taxable_pay": str(draft.results[0].month_to_date_before.taxable_pay),
            "tax_withheld": str(draft.results[0].month_to_date_before.tax_withheld),
        },
        "lines": [
            {
                **line_snapshot(line),
                **work_snapshot(assignments[line.assignment_id]),
                "corrects_payslip_number": payslip_numbers.get(line.corrects_payslip_id or 0),
            }
            for line in lines
        ],
        "totals": {name: str(draft.total(name)) for name in _TOTALS},
        "year_to_date": {
            "gross": str(draft.year_to_date.gross),
            "taxable": str(draft.year_to_date.taxable),
            "tax": str(draft.year_to_date.tax),
        },
        "corrects_payslip_ids": corrected,
    }


# --- payslips ------------------------------------------------------------------------------------------


def _sees_all_payslips(user: User) -> bool:
    return user.has_any_role(Role.treasurer, Role.admin)


def get_payslip(session: Session, *, payslip_id: int, actor: User) -> Payslip:
    """A payslip: the treasurer and admin see any; a member only their own (others are 404)."""
    payslip = session.get(Payslip, payslip_id)
    if payslip is None or not (_sees_all_payslips(actor) or _owns(session, payslip, actor)):
        raise NotFound(f"payslip {payslip_id} does not exist")
    return payslip


def _owns(session: Session, payslip: Payslip, actor: User) -> bool:
    member = session.get(Member, payslip.member_id)
    return member is not None and member.user_id == actor.id


def list_payslips(
    session: Session,
    *,
    actor: User,
    limit: int,
    offset: int,
    member_id: int | None = None,
    run_id: int | None = None,
    year: int | None = None,
) -> tuple[list[Payslip], int]:
    """Payslips newest first; a member sees only their own whatever the filters say."""
    query = select(Payslip)
    if not _sees_all_payslips(actor):
        query = query.join(Member, Member.id == Payslip.member_id).where(Member.user_id == actor.id)
    if member_id is not None:
        query = query.where(Payslip.member_id == member_id)
    if run_id is not None:
        query = query.where(Payslip.run_id == run_id)
    if year is not None:
        query = query.where(Payslip.year == year)
    total = count_rows(session, query)
    rows = session.scalars(
        query.order_by(Payslip.pay_date.desc(), Payslip.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def run_payslips(session: Session, *, run_id: int) -> list[Payslip]:
    return list(session.scalars(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.sequence)))


# --- payslip PDFs --------------------------------------------------------------------------------------


def payslip_render_jobs(session: Session, *, run_id: int) -> list[tuple[int, str, dict[str, Any], str]]:
    """(payslip id, number, snapshot, language) of each issued payslip of a run without a stored PDF."""
    run = get_run(session, run_id=run_id)
    if run.status == RunStatus.draft:
        raise Conflict(
            f"payroll run {run_id} is a draft; payslips are issued at approval", code="run_not_approved"
        )
    return [
        (payslip.id, payslip.number, payslip.snapshot, str(payslip.language))
        for payslip in run_payslips(session, run_id=run_id)
        if payslip.pdf_sha256 is None
    ]


def store_payslip_pdfs(session: Session, *, pdfs: dict[int, bytes]) -> None:
    """Store each payslip's PDF and SHA-256, once: a payslip that already has a PDF keeps it."""
    for payslip_id, pdf in sorted(pdfs.items()):
        payslip = session.get(Payslip, payslip_id)
        if payslip is None:
            raise NotFound(f"payslip {payslip_id} does not exist")
        if payslip.pdf_sha256 is None:
            payslip.pdf = pdf
            payslip.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    session.flush()
