"""The command line's error boundary: bad input or a bad setup ends in one line on stderr, never a traceback.

Click's usage errors, the services' ``DomainError``, a file that cannot be read or written, a database that
cannot be reached or is not migrated yet, settings that do not validate and Alembic's refusals each become
``error: …`` with a non-zero exit code. Anything else is a bug and keeps its traceback (``app`` shows it
without local variables, which could hold a password or a key).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

#: SQLSTATEs (PostgreSQL) of a schema older than the code: undefined table, undefined column.
_NOT_MIGRATED_SQLSTATES = frozenset({"42P01", "42703"})
#: PostgreSQL's insufficient_privilege: typically tables restored by another user than the application's.
_NO_PRIVILEGE_SQLSTATE = "42501"
#: What to do about it, said by every command that meets it (pg_dump's refusal in ``backup`` too).
NOT_THE_TABLES_OWNER = (
    "the user in KOOPERATIVET_DATABASE_URL may not use the tables: make it their owner (a restore as another "
    'user: pg_restore --no-owner --role=THAT_USER, README "Restore from backup")'
)


class CommandLine(TyperGroup):
    """The top-level group: runs a command; an expected failure becomes ``error: …`` and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            arguments = sys.argv[1:] if args is None else list(args)
            if arguments and "--help" not in arguments:  # the help needs no file and refuses no setting
                from kooperativet.cli.startup import hand_on_project_paths

                hand_on_project_paths()
            # The name in usage lines and hints is the installed command's, also under ``python -m``.
            result = super().main(
                args, prog_name or "kooperativet", complete_var, False, windows_expand_args, **extra
            )
        except Exception as exc:
            described = describe(exc)
            if described is None:
                raise
            message, code = described
            if message:
                typer.echo(f"error: {message}", err=True)
            sys.exit(code)
        # Without standalone mode click returns an explicit exit's code (typer.Exit), else the command's.
        sys.exit(result if isinstance(result, int) else 0)


