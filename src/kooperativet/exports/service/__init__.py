"""The treasurer's month-end exports, one module per use case (exports.md). Services flush; the caller's
transaction commits.

Each export reads issued documents, hands plain values to a pure writer (``exports.formats``) and stores
the bytes in an ``ExportBatch`` with the documents it covered; a document goes into the normal exports of
one kind once, and a batch is downloaded again byte for byte. ``created_at`` is passed in (routers use the
clock, the demo its fixed day), so the same data and time give the same file.

- ``agi``: the arbetsgivardeklaration of a month of payment.
- ``sie``: the SIE 4I file of a date range (the vouchers come from ``exports.entries``).
- ``pain001``: the salary payment file of an approved payroll run.
- ``batches``: storing a batch once with its documents, listing and downloading it again.
- ``retention``: erasing the files of batches whose retention period has ended (the purge after retention).
- ``overview``: the treasurer's month: owed to Skatteverket, unpaid invoices, payouts, exports left.
- ``payroll_summary``: the payroll summary (CSV, XLSX, Swedish CSV) of a run or a month; not a batch.
- ``period``: the month (``YYYY-MM``) and the AGI's due date; ``sources``: what the exports read.

The names below are what the router, the CLI and the demo call.
"""

from kooperativet.exports.service.agi import export_agi
from kooperativet.exports.service.batches import batch_file, get_batch, list_batches
from kooperativet.exports.service.overview import (
    CreditedAfterPay,
    TreasurerOverview,
    credit_note_paid_as_salary,
    treasurer_overview,
)
from kooperativet.exports.service.pain001 import export_pain001
from kooperativet.exports.service.payroll_summary import SummaryFormat, payroll_summary
from kooperativet.exports.service.period import agi_due_date
from kooperativet.exports.service.retention import (
    ExportFileErasure,
    erase_export_files_after_retention,
    export_files_due,
)
from kooperativet.exports.service.sie import export_sie

__all__ = [
    "CreditedAfterPay",
    "ExportFileErasure",
    "SummaryFormat",
    "TreasurerOverview",
    "agi_due_date",
    "batch_file",
    "credit_note_paid_as_salary",
    "erase_export_files_after_retention",
    "export_agi",
    "export_files_due",
    "export_pain001",
    "export_sie",
    "get_batch",
    "list_batches",
    "payroll_summary",
    "treasurer_overview",
]
