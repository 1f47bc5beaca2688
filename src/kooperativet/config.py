"""Settings from the environment (prefix ``KOOPERATIVET_``) and an optional ``.env`` file.

The embedded setup needs nothing: the SQLite database and a generated secret key live in the data folder.
In production (``KOOPERATIVET_ENV=production``) the secret key must be given; it is never defaulted.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
from collections.abc import Callable
from email.utils import getaddresses
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
AUDIT_KEY_FILE = "audit_key"
AUDIT_KEY_MIN_BYTES = 32
#: Where `make run` serves the web interface; the links in e-mail start with it unless KOOPERATIVET_PUBLIC_URL
#: says otherwise.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
#: The levels KOOPERATIVET_LOG_LEVEL may name (Python's logging levels).
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATA_KEY_FILE = "data_key"
BLIND_INDEX_KEY_FILE = "blind_index_key"
# The databases the migrations and the tests run on, by the scheme a URL begins with (the driver is psycopg,
# SQLAlchemy's default for ``postgresql://``). Any other would fail later, in a driver's import or a dialect
# nobody ran the migrations on.
DATABASE_SCHEMES = frozenset({"sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg"})


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class JobsMode(StrEnum):
    embedded = "embedded"  # a worker thread in the API process: the embedded setup needs no other process
    external = "external"  # ``kooperativet worker`` processes, on one machine or several (PostgreSQL)
    inline = "inline"  # a request's work runs right after its commit, in the request (tests)


class SqliteSynchronous(StrEnum):
    """When an embedded database's commit waits for the disk (SQLite's ``PRAGMA synchronous``, WAL mode)."""

    normal = "normal"  # at checkpoints: a crash of the program loses nothing; a power cut may lose the last
    full = "full"  # at every commit: nothing answered as saved is lost to a power cut either


class SmtpSecurity(StrEnum):
    starttls = "starttls"  # plain connection upgraded with STARTTLS (port 587)
    tls = "tls"  # TLS from the first byte (SMTPS, port 465)
    none = "none"  # no encryption: a relay on the same machine or a test server only


class Settings(BaseSettings):
    # A variable set to nothing counts as not set: compose.yaml passes each optional setting as ``${NAME:-}``,
    # and an empty KOOPERATIVET_SMTP_HOST must mean "no mail server", as an absent one does, not a server "".
    model_config = SettingsConfigDict(
        env_prefix="KOOPERATIVET_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        # A refused setting is not echoed whole: a database URL holds its password.
        hide_input_in_errors=True,
    )

    env: Environment = Environment.development
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; defaults to the embedded SQLite file in the data folder"
    )
    secret_key: SecretStr | None = None
    # Personnummer and bank accounts are encrypted at rest (AES-256-GCM) with ``data_key``; rotated-out keys
    # stay readable from ``retired_data_keys`` (comma-separated) until ``kooperativet keys rotate`` has run.
    # ``blind_index_key`` keys the HMAC used to find and de-duplicate personnummer without decrypting.
    # Each is base64 of 32 random bytes; in development they are generated once into the data folder.
    data_key: SecretStr | None = None
    retired_data_keys: SecretStr | None = None
    blind_index_key: SecretStr | None = None
    log_level: str = "INFO"

    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    jwt_algorithm: str = "HS256"
    jwt_issuer: str = "kooperativet"
    jwt_audience: str = "kooperativet-api"
    login_attempts_per_window: int = Field(default=10, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    # Login throttling and the client address behind a reverse proxy (see auth.throttle and api.edge).
    login_attempts_per_address: int = Field(
        default=100, ge=1, description="failed logins per client address and window, whatever the account"
    )
    trusted_proxies: str = Field(
        default="",
        description="comma-separated IPs or CIDR networks of reverse proxies whose X-Forwarded-For counts",
    )

    # The web interface's sign-in: how long a browser stays signed in, and whether the cookie is sent only
    # over HTTPS (always in production; off in development so that http://127.0.0.1:8000 works).
    web_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    secure_cookies: bool | None = Field(
        default=None, description="send the session cookie over HTTPS only; defaults to on in production"
    )

    max_request_bytes: int = Field(default=12 * 1024 * 1024, ge=1024)
    # SQLite's own advice for WAL mode: a commit that has returned survives the program crashing or being
    # killed, and a power cut or an operating-system crash can lose only the last commits, never damage the
    # file. ``full`` waits for the disk at every commit, so nothing answered as saved is lost; it costs a
    # quarter of the commissions written a second under many writers (docs/quality.md, "Durability").
    sqlite_synchronous: SqliteSynchronous = Field(
        default=SqliteSynchronous.normal,
        description="normal or full: whether an embedded database's commit waits for the disk every time",
    )
    db_pool_size: int = Field(
        default=20, ge=1, le=200, description="database connections kept per server process"
    )
    # Few on purpose: a Python process runs one thread at a time, so requests working in the database beyond
    # a couple add no throughput; they take the interpreter from the event loop that reads and answers every
    # request. Under 64 clients a page of 50 clients served 88 requests a second with 20 sessions at once,
    # about 135 with 2 (bench/api_throughput.py). More throughput comes from more server processes. Readers
    # and writers have this many each (``api.dependencies.get_session``).
    db_sessions: int = Field(
        default=2,
        ge=1,
        le=100,
        description="requests reading, and as many writing, in the database at once per server process",
    )

    # Outgoing e-mail (docs/mail.md): a worker hands every queued message to this SMTP server. Without a host
    # nothing is sent; messages wait in the outbox and their jobs retry until one is configured.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: SmtpSecurity | None = Field(
        default=None, description="starttls, tls (implicit, usually port 465) or none; unset: smtp_starttls"
    )
    smtp_starttls: bool = Field(default=True, description="older setting, used when smtp_security is unset")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca_file: Path | None = Field(
        default=None, description="PEM file of a private CA to trust besides the system's certificates"
    )
    smtp_timeout_seconds: float = Field(default=20, gt=0, le=300)
    smtp_from: str = Field(
        default="styrelsen@example.org", description='"Name <address>"; the name may hold å, ä and ö'
    )
    smtp_reply_to: str | None = None

    # Background work (docs/workers.md): e-mail, documents and reminders are recorded in the transaction that
    # causes them and done by a worker. By default the API process runs one on SQLite and none on PostgreSQL,
    # where ``kooperativet worker`` processes (any number, on any machine) do the work.
    jobs_mode: JobsMode | None = None
    worker_poll_seconds: float = Field(
        default=2.0, gt=0, le=300, description="how long an idle worker sleeps before it looks for due work"
    )
    worker_lease_seconds: int = Field(
        default=300,
        ge=1,
        le=24 * 3600,
        description="how long a claimed job is a worker's before another may take it",
    )
    # The address people reach the web interface at, for links in e-mail (invitations, password resets, and
    # the page each notice is about).
    public_url: str = DEFAULT_PUBLIC_URL
    # One-time links to set a password (docs/accounts.md): how long an invitation and a reset link work, and
    # how many reset e-mails one address, or one client address, may ask for in a window.
    invitation_valid_hours: int = Field(default=72, ge=1, le=24 * 30)
    password_reset_valid_minutes: int = Field(default=60, ge=5, le=24 * 60)
    password_reset_requests_per_account: int = Field(default=3, ge=1)
    password_reset_requests_per_address: int = Field(default=30, ge=1)
    password_reset_window_seconds: int = Field(default=3600, ge=1)

    admin_email: str | None = None
    admin_password: SecretStr | None = None

    # The cooperative's identity, seeded into the database once; afterwards an admin edits it over the API.
    cooperative_name: str = "Interim kultur ekonomisk förening"
    cooperative_organisation_number: str | None = None
    cooperative_vat_number: str | None = None
    cooperative_f_tax: bool = True
    cooperative_street: str | None = None
    cooperative_postal_code: str | None = None
    cooperative_city: str | None = None
    cooperative_bankgiro: str | None = None
    cooperative_iban: str | None = None
    cooperative_bic: str | None = None
    cooperative_contact_name: str | None = None
    cooperative_contact_email: str | None = None
    cooperative_contact_phone: str | None = None

    # The audit chain's HMAC key (docs/audit.md), kept outside the database so that write access to the
    # database alone cannot forge a consistent chain. Changing it makes every later verify fail.
    audit_key: SecretStr | None = None

    @field_validator("log_level")
    @classmethod
    def _is_a_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}, not {value!r}")
        return level

    @field_validator("public_url")
    @classmethod
    def _is_a_web_address(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "must be the address people open the web interface at, beginning https:// (or http://), "
                f"e.g. https://kansli.example.se, not {value!r}: links in e-mail start with it"
            )
        return value.strip()

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for entry in _split_proxies(value):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(f"{entry!r} in trusted_proxies is not an IP or a network") from exc
        return value

    @field_validator("smtp_from", "smtp_reply_to")
    @classmethod
    def _is_a_mail_address(cls, value: str | None) -> str | None:
        if value is not None:
            found = getaddresses([value])
            if len(found) != 1 or "@" not in found[0][1]:
                raise ValueError(
                    f"{value!r} is not one e-mail address: write an address or Name <address>, "
                    'with the name in double quotes if it holds a comma ("Interim kultur, Malmö" <…>)'
                )
        return value

    @model_validator(mode="after")
    def _smtp_login_is_whole(self) -> Settings:
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ValueError("KOOPERATIVET_SMTP_USERNAME and KOOPERATIVET_SMTP_PASSWORD go together")
        if self.smtp_ca_file is not None and not self.smtp_ca_file.is_file():
            raise ValueError(f"KOOPERATIVET_SMTP_CA_FILE {self.smtp_ca_file} is not a file")
        return self

    @property
    def resolved_smtp_security(self) -> SmtpSecurity:
        """``smtp_security`` when given; otherwise what the older ``smtp_starttls`` switch says."""
        if self.smtp_security is not None:
            return self.smtp_security
        return SmtpSecurity.starttls if self.smtp_starttls else SmtpSecurity.none

    @property
    def resolved_jobs_mode(self) -> JobsMode:
        if self.jobs_mode is not None:
            return self.jobs_mode
        return JobsMode.embedded if self.resolved_database_url.startswith("sqlite") else JobsMode.external

    @property
    def cookies_are_secure(self) -> bool:
        return self.env is Environment.production if self.secure_cookies is None else self.secure_cookies

    @property
    def trusted_proxy_list(self) -> list[str]:
        """The trusted proxies as a list; empty means the direct peer is always the client."""
        return _split_proxies(self.trusted_proxies)

    @model_validator(mode="after")
    def _database_is_sqlite_or_postgresql(self) -> Settings:
        if self.database_url:
            problem = unsupported_database(self.database_url)
            if problem is not None:
                raise ValueError(f"KOOPERATIVET_DATABASE_URL {problem}")
        return self

    @model_validator(mode="after")
    def _production_needs_secrets(self) -> Settings:
        if self.env is Environment.production:
            if self.secret_key is None or len(self.secret_key.get_secret_value()) < 32:
                raise ValueError("KOOPERATIVET_SECRET_KEY (at least 32 characters) is required in production")
            if self.database_url is None:
                raise ValueError("KOOPERATIVET_DATABASE_URL is required in production")
            if self.data_key is None or self.blind_index_key is None:
                raise ValueError(
                    "KOOPERATIVET_DATA_KEY and KOOPERATIVET_BLIND_INDEX_KEY are required in production"
                )
        for name in ("data_key", "blind_index_key"):
            given: SecretStr | None = getattr(self, name)
            if given is not None:
                _decode_key(given.get_secret_value(), name=f"KOOPERATIVET_{name.upper()}")
        for retired in self.retired_key_texts:
            _decode_key(retired, name="KOOPERATIVET_RETIRED_DATA_KEYS")
        return self

    @model_validator(mode="after")
    def _production_needs_audit_key(self) -> Settings:
        if self.env is Environment.production and (
            self.audit_key is None or len(self.audit_key.get_secret_value().encode()) < AUDIT_KEY_MIN_BYTES
        ):
            raise ValueError(
                f"KOOPERATIVET_AUDIT_KEY (at least {AUDIT_KEY_MIN_BYTES} bytes) is required in production"
            )
        # A key given in development is held to the same length: a short one would key the chain weakly, and
        # the production it is carried into would refuse it.
        given = len(self.audit_key.get_secret_value().encode()) if self.audit_key is not None else None
        if given is not None and given < AUDIT_KEY_MIN_BYTES:
            raise ValueError(
                f"KOOPERATIVET_AUDIT_KEY must be at least {AUDIT_KEY_MIN_BYTES} bytes, not {given}"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kooperativet.sqlite3').resolve()}"

    @cached_property
    def signing_key(self) -> str:
        """The JWT signing key: from the environment, else generated once and kept in the data folder."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _read_or_create_secret(self.data_dir / SECRET_KEY_FILE)

    @cached_property
    def audit_signing_key(self) -> bytes:
        """The audit chain's HMAC key: from the environment, else generated once into the data folder."""
        if self.audit_key is not None:
            return self.audit_key.get_secret_value().encode()
        return _read_or_create_secret(self.data_dir / AUDIT_KEY_FILE).encode()

    @property
    def retired_key_texts(self) -> list[str]:
        if self.retired_data_keys is None:
            return []
        return [part.strip() for part in self.retired_data_keys.get_secret_value().split(",") if part.strip()]

    @cached_property
    def data_encryption_key(self) -> bytes:
        """The current AES-256 key for personal data: from the environment, else generated once."""
        return self._key_bytes(self.data_key, DATA_KEY_FILE)

    @cached_property
    def retired_data_encryption_keys(self) -> list[bytes]:
        return [_decode_key(text, name="KOOPERATIVET_RETIRED_DATA_KEYS") for text in self.retired_key_texts]

    @cached_property
    def blind_index_secret(self) -> bytes:
        """The HMAC key of the personnummer blind index; never rotated with the data key."""
        return self._key_bytes(self.blind_index_key, BLIND_INDEX_KEY_FILE)

    def _key_bytes(self, given: SecretStr | None, file_name: str) -> bytes:
        text = given.get_secret_value() if given is not None else None
        if text is None:
            text = _read_or_create_secret(self.data_dir / file_name, make=new_data_key)
        return _decode_key(text, name=file_name)

    def configured_keys(self) -> dict[str, bytes | None]:
        """Each key by its variable's name, from the environment or its file in the data folder, without
        making one: None for a key that is neither (``keys id``, which names keys to compare with a backup's,
        must not name a key it has just made up)."""
        keys: dict[str, bytes | None] = {}
        for name, given, file_name in (
            ("KOOPERATIVET_DATA_KEY", self.data_key, DATA_KEY_FILE),
            ("KOOPERATIVET_BLIND_INDEX_KEY", self.blind_index_key, BLIND_INDEX_KEY_FILE),
            ("KOOPERATIVET_AUDIT_KEY", self.audit_key, AUDIT_KEY_FILE),
        ):
            text = given.get_secret_value() if given is not None else None
            path = self.data_dir / file_name
            if not text and path.exists():
                text = path.read_text(encoding="utf-8").strip()
            audit = name == "KOOPERATIVET_AUDIT_KEY"  # any text of 32 bytes or more, not base64 of a key
            keys[name] = (text.encode() if audit else _decode_key(text, name=name)) if text else None
        return keys


