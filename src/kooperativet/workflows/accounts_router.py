"""Invitations and password resets over the API (docs/accounts.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from kooperativet.api.dependencies import AppSettings, DbSession, Now
from kooperativet.api.idempotency import IdempotencyKey, idempotent
from kooperativet.api.problems import problem_responses
from kooperativet.auth import service as users
from kooperativet.auth.dependencies import TreasurerOrAdmin
from kooperativet.auth.reset_throttle import ResetThrottle
from kooperativet.auth.schemas import UserRead
from kooperativet.parties.schemas import MemberRead
from kooperativet.workflows import invitations
from kooperativet.workflows.accounts import set_password_by_link
from kooperativet.workflows.accounts_schemas import (
    InvitationRead,
    MemberInvitation,
    MemberInvited,
    PasswordByLink,
    PasswordResetAccepted,
    PasswordResetRequest,
)
from kooperativet.workflows.password_reset import request_password_reset

router = APIRouter(prefix="/api/v1")


@router.post(
    "/auth/password-reset",
    tags=["auth"],
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(422, 429),
)
def ask_for_password_reset(
    body: PasswordResetRequest, request: Request, session: DbSession
) -> PasswordResetAccepted:
    """E-mail a link to choose a new password (valid one hour) to an active account with this address.

    The answer is the same for every address, known or not, so that it cannot be used to find out who has
    an account; a newer link makes the older ones stop working."""
    throttle: ResetThrottle = request.app.state.reset_throttle
    address = request.client.host if request.client else "unknown"
    throttle.check_and_count(account=users.normalise_email(body.email), address=address)
    request_password_reset(session, email=body.email)
    return PasswordResetAccepted()


@router.post(
    "/auth/password-reset/complete",
    tags=["auth"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(400, 410, 422),
)
def set_password_with_link(body: PasswordByLink, session: DbSession, now: Now) -> Response:
    """Choose a password with the token of an invitation or reset link. The link then stops working, and
    every session and token the account had before ends. 400 ``link_unknown``; 410 ``link_expired``,
    ``link_used``, ``link_superseded`` or ``account_disabled``."""
    set_password_by_link(session, token=body.token, password=body.password, now=now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/members/invitations",
    response_model=MemberInvited,
    tags=["members"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def invite_member(
    body: MemberInvitation,
    user: TreasurerOrAdmin,
    session: DbSession,
    settings: AppSettings,
    now: Now,
    key: IdempotencyKey = None,
) -> Response:
    """Register a member, make her login (role member) and e-mail her a link to choose her password (valid
    72 hours), all in one transaction (treasurer or admin)."""

    def produce() -> MemberInvited:
        invited = invitations.invite_member(
            session, data=body, email=str(body.email), actor=user, now=now, settings=settings
        )
        return MemberInvited(
            member=MemberRead.model_validate(invited.member),
            user=UserRead.from_model(invited.user),
            invitation=InvitationRead.model_validate(invited.invitation),
        )

    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation="invite_member",
        request=body,
        status_code=status.HTTP_201_CREATED,
        produce=produce,
    )


@router.post(
    "/users/{user_id}/invitation",
    tags=["auth"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409),
)
def send_new_invitation(
    user_id: int, user: TreasurerOrAdmin, session: DbSession, settings: AppSettings, now: Now
) -> InvitationRead:
    """E-mail a login a new invitation link (treasurer or admin); her earlier links stop working."""
    invited = users.get_user(session, user_id=user_id)
    link = invitations.send_invitation(session, user=invited, actor=user, now=now, settings=settings)
    return InvitationRead.model_validate(link)
