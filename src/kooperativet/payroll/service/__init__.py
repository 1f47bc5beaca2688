"""Payroll runs and payslips, one module per use case (payroll.md §5). Services flush; the caller's
transaction commits.

- ``collect``: which payouts are ready for a run (paid or invoiced assignments not yet salaried).
- ``waiting``: when nothing is ready, the assignments whose paid (or invoiced) work waits for the rest to be
  invoiced, named in the refusal.
- ``runs``: create a draft run on a pay date, read, list and discard runs.
- ``run_inputs``: everything a run's calculation reads, in a fixed number of queries whatever its size.
- ``calculate``: a draft's payslips as they would be issued now, calculated from the payouts it holds.
- ``drafts``: the calculated draft stored for review, with the basis it was calculated from; the approval
  issues it unchanged or refuses when the basis changed (``draft_changed``).
- ``history``: what issued payslips already paid a member (month, year, below the threshold).
- ``corrections``: add a correction payout that refers to an issued payslip's line.
- ``approval``: approve a draft: check the basis, accounts and own work, issue the payslips, lock the run.
- ``issue`` and ``snapshot``: each payslip's stored snapshot, and the stored draft issued in bulk with a
  block of gap-free numbers (docs/payroll-at-scale.md).
- ``mark_paid``: record that an approved run's salaries have left the bank, and on which day.
- ``payslips``: reading and listing issued payslips, and who may see which.
- ``payslip_pdfs``: the payslips in the document pipeline: rendered after the commit, stored once with
  their SHA-256.
- ``pay_estimate``: what an invoiced amount gives a member, or what to invoice for a wanted net pay.

A write to a draft run returns the run with the payslips it calculated (``RunWithPayslips``), so the draft
is calculated once per write and the router only turns it into the read model. The names below are what
the router, the CLI, the demo and other packages call.
"""

from kooperativet.payroll.service.approval import approve_run, salary_account_problem
from kooperativet.payroll.service.calculate import PayslipDraft, RunWithPayslips, calculate_run
from kooperativet.payroll.service.corrections import add_correction
from kooperativet.payroll.service.drafts import changes_since_calculation
from kooperativet.payroll.service.history import YearToDate, year_pay_before, year_totals
from kooperativet.payroll.service.issue import payslip_number, take_payslip_number
from kooperativet.payroll.service.mark_paid import mark_run_paid, suggested_paid_on
from kooperativet.payroll.service.pay_estimate import PayEstimate, estimate_pay
from kooperativet.payroll.service.payslip_pdfs import (
    PAYSLIP_PDF,
    payslip_pdf,
    payslip_render_jobs,
    render_payslips_after_commit,
    render_run_payslips,
    run_payslips_zip,
    run_payslips_zip_filename,
    store_payslip_pdfs,
)
from kooperativet.payroll.service.payslips import get_payslip, list_payslips, run_payslips
from kooperativet.payroll.service.run_pages import RunSums, run_payslip_page, run_sums
from kooperativet.payroll.service.runs import (
    create_run,
    default_pay_date,
    discard_run,
    get_run,
    list_runs,
    ready_since_created,
    recalculate_run,
    show_run,
)

__all__ = [
    "PAYSLIP_PDF",
    "PayEstimate",
    "PayslipDraft",
    "RunSums",
    "RunWithPayslips",
    "YearToDate",
    "add_correction",
    "approve_run",
    "calculate_run",
    "changes_since_calculation",
    "create_run",
    "default_pay_date",
    "discard_run",
    "estimate_pay",
    "get_payslip",
    "get_run",
    "list_payslips",
    "list_runs",
    "mark_run_paid",
    "payslip_number",
    "payslip_pdf",
    "payslip_render_jobs",
    "ready_since_created",
    "recalculate_run",
    "render_payslips_after_commit",
    "render_run_payslips",
    "run_payslip_page",
    "run_payslips",
    "run_payslips_zip",
    "run_payslips_zip_filename",
    "run_sums",
    "salary_account_problem",
    "show_run",
    "store_payslip_pdfs",
    "suggested_paid_on",
    "take_payslip_number",
    "year_pay_before",
    "year_totals",
]
