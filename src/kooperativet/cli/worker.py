"""``kooperativet worker``: a process that does the background work (docs/workers.md)."""

from __future__ import annotations

import signal
from typing import Annotated, Any

import typer

from kooperativet.cli.startup import existing_database


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="run what is due now, then exit (cron, or a one-off catch-up)")
    ] = False,
) -> None:
    """Run due jobs (e-mail, documents, reminders, the daily purge) until SIGTERM or SIGINT.

    A stop signal ends the worker after the job at hand. Run any number of workers on PostgreSQL; on SQLite
    the API process has one built in. Refuses to start on a database not migrated to this version or
    written with other keys (as ``serve`` does)."""
    import logging

    from kooperativet import all_jobs, all_models, encryption
    from kooperativet.cli.startup import refuse_an_unready_database
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory
    from kooperativet.jobs.worker import Worker

    assert all_jobs
    assert all_models
    settings = get_settings()
    # Once, before the first poll: a database not migrated, or written with other keys, would otherwise fail
    # every job (or chain audit events under the wrong key), with a traceback on each poll.
    refuse_an_unready_database(settings, command="worker")
    logging.basicConfig(level=settings.log_level.upper())
    encryption.configure(settings)
    engine = existing_database(settings, pool_size=2, max_overflow=2)
    try:
        loop = Worker(
            make_session_factory(
                engine, audit_key=settings.audit_signing_key, public_url=settings.public_url
            ),
            settings,
        )
        if once:
            typer.echo(f"jobs run: {loop.drain()}")
            return

        def stop(_signal: int, _frame: Any) -> None:
            loop.request_stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        typer.echo(f"worker {loop.name} waiting for jobs")
        loop.run()
    finally:
        engine.dispose()
