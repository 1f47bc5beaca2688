"""The stored files of export batches once their retention period has ended: erased, the batch kept.

A batch stores the file it exported (``ExportBatch.content``): an AGI names every payee by personnummer, a
pain.001 holds their bank accounts, a SIE file names members (in the texts of their outlays) and clients,
some of them private persons. Each is räkenskapsinformation of the period it covers, kept until the end of
the seventh year after that calendar year (Bokföringslagen 7 kap. 2 §; the AGI as underlag of the employer
declaration, Skatteförfarandelagen 39 kap.): ``core.retention``, the rule of a member's documents too.
After that no law requires the file, and GDPR art. 5(1)(e) wants the personal data in it gone, so the purge
after retention (``workflows.retention_purge``) empties it. The row stays with its kind,
period, SHA-256, audit head and the documents it covered, so the history reads and the audit chain verifies.

This goes by date over every batch, whoever the file names. On PostgreSQL the batches' immutability trigger
allows exactly this change (migration ``7d2b5e8c1f46``). Field by field decisions: docs/personal-data.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.core.retention import retained_until
from kooperativet.exports.models import ExportBatch, ExportKind
from kooperativet.payroll.models import PayrollRun


@dataclass(frozen=True, slots=True)
class ExportFileErasure:
    """A batch whose file the purge erases (in a dry run: would erase): ids and dates, no personal data."""

    batch_id: int
    kind: ExportKind
    #: The period it covers as people read it: ``2026-11``, ``2026-11-01–2026-11-30``, ``payroll run 7``.
    covers: str
    retained_until: date

    def as_payload(self) -> dict[str, object]:
        return {
            "batch_id": self.batch_id,
            "kind": str(self.kind),
            "covers": self.covers,
            "retained_until": self.retained_until.isoformat(),
        }


def covers(*, period: str | None, date_from: date | None, date_to: date | None, run_id: int | None) -> str:
    """What a batch covers as people read it: ``2026-11``, ``2026-11-01–2026-11-30``, ``payroll run 7``."""
    if period:
        return period
    if date_to is not None:
        return f"{date_from}–{date_to}"
    return f"payroll run {run_id}"


def export_files_due(session: Session, *, today: date) -> list[ExportFileErasure]:
    """Every batch whose file is still stored and whose retention ended before ``today`` (one statement)."""
    rows = session.execute(
        select(
            ExportBatch.id,
            ExportBatch.kind,
            ExportBatch.period,
            ExportBatch.date_from,
            ExportBatch.date_to,
            ExportBatch.run_id,
            PayrollRun.pay_date,
        )
        .outerjoin(PayrollRun, PayrollRun.id == ExportBatch.run_id)
        .where(ExportBatch.erased_at.is_(None))
        .order_by(ExportBatch.id)
    )
    due = []
    for batch_id, kind, period, date_from, date_to, run_id, pay_date in rows:
        years = [int(period[:4])] if period else []
        years += [day.year for day in (date_to, pay_date) if day is not None]
        if not years:  # a batch that says no period: kept, as nothing shows its retention has ended
            continue
        last_day = retained_until(max(years))
        if last_day < today:
            covered = covers(period=period, date_from=date_from, date_to=date_to, run_id=run_id)
            due.append(ExportFileErasure(batch_id, ExportKind(kind), covered, last_day))
    return due


def erase_export_files_after_retention(
    session: Session, *, today: date, now: datetime
) -> list[ExportFileErasure]:
    """Erase the file of every batch whose retention ended before ``today``: one UPDATE and one audit event,
    ``export_files_erased_after_retention``, with the batches' ids (none when nothing is due). Run again, it
    finds nothing to do."""
    due = export_files_due(session, today=today)
    if not due:
        return []
    session.execute(
        update(ExportBatch)
        .where(ExportBatch.id.in_([erasure.batch_id for erasure in due]), ExportBatch.erased_at.is_(None))
        .values(content=None, erased_at=now)
    )
    append_event(
        session,
        kind="export_files_erased_after_retention",
        payload={"files": len(due), "batches": [erasure.as_payload() for erasure in due]},
        now=now,
    )
    session.flush()
    return due
