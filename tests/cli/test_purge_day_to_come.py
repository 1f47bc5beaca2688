"""``kooperativet privacy purge --day`` never runs as on a day to come: a day after today in Sweden is a usage
error on ``--day`` (exit 2), given before the database is opened, and nothing is purged. Such a purge would
erase what the law still requires kept today, and on PostgreSQL the tables' triggers refused it in the
database's words. ``--dry-run`` may look ahead: it changes nothing. Each command runs in a new process, on
SQLite or PostgreSQL (``KOOPERATIVET_TEST_DATABASE_URL``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kooperativet.api.dependencies import today
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.parties.models import Member
from tests.cli.fresh import Kooperativet, output, rows
from tests.conftest import TEST_AUDIT_KEY


@pytest.fixture
def kooperativet(committed_url: str, tmp_path: Path) -> Kooperativet:
    return Kooperativet(committed_url, tmp_path)


NUMBER = "199005142385"
IDENTITY = "SELECT personal_identity_number IS NULL, birth_date IS NULL, purged_at IS NULL FROM members"


def _removed_member_kept_until_the_end_of_next_year(url: str) -> tuple[int, date]:
    """A member who left six years ago and was removed, without payslip or invoice: kept until 31 December
    of next year, so the first day she may be purged on, 1 January the year after, is still to come."""
    left_on = date(today().year - 6, 6, 30)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
            member = Member(
                first_name="Borttagen",
                last_name="medlem",
                personal_identity_number=NUMBER,
                birth_date=date(1990, 5, 14),
                joined_on=date(left_on.year - 1, 1, 1),
                left_on=left_on,
                pseudonymised_at=datetime(left_on.year, 7, 1, tzinfo=UTC),
            )
            session.add(member)
            session.flush()
            return member.id, date(left_on.year + 8, 1, 1)
    finally:
        engine.dispose()


def test_a_purge_as_on_a_day_to_come_is_refused_and_purges_nothing(
    committed_url: str, kooperativet: Kooperativet
) -> None:
    member_id, due = _removed_member_kept_until_the_end_of_next_year(committed_url)
    engine = make_engine(committed_url)
    try:
        # The plan may look ahead: it changes nothing, and the day a member falls due is what it is for.
        planned = output(kooperativet("privacy", "purge", "--dry-run", "--day", str(due)))
        assert planned[0].startswith(f"member {member_id} (retained until {due - timedelta(days=1)}): ")
        assert planned[-2] == f"1 member(s) due for the purge on {due}"

        for day in (due, today() + timedelta(days=1)):
            result = kooperativet("privacy", "purge", "--day", str(day))
            assert result.returncode == 2, result.stderr
            assert result.stdout == ""
            assert result.stderr.startswith(
                f"error: Invalid value for --day: {day} is after today ({today()}) in Sweden; "
                "a purge cannot run as on a day to come"
            )
            assert "Traceback" not in result.stderr
        assert rows(engine, IDENTITY) == [(False, False, True)]
        assert rows(engine, "SELECT count(*) FROM audit_events WHERE kind LIKE '%purged%'") == [(0,)]

        # Today, given or not, is no day to come: the purge runs, and she is not due yet.
        assert output(kooperativet("privacy", "purge", "--day", str(today())))[-2] == (
            f"0 member(s) purged on {today()}"
        )
        assert output(kooperativet("privacy", "purge"))[-2] == f"0 member(s) purged on {today()}"
        assert rows(engine, IDENTITY) == [(False, False, True)]
    finally:
        engine.dispose()


def test_a_day_to_come_is_refused_before_the_database_is_opened(tmp_path: Path) -> None:
    database = tmp_path / "data" / "kooperativet.sqlite3"
    kooperativet = Kooperativet(database_url=f"sqlite:///{database}", folder=tmp_path)
    tomorrow = today() + timedelta(days=1)

    result = kooperativet("privacy", "purge", "--day", str(tomorrow))

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"error: Invalid value for --day: {tomorrow} is after today")
    assert result.stderr.endswith("(see 'kooperativet privacy purge --help')\n")
    assert not database.exists()
