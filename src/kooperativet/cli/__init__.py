"""The ``kooperativet`` command. Heavy modules are imported inside commands so that ``--help`` is fast."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from kooperativet.cli import audit as audit_cli
from kooperativet.cli import documents as documents_cli
from kooperativet.cli import export as export_cli
from kooperativet.cli import invoices as invoices_cli
from kooperativet.cli import keys as keys_cli
from kooperativet.cli import knowledge as knowledge_cli
from kooperativet.cli import payroll as payroll_cli
from kooperativet.cli import privacy as privacy_cli
from kooperativet.cli import worker as worker_cli
from kooperativet.cli.errors import (
    CommandLine,
    Force,
    day_option,
    existing_file,
    not_a_file,
    refuse_the_cooperatives_folder,
    refuse_the_cooperatives_own_file,
)
from kooperativet.cli.startup import existing_database, existing_database_url

if TYPE_CHECKING:
    from kooperativet.auth.models import Role
    from kooperativet.auth.schemas import UserCreate
    from kooperativet.config import Settings

# A bug's traceback shows no local variables: they could hold a password (create-user) or a key.
app = typer.Typer(
    cls=CommandLine,
    help="Back office for Swedish employment cooperatives.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(payroll_cli.tax_tables_app, name="tax-tables")
app.add_typer(payroll_cli.app, name="payroll")
app.add_typer(export_cli.app, name="export")
app.add_typer(keys_cli.app, name="keys")
app.add_typer(documents_cli.app, name="documents")
app.add_typer(invoices_cli.app, name="invoices")
app.add_typer(privacy_cli.app, name="privacy")
app.command("worker")(worker_cli.worker)
app.add_typer(knowledge_cli.app, name="knowledge")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="server processes")] = 1,
    reload: Annotated[bool, typer.Option(help="restart on code changes (development)")] = False,
) -> None:
    """Serve the web interface (at /) and the API (docs at /docs, schema at /openapi.json, health at /health).

    It refuses to start on a database not migrated to this version, or whose personal data or audit log was
    written with other keys than the configured ones (a restored backup started with new keys).

    No ``Server`` header names the software to scanners. uvicorn's own proxy-header handling is off: the app
    reads ``X-Forwarded-For`` only from ``KOOPERATIVET_TRUSTED_PROXIES`` (see ``kooperativet.api.edge``).
    """
    import uvicorn

    from kooperativet.cli.startup import refuse_an_unready_database
    from kooperativet.config import get_settings

    _refuse_a_port_in_use(host, port)
    refuse_an_unready_database(get_settings(), command="serve")
    uvicorn.run(
        "kooperativet.main:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        server_header=False,
        proxy_headers=False,
    )


def _refuse_a_port_in_use(host: str, port: int) -> None:
    """Say in one line that the address is taken (or not this machine's), as every command reports a
    problem; uvicorn would log it in its own form. Bound as uvicorn binds, and let go again at once."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
            raise typer.Exit(code=1) from exc


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="target revision")] = "heads",
) -> None:
    """Apply migrations, seed the cooperative from settings, and create a first admin on an empty database."""
    from kooperativet import migrate
    from kooperativet.config import get_settings

    settings = get_settings()
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        _private_sqlite_file(url, settings)
    migrate.upgrade(url, revision)
    typer.echo(f"database at {revision}: {_safe_url(url)}")
    if revision in ("head", "heads"):
        _seed(settings)


def _private_sqlite_file(url: str, settings: Settings) -> None:
    """The embedded database holds everyone's personal data: the data folder and the database's folder are
    made 0700, and the database file 0600, when this makes them (SQLite gives its -wal and -shm files the
    database file's mode). What exists already is left as the operator set it."""
    import os

    from sqlalchemy.engine import make_url

    from kooperativet.backup import PRIVATE_FILE, private_folder

    private_folder(settings.data_dir)
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    path = Path(database)
    private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


