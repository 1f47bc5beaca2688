"""Personal data encrypted at rest: personnummer and bank accounts (AES-256-GCM) and their blind index.

A stored value is ``v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``. The key id is a fingerprint of the key,
so a row says which key it needs; the current key encrypts, retired keys still decrypt, and
``kooperativet keys rotate`` re-encrypts every row under the current key. The column's name is authenticated
data, so a ciphertext copied into another column does not decrypt.

Where a value must be unique or looked up (a member's personnummer), an HMAC-SHA256 under a separate
blind-index key is stored beside it. Rotating the data key therefore never touches the index.

The keys reach the column types through one process-wide :class:`Keyring`: the app, the CLI and the
migrations configure it from settings (:func:`configure`); anything that touches an encrypted column first
gets it lazily from the environment's settings when nobody configured it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (
    ColumnElement,
    Connection,
    MetaData,
    String,
    Text,
    column,
    func,
    select,
    table,
    type_coerce,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.types import TypeDecorator

from kooperativet.config import Settings, get_settings

FORMAT_VERSION: Final = "v1"
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16  # AES-GCM's authentication tag
KEY_ID_CHARACTERS: Final = 8


class UndecryptableValue(RuntimeError):
    """A stored value whose key is not configured, or that was altered."""


def stored_length(characters: int) -> int:
    """The longest a ciphertext of a text of ``characters`` characters is as stored (``Keyring.encrypt``):
    four UTF-8 bytes a character at most, the nonce and the tag, in base64, after the version and key id. An
    encrypted column is this wide for the longest text it must hold."""
    sealed = NONCE_BYTES + 4 * characters + TAG_BYTES
    return len(f"{FORMAT_VERSION}:{'0' * KEY_ID_CHARACTERS}:") + 4 * -(-sealed // 3)


def key_id(key: bytes) -> str:
    """A short public fingerprint of a data key (not the key: SHA-256 of a label and the key)."""
    return fingerprint(key, label="data key")


def fingerprint(key: bytes, *, label: str) -> str:
    """A short public id of a key of kind ``label`` ("data key", "blind index key", "audit key"): names the
    key to look for (a backup's keys, a refusal at start-up) without revealing anything of it."""
    return hashlib.sha256(f"kooperativet {label}".encode() + b"\x00" + key).hexdigest()[:KEY_ID_CHARACTERS]


@dataclass(frozen=True)
class Keyring:
    current: bytes
    retired: tuple[bytes, ...]
    blind_index_key: bytes

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.current).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        body = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{FORMAT_VERSION}:{self.current_id}:{body}"

    def decrypt(self, stored: str, *, context: str) -> str:
        _version, kid, body = _parts(stored)
        return _open(AESGCM(self._key(kid)), body, context=context)

    def decrypt_many(self, stored: Iterable[str | None], *, context: str) -> list[str | None]:
        """``decrypt`` of many values of one column (``None`` stays ``None``), each key's cipher made once:
        for the thousands of personnummer or accounts of a month's export."""
        ciphers: dict[str, AESGCM] = {}
        plain: list[str | None] = []
        for value in stored:
            if value is None:
                plain.append(None)
                continue
            _version, kid, body = _parts(value)
            cipher = ciphers.get(kid)
            if cipher is None:
                cipher = ciphers[kid] = AESGCM(self._key(kid))
            plain.append(_open(cipher, body, context=context))
        return plain

    def is_current(self, stored: str) -> bool:
        return _parts(stored)[1] == self.current_id

    def blind_index(self, value: str, *, context: str) -> str:
        """HMAC-SHA256 of the value under the blind-index key: equal values give equal indexes."""
        message = context.encode("utf-8") + b"\x00" + value.encode("utf-8")
        return hmac.new(self.blind_index_key, message, hashlib.sha256).hexdigest()

    def _key(self, kid: str) -> bytes:
        for key in (self.current, *self.retired):
            if key_id(key) == kid:
                return key
        raise UndecryptableValue(
            f"no configured data key has id {kid}; add it to KOOPERATIVET_RETIRED_DATA_KEYS"
        )


def _open(cipher: AESGCM, body: str, *, context: str) -> str:
    raw = base64.b64decode(body)
    try:
        plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag as exc:
        raise UndecryptableValue(f"a value in {context} fails its integrity check") from exc
    return plain.decode("utf-8")


