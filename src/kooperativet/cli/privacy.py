"""``kooperativet privacy``: the purge after the retention period (docs/personal-data.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from kooperativet.cli.errors import day_option
from kooperativet.cli.startup import existing_database

app = typer.Typer(help="Personal data: the purge after the retention period.", no_args_is_help=True)


@app.command("purge")
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print what would be erased; change nothing")
    ] = False,
    day: Annotated[
        str | None,
        typer.Option(
            help="purge as on this day, YYYY-MM-DD (default: today in Sweden; a later day: --dry-run only)"
        ),
    ] = None,
) -> None:
    """Erase what was kept of removed members only for the seven-year retention (BFL 7 kap. 2 §) once it has
    ended: personnummer, birth date, the payslips' personal content and notices, certificates and receipts;
    and the stored files of export batches whose own retention has ended. Rows, numbers and amounts stay.
    Prints ids and counts only. The workers do it daily; running it twice erases nothing the second time."""
    from kooperativet import all_jobs, all_models  # noqa: F401 - every mapper and job handler
    from kooperativet.api.dependencies import today
    from kooperativet.config import get_settings
    from kooperativet.db import READ_ONLY, make_session_factory, transaction, utcnow
    from kooperativet.workflows.retention_purge import plan_purge, purge_after_retention

    purged_on = day_option(day, option="--day") if day else today()
    # A purge as on a day to come would erase what the law still requires kept today (and on PostgreSQL the
    # tables' own triggers refuse it, in the database's words): refused here, before the database is opened.
    # A dry run is not: it changes nothing, and what will fall due on a later day (1 January, the day a
    # member's seven years end) is what an administrator plans a purge with.
    if not dry_run and purged_on > (now := today()):
        raise typer.BadParameter(
            f"{purged_on} is after today ({now}) in Sweden; a purge cannot run as on a day to come "
            "(--dry-run shows what will be due then)",
            param_hint="--day",
        )
    settings = get_settings()
    engine = existing_database(settings)
    try:
        bound = engine.execution_options(**{READ_ONLY: True}) if dry_run else engine
        with transaction(make_session_factory(bound, audit_key=settings.audit_signing_key)) as session:
            if dry_run:
                done = plan_purge(session, today=purged_on)
            else:
                done = purge_after_retention(session, today=purged_on, now=utcnow())
    finally:
        engine.dispose()
    verb = "would erase" if dry_run else "erased"
    for member in done.members:
        typer.echo(
            f"member {member.member_id} (retained until {member.retained_until}): {verb} personnummer and "
            f"birth date, {member.payslips} payslip(s), {member.payslip_snapshots} payslip snapshot(s), "
            f"{member.employments} employment certificate(s), {member.receipts} receipt(s), "
            f"{member.tax_settings} tax setting note(s), {member.messages} payslip notice(s)"
        )
    for file in done.export_files:
        typer.echo(
            f"export batch {file.batch_id} ({file.kind} {file.covers}, retained until "
            f"{file.retained_until}): {verb} its file"
        )
    typer.echo(f"{len(done.members)} member(s) {'due for the purge' if dry_run else 'purged'} on {purged_on}")
    typer.echo(
        f"{len(done.export_files)} export file(s) {'due for erasure' if dry_run else 'erased'} on {purged_on}"
    )
