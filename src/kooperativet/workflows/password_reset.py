"""A forgotten password: anyone may ask for a reset link for an e-mail address, and the answer is the same
whether or not the address has an account (docs/accounts.md).

The request only records a job with the address; the job looks the address up and, for an active login,
makes the link and queues the e-mail. So the answer, its status and its timing are the same for every
address: the lookup happens after the answer, out of sight.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.account_links import issue_link
from kooperativet.auth.models import LinkPurpose, User
from kooperativet.auth.service import normalise_email
from kooperativet.db import clock_of
from kooperativet.jobs import JobContext, enqueue, handler
from kooperativet.jobs.models import Job
from kooperativet.mail import queue_mail
from kooperativet.workflows.accounts import cooperative_name, link_url, login_owner, valid_until

RESET_JOB = "password_reset_link"
RESET_TEMPLATE = "password_reset"


def request_password_reset(session: Session, *, email: str) -> None:
    """Record that a link was asked for; what happens next does not depend on the answer given now."""
    enqueue(session, RESET_JOB, {"email": normalise_email(email)})


@handler(RESET_JOB)
def send_reset_link(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Make a reset link and queue its e-mail, for an active login with this address; nothing otherwise.

    Run again after a crash, it sends a second link that supersedes the first: the person uses the later."""
    session = context.session
    settings = context.settings
    address = payload["email"]
    user = session.scalar(select(User).where(User.email == address)) if address else None
    if user is not None and user.is_active:
        now = clock_of(session)
        lifetime = timedelta(minutes=settings.password_reset_valid_minutes)
        issued = issue_link(session, user=user, purpose=LinkPurpose.reset, now=now, lifetime=lifetime)
        owner = login_owner(session, user=user)
        language = owner.language
        queue_mail(
            session,
            to=user.email,
            template=RESET_TEMPLATE,
            language=language,
            context={
                "name": owner.greeting,
                "cooperative": cooperative_name(session, settings),
                "link": link_url(settings, issued.token),
                "valid_until": valid_until(issued.link.expires_at, language),
                "minutes": settings.password_reset_valid_minutes,
            },
            secrets=[issued.token],
            member_id=owner.member_id,
        )
    forget_address(session, job_id=context.job_id)
    session.commit()


def forget_address(session: Session, *, job_id: int) -> None:
    """Empty the address from the job's payload once it is handled: it was needed only to find the login,
    and a finished job must not keep anybody's address (a removed member's least of all, whose login no
    longer has it; docs/personal-data.md). A failed attempt rolls this back with the rest and keeps it."""
    session.get_one(Job, job_id).payload = {"email": None}
