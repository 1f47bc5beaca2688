"""Creating and changing logins over the API (admin), each recorded in the audit log (workflows.logins).

The reads of users stay in ``auth.router``; these two live here because the audit log sits above auth."""

from __future__ import annotations

from fastapi import APIRouter, status

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.api.problems import problem_responses
from kooperativet.auth import service as users
from kooperativet.auth.dependencies import AdminUser
from kooperativet.auth.schemas import UserCreate, UserRead, UserUpdate
from kooperativet.workflows.logins import change_login, create_login

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/users", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422))
def create_user(body: UserCreate, admin: AdminUser, session: DbSession, now: Now) -> UserRead:
    """Create a user with one or more roles (admin). The audit log records who did it (``login_created``)."""
    user = create_login(
        session,
        email=body.email,
        full_name=body.full_name,
        password=body.password,
        roles=body.roles,
        is_active=body.is_active,
        by_user_id=admin.id,
        now=now,
    )
    return UserRead.from_model(user)


@router.patch("/users/{user_id}", responses=problem_responses(401, 403, 404, 409, 422))
def update_user(user_id: int, body: UserUpdate, admin: AdminUser, session: DbSession, now: Now) -> UserRead:
    """Change a user's name, roles, active flag or password (admin). Send the ``version`` you read. The audit
    log records what changed and who changed it (``login_changed``)."""
    user = users.get_user(session, user_id=user_id)
    updated = change_login(
        session,
        user=user,
        version=body.version,
        by_user_id=admin.id,
        now=now,
        full_name=body.full_name,
        roles=body.roles,
        is_active=body.is_active,
        password=body.password,
    )
    return UserRead.from_model(updated)
