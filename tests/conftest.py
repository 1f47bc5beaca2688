"""Test fixtures: a throw-away database built by the real migrations, one rolled-back transaction per test.

SQLite by default. With ``KOOPERATIVET_TEST_DATABASE_URL`` pointing at a PostgreSQL server (any database on
it, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) the suite creates its own database there
and drops it at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from kooperativet import encryption, migrate
from kooperativet.auth import passwords
from kooperativet.auth.dependencies import token_config
from kooperativet.auth.models import Role, User, UserRole
from kooperativet.auth.passwords import hash_password
from kooperativet.auth.tokens import issue_access_token
from kooperativet.config import JobsMode, Settings
from kooperativet.db import AUDIT_KEY, make_engine
from kooperativet.jobs.runner import run_inline
from kooperativet.main import create_app, use_settings
from kooperativet.parties.models import Client, Cooperative, Member, MemberTaxSetting, TaxMode
from tests.mailbox import Mailbox

pytest_plugins = ["tests.mailbox"]  # the smtp_server fixture

TEST_DATABASE_ENV = "KOOPERATIVET_TEST_DATABASE_URL"
TEST_AUDIT_KEY = b"the test suite's audit key, 32 bytes or more"
PASSWORD = "correct horse battery staple"
#: The official files (XSDs, examples) the tests compare with; each folder names its sources in SOURCES.md.
REFERENCE = Path(__file__).resolve().parent / "reference"
#: Fixed test keys (base64 of 32 bytes): the session's keyring and every test's settings use the same ones.
TEST_DATA_KEY = "dGVzdC1kYXRhLWtleS10ZXN0LWRhdGEta2V5LXRlc3Q="
TEST_BLIND_INDEX_KEY = "dGVzdC1ibGluZC1pbmRleC1rZXktdGVzdC1ibGluZC0="


#: Argon2 at its lowest cost for the suite's own passwords. At pwdlib's recommended cost, which the app uses
#: (``tests/auth/test_passwords.py`` holds it to that), each sign-in spends 0.15 s on purpose, and the suite
#: signs in thousands of times. A stored hash names its own cost, so either kind is checked the same way.
QUICK_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", lambda: QUICK_HASHER)
        passwords._dummy_hash.cache_clear()  # the timing guard's hash, at the same cost as the others
        yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    with throwaway_postgres_database(server_url) as url:
        yield url


class throwaway_postgres_database:
    """Create a uniquely named database on the server (empty, or a copy of ``template``) and drop it
    afterwards."""

    def __init__(self, server_url: str, template: str | None = None) -> None:
        self.admin_url = make_url(server_url)
        self.name = f"kooperativet_test_{secrets.token_hex(4)}"
        self.template = template
        self.admin: Engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> str:
        copied = f' TEMPLATE "{self.template}"' if self.template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"{copied}'))
        return self.admin_url.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def keyring(tmp_path_factory: pytest.TempPathFactory) -> encryption.Keyring:
    """The process's encryption keys for the whole run, before any row is written."""
    return encryption.configure(
        Settings(
            env="test",
            data_dir=tmp_path_factory.mktemp("keys"),
            data_key=TEST_DATA_KEY,
            blind_index_key=TEST_BLIND_INDEX_KEY,
        )
    )


@pytest.fixture(autouse=True)
def keyring_restored(keyring: encryption.Keyring) -> Iterator[None]:
    """Every test ends with the session's keys configured again: a command run in-process (``CliRunner``)
    configures the keys of its own environment, and the next test in the same worker must not read with
    them."""
    yield
    encryption.use(keyring)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory, keyring: encryption.Keyring) -> Iterator[str]:
    """A database built by the migrations once per test worker and never opened again: what
    ``committed_url`` copies (the migrations take a second or two on PostgreSQL, a copy a fraction)."""
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if server_url:
        with throwaway_postgres_database(server_url) as url:
            migrate.upgrade(url)  # its engine is disposed: a template must have no connection
            yield make_url(url).database or ""
        return
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")  # closed, so that the file holds everything (no -wal beside it)
    yield str(path)


@pytest.fixture
def committed_url(tmp_path: Path, migrated_database: str) -> Iterator[str]:
    """A database of its own, as the migrations build it, for tests that need real commits seen by others."""
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if server_url:
        with throwaway_postgres_database(server_url, template=migrated_database) as url:
            yield url
    else:
        copy = tmp_path / "committed.sqlite3"
        shutil.copyfile(migrated_database, copy)
        yield f"sqlite:///{copy}"


