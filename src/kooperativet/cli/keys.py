"""``kooperativet keys``: the keys that encrypt personal data at rest."""

from __future__ import annotations

import typer

from kooperativet.cli.startup import existing_database

app = typer.Typer(help="Encryption keys for personnummer and bank accounts.", no_args_is_help=True)


@app.command("new")
def new() -> None:
    """Print a fresh key for KOOPERATIVET_DATA_KEY or KOOPERATIVET_BLIND_INDEX_KEY (base64 of 32 bytes)."""
    from kooperativet.config import new_data_key

    typer.echo(new_data_key())


@app.command("id")
def key_ids() -> None:
    """Print the public id of each configured key (never the key): to find, among the keys you keep, the ones
    a backup or a refusal at start-up names."""
    from kooperativet import encryption
    from kooperativet.config import get_settings

    settings = get_settings()
    keyring = encryption.keyring_from(settings)
    typer.echo(f"KOOPERATIVET_DATA_KEY = key {keyring.current_id}")
    if keyring.retired:
        retired = ", ".join(f"key {encryption.key_id(key)}" for key in keyring.retired)
        typer.echo(f"KOOPERATIVET_RETIRED_DATA_KEYS = {retired}")
    blind_index = encryption.fingerprint(keyring.blind_index_key, label="blind index key")
    typer.echo(f"KOOPERATIVET_BLIND_INDEX_KEY = key {blind_index}")
    audit = encryption.fingerprint(settings.audit_signing_key, label="audit key")
    typer.echo(f"KOOPERATIVET_AUDIT_KEY = key {audit}")


@app.command("rotate")
def rotate() -> None:
    """Re-encrypt every stored value under KOOPERATIVET_DATA_KEY, in one transaction.

    Set the new key as KOOPERATIVET_DATA_KEY and the old one in KOOPERATIVET_RETIRED_DATA_KEYS first; once
    this has run, the old key can be removed. The blind index has its own key and is not touched."""
    from kooperativet import encryption
    from kooperativet.all_models import Base
    from kooperativet.config import get_settings

    settings = get_settings()
    keyring = encryption.configure(settings)
    engine = existing_database(settings)
    try:
        with engine.begin() as connection:
            changed = encryption.rotate(connection, metadata=Base.metadata, keyring=keyring)
    except encryption.UndecryptableValue as exc:
        typer.echo(f"error: {exc}; nothing was changed", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()
    if changed == 0:  # "0 values re-encrypted" read as though nothing were encrypted
        typer.echo(f"every value was already encrypted under key {keyring.current_id}; nothing to re-encrypt")
    else:
        typer.echo(f"{changed} values re-encrypted under key {keyring.current_id}")
