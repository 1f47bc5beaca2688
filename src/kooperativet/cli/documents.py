"""``kooperativet documents``: the document pipeline's leftovers, rendered."""

from __future__ import annotations

import typer

from kooperativet.cli.startup import existing_database

app = typer.Typer(help="Issued documents: their PDFs.", no_args_is_help=True)


@app.command("render-pending")
def render_pending() -> None:
    """Render and store every PDF still pending, of every kind: documents whose snapshot was committed but
    whose rendering after the commit never ran or failed (the process stopped, the renderer was down).
    Prints how many were stored per kind; run it before ``db downgrade`` past the document pipeline."""
    from kooperativet import all_jobs, all_models  # every mapper and document kind, in a bare process
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction
    from kooperativet.documents import pipeline

    settings = get_settings()
    engine = existing_database(settings)
    try:
        factory = make_session_factory(
            engine, audit_key=settings.audit_signing_key, public_url=settings.public_url
        )
        assert all_jobs
        assert all_models
        for kind in pipeline.registered_kinds():
            with transaction(factory) as session:
                stored = pipeline.render_pending(session, kind)
            typer.echo(f"{kind.name}: {stored} rendered")
    finally:
        engine.dispose()
