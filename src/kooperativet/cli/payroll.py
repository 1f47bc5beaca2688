"""``kooperativet tax-tables`` and ``kooperativet payroll``: import tax tables, render payslips, summaries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kooperativet.cli.errors import Force, period_option, replacing_out
from kooperativet.cli.startup import existing_database

tax_tables_app = typer.Typer(help="Skatteverket's monthly tax tables.", no_args_is_help=True)
app = typer.Typer(help="Payroll runs: payslip PDFs and the payroll summary.", no_args_is_help=True)


@tax_tables_app.command("import")
def import_tax_tables(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="allmanna-tabeller-manad.txt or CSV")
    ],
    year: Annotated[int, typer.Option(min=2000, max=2100, help="the income year of the tables")],
) -> None:
    """Import the monthly tables (fixed-width text or open-data CSV) for a year, pinned by SHA-256."""
    # Every mapper, so that the import's foreign key to users resolves in a process that loaded nothing else.
    from kooperativet import all_models  # noqa: F401
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction
    from kooperativet.errors import DomainError
    from kooperativet.payroll import tax_table_store

    engine = existing_database(get_settings())
    try:
        with transaction(make_session_factory(engine, audit_key=get_settings().audit_signing_key)) as session:
            record = tax_table_store.import_tax_tables(
                session, content=file.read_bytes(), filename=file.name, year=year
            )
            tables = ", ".join(str(number) for number in record.table_numbers)
            typer.echo(f"imported {record.row_count} month rows of tables {tables} for {year}")
            typer.echo(f"sha256 {record.sha256}")
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()


@app.command("render")
def render(
    run: Annotated[int, typer.Argument(help="the payroll run's id")],
    workers: Annotated[int | None, typer.Option(min=1, help="processes; default one per core")] = None,
) -> None:
    """Render and store the PDFs of an approved run's payslips still pending, on a process pool, showing
    progress (the document pipeline: approving a run in the API renders them already)."""
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction
    from kooperativet.errors import DomainError
    from kooperativet.payroll import service

    def progress(done: int, total: int) -> None:
        typer.echo(f"\rrendered {done}/{total} payslips", nl=done == total)

    engine = existing_database(get_settings())
    try:
        with transaction(make_session_factory(engine, audit_key=get_settings().audit_signing_key)) as session:
            stored = service.render_run_payslips(session, run_id=run, workers=workers, progress=progress)
        if not stored:
            typer.echo(f"run {run}: every payslip already has its PDF")
            return
        typer.echo(f"run {run}: {stored} payslip PDFs stored with their SHA-256")
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()


@app.command("summary")
def summary(
    out: Annotated[Path, typer.Option(dir_okay=False, help="the file to write")],
    run: Annotated[int | None, typer.Option(help="one run's payslips")] = None,
    period: Annotated[str | None, typer.Option(help="every payslip paid out in a month: YYYY-MM")] = None,
    format: Annotated[
        str, typer.Option(help="csv (for programs), xlsx or csv-sv (Swedish headers, ';' and decimal comma)")
    ] = "csv",
    force: Force = False,
) -> None:
    """Write the payroll summary (exports.md) of a run or a period as CSV, XLSX or Swedish CSV. An existing
    file is refused unless ``--force``; a run or month without payslips says so and writes no file."""
    from kooperativet.config import get_settings
    from kooperativet.db import READ_ONLY, make_session_factory, transaction, utcnow
    from kooperativet.errors import DomainError
    from kooperativet.exports.service import SummaryFormat, payroll_summary

    if format not in set(SummaryFormat):
        raise typer.BadParameter("csv, xlsx or csv-sv", param_hint="--format")
    if (run is None) == (period is None):  # a missing option: exit 2, as for click's own, before the database
        raise typer.BadParameter("give one of them, not both or neither", param_hint="--run or --period")
    if period is not None:
        period = period_option(period)
    # Last month's summary in the file asked for is not written over without a word: refused before the
    # database is opened, and a summary that cannot be made (no such run) leaves it as it was.
    with replacing_out(out, force=force) as partial:
        engine = existing_database(get_settings())
        try:
            with transaction(
                make_session_factory(
                    engine.execution_options(**{READ_ONLY: True}), audit_key=get_settings().audit_signing_key
                )
            ) as session:
                file = payroll_summary(
                    session,
                    summary_format=SummaryFormat(format),
                    created_at=utcnow(),
                    run_id=run,
                    period=period,
                )
                # A file of its header alone reads as a broken export to a treasurer at month end (the month
                # mistyped, or its run not approved yet), so there is none: the command says so, as
                # ``export agi`` does of a month with nothing to declare.
                if not file.records:
                    typer.echo(f"error: {_nothing_paid_out(run=run, period=period)}", err=True)
                    raise typer.Exit(code=1)
            partial.write_bytes(file.content)
        except DomainError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            raise typer.Exit(code=1) from exc
        finally:
            engine.dispose()
    typer.echo(f"wrote {out}")


def _nothing_paid_out(*, run: int | None, period: str | None) -> str:
    if run is not None:
        return f"payroll run {run} has no payslips: nothing to summarise, no file was written"
    return f"no payslips were paid out in {period}: nothing to summarise, no file was written"
