"""The jobs as the API shows them to the office."""

from __future__ import annotations

from datetime import datetime

from kooperativet.api.types import ReadSchema
from kooperativet.jobs.models import JobState


class JobRead(ReadSchema):
    id: int
    kind: str
    state: JobState
    attempts: int
    max_attempts: int
    run_after: datetime
    #: The last attempt's error, as the handler raised it (e.g. the SMTP server's refusal).
    last_error: str | None
    #: What the error was, as a stable word (``no_mail_server``, ``connection_failed``, ``worker_stopped`` …;
    #: docs/workers.md); ``null`` for an error no handler foresaw.
    error_code: str | None
    created_at: datetime
    finished_at: datetime | None
