"""``kooperativet audit``: export, verify and seal the keyed, hash-chained event log (docs/audit.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kooperativet.audit.service import Anchor

app = typer.Typer(help="The tamper-evident event log.", no_args_is_help=True)


@contextmanager
def _session(*, read_only: bool) -> Iterator[Session]:
    """One transaction on the configured database, with the audit key from the settings."""
    from kooperativet.config import get_settings
    from kooperativet.db import READ_ONLY, make_engine, make_session_factory, transaction

    settings = get_settings()
    engine = make_engine(settings.resolved_database_url)
    try:
        bound = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
        with transaction(make_session_factory(bound, audit_key=settings.audit_signing_key)) as session:
            yield session
    finally:
        engine.dispose()


def _parse_anchor(text: str | None) -> Anchor | None:
    from kooperativet.audit.service import Anchor

    if text is None:
        return None
    try:
        return Anchor.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--anchor") from exc


@app.command("export")
def export(out: Annotated[Path, typer.Option(dir_okay=False, help="the JSON file to write")]) -> None:
    """Write the whole log as JSON, with the hash rule, so an auditor with the key can recompute the chain."""
    from kooperativet.audit import service

    with _session(read_only=True) as session:
        document = service.export_log(session)
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    typer.echo(f"{len(document['entries'])} entries written to {out}")


@app.command("verify")
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(
            help="a head kept outside the database (HASH or N:HASH, from the minutes or an export batch) "
            "that the chain must have passed through"
        ),
    ] = None,
) -> None:
    """Recompute the keyed chain and check it against its stored head and an anchor; exit 1 on any problem."""
    from kooperativet.audit import service

    parsed = _parse_anchor(anchor)
    with _session(read_only=True) as session:
        result = service.verify(session, anchor=parsed)
    if result.problem is not None:
        typer.echo(f"error: {result.problem}", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"audit log intact: {result.head.entries} entries, head {result.head.hash}")
    if parsed is not None:
        typer.echo(f"anchor {anchor} found: the chain passed through it and verifies to its head")


@app.command("seal")
def seal() -> None:
    """Key a log written before the audit key: a keyed entry seals the plain SHA-256 entries before it.

    Appending any event does the same; run this right after upgrading, once the log's head agrees with the
    one printed in the latest minutes or export batch."""
    from kooperativet.audit import service
    from kooperativet.db import utcnow

    with _session(read_only=False) as session:
        sealed = service.seal_plain_entries(session, now=utcnow())
    if sealed is None:
        typer.echo("the audit log is keyed already")
    else:
        typer.echo(f"the plain entries before entry {sealed.id} are sealed; head {sealed.hash}")