# A relative revision such as -1 looks like an option to click; it is the argument here.
@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})
def db_downgrade(revision: Annotated[str, typer.Argument(help="target revision, e.g. -1 or base")]) -> None:
    """Undo migrations down to a revision."""
    from kooperativet import migrate
    from kooperativet.config import get_settings

    migrate.downgrade(existing_database_url(get_settings()), revision)
    typer.echo(f"database downgraded to {revision}")


@db_app.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    from kooperativet import migrate
    from kooperativet.config import get_settings

    migrate.check(existing_database_url(get_settings()))
    typer.echo("models and migrations agree")


def _seed(settings: Settings) -> None:
    """Seed an empty database in one transaction. A setting it cannot use (the first admin's, the
    cooperative's) is named as the operator sets it, and nothing is seeded; what was seeded is said once it
    is committed."""
    from kooperativet.auth import service as auth_service
    from kooperativet.auth.models import Role
    from kooperativet.db import make_engine, make_session_factory, transaction
    from kooperativet.errors import DomainError
    from kooperativet.governance import rulebooks
    from kooperativet.parameters import service as parameters_service
    from kooperativet.parties import service as parties_service
    from kooperativet.workflows.logins import create_login

    said: list[str] = []
    engine = make_engine(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous)
    try:
        with transaction(make_session_factory(engine, audit_key=settings.audit_signing_key)) as session:
            first_admin = _first_admin(settings) if auth_service.count_users(session) == 0 else None
            added = parameters_service.seed_defaults(session)
            if added:
                said.append(f"parameters seeded with {added} dated default values")
            if rulebooks.seed_default_rulebook(session) is not None:
                said.append("default rulebook seeded (lag 2018:672 as the model; adapt it to the stadgar)")
            try:
                cooperative = parties_service.seed_cooperative(session, settings=settings)
            except DomainError as exc:
                _refuse_seeding(_as_settings(exc.detail))
            if cooperative is not None:
                said.append(f"cooperative created: {settings.cooperative_name}")
            if first_admin is not None:
                email, password, generated = first_admin
                admin = create_login(
                    session,
                    email=email,
                    full_name="Administrator",
                    password=password,
                    roles=[Role.admin],
                    by_user_id=None,
                    now=datetime.now(UTC),
                )
                said.append(f"first admin created: {admin.email}")
                if generated:
                    said.append(f"generated password (shown once, change it): {password}")
                said.append(
                    f"sign in at {settings.public_url.rstrip('/')}/ as {admin.email}, and change the "
                    "password under Lösenord"
                )
    finally:
        engine.dispose()
    for line in said:
        typer.echo(line)


_FIRST_ADMIN_EMAIL = "admin@example.org"


def _first_admin(settings: Settings) -> tuple[str, str, bool]:
    """The first admin's e-mail and password, checked as ``create-user`` checks them, and whether the
    password was generated."""
    from pydantic import ValidationError

    from kooperativet.auth.models import Role
    from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH
    from kooperativet.auth.schemas import UserCreate

    given = settings.admin_password.get_secret_value() if settings.admin_password else None
    if given is not None and len(given) < MIN_PASSWORD_LENGTH:
        _refuse_seeding(f"KOOPERATIVET_ADMIN_PASSWORD: at least {MIN_PASSWORD_LENGTH} characters")
    password = given or secrets.token_urlsafe(12)
    email = settings.admin_email or _FIRST_ADMIN_EMAIL
    try:
        checked = UserCreate(email=email, full_name="Administrator", password=password, roles=[Role.admin])
    except ValidationError as exc:
        error = exc.errors()[0]
        setting = "KOOPERATIVET_ADMIN_EMAIL" if error["loc"][0] == "email" else "KOOPERATIVET_ADMIN_PASSWORD"
        _refuse_seeding(f"{setting}: {error['msg']}")
    return checked.email, password, given is None


def _as_settings(detail: str) -> str:
    """A refusal of the cooperative's seeded identity, its fields named as the settings they came from."""
    import re

    return re.sub(
        r"\b(organisation_number|vat_number|street|postal_code|city|bankgiro|iban|bic|contact_name|"
        r"contact_email|contact_phone)\b(?=:)",
        lambda field: f"KOOPERATIVET_COOPERATIVE_{field.group(1).upper()}",
        detail,
    )


