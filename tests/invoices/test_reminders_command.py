"""``kooperativet invoices remind`` in a new process: the reminders due on a day are made once, and their
e-mails queued for the workers; the same day again makes none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kooperativet import encryption, migrate
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.demo import DemoContext, Manifest, assignments, invoicing, people
from tests.cli.fresh import Kooperativet, fresh_database, output, rows
from tests.conftest import TEST_AUDIT_KEY


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory, keyring: encryption.Keyring) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("remind")
    with fresh_database(folder) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        context = DemoContext(out=folder / "seeded", today=date(2026, 11, 20), manifest=Manifest())
        factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
        for step in (people.run, assignments.run, invoicing.run):
            with transaction(factory) as session:
                context.session = session
                step(context)
        yield engine
        engine.dispose()


def test_remind_makes_the_reminders_due_once_and_queues_their_mail(database: Engine, tmp_path: Path) -> None:
    kooperativet = Kooperativet(
        database_url=database.url.render_as_string(hide_password=False), folder=tmp_path
    )
    unpaid = rows(
        database, "SELECT count(*) FROM invoices WHERE kind = 'invoice' AND status IN ('open', 'partly_paid')"
    )
    assert unpaid[0][0] >= 1

    first = kooperativet("invoices", "remind", "--day", "2027-02-01")
    again = kooperativet("invoices", "remind", "--day", "2027-02-01")

    assert first.returncode == 0, first.stderr
    [line] = output(first)
    assert line.startswith(f"{unpaid[0][0]} reminder(s) made on 2027-02-01: "), line
    assert output(again) == ["0 reminder(s) made on 2027-02-01: none due"]
    assert rows(database, "SELECT count(*) FROM invoice_reminders")[0][0] == unpaid[0][0]
    assert rows(database, "SELECT count(*) FROM jobs WHERE kind = 'queue_reminder_mails'")[0][0] == 1
    assert kooperativet("invoices", "remind", "--day", "1 feb").returncode != 0
