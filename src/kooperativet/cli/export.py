"""``kooperativet export``: the treasurer's month-end files (AGI, SIE 4I, pain.001) as export batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kooperativet.cli.errors import day_option
from kooperativet.cli.startup import existing_database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kooperativet.exports.models import ExportBatch

app = typer.Typer(help="Month-end exports: AGI, SIE 4I and the salary payment file.", no_args_is_help=True)

Out = Annotated[Path, typer.Option(dir_okay=False, help="the file to write")]


def _export(out: Path, make: Callable[[Session, date, datetime], ExportBatch]) -> None:
    """Run one export in its own transaction and write the batch's bytes to ``out``."""
    from kooperativet.api.dependencies import today
    from kooperativet.backup import write_private
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction, utcnow
    from kooperativet.errors import DomainError
    from kooperativet.exports.service import batch_file

    engine = existing_database(get_settings())
    try:
        with transaction(make_session_factory(engine, audit_key=get_settings().audit_signing_key)) as session:
            batch = make(session, today(), utcnow())
            write_private(out, batch_file(batch).content)
            typer.echo(f"wrote {out} (batch {batch.id}, sha256 {batch.sha256})")
            typer.echo(f"audit chain head: {batch.audit_head_entries}:{batch.audit_head_hash}")
            for note in batch.notes:
                typer.echo(f"note: {note}")
            if batch.due_date is not None:  # an AGI: by the 12th (17th), or the 26th for a large employer
                typer.echo(f"due at Skatteverket on {batch.due_date}")
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()


@app.command("agi")
def export_agi(period: Annotated[str, typer.Option(help="the month of payment: YYYY-MM")], out: Out) -> None:
    """The arbetsgivardeklaration (AGI XML) of a month of payment."""
    from kooperativet.exports import service

    _export(
        out,
        lambda session, today, now: service.export_agi(
            session, period=period, today=today, created_at=now, created_by_id=None
        ),
    )


@app.command("sie")
def export_sie(
    date_from: Annotated[str, typer.Option("--from", help="the first day, YYYY-MM-DD")],
    date_to: Annotated[str, typer.Option("--to", help="the last day, YYYY-MM-DD")],
    out: Out,
) -> None:
    """A SIE 4I file (codepage 437) with the vouchers of a date range not exported before."""
    from kooperativet.exports import service

    first, last = day_option(date_from, option="--from"), day_option(date_to, option="--to")
    _export(
        out,
        lambda session, today, now: service.export_sie(
            session,
            date_from=first,
            date_to=last,
            today=today,
            created_at=now,
            created_by_id=None,
        ),
    )


@app.command("pain001")
def export_pain001(run: Annotated[int, typer.Option(help="the approved payroll run's id")], out: Out) -> None:
    """The pain.001.001.03 salary payment file of an approved run."""
    from kooperativet.exports import service

    _export(
        out,
        lambda session, _today, now: service.export_pain001(
            session, run_id=run, created_at=now, created_by_id=None
        ),
    )