@pytest.fixture(scope="session")
def engine(database_url: str, keyring: encryption.Keyring) -> Iterator[Engine]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One outer transaction per test, rolled back at the end; sessions inside use savepoints."""
    with engine.connect() as connection:
        outer = connection.begin()
        yield connection
        outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={AUDIT_KEY: TEST_AUDIT_KEY},
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="t" * 48,
        audit_key=TEST_AUDIT_KEY.decode(),
        data_key=TEST_DATA_KEY,
        blind_index_key=TEST_BLIND_INDEX_KEY,
        login_attempts_per_window=5,
        jobs_mode=JobsMode.inline,
    )


#: The worker's apps, one per kind of settings (all but the data folder). FastAPI builds an app's routes on
#: its first request, about half a second for ours: an app of its own for every test cost the suite minutes.
_APPS: dict[str, FastAPI] = {}


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[FastAPI]:
    """The app as a test needs it: its settings, its own throttles, no dependency overrides, and a session on
    the test's connection for each request (its commit releases a savepoint and its rollback returns to one,
    as a real request's transaction would)."""
    shape = settings.model_dump_json(exclude={"data_dir"}) + settings.resolved_database_url
    if settings.resolved_jobs_mode is not JobsMode.inline:
        app = create_app(settings)  # its embedded worker is its own: never shared
    elif (app := _APPS.get(shape)) is None:
        app = _APPS[shape] = create_app(settings)
    else:
        use_settings(app, settings)
    app.state.session_factory = session_factory
    run_inline(session_factory, settings)  # a request's e-mail and documents are done when it answers
    yield app
    app.dependency_overrides.clear()


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@dataclass
class Actor:
    user: User
    headers: dict[str, str]
    member: Member | None = None


@pytest.fixture
def make_user(session: Session, settings: Settings, password_hash: str):
    counter = iter(range(1, 10_000))

    def make(*roles: Role, email: str | None = None, active: bool = True) -> Actor:
        user = User(
            email=email or f"user{next(counter)}@example.se",
            full_name="Test Person",
            password_hash=password_hash,
            is_active=active,
        )
        user.role_rows = [UserRole(role=r) for r in roles]
        session.add(user)
        session.flush()
        token, _ = issue_access_token(config=token_config(settings), user_id=user.id, now=datetime.now(UTC))
        return Actor(user=user, headers={"Authorization": f"Bearer {token}"})

    return make


VALID_PERSONAL_NUMBERS = ["19900514-1230", "19560302-2343", "20040830-3451", "19371201-4566", "19850131-5678"]
#: More for a test that needs more members than the list above (which some tests take whole).
MORE_PERSONAL_NUMBERS = ["19720315-1233", "19881122-2341", "19950709-3459", "19691003-4567"]


@pytest.fixture
def make_member(session: Session, make_user):
    numbers = iter(VALID_PERSONAL_NUMBERS + MORE_PERSONAL_NUMBERS)

    def make(*roles: Role) -> Actor:
        actor = make_user(Role.member, *roles)
        number = next(numbers).replace("-", "")
        member = Member(
            user_id=actor.user.id,
            first_name="Mia",
            last_name=f"Medlem{actor.user.id}",
            personal_identity_number=number,
            birth_date=date(int(number[:4]), int(number[4:6]), int(number[6:8])),
            joined_on=date(2025, 1, 1),
            email=actor.user.email,
            bank_clearing_number="6000",
            bank_account_number="123456789",
        )
        member.tax_settings = [MemberTaxSetting(valid_from=date(2025, 1, 1), mode=TaxMode.flat, percent=30)]
        session.add(member)
        session.flush()
        actor.member = member
        return actor

    return make


@pytest.fixture
def cooperative(session: Session) -> Cooperative:
    cooperative = Cooperative(name="Testkooperativet", organisation_number="769600-1234", country="SE")
    session.add(cooperative)
    session.flush()
    return cooperative


@pytest.fixture
def client_record(session: Session) -> Client:
    client = Client(name="Malmö stad", organisation_number="212000-1124", country="SE", public_sector=True)
    session.add(client)
    session.flush()
    return client


def expired(settings: Settings, user_id: int) -> str:
    token, _ = issue_access_token(
        config=token_config(settings), user_id=user_id, now=datetime.now(UTC) - timedelta(hours=2)
    )
    return token


@pytest.fixture
def mailbox(smtp_server: tuple[Mailbox, int], settings: Settings) -> Mailbox:
    """An empty mailbox on a real SMTP server, and ``settings`` pointed at it (plain SMTP, no TLS)."""
    box, port = smtp_server
    box.clear()
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = port
    settings.smtp_starttls = False
    settings.smtp_from = "Interim kultur <kansliet@example.org>"
    return box
