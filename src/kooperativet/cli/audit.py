"""``kooperativet audit``: export, verify and seal the keyed, hash-chained event log (docs/audit.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kooperativet.cli.errors import Force, replacing_out
from kooperativet.cli.startup import existing_database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kooperativet.audit.service import Anchor
    from kooperativet.config import Settings

app = typer.Typer(help="The tamper-evident event log.", no_args_is_help=True)


@contextmanager
def _session(*, read_only: bool, needs_key: bool = True) -> Iterator[Session]:
    """One transaction on the configured database, with the audit key from the settings.

    Unlike the server, these commands never generate a key: a new key could only call the log broken (verify)
    or seal it under a key nobody keeps (seal). Without one they say so and stop; export needs none."""
    from kooperativet.config import AUDIT_KEY_FILE, get_settings
    from kooperativet.db import READ_ONLY, make_session_factory, transaction

    settings = get_settings()
    key = _configured_key(settings)
    if key is None and needs_key:
        typer.echo(
            "error: no audit key is configured: KOOPERATIVET_AUDIT_KEY is not set (or empty) and there is no "
            f"key file {settings.data_dir / AUDIT_KEY_FILE}. The log can be checked only with the key it was "
            "written with: set KOOPERATIVET_AUDIT_KEY to it. No key was generated.",
            err=True,
        )
        raise typer.Exit(code=1)
    engine = existing_database(settings)
    try:
        bound = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
        with transaction(make_session_factory(bound, audit_key=key or b"")) as session:
            yield session
    finally:
        engine.dispose()


def _configured_key(settings: Settings) -> bytes | None:
    """The audit key from the environment or its file in the data folder; None when neither is there."""
    from kooperativet.config import AUDIT_KEY_FILE

    if settings.audit_key is not None:
        return settings.audit_key.get_secret_value().encode() or None  # set but empty: none
    if not (settings.data_dir / AUDIT_KEY_FILE).exists():
        return None
    return settings.audit_signing_key


def _parse_anchor(text: str | None) -> Anchor | None:
    from kooperativet.audit.service import Anchor

    if text is None:
        return None
    try:
        return Anchor.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--anchor") from exc


@app.command("export")
def export(
    out: Annotated[Path, typer.Option(dir_okay=False, help="the JSON file to write")], force: Force = False
) -> None:
    """Write the whole log as JSON, with the hash rule, so an auditor with the key can recompute the chain.
    An existing file is refused unless ``--force``."""
    from kooperativet.audit import service

    # Readable by the owner only (entries name members and amounts), as a backup. Written as the log is read,
    # into a file beside ``out`` that replaces it once whole: a failure on the way leaves an earlier export as
    # it was, and no half log. An existing ``out`` is refused before the database is opened, unless forced.
    with (
        replacing_out(out, force=force) as partial,
        _session(read_only=True, needs_key=False) as session,
        partial.open("w", encoding="utf-8") as file,
    ):
        count = service.write_log(session, file)
        file.write("\n")
    typer.echo(f"{count} {'entry' if count == 1 else 'entries'} written to {out}")


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
    entries = result.head.entries
    typer.echo(
        f"audit log intact: {entries} {'entry' if entries == 1 else 'entries'}, head {result.head.hash}"
    )
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