def _refuse_seeding(problem: str) -> NoReturn:
    typer.echo(
        f"error: {problem.rstrip('.')}. The database is migrated but nothing was seeded: correct the setting "
        "and run 'kooperativet db upgrade' again.",
        err=True,
    )
    raise typer.Exit(code=1)


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="login e-mail")],
    name: Annotated[str, typer.Option(help="full name")],
    role: Annotated[list[str], typer.Option(help="member, treasurer, board, admin or auditor; repeatable")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="at least 10 characters; when not given, asked for twice and hidden (kept out of ps)",
        ),
    ],
) -> None:
    """Create a user with one or more roles."""
    from kooperativet.auth.models import Role
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction
    from kooperativet.errors import DomainError
    from kooperativet.workflows.logins import create_login

    try:
        roles = [Role(r) for r in role]
    except ValueError as exc:
        raise typer.BadParameter(f"roles are {', '.join(Role)}", param_hint="--role") from exc
    _password_option(password)
    data = _user_create(email=email, name=name, password=password, roles=roles)
    engine = existing_database(get_settings())
    try:
        with transaction(make_session_factory(engine, audit_key=get_settings().audit_signing_key)) as session:
            user = create_login(
                session,
                email=data.email,
                full_name=data.full_name,
                password=password,
                roles=data.roles,
                by_user_id=None,
                now=datetime.now(UTC),
            )
            typer.echo(f"user {user.id} created: {user.email} ({', '.join(sorted(user.roles))})")
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()


@app.command("set-password")
def set_password(
    email: Annotated[str, typer.Option(help="the login's e-mail")],
    password: Annotated[
        str,
        typer.Option(
            prompt="New password",
            hide_input=True,
            confirmation_prompt=True,
            help="at least 10 characters; when not given, asked for twice and hidden (kept out of ps)",
        ),
    ],
) -> None:
    """Set a login's password on the server: for a lost admin password where no e-mail can be sent. Her
    sign-ins end, and the change is audited as made at the command line."""
    from sqlalchemy import select

    from kooperativet.auth.models import User
    from kooperativet.auth.service import normalise_email
    from kooperativet.config import get_settings
    from kooperativet.db import make_session_factory, transaction
    from kooperativet.errors import DomainError
    from kooperativet.workflows.logins import change_login

    _password_option(password)
    settings = get_settings()
    engine = existing_database(settings)
    try:
        with transaction(make_session_factory(engine, audit_key=settings.audit_signing_key)) as session:
            user = session.scalar(select(User).where(User.email == normalise_email(email)))
            if user is None:
                typer.echo(f"error: no login has the e-mail {normalise_email(email)}", err=True)
                raise typer.Exit(code=1)
            change_login(
                session,
                user=user,
                version=user.version,
                by_user_id=None,
                now=datetime.now(UTC),
                password=password,
            )
            disabled = "" if user.is_active else "; the login is disabled: an admin enables it"
            typer.echo(f"password set for {user.email}; every sign-in of that login has ended{disabled}")
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()


def _password_option(password: str) -> None:
    """The password policy of every place a password is chosen (``check_new_password``), checked before the
    database is opened: a password the policy refuses is a bad ``--password``, exit 2, for ``create-user``
    and ``set-password`` alike (README, "Command line"), as a bad ``--email`` or ``--role`` is."""
    from kooperativet.auth.account_links import check_new_password
    from kooperativet.errors import DomainError

    try:
        check_new_password(password)
    except DomainError as exc:
        raise typer.BadParameter(exc.detail, param_hint="--password") from exc


