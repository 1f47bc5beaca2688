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


#: The kind of each key, as its public id is made (``encryption.fingerprint``).
_KEY_LABELS = {
    "KOOPERATIVET_DATA_KEY": "data key",
    "KOOPERATIVET_BLIND_INDEX_KEY": "blind index key",
    "KOOPERATIVET_AUDIT_KEY": "audit key",
}


@app.command("id")
def key_ids() -> None:
    """Print the public id of each configured key (never the key): to find, among the keys you keep, the ones
    a backup or a refusal at start-up names. A key that is neither set nor in the data folder is named as
    missing, and none is generated."""
    from kooperativet import encryption
    from kooperativet.config import get_settings

    settings = get_settings()
    keys = settings.configured_keys()
    missing = [name for name, key in keys.items() if key is None]
    for name, key in keys.items():
        if key is not None:
            typer.echo(f"{name} = key {encryption.fingerprint(key, label=_KEY_LABELS[name])}")
        if name == "KOOPERATIVET_DATA_KEY" and settings.retired_data_encryption_keys:
            retired = (f"key {encryption.key_id(old)}" for old in settings.retired_data_encryption_keys)
            typer.echo(f"KOOPERATIVET_RETIRED_DATA_KEYS = {', '.join(retired)}")
    if missing:
        typer.echo(
            f"error: not configured: {', '.join(missing)} (neither set nor a key file in "
            f"{settings.data_dir}). No key was generated.",
            err=True,
        )
        raise typer.Exit(code=1)


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
