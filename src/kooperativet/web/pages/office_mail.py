"""The office's mail page: what the cooperative sent, what waits and what failed, through the same service as
``GET /api/v1/mail``; a failed message can be sent again (a new job for the same message and Message-ID)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Window
from kooperativet.errors import DomainError
from kooperativet.mail import office
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.redaction import readable_bodies
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.forms import FormRejected, PageRoute
from kooperativet.web.i18n import N_
from kooperativet.web.notices import done
from kooperativet.web.pages.office_billing.common import OfficeReader, OfficeUser, paging, see_other
from kooperativet.web.reads.failures import failure
from kooperativet.web.refusals import refusal_text
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

STATES = {
    "queued": N_("Waiting to be sent"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
}


@router.get("/office/mail")
def mail_list(
    request: Request, user: OfficeReader, session: DbSession, window: Window, state: str = ""
) -> Response:
    """Messages, the latest first; ``state`` keeps those waiting, sent or failed."""
    chosen = MailState(state) if state in STATES else None
    rows, total = office.list_mail(session, state=chosen, limit=window.limit, offset=window.offset)
    context = {
        "rows": [(row, failure(row.error_code, row.last_error)) for row in rows],
        "paging": paging(window, total),
        "state": chosen.value if chosen else "",
        "states": STATES,
        "error": None,
    }
    return render(request, "office_mail/list.html", context)


@router.get("/office/mail/{mail_id:int}")
def mail_detail(request: Request, mail_id: int, user: OfficeReader, session: DbSession) -> Response:
    message = office.get_mail(session, mail_id=mail_id)
    attachments = office.attachment_names(session, message)
    return render(request, "office_mail/detail.html", _detail(message, attachments=attachments, error=None))


@router.post("/office/mail/{mail_id:int}/send-again", dependencies=[CheckedForm])
def send_again(request: Request, mail_id: int, user: OfficeUser, session: DbSession) -> Response:
    message = office.get_mail(session, mail_id=mail_id)
    try:
        office.send_again(session, message=message)
    except DomainError as exc:
        context = _detail(message, attachments=[], error=refusal_text(request, exc))
        raise FormRejected(render(request, "office_mail/detail.html", context, status=409)) from exc
    return see_other(done(f"/office/mail/{mail_id}", "mail_sent_again"))


def _detail(message: OutgoingMail, *, attachments: list[str], error: str | None) -> dict[str, Any]:
    """The page of one message; its text without its secrets (a one-time link is its recipient's alone)."""
    text = readable_bodies(message).text
    return {
        "message": message,
        "failure": failure(message.error_code, message.last_error),
        "text": text,
        "attachments": attachments,
        "states": STATES,
        "error": error,
    }