def day_option(text: str, *, option: str) -> date:
    """A day given on the command line, written YYYY-MM-DD as everywhere in kooperativet; anything else
    (``30/11``, ``2026-11-31``, ``20261130``) is a usage error naming the option."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise typer.BadParameter(f"{text!r} is not a day written YYYY-MM-DD", param_hint=option)


def period_option(text: str, *, option: str = "--period") -> str:
    """A month given on the command line, YYYY-MM (``2026-11``): anything else is a usage error naming the
    option, as a day that is not YYYY-MM-DD is, before the database is opened."""
    from kooperativet.errors import DomainError
    from kooperativet.exports.service.period import parse_period

    try:
        parse_period(text)
    except DomainError as exc:
        raise typer.BadParameter(exc.detail, param_hint=option) from exc
    return text


#: ``--force`` of the commands that write a file and refuse to write over one that exists.
Force = Annotated[bool, typer.Option("--force", help="write over the file if it exists")]


def existing_file(out: Path) -> typer.BadParameter:
    """The usage error of an ``--out`` that exists, as click's own for one that is a folder: nothing was
    written over (an older backup or export would be lost without a word)."""
    return typer.BadParameter(f"{out} exists; give --force to write over it", param_hint="--out")


def not_a_file(out: Path, exc: Exception) -> typer.BadParameter:
    """The usage error of an ``--out`` that is a device, a pipe or a socket (``/dev/stdout``): ``--force``
    would not help, and the device is left as it was (``backup.NotARegularFile``)."""
    return typer.BadParameter(str(exc), param_hint="--out")


def refuse_the_cooperatives_own_file(out: Path) -> None:
    """The usage error of an ``--out`` that is the live SQLite database, its journal, a key in the data folder
    or ``.env``, ``--force`` or not (``backup.TheCooperativesOwnFile``): a mistyped path would lose the
    books, or the keys that read them. Said before anything is opened, as the other ``--out`` errors are."""
    from kooperativet.backup import TheCooperativesOwnFile, files_to_keep
    from kooperativet.backup import refuse_the_cooperatives_own_file as refuse
    from kooperativet.config import get_settings

    try:
        refuse(out, files_to_keep(get_settings()))
    except TheCooperativesOwnFile as exc:
        raise typer.BadParameter(str(exc), param_hint="--out") from exc


def refuse_the_cooperatives_folder(out: Path, *, demo_database: str) -> None:
    """The usage error of a ``demo --out`` folder that holds the running cooperative's own files (its SQLite
    database, a key kept in its data folder, ``.env``): the demo would write a second cooperative's database,
    documents and manifest among them, encrypted under the live keys. The demo's own folder, served with its
    own database (``KOOPERATIVET_DATABASE_URL=sqlite:///demo-out/demo.sqlite3``), is not such a folder:
    building the demo there again is what ``make demo`` does."""
    from kooperativet.backup import files_to_keep
    from kooperativet.config import get_settings

    folder = out.resolve()
    kept = files_to_keep(get_settings())
    if any(file.path.resolve() == folder / demo_database for file in kept):
        return  # what runs is the demo itself: the database and keys in its folder are the demo's
    for file in kept:
        if file.path.exists() and file.path.resolve().parent == folder:
            raise typer.BadParameter(
                f"{out} holds {file.what} ({file.path.resolve()}); the demo builds a cooperative of its own, "
                "so name a new or empty folder; nothing was written",
                param_hint="--out",
            )


@contextmanager
def replacing_out(out: Path, *, force: bool) -> Iterator[Path]:
    """The file beside ``out`` to write into, which takes ``out``'s place once the block ends whole
    (``backup.written_in_place_of``). Entered before the database is opened or anything computed: an
    ``out`` that is one of the cooperative's own files is then a usage error, forced or not
    (:func:`refuse_the_cooperatives_own_file`), and an existing ``out`` is the usage error of
    :func:`existing_file` unless ``force``, both left byte for byte as they were; a failure on the way leaves
    an earlier file as it was, and no half file."""
    from kooperativet.backup import NotARegularFile, written_in_place_of

    refuse_the_cooperatives_own_file(out)
    with ExitStack() as stack:
        try:
            partial = stack.enter_context(written_in_place_of(out, overwrite=force))
        except FileExistsError as exc:
            raise existing_file(out) from exc
        except NotARegularFile as exc:
            raise not_a_file(out, exc) from exc
        yield partial


def describe(exc: Exception) -> tuple[str, int] | None:
    """The one-line message and exit code of an expected failure; ``None`` for a bug."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # the help itself, printed already (typer does the same)
        return _one_line(str(exc)), 2
    if isinstance(exc, typer.TyperException):  # click's usage errors: bad or missing options and arguments
        context = getattr(exc, "ctx", None)
        hint = f" (see '{context.command_path} --help')" if context is not None else ""
        return _one_line(exc.format_message()) + hint, exc.exit_code
    if isinstance(exc, typer.Abort):
        return "aborted", 1
    return _from_the_application(exc)


def _from_the_application(exc: Exception) -> tuple[str, int] | None:
    # Imported here: only a failing command pays for them, and --help stays fast.
    from alembic.util import CommandError
    from pydantic import ValidationError
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from kooperativet.errors import DomainError

    if isinstance(exc, DomainError):
        return _one_line(exc.detail), 1
    if isinstance(exc, DBAPIError):
        return _database_error(exc), 1
    if isinstance(exc, ArgumentError):
        return f"the database URL is not usable: {_one_line(str(exc))}", 1
    if isinstance(exc, CommandError):
        return f"migrations: {_one_line(str(exc))}", 1
    if isinstance(exc, ValidationError):
        problems = "; ".join(_problem(exc.title, error) for error in exc.errors())
        return f"{exc.title}: {_one_line(problems)}", 1
    if isinstance(exc, OSError):
        if exc.filename is not None:
            return f"{exc.strerror}: {exc.filename}", 1
        return _one_line(str(exc)), 1
    return None


def _problem(model: str, error: Any) -> str:
    """One validation error: where, and what is wrong. A setting is named as the operator sets it,
    ``KOOPERATIVET_SMTP_PORT``, not as the attribute ``smtp_port``."""
    from kooperativet.config import Settings

    where = ".".join(str(part) for part in error["loc"])
    if model == Settings.__name__ and where:
        where = f"{Settings.model_config.get('env_prefix', '')}{where.upper()}"
    return ": ".join(filter(None, (where, error["msg"])))


def _database_error(exc: Any) -> str:
    """The driver's own first line (the SQL and parameters are noise here), with the way out when known."""
    original = exc.orig
    first = _first_line(str(original)) if original is not None else _first_line(str(exc))
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate in _NOT_MIGRATED_SQLSTATES or first.startswith(("no such table", "no such column")):
        return f"the database is not migrated to this version ({first}); run 'kooperativet db upgrade' first"
    if sqlstate == _NO_PRIVILEGE_SQLSTATE:
        return f"the database: {first}; {NOT_THE_TABLES_OWNER}"
    return f"the database: {first}"


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text


def _one_line(text: str) -> str:
    # pydantic (settings, and typer's own conversions) starts a validator's message with "Value error, ".
    return " ".join(text.replace("Value error, ", "").split())
