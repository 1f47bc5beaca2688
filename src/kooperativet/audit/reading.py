"""Reading the audit log a page at a time, for the auditor (revisor) and the office (docs/audit.md, "Reading
the log over the API and on the web"). Reads only: nothing here appends, seals or changes an entry."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import Anchor
from kooperativet.core.calendar import SWEDEN
from kooperativet.db import fetch_page
from kooperativet.errors import RuleViolation


def day_begins(day: date) -> datetime:
    """The moment (aware) the Swedish ``day`` begins. The days of the filter are the cooperative's days, as
    everywhere in the product: a Swedish day begins at midnight in Stockholm, which is 22:00 or 23:00 UTC the
    evening before."""
    return datetime.combine(day, time(0), tzinfo=SWEDEN)


def list_events(
    session: Session,
    *,
    kind: str | None = None,
    from_day: date | None = None,
    to_day: date | None = None,
    limit: int,
    offset: int,
) -> tuple[list[AuditEvent], int]:
    """A page of entries, the newest first, and how many match: ``kind`` exactly, recorded on Swedish days
    ``from_day`` through ``to_day`` (both included). Two statements whatever the page holds."""
    if from_day is not None and to_day is not None and to_day < from_day:
        raise RuleViolation(
            f"the last day {to_day} lies before the first day {from_day}",
            code="date_range_reversed",
            field="to",
        )
    query = select(AuditEvent)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    # The first and the last days of the calendar bound nothing (and their neighbours do not exist).
    if from_day is not None and from_day > date.min:
        query = query.where(AuditEvent.recorded_at >= day_begins(from_day))
    if to_day is not None and to_day < date.max - timedelta(days=1):
        query = query.where(AuditEvent.recorded_at < day_begins(to_day + timedelta(days=1)))
    # The id is the chain's order (entries are appended one at a time under the head's lock): newest first.
    return fetch_page(session, query, limit=limit, offset=offset, order=[], tiebreak=AuditEvent.id.desc())


def parse_anchor(text: str | None) -> Anchor | None:
    """An anchor typed by a person (``HASH`` or ``N:HASH``, as the minutes print it); a malformed one is
    refused (422, ``invalid_anchor``), as the CLI's ``--anchor`` is a usage error."""
    if text is None or not text.strip():
        return None
    try:
        return Anchor.parse(text)
    except ValueError as exc:
        raise RuleViolation(str(exc), code="invalid_anchor", field="anchor") from exc


def anchor_text(anchor: Anchor | None) -> str | None:
    """The anchor as it is written: ``N:HASH``, or ``HASH`` when it came without its count."""
    if anchor is None:
        return None
    return anchor.hash if anchor.entries is None else f"{anchor.entries}:{anchor.hash}"
