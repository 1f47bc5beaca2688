"""``kooperativet export``: the treasurer's month-end files (AGI, SIE 4I, pain.001) as export batches, and
the batches made before, listed and written again byte for byte."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kooperativet.cli.errors import Force, day_option, period_option, replacing_out
from kooperativet.cli.startup import existing_database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kooperativet.exports.models import ExportBatch

app = typer.Typer(help="Month-end exports: AGI, SIE 4I and the salary payment file.", no_args_is_help=True)

Out = Annotated[Path, typer.Option(dir_okay=False, help="the file to write")]


def _export(out: Path, make: Callable[[Session, date, datetime], ExportBatch], *, force: bool) -> None:
    """Run one export in its own transaction and write the batch's bytes to ``out``. An existing ``out`` is
    refused unless ``force`` (last month's declaration would be lost without a word), and the live database
    or a key always, before the database is opened: nothing is recorded as exported that was not written.
    The file is written beside ``out`` and takes its place once the batch is committed; a batch refused
    (made already, nothing to export) leaves an earlier file as it was, and a batch committed whose file
    could not then be put in place is written again by ``export download``."""
    from kooperativet.api.dependencies import today
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction, utcnow
    from kooperativet.errors import DomainError
    from kooperativet.exports.service import batch_file

    with replacing_out(out, force=force) as partial:
        engine = existing_database(get_settings())
        try:
            with transaction(
                make_session_factory(engine, audit_key=get_settings().audit_signing_key)
            ) as session:
                batch = make(session, today(), utcnow())
                partial.write_bytes(batch_file(batch).content)
                said = [
                    f"wrote {out} (batch {batch.id}, sha256 {batch.sha256})",
                    f"audit chain head: {batch.audit_head_entries}:{batch.audit_head_hash}",
                    *(f"note: {note}" for note in batch.notes),
                ]
                if batch.due_date is not None:  # an AGI: by the 12th (17th), or the 26th for a large employer
                    said.append(f"due at Skatteverket on {batch.due_date}")
        except DomainError as exc:
            typer.echo(f"error: {_as_commands(exc.detail)}", err=True)
            raise typer.Exit(code=1) from exc
        finally:
            engine.dispose()
    for line in said:
        typer.echo(line)


def _as_commands(detail: str) -> str:
    """An export refused as made already points at the earlier batch's file by its API address, which the
    API's caller can fetch; at the command line it is the command that writes that file again."""
    import re

    return re.sub(r"/api/v1/exports/(\d+)/file", r"kooperativet export download \1 --out FILE", detail)


@app.command("agi")
def export_agi(
    period: Annotated[str, typer.Option(help="the month of payment: YYYY-MM")], out: Out, force: Force = False
) -> None:
    """The arbetsgivardeklaration (AGI XML) of a month of payment."""
    from kooperativet.exports import service

    period = period_option(period)
    _export(
        out,
        lambda session, today, now: service.export_agi(
            session, period=period, today=today, created_at=now, created_by_id=None
        ),
        force=force,
    )


@app.command("sie")
def export_sie(
    date_from: Annotated[str, typer.Option("--from", help="the first day, YYYY-MM-DD")],
    date_to: Annotated[str, typer.Option("--to", help="the last day, YYYY-MM-DD")],
    out: Out,
    force: Force = False,
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
        force=force,
    )


@app.command("pain001")
def export_pain001(
    run: Annotated[int, typer.Option(help="the approved payroll run's id")], out: Out, force: Force = False
) -> None:
    """The pain.001.001.03 salary payment file of an approved run."""
    from kooperativet.exports import service

    _export(
        out,
        lambda session, _today, now: service.export_pain001(
            session, run_id=run, created_at=now, created_by_id=None
        ),
        force=force,
    )


#: ``db.MAX_PAGE_SIZE``, the most rows a list reads at once (not imported here: ``--help`` stays fast).
MOST_BATCHES = 100


@app.command("batches")
def list_export_batches(
    limit: Annotated[int, typer.Option(min=1, max=MOST_BATCHES, help="how many batches to list")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="skip this many of the newest")] = 0,
) -> None:
    """List the export batches, newest first: id, kind, what it covers, when it was made (Swedish time),
    its SHA-256 and its file, or the day the file was erased after the retention period."""
    from kooperativet.exports import service

    with _reading() as session:
        batches, total = service.list_batches(session, limit=limit, offset=offset)
        rows = [_row(batch) for batch in batches]
    if not rows:
        typer.echo(
            "no export batch was made yet"
            if total == 0
            else f"{total} batches, so none from --offset {offset}"
        )
        return
    _table(("id", "kind", "covers", "made (Sweden)", "sha256", "file"), rows)
    last = offset + len(rows)
    older = f"; --offset {last} lists older ones" if last < total else ""
    typer.echo(f"batches {offset + 1}–{last} of {total}, newest first{older}")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell, two spaces apart; the last (a file name) is not padded."""
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header) - 1)]
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        typer.echo("  ".join([*cells, row[-1]]))


@app.command("download")
def download(
    batch_id: Annotated[
        int, typer.Argument(help="the batch's id, as 'kooperativet export batches' lists it")
    ],
    out: Out,
    force: Force = False,
) -> None:
    """Write a batch's stored file again, byte for byte as it was exported, once its bytes give the SHA-256
    recorded when it was made. An existing file is refused unless ``--force``."""
    import hashlib

    from kooperativet.errors import DomainError
    from kooperativet.exports import service

    # An existing ``out`` (unless forced), the live database or a key: refused before the batch is read.
    with replacing_out(out, force=force) as partial:
        try:
            with _reading() as session:
                batch = service.get_batch(session, batch_id=batch_id)
                content, covers = service.batch_file(batch).content, _covers(batch)
                kind, recorded = batch.kind, batch.sha256
                head = (batch.audit_head_entries, batch.audit_head_hash)
        except DomainError as exc:  # no such batch, or its file erased after the retention period
            typer.echo(f"error: {exc.detail}", err=True)
            raise typer.Exit(code=1) from exc
        found = hashlib.sha256(content).hexdigest()
        if found != recorded:  # a damaged database or restore: a file that is not the one exported is no copy
            typer.echo(
                f"error: the stored file of export batch {batch_id} does not give the SHA-256 recorded when "
                f"it was made ({recorded}) but {found}; nothing was written",
                err=True,
            )
            raise typer.Exit(code=1)
        partial.write_bytes(content)
    typer.echo(f"wrote {out} (batch {batch_id}, {kind} {covers}, sha256 {recorded}, {len(content)} bytes)")
    if head[0] is not None:  # batches made before the audit chain kept its head on them have none
        typer.echo(f"audit chain head: {head[0]}:{head[1]}")


@contextmanager
def _reading() -> Iterator[Session]:
    """A read-only transaction on the configured database: listing and downloading change nothing."""
    from kooperativet.config import get_settings
    from kooperativet.db import READ_ONLY, make_session_factory, transaction

    settings = get_settings()
    engine = existing_database(settings)
    try:
        reading = engine.execution_options(**{READ_ONLY: True})
        with transaction(make_session_factory(reading, audit_key=settings.audit_signing_key)) as session:
            yield session
    finally:
        engine.dispose()


def _row(batch: ExportBatch) -> tuple[str, ...]:
    from kooperativet.exports.service.sources import SWEDEN

    made = batch.created_at.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")
    if batch.erased_at is None:
        file = batch.filename
    else:
        file = f"erased after the retention period on {batch.erased_at.astimezone(SWEDEN).date()}"
    return (str(batch.id), str(batch.kind), _covers(batch), made, batch.sha256, file)


def _covers(batch: ExportBatch) -> str:
    """What a batch covers, in the words the purge after retention names it with."""
    from kooperativet.exports.service.retention import covers

    return covers(period=batch.period, date_from=batch.date_from, date_to=batch.date_to, run_id=batch.run_id)
