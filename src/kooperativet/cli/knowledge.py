"""``kooperativet knowledge``: share the knowledge bank with another cooperative as one JSON bundle."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kooperativet.cli.errors import Force, replacing_out
from kooperativet.cli.startup import existing_database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

app = typer.Typer(help="The knowledge bank: guides and routines.", no_args_is_help=True)


@contextmanager
def _session() -> Iterator[Session]:
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction

    settings = get_settings()
    engine = existing_database(settings)
    try:
        with transaction(make_session_factory(engine, audit_key=settings.audit_signing_key)) as session:
            yield session
    finally:
        engine.dispose()


@app.command("export")
def export(
    out: Annotated[Path, typer.Option(dir_okay=False, help="the JSON bundle to write")],
    slug: Annotated[list[str] | None, typer.Option(help="an article to export (repeat); all without")] = None,
    force: Force = False,
) -> None:
    """Write the chosen articles, every version with author and date, and the sources as one bundle. An
    existing file is refused unless ``--force``."""
    from kooperativet.knowledge import sharing

    # Refused before the database is opened when ``out`` exists, unless forced; written beside it and put in
    # its place once whole, readable by its owner only (the bundle names the authors): an unknown --slug or a
    # full disk leaves an earlier bundle as it was.
    with replacing_out(out, force=force) as partial:
        with _session() as session:
            bundle = sharing.export_bundle(session, slugs=slug or None, now=datetime.now(UTC))
        partial.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    typer.echo(f"{len(bundle['articles'])} articles written to {out}")


@app.command("import")
def import_(
    bundle: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="a bundle another cooperative made")
    ],
    by: Annotated[str, typer.Option(help="who imports, as the history will name them")] = "kommandoraden",
) -> None:
    """Keep another cooperative's bundle as proposals: the board compares and takes texts at /kb/share."""
    from kooperativet.knowledge import sharing

    try:
        document = json.loads(bundle.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise typer.BadParameter(f"not a JSON bundle: {exc}", param_hint="BUNDLE") from exc
    with _session() as session:
        row = sharing.import_bundle(session, document, importer=None, importer_name=by)
        count = len(sharing.proposals_of(session, row.id))
        import_id = row.id
    typer.echo(f"{count} articles imported as proposals (import {import_id}); compare them at /kb/share")
