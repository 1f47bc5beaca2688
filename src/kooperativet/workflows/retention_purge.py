"""The purge after the retention period, whole: what removed members' retention no longer requires
(``privacy.purge``: personnummer, birth date, payslips' personal content, certificates, receipts and every
e-mail addressed to them) and the stored export files whose own retention has ended
(``exports.service.retention``: AGI, pain.001 and SIE files, set by date, whoever they name).

Both run here, in one transaction, because neither domain may import the other (the layers in
pyproject.toml): ``kooperativet privacy purge`` and the workers' daily job call this. Each part audits
itself: one ``member_purged_after_retention`` event per member, one ``export_files_erased_after_retention``
event for the files of a run. Run again, it finds nothing to do. Decisions: docs/personal-data.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kooperativet.core.calendar import swedish_day
from kooperativet.db import clock_of
from kooperativet.exports.service import (
    ExportFileErasure,
    erase_export_files_after_retention,
    export_files_due,
)
from kooperativet.jobs import JobContext, handler
from kooperativet.jobs.periodic import register_periodic
from kooperativet.privacy import purge
from kooperativet.privacy.purge import MemberPurge

PURGE_AFTER_RETENTION = "purge_after_retention"


@dataclass(frozen=True, slots=True)
class RetentionPurge:
    """What a purge erases (in a dry run: would erase): members and export files, ids and counts only."""

    members: list[MemberPurge]
    export_files: list[ExportFileErasure]


def plan_purge(session: Session, *, today: date) -> RetentionPurge:
    """What a purge on ``today`` would erase; changes nothing (``kooperativet privacy purge --dry-run``)."""
    return RetentionPurge(
        members=purge.plan_purge(session, today=today),
        export_files=export_files_due(session, today=today),
    )


def purge_after_retention(session: Session, *, today: date, now: datetime) -> RetentionPurge:
    """Erase what no law requires any more on ``today``: the members' part, then the export files."""
    return RetentionPurge(
        members=purge.purge_after_retention(session, today=today, now=now),
        export_files=erase_export_files_after_retention(session, today=today, now=now),
    )


# Once a day the workers erase what no law requires any more (``kooperativet privacy purge`` does the same by
# hand); on 1 January that is every removed member and export file whose seven years ended the day before.
register_periodic(PURGE_AFTER_RETENTION, timedelta(days=1))


@handler(PURGE_AFTER_RETENTION)
def purge_after_retention_job(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Purge what is due today (a day in Sweden, or ``payload["day"]``); a second run finds nothing."""
    session = context.session
    now = clock_of(session)
    day = payload.get("day")
    today = datetime.fromisoformat(day).date() if day else swedish_day(now)
    purge_after_retention(session, today=today, now=now)
    session.commit()
