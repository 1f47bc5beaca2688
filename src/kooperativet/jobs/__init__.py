"""Background work that is never lost: an outbox table and the workers that empty it (docs/workers.md)."""

from kooperativet.jobs.queue import JobContext, enqueue, handler

__all__ = ["JobContext", "enqueue", "handler"]