def _parts(stored: str) -> tuple[str, str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != FORMAT_VERSION:
        raise UndecryptableValue("a stored value is not in the encrypted format (was the migration run?)")
    return parts[0], parts[1], parts[2]


_keyring: Keyring | None = None


def keyring_from(settings: Settings) -> Keyring:
    return Keyring(
        current=settings.data_encryption_key,
        retired=tuple(settings.retired_data_encryption_keys),
        blind_index_key=settings.blind_index_secret,
    )


def configure(settings: Settings) -> Keyring:
    """Use the keys of ``settings`` in this process from now on."""
    return use(keyring_from(settings))


def use(keyring: Keyring) -> Keyring:
    global _keyring
    _keyring = keyring
    return keyring


@contextmanager
def using(keyring: Keyring) -> Iterator[Keyring]:
    """Use ``keyring`` in this process for the block, then what was configured before (or nothing): the demo
    encrypts under keys of its own without leaving them to what runs after it in the same process."""
    global _keyring
    before = _keyring
    _keyring = keyring
    try:
        yield keyring
    finally:
        _keyring = before


def current() -> Keyring:
    """The process's keyring; configured from the environment's settings on first use if nobody did."""
    return _keyring if _keyring is not None else configure(get_settings())


def blind_index(value: str, *, context: str) -> str:
    return current().blind_index(value, context=context)


def decrypt_many(stored: Iterable[str | None], *, context: str) -> list[str | None]:
    """Many stored values of the column ``context`` decrypted at once (``Keyring.decrypt_many``)."""
    return current().decrypt_many(stored, context=context)


def stored(column: InstrumentedAttribute[Any]) -> ColumnElement[Any]:
    """An encrypted column as it is stored, under its own name: ``decrypted`` opens a whole list of them at
    once, where the column's type would decrypt value by value (thousands of rows for a payroll run or a
    month's files)."""
    return type_coerce(column, String()).label(column.key)


def decrypted(values: Iterable[str | None], column: InstrumentedAttribute[Any]) -> list[str | None]:
    """The values of the encrypted ``column`` read with ``stored``, decrypted."""
    kind = column.type
    if not isinstance(kind, EncryptedString):
        raise TypeError(f"{column.key} is not an encrypted column")
    return decrypt_many(values, context=kind.context)


class EncryptedString(TypeDecorator[str]):
    """A string column stored encrypted; ``context`` (table.column) is bound into each ciphertext."""

    impl = String
    cache_ok = True

    def __init__(self, length: int, *, context: str) -> None:
        super().__init__(length)
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else current().encrypt(value, context=self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else current().decrypt(value, context=self.context)


class EncryptedJSON(TypeDecorator[dict[str, Any]]):
    """A JSON document stored encrypted (it holds personnummer or bank accounts); not queryable in SQL."""

    impl = Text
    cache_ok = True

    def __init__(self, *, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: Mapping[str, Any] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return current().encrypt(json.dumps(value, ensure_ascii=False), context=self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> dict[str, Any] | None:
        if value is None:
            return None
        loaded: dict[str, Any] = json.loads(current().decrypt(value, context=self.context))
        return loaded


def encrypted_columns(metadata: MetaData) -> list[tuple[str, str, str]]:
    """Every (table, column, context) stored encrypted, in a stable order."""
    found = [
        (tbl.name, col.name, str(col.type.context))
        for tbl in metadata.sorted_tables
        for col in tbl.columns
        if isinstance(col.type, EncryptedString | EncryptedJSON)
    ]
    return sorted(found)


def key_ids_in_use(connection: Connection | Session, *, metadata: MetaData) -> set[str]:
    """The id of every data key some stored value was encrypted with (one scan of each encrypted column)."""
    found: set[str] = set()
    start = len(FORMAT_VERSION) + 2  # SQL counts from 1: the id follows "v1:"
    for table_name, column_name, _context in encrypted_columns(metadata):
        stored = column(column_name, String())
        kid = func.substr(stored, start, KEY_ID_CHARACTERS)
        query = select(kid).select_from(table(table_name, stored)).where(stored.is_not(None)).distinct()
        found.update(str(value) for value in connection.scalars(query))
    return found


def missing_key_ids(
    connection: Connection | Session, *, metadata: MetaData, keyring: Keyring | None = None
) -> list[str]:
    """The ids of the data keys the database (the tables of ``metadata``) holds values under and ``keyring``
    (the process's by default) does not have, sorted; empty when every value can be read, and on an empty
    database.

    A backup restored under a freshly generated key, or a retired key dropped before ``keys rotate`` ran,
    shows here at start-up instead of as an error on the first page that shows a personnummer."""
    keyring = keyring or current()
    configured = {key_id(key) for key in (keyring.current, *keyring.retired)}
    return sorted(key_ids_in_use(connection, metadata=metadata) - configured)


def rotate(connection: Connection, *, metadata: MetaData, keyring: Keyring) -> int:
    """Re-encrypt every encrypted value not under the current key; returns how many values changed.

    Runs on the caller's connection and transaction, so a failure leaves every row as it was."""
    changed = 0
    columns = encrypted_columns(metadata)
    # Re-encryption changes how an issued payslip is stored, not what it says: the PostgreSQL immutability
    # triggers are off for this transaction only.
    _set_user_triggers(connection, sorted({name for name, _, _ in columns}), enabled=False)
    for table_name, column_name, context in columns:
        raw = table(table_name, column("id"), column(column_name))
        rows = connection.execute(select(raw.c.id, raw.c[column_name]).where(raw.c[column_name].is_not(None)))
        for row_id, stored in _stale(rows, keyring):
            fresh = keyring.encrypt(keyring.decrypt(stored, context=context), context=context)
            connection.execute(update(raw).where(raw.c.id == row_id).values({column_name: fresh}))
            changed += 1
    _set_user_triggers(connection, sorted({name for name, _, _ in columns}), enabled=True)
    return changed


def _set_user_triggers(connection: Connection, tables: list[str], *, enabled: bool) -> None:
    if connection.dialect.name != "postgresql":
        return
    for name in tables:
        connection.exec_driver_sql(f'ALTER TABLE "{name}" {"ENABLE" if enabled else "DISABLE"} TRIGGER USER')


def _stale(rows: Iterable[Any], keyring: Keyring) -> list[tuple[int, str]]:
    return [(row_id, stored) for row_id, stored in rows if not keyring.is_current(stored)]
