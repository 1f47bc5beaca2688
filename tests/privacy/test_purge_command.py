"""``kooperativet privacy purge [--dry-run]`` as an admin runs it from cron: ids and counts only, of members
and of export files whose retention has ended."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.exports.models import ExportBatch, ExportKind
from kooperativet.parties.models import Member
from tests.cli.fresh import Kooperativet, output, rows
from tests.conftest import TEST_AUDIT_KEY

NUMBER = "199005142385"
AGI = f"<Skatteverket><Arendeinformation>{NUMBER}</Arendeinformation></Skatteverket>".encode()


def _removed_member_and_an_old_export(url: str) -> tuple[int, int]:
    """A member who left in 2017 and was removed: with no payslip or invoice, kept until 31 December 2024.
    And the AGI of June 2016, naming her: kept until 31 December 2023. Both days are past: a purge never runs
    as on a day to come (tests/cli/test_purge_day_to_come.py)."""
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
            member = Member(
                first_name="Borttagen",
                last_name="medlem",
                personal_identity_number=NUMBER,
                birth_date=date(1990, 5, 14),
                joined_on=date(2015, 1, 1),
                left_on=date(2017, 6, 30),
                pseudonymised_at=datetime(2017, 7, 1, tzinfo=UTC),
            )
            agi = ExportBatch(
                kind=ExportKind.agi,
                period="2016-06",
                filename="agi-2016-06.xml",
                media_type="application/xml",
                content=AGI,
                sha256=hashlib.sha256(AGI).hexdigest(),
                notes=[],
                created_at=datetime(2016, 7, 5, tzinfo=UTC),
            )
            session.add_all([member, agi])
            session.flush()
            return member.id, agi.id
    finally:
        engine.dispose()


def test_the_dry_run_prints_what_would_go_and_the_purge_erases_it_once(
    committed_url: str, tmp_path: Path
) -> None:
    member_id, batch_id = _removed_member_and_an_old_export(committed_url)
    kooperativet = Kooperativet(committed_url, tmp_path)
    identity = "SELECT personal_identity_number IS NULL, birth_date IS NULL FROM members"
    file = "SELECT content IS NULL, erased_at IS NULL, sha256 FROM export_batches"
    batch_line = f"export batch {batch_id} (agi 2016-06, retained until 2023-12-31): would erase its file"
    engine = make_engine(committed_url)
    try:
        assert output(kooperativet("privacy", "purge", "--dry-run", "--day", "2024-12-31")) == [
            batch_line,
            "0 member(s) due for the purge on 2024-12-31",
            "1 export file(s) due for erasure on 2024-12-31",
        ]
        planned = output(kooperativet("privacy", "purge", "--dry-run", "--day", "2025-01-01"))
        assert planned == [
            f"member {member_id} (retained until 2024-12-31): would erase personnummer and birth date, "
            "0 payslip(s), 0 payslip snapshot(s), 0 employment certificate(s), 0 receipt(s), "
            "0 tax setting note(s), 0 payslip notice(s)",
            batch_line,
            "1 member(s) due for the purge on 2025-01-01",
            "1 export file(s) due for erasure on 2025-01-01",
        ]
        assert rows(engine, identity) == [(False, False)]
        assert rows(engine, file) == [(False, True, hashlib.sha256(AGI).hexdigest())]

        purged = output(kooperativet("privacy", "purge", "--day", "2025-01-01"))
        assert purged[-2:] == ["1 member(s) purged on 2025-01-01", "1 export file(s) erased on 2025-01-01"]
        assert NUMBER not in "\n".join(planned + purged)
        assert rows(engine, identity) == [(True, True)]
        assert rows(engine, file) == [(True, False, hashlib.sha256(AGI).hexdigest())]
        assert output(kooperativet("privacy", "purge", "--day", "2025-01-02")) == [
            "0 member(s) purged on 2025-01-02",
            "0 export file(s) erased on 2025-01-02",
        ]
        assert output(kooperativet("audit", "verify"))[0].startswith("audit log intact: ")
    finally:
        engine.dispose()
