"""The people a page of the event log names: each login's and member's name, read for the whole page at once
(docs/audit.md, "Reading the log over the API and on the web").

The log itself names people by id only and never changes; this reads what the page shows for those ids
today, in at most three statements however many events the page holds: the logins ever linked to a member
(only when the page names a login), the members, and the logins.

Nobody removed is named again. A member who was removed (pseudonymised, and later perhaps purged) is shown by
the anonymised wording, never by a name read from anywhere. A login that was ever linked to a removed member
is shown by its id only: it may still carry her name (a login unlinked from her before she was removed keeps
it), and next to her member id, or in an event she made herself, it would name her again. The links are read
from the log's ``member_login_changed`` entries, which record every change of a member's login; the login
linked when she was removed was renamed by the removal (``privacy.removal``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import User
from kooperativet.parties.models import Member
from kooperativet.web.audit_words import LOGINS, MEMBERS

#: The entry that links a member to another login (``parties.service.members``).
LOGIN_LINKED = "member_login_changed"


@dataclass(frozen=True, slots=True)
class Person:
    """What the page may show for one id: ``name`` (None: the id only, or the removed wording), whether
    another login or member bears the same name (then the id tells them apart), and whether the member was
    removed."""

    name: str | None
    namesake: bool = False
    removed: bool = False


@dataclass(frozen=True, slots=True)
class People:
    logins: Mapping[int, Person]
    members: Mapping[int, Person]


def person_ids(value: object) -> list[int]:
    """The ids a person field holds: one id, or a list of them (``approved_by``, ``member_ids``)."""
    values = value if isinstance(value, list) else [value]
    # A JSON true is a Python int too; it names nobody.
    return [item for item in values if isinstance(item, int) and not isinstance(item, bool)]


def _wanted(payloads: Iterable[Mapping[str, Any]], fields: frozenset[str]) -> set[int]:
    return {
        person
        for payload in payloads
        for name, value in payload.items()
        if name in fields
        for person in person_ids(value)
    }


def people(session: Session, payloads: Iterable[Mapping[str, Any]]) -> People:
    """The logins and members the ``payloads`` name (their fields in ``audit_words.LOGINS`` and ``MEMBERS``),
    in at most three statements."""
    shown = list(payloads)
    login_ids, member_ids = _wanted(shown, LOGINS), _wanted(shown, MEMBERS)
    linked = _linked_logins(session) if login_ids else {}
    members = _members(session, member_ids | {m for ms in linked.values() for m in ms})
    removed = {member_id for member_id, person in members.items() if person.removed}
    hidden = {login_id for login_id, ms in linked.items() if ms & removed}
    logins = _logins(session, login_ids - hidden)
    logins |= {login_id: Person(name=None) for login_id in login_ids & hidden}
    return People(logins=logins, members={m: members[m] for m in member_ids if m in members})


def _linked_logins(session: Session) -> dict[int, set[int]]:
    """Every login any member was linked to or from by the office, with those members (one statement; the
    log holds one such entry per change of a member's login, a handful a year)."""
    linked: dict[int, set[int]] = {}
    for (payload,) in session.execute(select(AuditEvent.payload).where(AuditEvent.kind == LOGIN_LINKED)):
        data = json.loads(payload)
        members = person_ids(data.get("member_id"))
        for field in ("old_user_id", "new_user_id"):
            for login_id in person_ids(data.get(field)):
                linked.setdefault(login_id, set()).update(members)
    return linked


def _members(session: Session, ids: set[int]) -> dict[int, Person]:
    """Each member's name, whether another member bears the same name, and whether she was removed (one
    statement). A removed member's name columns hold her pseudonym; the page does not read them."""
    if not ids:
        return {}
    shared = (
        select(Member.first_name, Member.last_name)
        .group_by(Member.first_name, Member.last_name)
        .having(func.count() > 1)
        .subquery()
    )
    rows = session.execute(
        select(
            Member.id,
            Member.first_name,
            Member.last_name,
            Member.pseudonymised_at.is_not(None),
            shared.c.first_name.is_not(None),
        )
        .outerjoin(
            shared, and_(shared.c.first_name == Member.first_name, shared.c.last_name == Member.last_name)
        )
        .where(Member.id.in_(ids))
    )
    return {
        member_id: Person(name=None, removed=True)
        if removed
        else Person(name=f"{first} {last}".strip() or None, namesake=bool(namesake))
        for member_id, first, last, removed, namesake in rows
    }


def _logins(session: Session, ids: set[int]) -> dict[int, Person]:
    """Each login's name and whether another login bears the same name (one statement)."""
    if not ids:
        return {}
    shared = select(User.full_name).group_by(User.full_name).having(func.count() > 1).subquery()
    rows = session.execute(
        select(User.id, User.full_name, shared.c.full_name.is_not(None))
        .outerjoin(shared, shared.c.full_name == User.full_name)
        .where(User.id.in_(ids))
    )
    return {
        login_id: Person(name=name.strip() or None, namesake=bool(namesake))
        for login_id, name, namesake in rows
    }
