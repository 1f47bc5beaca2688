"""The migration that gives jobs and messages an ``error_code`` keeps every row and its error text, starts the
code empty, and its downgrade drops only that column."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from kooperativet import migrate
from kooperativet.db import make_engine

BEFORE = "c4e7a1f9d2b3"
THIS = "5d2f8c1e7a64"
NOW = "2026-11-01 12:00:00+00:00"
ERROR = "kooperativet.mail.smtp.NoMailServer: no SMTP server is configured (KOOPERATIVET_SMTP_HOST)"


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = {}
            for table in ("jobs", "outgoing_mail"):
                columns = {column["name"] for column in inspect(connection).get_columns(table)}
                code = "error_code" if "error_code" in columns else "'no such column'"
                query = f"SELECT id, last_error, {code} FROM {table} ORDER BY id"  # noqa: S608 - constant names
                found[table] = [tuple(row) for row in connection.execute(text(query))]
            return found
    finally:
        engine.dispose()


@pytest.mark.slow
def test_errors_are_kept_with_no_code_and_the_downgrade_drops_only_the_column(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_after, last_error,"
                " created_at) VALUES (1, 'send_mail', '{\"mail_id\": 1}', 'failed', 8, 8, :n, :e, :n)"
            ),
            {"n": NOW, "e": ERROR},
        )
        connection.execute(
            text(
                "INSERT INTO outgoing_mail (id, template, language, to_addresses, bcc_addresses, subject,"
                " text_body, attachments, message_id, redact_after_sending, state, queued_at, last_error)"
                " VALUES (1, 't', 'sv', '[]', '[]', 'Hej', 'Hej', '[]', '<1@example.org>', '[]', 'failed',"
                " :n, 'no SMTP server is configured (KOOPERATIVET_SMTP_HOST)')"
            ),
            {"n": NOW},
        )
    engine.dispose()
    mail_error = "no SMTP server is configured (KOOPERATIVET_SMTP_HOST)"

    migrate.upgrade(url, THIS)
    assert _rows(url) == {"jobs": [(1, ERROR, None)], "outgoing_mail": [(1, mail_error, None)]}

    migrate.downgrade(url, BEFORE)
    gone = "no such column"
    assert _rows(url) == {"jobs": [(1, ERROR, gone)], "outgoing_mail": [(1, mail_error, gone)]}

    migrate.upgrade(url, THIS)
    assert _rows(url) == {"jobs": [(1, ERROR, None)], "outgoing_mail": [(1, mail_error, None)]}
