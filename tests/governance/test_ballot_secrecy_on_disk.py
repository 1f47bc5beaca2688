"""A copy of the SQLite files taken while a secret vote is open holds no ballot's choice (quality R13).

Unlike the other governance tests, these commit for real, each ballot in its own transaction as the API
does, to a database file of their own (``migrate.upgrade`` on a temporary path), and then read the raw bytes
of the main file and of its write-ahead log, the ``-wal`` file an attacker would copy.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from kooperativet import migrate
from kooperativet.db import AUDIT_KEY, make_engine
from kooperativet.governance.meetings import create_meeting, open_meeting, register_attendance
from kooperativet.governance.models import Vote, VoteMethod
from kooperativet.governance.results import close_vote
from kooperativet.governance.rulebooks import seed_default_rulebook
from kooperativet.governance.rules.terms import Choice, MeetingKind
from kooperativet.governance.schemas.votes import BallotCreate, VoteCreate
from kooperativet.governance.verification import recount
from kooperativet.governance.votes import cast_vote, open_vote
from kooperativet.parties.models import Member
from tests.conftest import TEST_AUDIT_KEY, VALID_PERSONAL_NUMBERS
from tests.governance.conftest import TELLERS_PASSPHRASE, TEST_TALLY_KEY_BITS

NOW = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
CANDIDATES = ["Ingrid Kandidatsson", "Olof Kandidatsson", "Siv Kandidatsson"]
CHOICES = [Choice.YES, Choice.NO, Choice.YES, Choice.ABSTAIN, Choice.YES]
ELECTION_BALLOTS = [CANDIDATES[:2], [CANDIDATES[2]], [], [CANDIDATES[0]], CANDIDATES[1:]]
#: What the ballots stored in plain before encryption: the choice words and the candidates' names.
PLAINTEXT_MARKERS = [b"selection", b'"yes"', b'"no"', b'"abstain"', *(name.encode() for name in CANDIDATES)]


@dataclass
class FileDatabase:
    path: Path
    engine: Engine
    member_ids: list[int]
    secret_vote_id: int
    election_id: int

    def files(self) -> tuple[bytes, bytes]:
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.read_bytes(), wal.read_bytes() if wal.exists() else b""

    def checkpoint(self) -> None:
        # Outside any transaction (the engine's BEGIN IMMEDIATE would lock it), on the driver's connection.
        connection = self.engine.raw_connection()
        try:
            busy, _, _ = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            assert busy == 0
        finally:
            connection.close()


@pytest.fixture
def file_database(tmp_path: Path) -> Iterator[FileDatabase]:
    path = tmp_path / "kooperativet.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine, info={AUDIT_KEY: TEST_AUDIT_KEY}) as session, session.begin():
        seed_default_rulebook(session)
        members = [
            Member(
                first_name="Mia",
                last_name=f"Medlem{index}",
                personal_identity_number=number.replace("-", ""),
                birth_date=date(int(number[:4]), int(number[4:6]), int(number[6:8])),
                joined_on=date(2025, 1, 1),
            )
            for index, number in enumerate(VALID_PERSONAL_NUMBERS)
        ]
        session.add_all(members)
        session.flush()
        meeting = create_meeting(
            session, kind=MeetingKind.ANNUAL, title="Årsmöte", held_on=NOW.date(), location=None
        )
        open_meeting(session, meeting=meeting, override_reason="test without notice", now=NOW)
        for member in members:
            register_attendance(session, meeting=meeting, member_id=member.id)
        votes = [
            open_vote(
                session,
                meeting=meeting,
                data=VoteCreate(tellers_passphrase=TELLERS_PASSPHRASE, **body),
                now=NOW,
                tally_key_bits=TEST_TALLY_KEY_BITS,
                rng=random.SystemRandom(),
            )
            for body in (
                {"method": VoteMethod.secret, "question": "Köpa en lokal?"},
                {"method": VoteMethod.election, "question": "Val", "seats": 2, "candidates": CANDIDATES},
            )
        ]
        database = FileDatabase(path, engine, [m.id for m in members], votes[0].id, votes[1].id)
    database.checkpoint()
    yield database
    engine.dispose()


def cast_one_by_one(database: FileDatabase) -> None:
    """Each ballot in its own committed transaction, as each POST of the API does."""
    for member_id, choice, names in zip(database.member_ids, CHOICES, ELECTION_BALLOTS, strict=True):
        for vote_id, body in (
            (database.secret_vote_id, {"choice": choice}),
            (database.election_id, {"candidates": names}),
        ):
            with Session(database.engine, info={AUDIT_KEY: TEST_AUDIT_KEY}) as session, session.begin():
                cast_vote(
                    session,
                    vote=session.get_one(Vote, vote_id),
                    caster=session.get_one(Member, member_id),
                    data=BallotCreate(**body),
                    now=NOW,
                    rng=random.SystemRandom(),
                )


def receipts(database: FileDatabase) -> list[bytes]:
    with database.engine.connect() as connection:
        return [r.encode() for r in connection.execute(text("SELECT receipt FROM secret_ballots")).scalars()]


def test_the_write_ahead_log_of_an_open_vote_holds_ballots_but_no_choice(file_database: FileDatabase) -> None:
    main_before, _ = file_database.files()
    cast_one_by_one(file_database)
    main, wal = file_database.files()
    assert main == main_before  # every ballot so far lives only in the -wal file
    stored = receipts(file_database)
    assert len(stored) == 10
    assert all(receipt in wal for receipt in stored)  # the WAL frames do hold the ballots, in casting order
    for marker in PLAINTEXT_MARKERS:
        assert marker not in wal, marker


def test_the_database_file_gains_no_choice_when_the_ballots_are_checkpointed(
    file_database: FileDatabase,
) -> None:
    before, _ = file_database.files()
    cast_one_by_one(file_database)
    file_database.checkpoint()
    after, wal = file_database.files()
    assert wal == b""
    assert all(receipt in after for receipt in receipts(file_database))
    for marker in PLAINTEXT_MARKERS:
        assert after.count(marker) == before.count(marker), marker


def test_the_tally_key_is_stored_only_wrapped_and_is_gone_after_close(file_database: FileDatabase) -> None:
    cast_one_by_one(file_database)
    with Session(file_database.engine, info={AUDIT_KEY: TEST_AUDIT_KEY}) as session, session.begin():
        vote = session.get_one(Vote, file_database.secret_vote_id)
        assert vote.tally_key_wrapped is not None
        assert '"sealed"' in vote.tally_key_wrapped
        close_vote(
            session,
            vote=vote,
            chair_casting_vote=None,
            now=NOW,
            lot_seed=1,
            shuffle_seed=2,
            actor=None,  # type: ignore[arg-type]  # used only when a decision sets a parameter
            tellers_passphrase=TELLERS_PASSPHRASE,
        )
        assert vote.tally_key_wrapped is None
    with Session(file_database.engine, info={AUDIT_KEY: TEST_AUDIT_KEY}) as session:
        closed = session.get_one(Vote, file_database.secret_vote_id)
        assert closed.tally_key_wrapped is None
        assert recount(session, vote=closed).ok
