"""Rulebook versions: the rules (majorities, quorum, notice, proxies) a meeting is held under, dated."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.governance.models import RulebookVersion
from kooperativet.governance.rules.rulebook import Rulebook, default_rulebook
from kooperativet.governance.schemas.rulebooks import RulebookCreate, RulebookFields

DEFAULT_RULEBOOK_FROM = date(2000, 1, 1)


def add_rulebook(session: Session, *, data: RulebookCreate) -> RulebookVersion:
    """Add a rulebook version valid from a date; the version in force on a meeting's date governs it."""
    try:
        data.rules.to_rulebook()
    except ValueError as exc:
        raise RuleViolation(str(exc), code="invalid_rulebook", field="rules") from exc
    if session.scalar(select(RulebookVersion.id).where(RulebookVersion.valid_from == data.valid_from)):
        raise Conflict(
            f"a rulebook version is already valid from {data.valid_from}",
            code="overlapping_valid_from",
            field="valid_from",
        )
    version = RulebookVersion(
        valid_from=data.valid_from, rules=data.rules.model_dump(mode="json"), source=data.source.strip()
    )
    session.add(version)
    session.flush()
    return version


def seed_default_rulebook(session: Session) -> RulebookVersion | None:
    """Seed the default rulebook (lag 2018:672 as the model) on a database that has none."""
    if session.scalar(select(func.count(RulebookVersion.id))):
        return None
    return add_rulebook(
        session,
        data=RulebookCreate(
            valid_from=DEFAULT_RULEBOOK_FROM,
            source="default rules modelled on lag (2018:672) om ekonomiska föreningar; adapt to the stadgar",
            rules=RulebookFields.from_rulebook(default_rulebook()),
        ),
    )


def list_rulebooks(session: Session) -> list[RulebookVersion]:
    return list(session.scalars(select(RulebookVersion).order_by(RulebookVersion.valid_from)))


def rulebook_in_force(session: Session, *, on: date) -> RulebookVersion:
    version = session.scalar(
        select(RulebookVersion)
        .where(RulebookVersion.valid_from <= on)
        .order_by(RulebookVersion.valid_from.desc())
        .limit(1)
    )
    if version is None:
        raise RuleViolation(
            f"no rulebook is in force on {on}; an admin must add one", code="missing_rulebook"
        )
    return version


def rulebook_of(session: Session, rulebook_id: int) -> Rulebook:
    version = session.get(RulebookVersion, rulebook_id)
    if version is None:
        raise NotFound(f"rulebook {rulebook_id} does not exist")
    return RulebookFields.model_validate(version.rules).to_rulebook()
