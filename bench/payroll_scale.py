"""Issue 14: creating and approving a payroll run of many payouts, in seconds and SQL statements.

Builds a cooperative in a temporary SQLite file with ``PAYOUTS`` ready payouts over about two thirds as many
members (every tax mode and contribution category, some re-invoiced expenses: ``tests/payroll/population``),
then creates a run, approves it and marks it paid, each in its own committed transaction, counting the
statements each step sends. Run it from the repository root: ``python -m bench.payroll_scale [PAYOUTS]``.
The statement counts must not grow with the run (target: the same counts for 10 and for ``PAYOUTS``).
"""

from __future__ import annotations

import base64
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from bench.common import report

PAYOUTS = 2000
PAY_DATE = date(2026, 11, 25)


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _steps(engine: Engine, factory: Any, treasurer_id: int) -> dict[str, tuple[float, int]]:
    """Create, approve and mark paid, each committed: (seconds, statements) per step."""
    from kooperativet.db import transaction
    from kooperativet.payroll import service

    figures: dict[str, tuple[float, int]] = {}
    run_id = 0

    def measured(name: str, step: Callable[[Any], None]) -> None:
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        try:
            with transaction(factory) as session:
                step(session)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        figures[name] = (round(time.perf_counter() - start, 3), statements)

    def create(session: Any) -> None:
        nonlocal run_id
        run_id = service.create_run(
            session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=None, created_by_id=treasurer_id
        ).run.id

    measured("create", create)
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    measured("approve", lambda s: service.approve_run(s, run_id=run_id, approved_by_id=treasurer_id, now=now))
    measured(
        "mark_paid",
        lambda s: service.mark_run_paid(
            s, run_id=run_id, paid_on=PAY_DATE, today=PAY_DATE, paid_by_id=treasurer_id
        ),
    )
    return figures


def measure(payouts: int) -> dict[str, tuple[float, int]]:
    from kooperativet import encryption, migrate
    from kooperativet.auth.models import User
    from kooperativet.config import Settings
    from kooperativet.db import make_engine, make_session_factory, transaction
    from kooperativet.parameters import service as parameters_service
    from kooperativet.parties.models import Cooperative
    from tests.payroll.population import build_population, default_plans

    with tempfile.TemporaryDirectory() as folder:
        encryption.configure(
            Settings(env="test", data_dir=Path(folder), data_key=_key(), blind_index_key=_key())
        )
        url = f"sqlite:///{Path(folder) / 'payroll.sqlite3'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine, audit_key=b"bench-audit-key-" * 2)
        try:
            with transaction(factory) as session:
                parameters_service.seed_defaults(session)
                session.add(
                    Cooperative(name="Benchkooperativet", organisation_number="769600-1234", country="SE")
                )
                treasurer = User(email="kassor@example.se", full_name="Kassör", password_hash="!")  # noqa: S106 - nobody signs in
                session.add(treasurer)
                session.flush()
                build_population(session, plans=default_plans(payouts), issuer=treasurer)
                treasurer_id = treasurer.id
            return _steps(engine, factory, treasurer_id)
        finally:
            engine.dispose()


def run(payouts: int = PAYOUTS) -> None:
    small, large = measure(10), measure(payouts)
    figures = {
        f"{step}_{size}": {"seconds": seconds, "statements": statements}
        for size, measured in ((10, small), (payouts, large))
        for step, (seconds, statements) in measured.items()
    }
    same = all(small[step][1] == large[step][1] for step in small)
    report("payroll_scale", figures, target=f"the same statements for 10 and {payouts} payouts", met=same)


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else PAYOUTS)
