"""Fixtures for the notification tests: many members at once, and the payroll and governance fixtures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from email.message import EmailMessage

import pytest
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User, UserRole
from kooperativet.parties.models import Member, MemberTaxSetting, TaxMode
from tests.governance.conftest import assembly, clock, rulebook, small_tally_keys  # noqa: F401
from tests.payroll.conftest import paid_assignment, payroll_ready  # noqa: F401
from tests.statement_count import count_statements  # noqa: F401
from tests.web.conftest import browser_client  # noqa: F401


def personal_number(serial: int) -> str:
    """A valid personnummer (Luhn) born 1 January 1980 with the given serial (0–999)."""
    digits = f"800101{serial:03d}"
    total = 0
    for index, digit in enumerate(digits):
        product = int(digit) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return f"19{digits}{(10 - total % 10) % 10}"


ManyMembers = Callable[[int], list[Member]]


@pytest.fixture
def many_members(session: Session, password_hash: str) -> ManyMembers:
    """``many_members(n)``: n members with logins, e-mail addresses and confirmed bank accounts."""
    serials = iter(range(100, 1000))

    def make(n: int, *, language: str = "sv") -> list[Member]:
        members = []
        for _ in range(n):
            serial = next(serials)
            user = User(
                email=f"m{serial}@example.se", full_name=f"Medlem {serial}", password_hash=password_hash
            )
            user.role_rows = [UserRole(role=Role.member)]
            member = Member(
                first_name=f"Mona{serial}",
                last_name="Andersson",
                personal_identity_number=personal_number(serial),
                birth_date=date(1980, 1, 1),
                joined_on=date(2025, 1, 1),
                email=user.email,
                language=language,
                bank_clearing_number="6000",
                bank_account_number="123456789",
            )
            member.tax_settings = [
                MemberTaxSetting(valid_from=date(2025, 1, 1), mode=TaxMode.flat, percent=30)
            ]
            session.add(user)
            session.flush()
            member.user_id = user.id
            session.add(member)
            members.append(member)
        session.flush()
        return members

    return make


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def pdf_attachments(message: EmailMessage) -> list[tuple[str | None, str, bytes]]:
    """(filename, content type, bytes) of each attachment."""
    return [
        (part.get_filename(), part.get_content_type(), part.get_content())
        for part in message.iter_attachments()
    ]
