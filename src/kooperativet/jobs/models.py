"""The outbox: work recorded in the same transaction as the change that causes it, done later by a worker."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kooperativet.db import Base, utcnow


class JobState(StrEnum):
    pending = "pending"  # waiting for ``run_after``
    running = "running"  # claimed by ``locked_by`` until ``locked_until`` (then it may be claimed again)
    done = "done"
    failed = "failed"  # gave up after ``max_attempts``: shown to the office with its error, retried by hand


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_after", "state", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Work that must be done once (one e-mail per message, one rendering per document) has a key; a second
    #: ``enqueue`` with the same key adds nothing.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[JobState] = mapped_column(String(12), default=JobState.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=8)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    #: What the last error was, as a stable word the office's pages say in their language
    #: (``queue.KnownFailure``: ``no_mail_server``, ``worker_stopped`` …); empty for an error not known.
    error_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
