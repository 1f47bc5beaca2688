"""``kooperativet invoices``: the payment reminders due today (docs/reminders.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from kooperativet.cli.errors import day_option
from kooperativet.cli.startup import existing_database

app = typer.Typer(help="Invoices: payment reminders.", no_args_is_help=True)


@app.command("remind")
def remind(
    day: Annotated[
        str | None, typer.Option(help="the day to remind for, YYYY-MM-DD (default: today in Sweden)")
    ] = None,
) -> None:
    """Make the payment reminders due on the day and queue their e-mails (sent by the workers). Running it
    twice the same day makes no second reminder. Run it daily (cron or a systemd timer)."""
    from kooperativet import all_jobs, all_models  # noqa: F401 - every mapper and job handler
    from kooperativet.api.dependencies import today
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction
    from kooperativet.errors import DomainError
    from kooperativet.invoices.mailing.reminders import send_due_reminders

    reminded_on = day_option(day, option="--day") if day else today()
    settings = get_settings()
    engine = existing_database(settings)
    try:
        with transaction(make_session_factory(engine, audit_key=settings.audit_signing_key)) as session:
            made = send_due_reminders(session, reminded_on)
            numbers = [reminder.number for reminder in made]
        typer.echo(f"{len(numbers)} reminder(s) made on {reminded_on}: {', '.join(numbers) or 'none due'}")
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()
