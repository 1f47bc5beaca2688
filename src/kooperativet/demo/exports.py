"""Demo step: the treasurer's month-end files for the demo's month — AGI, SIE 4I and pain.001.

The AGI declares the month of the run's pay date (25 November; the demo's today, 20 November, lies in the
same month, so the period is not in the future). The SIE file holds the month's invoices, credit note,
payments, the payroll run and the reimbursed outlays. The times in the files derive from the demo's today,
so two demo runs write identical bytes.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, datetime, time

from kooperativet.auth.models import User
from kooperativet.demo import DemoContext
from kooperativet.exports import service
from kooperativet.exports.models import ExportBatch
from kooperativet.payroll.models import PayrollRun


def _head(batch: ExportBatch) -> str:
    return f"{batch.audit_head_entries}:{batch.audit_head_hash}"


def run(context: DemoContext) -> None:
    session = context.session
    treasurer = session.get_one(User, context.ids["user:treasurer"])
    run_ = session.get_one(PayrollRun, context.ids["payroll_run"])
    created_at = datetime.combine(context.today, time(12, 0), tzinfo=UTC)
    period = f"{run_.pay_date:%Y-%m}"
    agi = service.export_agi(
        session, period=period, today=context.today, created_at=created_at, created_by_id=treasurer.id
    )
    context.write(
        f"exports/agi-{period}.xml",
        service.batch_file(agi).content,
        kind="agi_xml",
        document_id=f"export_batch:{agi.id}",
        audit_head=_head(agi),
    )
    first = context.today.replace(day=1)
    last = context.today.replace(day=monthrange(first.year, first.month)[1])
    sie = service.export_sie(
        session,
        date_from=first,
        date_to=last,
        today=context.today,
        created_at=created_at,
        created_by_id=treasurer.id,
    )
    context.write(
        f"exports/sie-{first:%Y-%m}.si",
        service.batch_file(sie).content,
        kind="sie",
        document_id=f"export_batch:{sie.id}",
        audit_head=_head(sie),
    )
    pain = service.export_pain001(session, run_id=run_.id, created_at=created_at, created_by_id=treasurer.id)
    context.write(
        f"exports/pain001-run-{run_.id}.xml",
        service.batch_file(pain).content,
        kind="pain001",
        document_id=f"export_batch:{pain.id}",
        audit_head=_head(pain),
    )
