"""``kooperativet audit``: check the hash-chained event log."""

from __future__ import annotations

import typer

app = typer.Typer(help="The tamper-evident event log.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Recompute the hash chain; exit 1 and name the first broken entry if any entry was tampered with."""
    from kooperativet.audit import service
    from kooperativet.config import get_settings
    from kooperativet.db import READ_ONLY, make_engine, make_session_factory, transaction

    engine = make_engine(get_settings().resolved_database_url)
    try:
        factory = make_session_factory(engine.execution_options(**{READ_ONLY: True}))
        for session in transaction(factory):
            result = service.verify(session)
            if result.first_broken is not None:
                broken = result.first_broken
                typer.echo(
                    f"BROKEN at entry {broken.id} ({broken.kind}, "
                    f"recorded {broken.recorded_at.isoformat()}): "
                    "its stored hash does not match its content and the previous entry",
                    err=True,
                )
                raise typer.Exit(code=1)
            typer.echo(f"audit log intact: {result.entries} entries, head {result.head_hash}")
    finally:
        engine.dispose()