def _user_create(*, email: str, name: str, password: str, roles: list[Role]) -> UserCreate:
    """The same checks as ``POST /users``: a CLI-made login must be one the API would have accepted."""
    from pydantic import ValidationError

    from kooperativet.auth.schemas import UserCreate

    try:
        return UserCreate(email=email, full_name=name, password=password, roles=roles)
    except ValidationError as exc:
        error = exc.errors()[0]
        option = {"email": "--email", "full_name": "--name"}.get(str(error["loc"][0]), "--password")
        raise typer.BadParameter(error["msg"], param_hint=option) from exc


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="folder for the demo database, documents and manifest.json")],
    today: Annotated[str, typer.Option(help="the demo's fixed 'today' (YYYY-MM-DD)")] = "2026-11-20",
    database_url: Annotated[
        str | None, typer.Option(help="use this (new, empty) database instead of a new SQLite file")
    ] = None,
) -> None:
    """Build a demo cooperative through the same services as the API and write its documents. A folder
    that holds the cooperative's own database or keys is refused."""
    from kooperativet.demo import DEMO_DATABASE, run_demo

    refuse_the_cooperatives_folder(out, demo_database=DEMO_DATABASE)
    fixed_today = day_option(today, option="--today")
    if database_url is not None:
        from kooperativet.config import unsupported_database

        problem = unsupported_database(database_url)
        if problem is not None:
            raise typer.BadParameter(problem, param_hint="--database-url")
        _refuse_a_used_database(database_url)
    manifest_path = run_demo(out=out, today=fixed_today, database_url=database_url)
    typer.echo(f"demo written to {out.resolve()}")
    typer.echo(f"open first: {manifest_path}")


def _refuse_a_used_database(url: str) -> None:
    """The demo creates its own cooperative: on a database that has one it would stop halfway."""
    from sqlalchemy import func, inspect, select

    from kooperativet.db import make_engine
    from kooperativet.parties.models import Cooperative

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            used = inspect(connection).has_table(Cooperative.__tablename__) and bool(
                connection.scalar(select(func.count()).select_from(Cooperative.__table__))
            )
    finally:
        engine.dispose()
    if used:
        raise typer.BadParameter(
            "the demo needs a new, empty database; this one has a cooperative", param_hint="--database-url"
        )


@app.command()
def backup(
    out: Annotated[Path, typer.Option(dir_okay=False, help="the backup file to write")],
    force: Force = False,
) -> None:
    """A consistent copy of the database (SQLite online backup; PostgreSQL with pg_dump, custom format).

    The file is readable by its owner only (0600). An existing file is refused unless ``--force``. The keys
    are never in it: the command names, by id, the keys a restore needs, to be kept apart from the backup
    (README, "Restore from backup")."""
    import sqlite3

    from kooperativet.backup import BackupFailed, NotARegularFile, backup_database, keys_to_restore
    from kooperativet.config import get_settings

    refuse_the_cooperatives_own_file(out)  # the live database or a key: no backup at all, and the books lost
    settings = get_settings()
    try:
        written = backup_database(existing_database_url(settings), out, overwrite=force)
    except FileExistsError as exc:
        raise existing_file(out) from exc
    except NotARegularFile as exc:
        raise not_a_file(out, exc) from exc
    except (BackupFailed, sqlite3.Error) as exc:  # sqlite3's own: the copy could not be written
        problem = " ".join(str(exc).split())
        if "permission denied for " in problem:  # pg_dump, on tables restored as another user
            from kooperativet.cli.errors import NOT_THE_TABLES_OWNER

            problem = f"{problem}; {NOT_THE_TABLES_OWNER}"
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"backup written to {written} ({written.stat().st_size} bytes, readable by its owner only)")
    needed = keys_to_restore(settings)
    listed = "; ".join(f"{key.setting} = key {', '.join(key.ids)}" for key in needed)
    typer.echo(f"a restore needs these keys, which are not in the backup (keep them apart from it): {listed}")
    for key in needed:
        if not key.configured:
            typer.echo(
                f"warning: data key {', '.join(key.ids)} is not among the configured keys: find it, or this "
                "backup's personal data cannot be read",
                err=True,
            )


@app.command()
def version() -> None:
    """Print the version."""
    from kooperativet import __version__

    typer.echo(__version__)


def _safe_url(url: str) -> str:
    """The URL without its password, for printing (SQLAlchemy's own rendering: ``***`` for a password)."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
