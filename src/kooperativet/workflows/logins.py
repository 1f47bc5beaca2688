"""Creating and changing logins by hand, with an audit entry for each (docs/audit.md, "Logins and roles").

Separation of duties rests on who holds which role: the treasurer who pays must not also be the one who
confirmed where the money goes. An auditor must therefore be able to see who gave a login a role, took it
away, disabled or enabled it, or set its password, and when. Auth keeps the users but sits below the audit
log (it is asked who acts by every domain), so the entry is appended here, above both, in the same
transaction as the change. The entry names ids and roles only: no e-mail addresses, names or passwords,
since the log is never changed or purged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth import service as users
from kooperativet.auth.models import Role, User


def create_login(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str | None,
    roles: Iterable[Role],
    is_active: bool = True,
    by_user_id: int | None,
    now: datetime,
) -> User:
    """A new login (``auth.service.create_user``) and a ``login_created`` entry; ``by_user_id`` is ``None``
    when it was made at the command line on the server, where no login acts."""
    user = users.create_user(
        session, email=email, full_name=full_name, password=password, roles=roles, is_active=is_active
    )
    append_event(
        session,
        kind="login_created",
        payload={
            "user_id": user.id,
            "by_user_id": by_user_id,
            "roles": sorted(user.roles),
            "active": user.is_active,
            "password_set": password is not None,
        },
        now=now,
    )
    return user


def change_login(
    session: Session,
    *,
    user: User,
    version: int,
    by_user_id: int | None,
    now: datetime,
    full_name: str | None = None,
    roles: Iterable[Role] | None = None,
    is_active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change a login (``auth.service.update_user``) and, when anything changed, a ``login_changed`` entry
    saying what: roles before and after, active before and after, whether the name or password changed.
    ``by_user_id`` is ``None`` for a password set at the command line on the server (``set-password``)."""
    roles_before, active_before, name_before = sorted(user.roles), user.is_active, user.full_name
    users.update_user(
        session,
        user=user,
        version=version,
        now=now,
        full_name=full_name,
        roles=roles,
        is_active=is_active,
        password=password,
    )
    changes: dict[str, object] = {}
    if sorted(user.roles) != roles_before:
        changes["roles"] = {"before": roles_before, "after": sorted(user.roles)}
    if user.is_active != active_before:
        changes["active"] = {"before": active_before, "after": user.is_active}
    if user.full_name != name_before:
        changes["name_changed"] = True
    if password is not None:
        changes["password_set"] = True
    if changes:
        append_event(
            session,
            kind="login_changed",
            payload={"user_id": user.id, "by_user_id": by_user_id, **changes},
            now=now,
        )
    return user
