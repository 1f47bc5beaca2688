"""What an issued payslip stores of everything it was made from (payroll.md §5–§6)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from kooperativet.parties.models import Cooperative
from kooperativet.payroll.models import PayrollRun, PayslipLine
from kooperativet.payroll.service.calculate import LineValues, PayslipDraft
from kooperativet.payroll.service.run_inputs import RunMember


class WorkPeriod(Protocol):
    """What a payslip line shows of its assignment's work (an ``Assignment`` or a row of these columns)."""

    @property
    def period_start(self) -> date: ...
    @property
    def period_end(self) -> date: ...
    @property
    def extent_quantity(self) -> Decimal: ...
    @property
    def extent_unit(self) -> str: ...


def work_snapshot(assignment: WorkPeriod) -> dict[str, str]:
    """The work a payout pays for, as the payslip shows it: the period and the days or hours worked."""
    return {
        "work_start": assignment.period_start.isoformat(),
        "work_end": assignment.period_end.isoformat(),
        "extent_quantity": str(assignment.extent_quantity),
        "extent_unit": str(assignment.extent_unit),
    }


def line_snapshot(line: PayslipLine | LineValues) -> dict[str, Any]:
    """A line as the snapshot stores it: amounts and rates as text, then what the line is for.

    Written out key by key (a run of twenty thousand payouts builds twenty thousand of these, and a loop of
    ``getattr`` over the names cost twice as much); the keys keep the order snapshots have always had."""
    return {
        "invoiced_amount": str(line.invoiced_amount),
        "fee_rate": str(line.fee_rate),
        "fee": str(line.fee),
        "pool": str(line.pool),
        "gross_salary": str(line.gross_salary),
        "holiday_pay_rate": str(line.holiday_pay_rate),
        "holiday_pay": str(line.holiday_pay),
        "contribution_base_month_to_date_before": str(line.contribution_base_month_to_date_before),
        "employer_contributions": str(line.employer_contributions),
        "residue": str(line.residue),
        "taxable_pay": str(line.taxable_pay),
        "tax": str(line.tax),
        "extra_tax": str(line.extra_tax),
        "expense_reimbursement": str(line.expense_reimbursement),
        "net_pay": str(line.net_pay),
        "position": line.position,
        "assignment_id": line.assignment_id,
        "client_name": line.client_name,
        "invoice_numbers": list(line.invoice_numbers),
        "corrects_payslip_id": line.corrects_payslip_id,
        "correction_reason": line.correction_reason,
        "contribution_category": line.contribution_category,
        "contribution_parts": list(line.contribution_parts),
        "tax_mode": line.tax_mode,
        "tax_percent": None if line.tax_percent is None else str(line.tax_percent),
        "tax_table_number": line.tax_table_number,
        "tax_column": line.tax_column,
    }


def _line_with_work(
    line: PayslipLine | LineValues,
    work: WorkPeriod,
    payslip_numbers: Mapping[int, str],
    credit_notes: Collection[str],
) -> dict[str, Any]:
    data = line_snapshot(line)
    data.update(work_snapshot(work))
    data["corrects_payslip_number"] = payslip_numbers.get(line.corrects_payslip_id or 0)
    credited = [number for number in line.invoice_numbers if number in credit_notes]
    if credited:  # only then: the snapshots of the run's other lines stay as they were
        data["credit_note_numbers"] = credited
    return data


def _paid_to(member: RunMember) -> dict[str, str | None]:
    """The account the payslip says the net pay goes to; ``bank_iban`` is only written when it is the one
    (snapshots issued before members could give an IBAN have the other two only)."""
    account = member.salary_account
    if account is not None and account.iban is not None:
        return {"bank_clearing_number": None, "bank_account_number": None, "bank_iban": account.iban}
    return {
        "bank_clearing_number": member.bank_clearing_number,
        "bank_account_number": member.bank_account_number,
    }


def parameters_json(draft: PayslipDraft) -> list[dict[str, Any]]:
    """The parameter values the payslip used, with their sources, as stored. A run's payslips all use the
    same ones: the run builds them once and passes them as ``parameters``."""
    return [use.as_json() for use in draft.parameters.used]


def snapshot(
    *,
    run: PayrollRun,
    draft: PayslipDraft,
    cooperative: Cooperative | None,
    lines: Sequence[PayslipLine | LineValues],
    assignments: Mapping[int, WorkPeriod],
    payslip_numbers: Mapping[int, str],
    parameters: list[dict[str, Any]] | None = None,
    credit_notes: Collection[str] = (),
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
            "country": member.country,
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
            "extra_monthly_tax": str(setting.extra_monthly_tax),
        },
        "tax_table": (
            {"import_id": draft.tax_table_import_id, "sha256": draft.tax_table_sha256}
            if draft.tax_table_sha256
            else None
        ),
        "parameters": parameters if parameters is not None else parameters_json(draft),
        "month_to_date_before": {
            "contribution_base": str(draft.results[0].month_to_date_before.contribution_base_youth_used),
            "taxable_pay": str(draft.results[0].month_to_date_before.taxable_pay),
            "tax_withheld": str(draft.results[0].month_to_date_before.tax_withheld),
            "extra_tax_withheld": str(draft.results[0].month_to_date_before.extra_tax_withheld),
        },
        "lines": [
            _line_with_work(line, assignments[line.assignment_id], payslip_numbers, credit_notes)
            for line in lines
        ],
        "totals": {name: str(value) for name, value in draft.totals.items()},
        "year_to_date": {
            "gross": str(draft.year_to_date.gross),
            "taxable": str(draft.year_to_date.taxable),
            "tax": str(draft.year_to_date.tax),
        },
        "corrects_payslip_ids": corrected,
    }
