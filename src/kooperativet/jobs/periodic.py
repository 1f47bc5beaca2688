"""Work that recurs (daily invoice reminders …): one job per kind and time slot, whoever notices the slot.

``register_periodic("send_due_reminders", timedelta(days=1))`` names the kind and how often. Each worker,
between jobs, enqueues a job of that kind for the slot the clock is in, keyed ``kind:slot start`` — so with
any number of workers on any number of machines, each slot gets one job: the key makes the second
``enqueue`` add nothing, and a race between two workers ends in a unique-key refusal that is let go. The
handler gets the slot's start (``payload["slot"]``, ISO 8601 UTC) and does the work due by then; like every
handler it must be idempotent. A slot the workers were all down for is not caught up: the next slot's job
does what is due by its own start, which includes what was due before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from kooperativet.jobs.queue import enqueue

#: Slots are counted from a Monday at midnight UTC, so that a daily slot starts at midnight and a weekly one
#: on a Monday.
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

_PERIODIC: dict[str, timedelta] = {}


def register_periodic(kind: str, every: timedelta) -> None:
    """Have the workers enqueue a job of ``kind`` once every ``every`` (at least a minute)."""
    if every < timedelta(minutes=1):
        raise ValueError("periodic work runs at most once a minute")
    if _PERIODIC.get(kind, every) != every:
        raise ValueError(f"{kind!r} is registered already with another period")
    _PERIODIC[kind] = every


def registered() -> dict[str, timedelta]:
    return dict(_PERIODIC)


def slot_start(now: datetime, every: timedelta) -> datetime:
    """The start of the slot of length ``every`` that ``now`` falls in."""
    return EPOCH + every * ((now - EPOCH) // every)


def slot_key(kind: str, start: datetime) -> str:
    return f"{kind}:{start.isoformat()}"


@dataclass
class PeriodicSchedule:
    """One worker's memory of the slots it has enqueued, so that it asks the database only when a new slot
    begins rather than on every poll."""

    done: dict[str, datetime] = field(default_factory=dict)

    def enqueue_due(self, session: Session, now: datetime) -> int:
        """Enqueue the job of each periodic kind whose current slot this worker has not seen; commits.
        How many jobs were added (0 when other workers added them first)."""
        added = 0
        for kind, every in sorted(_PERIODIC.items()):
            start = slot_start(now, every)
            if self.done.get(kind) == start:
                continue
            try:
                job = enqueue(session, kind, {"slot": start.isoformat()}, key=slot_key(kind, start))
                session.commit()
            except sa_exc.IntegrityError:  # another worker enqueued the same slot between our look and write
                session.rollback()
                job = None
            added += job is not None
            self.done[kind] = start
        return added