class ProjectPaths(BaseSettings):
    """``KOOPERATIVET_ALEMBIC_INI`` and ``KOOPERATIVET_TEMPLATES_DIR``: the migrations' configuration and the
    PDF templates, for commands run outside the checkout.

    The code that finds the files reads them from the process's environment (``resources.project_path``);
    the command line reads them here first, by the settings' rules, and hands them on
    (``cli.startup.hand_on_project_paths``): from the environment, else ``.env``; an empty one counts as not
    set, not as the working directory; one naming nothing is refused, not passed over for another copy. Apart
    from ``Settings``, whose validation a command that needs neither file should not wait for."""

    # Read by the rules of ``Settings`` (prefix, ``.env``, empty as unset), and titled as it is: a refusal
    # reads ``error: Settings: KOOPERATIVET_ALEMBIC_INI: …``, as others do.
    model_config = SettingsConfigDict(**Settings.model_config, title="Settings")

    alembic_ini: Path | None = None
    templates_dir: Path | None = None

    @field_validator("alembic_ini")
    @classmethod
    def _is_a_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a file (the alembic.ini beside migrations/ in the checkout)")
        return value

    @field_validator("templates_dir")
    @classmethod
    def _is_a_folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a folder (the checkout's templates/)")
        return value


def unsupported_database(url: str) -> str | None:
    """What is wrong with a database URL that is neither SQLite nor PostgreSQL through psycopg, else None."""
    scheme, separator, _ = url.partition("://")
    if scheme in DATABASE_SCHEMES:
        return None
    # Only the scheme is repeated: the rest of a URL may hold a password.
    given = f"{scheme}://…" if separator else "a text without scheme://"
    return f"must begin sqlite:/// (a file) or postgresql+psycopg://user:password@host:5432/name, not {given}"


def _split_proxies(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(",") if entry.strip()]


def new_data_key() -> str:
    """A fresh key for ``KOOPERATIVET_DATA_KEY`` or ``KOOPERATIVET_BLIND_INDEX_KEY``: base64 of 32 bytes."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _decode_key(text: str, *, name: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{name} must be base64 of 32 bytes") from exc
    if len(key) != 32:
        raise ValueError(f"{name} must be base64 of 32 bytes, not {len(key)}")
    return key


def _read_or_create_secret(path: Path, *, make: Callable[[], str] = lambda: secrets.token_urlsafe(48)) -> str:
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    # The data folder holds the keys and the embedded database: each folder made here is 0700, as
    # ``db upgrade`` makes them, whichever command first needs a key (``serve``, say).
    made = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in made:
        folder.chmod(0o700)
    key = make()
    path.touch(mode=0o600)
    path.write_text(key + "\n", encoding="utf-8")
    return key


def get_settings() -> Settings:
    return Settings()
