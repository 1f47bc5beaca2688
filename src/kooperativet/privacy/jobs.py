"""The workers' side of the purge after retention: once a day, like the payment reminders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kooperativet.db import clock_of
from kooperativet.jobs import JobContext, handler
from kooperativet.jobs.periodic import register_periodic
from kooperativet.privacy.purge import purge_after_retention

PURGE_AFTER_RETENTION = "purge_after_retention"
SWEDEN = ZoneInfo("Europe/Stockholm")

# Once a day the workers erase what no law requires any more (``kooperativet privacy purge`` does the same by
# hand); on 1 January that is every removed member whose seven years ended the day before.
register_periodic(PURGE_AFTER_RETENTION, timedelta(days=1))


@handler(PURGE_AFTER_RETENTION)
def purge_after_retention_job(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Purge what is due today (a day in Sweden, or ``payload["day"]``); a second run finds nothing."""
    session = context.session
    now = clock_of(session)
    day = payload.get("day")
    today = datetime.fromisoformat(day).date() if day else now.astimezone(SWEDEN).date()
    purge_after_retention(session, today=today, now=now)
    session.commit()
