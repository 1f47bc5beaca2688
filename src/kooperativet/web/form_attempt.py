"""Run a form's change, and when a schema or a rule refuses it, show the form again with the messages.

The governance and user services refuse with English details that often name ids (``member 7 has already
voted``); a page says the same thing in the person's words, chosen by the refusal's stable ``code``
(``CODE_MESSAGES``). A refusal without a listed code shows its detail through the catalog
(``domain_messages``). A message for a field the form does not have is shown for the whole form.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Final, TypeVar

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from kooperativet.errors import DomainError
from kooperativet.web.errors import FormRejected
from kooperativet.web.forms import field_errors
from kooperativet.web.i18n import N_
from kooperativet.web.templating import gettext

T = TypeVar("T")


CODE_MESSAGES: Final = {
    "already_voted": N_("This vote has already been cast; a vote cannot be changed."),
    "vote_closed": N_("The vote is closed."),
    "not_a_current_member": N_("This person is not a member on the meeting's day."),
    "unknown_member": N_("Choose a member from the list."),
    "voter_excluded": N_("The member is disqualified (jäv) on this matter and does not vote."),
    "no_proxy": N_("You hold no proxy for this member at this meeting."),
    "not_present": N_("Only members registered as present vote. Ask the board to register you."),
    "not_on_the_board": N_("This member is not on the board."),
    "not_a_member": N_("Only members vote and submit motions."),
    "invalid_ballot": N_("Choose at most as many candidates as there are seats, each once."),
    "notice_not_in_time": N_(
        "The notice was not given within the rulebook's time (or not at all). "
        "Write why the meeting opens anyway."
    ),
    "opened_before_its_day": N_("The meeting is called for a later day. Write why it opens today."),
    "votes_open": N_("Close every vote before closing the meeting."),
    "meeting_planned": N_("The meeting has not opened yet."),
    "meeting_open": N_("The meeting is in session: this is done before it opens or after it closes."),
    "meeting_closed": N_("The meeting is closed."),
    "not_quorate": N_("The meeting is not quorate: too few of those entitled to vote are present."),
    "casting_vote_required": N_("The votes are tied: choose the chair's casting vote and close again."),
    "early_close_not_allowed": N_(
        "The vote runs until its end time; the rulebook does not let it close earlier."
    ),
    "tellers_passphrase_required": N_("Write the tellers' passphrase."),
    "wrong_tellers_passphrase": N_("This is not the tellers' passphrase."),
    "tally_refused": N_("The count was refused: the stored ballots do not add up. Nothing was closed."),
    "already_present": N_("This member is already registered as present."),
    "represented_by_proxy": N_("This member is represented by a proxy."),
    "principal_present": N_("This member is present and votes in person."),
    "proxy_not_allowed": N_("The rulebook does not allow proxies."),
    "proxy_dated_after_meeting": N_("The proxy is dated after the meeting."),
    "proxy_expired": N_("The proxy has expired."),
    "proxy_over_limit": N_("This member already holds as many proxies as the rulebook allows."),
    "proxy_duplicate_principal": N_("This member is already represented by a proxy."),
    "officials_missing": N_("Choose the chair, the secretary and two adjusters before drawing up minutes."),
    "correction_reason_required": N_("The minutes are adjusted and locked: write why they are corrected."),
    "minutes_locked": N_("The minutes are already adjusted and locked."),
    "not_an_adjuster": N_("Only the adjusters chosen at the meeting approve its minutes."),
    "already_approved": N_("You have already approved these minutes."),
    "not_a_general_meeting": N_("Motions go to general meetings."),
    "wrong_vote_method": N_(
        "A board meeting decides by board vote; a general meeting by open vote, secret ballot or election."
    ),
    "missing_rulebook": N_("No rulebook is in force on that day; an administrator must add one."),
    "no_board": N_("There is no board on this day."),
    "invalid_parameter_value": N_("This value is not valid for the parameter."),
    "duplicate_email": N_("A user with this e-mail already exists."),
    "last_admin": N_("The last active administrator cannot lose the role or be disabled."),
    "version_conflict": N_("Someone else changed this in the meantime. Reload the page and try again."),
    "invalid_identifier": N_("This number is not valid; check it and try again."),
}


def refusal(
    request: Request,
    exc: DomainError,
    *,
    fields: Collection[str],
    code_fields: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A rule's refusal by its field when the form has it, else for the whole form. ``code_fields`` places a
    refusal that names no field by the field that answers it (``notice_not_in_time`` by the reason)."""
    message = CODE_MESSAGES.get(exc.code, exc.detail)
    field = str(exc.extra.get("field") or (code_fields or {}).get(exc.code) or "form")
    return {field if field in fields else "form": gettext(request, message)}


def attempt(
    request: Request,
    action: Callable[[], T],
    *,
    fields: Collection[str],
    page: Callable[[dict[str, str]], Response],
    code_fields: Mapping[str, str] | None = None,
) -> T:
    """``action()``'s result; or, when it is refused, ``FormRejected`` with ``page(errors)``, so that the
    request's transaction rolls back whatever the refused change had flushed."""
    try:
        return action()
    except ValidationError as exc:
        found = field_errors(request, exc)
        errors: dict[str, str] = {}
        for key, message in found.items():
            name = key.split(".")[0]
            errors.setdefault(name if name in fields else "form", message)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        errors = refusal(request, exc, fields=fields, code_fields=code_fields)
    raise FormRejected(page(errors))
