"""``kooperativet audit``: check the hash-chained event log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The tamper-evident event log.", no_args_is_help=True)


@app.command("export")
def export(out: Annotated[Path, typer.Option(help="the JSON file to write")]) -> None:
    """Write the whole log as JSON, with the hash rule, so anyone can recompute the chain."""
    from kooperativet.audit import service
    from kooperativet.config import get_settings
    from kooperativet.db import READ_ONLY, make_engine, make_session_factory, transaction

    engine = make_engine(get_settings().resolved_database_url)
    try:
        factory = make_session_factory(engine.execution_options(**{READ_ONLY: True}))
        for session in transaction(factory):
            document = service.export_log(session)
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        typer.echo(f"{len(document['entries'])} entries written to {out}")
    finally:
        engine.dispose()


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
