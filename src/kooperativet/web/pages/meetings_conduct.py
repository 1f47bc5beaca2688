"""The board runs a meeting: its officials, attendance and proxies (fullmakter), opening, taking up items
and deciding them without a vote, closing and drawing up the minutes. Board members and the admin only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.errors import RuleViolation
from kooperativet.governance import acclamation, conduct, meetings
from kooperativet.governance import minutes as minutes_service
from kooperativet.governance.models import Meeting, MeetingStatus
from kooperativet.governance.schemas.acclamation import DecisionCreate
from kooperativet.governance.schemas.meetings import (
    MeetingOpen,
    OfficialsUpdate,
    ProxyCreate,
)
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.form_attempt import attempt
from kooperativet.web.forms import PageRoute, stored_integer
from kooperativet.web.pages.meetings import Runner, refused_on_meeting_page, see_other, show
from kooperativet.web.pages.meetings_board import blank
from kooperativet.web.reads import meetings as read

router = APIRouter(include_in_schema=False, route_class=PageRoute)

OFFICIALS = ("chair_member_id", "secretary_member_id", "adjuster1_member_id", "adjuster2_member_id")


def _officials_page(
    request: Request, session: DbSession, meeting: Meeting, values: dict[str, str], errors: dict[str, str]
) -> Response:
    context = {
        "meeting": meeting,
        "values": values,
        "errors": errors,
        "members": read.current_members(session, on=meeting.held_on),
    }
    return show(request, "meetings/officials.html", context, status=422 if errors else 200)


@router.get("/meetings/{meeting_id:int}/officials")
def officials_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {name: str(getattr(meeting, name) or "") for name in OFFICIALS}
    return _officials_page(request, session, meeting, values, {})


@router.post("/meetings/{meeting_id:int}/officials", dependencies=[CheckedForm])
def set_officials(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    chair_member_id: Annotated[str, Form()] = "",
    secretary_member_id: Annotated[str, Form()] = "",
    adjuster1_member_id: Annotated[str, Form()] = "",
    adjuster2_member_id: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {
        "chair_member_id": chair_member_id,
        "secretary_member_id": secretary_member_id,
        "adjuster1_member_id": adjuster1_member_id,
        "adjuster2_member_id": adjuster2_member_id,
    }

    def appoint() -> None:
        meetings.set_officials(session, meeting=meeting, data=OfficialsUpdate.model_validate(values))

    attempt(
        request,
        appoint,
        fields=OFFICIALS,
        page=lambda errors: _officials_page(request, session, meeting, values, errors),
    )
    return see_other(f"/meetings/{meeting.id}#officials")


ATTENDANCE_FIELDS = ("present_member_id", "principal_member_id", "attendee_member_id", "dated", "signed")


def _attendance_page(
    request: Request,
    session: DbSession,
    meeting: Meeting,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "meeting": meeting,
        "values": values or dict.fromkeys(ATTENDANCE_FIELDS, ""),
        "errors": errors or {},
        "members": read.current_members(session, on=meeting.held_on),
        "names": read.member_names(session),
        "quorum": meetings.quorum(session, meeting=meeting),
    }
    return show(request, "meetings/attendance.html", context, status=422 if errors else 200)


@router.get("/meetings/{meeting_id:int}/attendance")
def attendance_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    return _attendance_page(request, session, meeting)


@router.post("/meetings/{meeting_id:int}/attendance", dependencies=[CheckedForm])
def register_attendance(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    present_member_id: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {**dict.fromkeys(ATTENDANCE_FIELDS, ""), "present_member_id": present_member_id}

    def register() -> None:
        member_id = stored_integer(present_member_id)
        if member_id is None:
            raise RuleViolation("choose a member", code="unknown_member", field="member_id")
        meetings.register_attendance(session, meeting=meeting, member_id=member_id)

    attempt(
        request,
        register,
        fields=(*ATTENDANCE_FIELDS, "member_id"),
        code_fields={"already_present": "member_id", "represented_by_proxy": "member_id"},
        page=lambda errors: _attendance_page(
            request,
            session,
            meeting,
            values=values,
            errors={("present_member_id" if k == "member_id" else k): v for k, v in errors.items()},
        ),
    )
    return see_other(f"/meetings/{meeting.id}/attendance")


@router.post("/meetings/{meeting_id:int}/proxies", dependencies=[CheckedForm])
def register_proxy(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    principal_member_id: Annotated[str, Form()] = "",
    attendee_member_id: Annotated[str, Form()] = "",
    dated: Annotated[str, Form()] = "",
    signed: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {
        "present_member_id": "",
        "principal_member_id": principal_member_id,
        "attendee_member_id": attendee_member_id,
        "dated": dated,
        "signed": signed,
    }

    def register() -> None:
        # An unticked box is not sent at all: not signed, refused by the field (``proxy_not_signed``).
        data = ProxyCreate.model_validate(
            {
                "principal_member_id": principal_member_id,
                "attendee_member_id": attendee_member_id,
                "dated": dated,
                "signed": bool(signed),
            }
        )
        meetings.register_proxy(session, meeting=meeting, data=data)

    attempt(
        request,
        register,
        fields=ATTENDANCE_FIELDS,
        page=lambda errors: _attendance_page(request, session, meeting, values=values, errors=errors),
    )
    return see_other(f"/meetings/{meeting.id}/attendance")


def _open_page(
    request: Request, session: DbSession, meeting: Meeting, values: dict[str, str], errors: dict[str, str]
) -> Response:
    notice = meetings.check_notice(session, meeting=meeting) if meeting.noticed_on else None
    context = {"meeting": meeting, "notice": notice, "values": values, "errors": errors}
    return show(request, "meetings/open.html", context, status=422 if errors else 200)


@router.get("/meetings/{meeting_id:int}/open")
def open_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    return _open_page(request, session, meeting, {"override_reason": "", "early_opening_reason": ""}, {})


@router.post("/meetings/{meeting_id:int}/open", dependencies=[CheckedForm])
def open_meeting(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    now: Now,
    override_reason: Annotated[str, Form()] = "",
    early_opening_reason: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"override_reason": override_reason, "early_opening_reason": early_opening_reason}

    def open_it() -> None:
        data = MeetingOpen.model_validate(
            {"override_reason": blank(override_reason), "early_opening_reason": blank(early_opening_reason)}
        )
        meetings.open_meeting(
            session,
            meeting=meeting,
            override_reason=data.override_reason,
            early_opening_reason=data.early_opening_reason,
            now=now,
        )

    attempt(
        request,
        open_it,
        fields=("override_reason", "early_opening_reason"),
        code_fields={"notice_not_in_time": "override_reason"},
        page=lambda errors: _open_page(request, session, meeting, values, errors),
    )
    return see_other(f"/meetings/{meeting.id}")


# --- the items: taken up, decided without a vote ---------------------------------------------------------


@router.post("/meetings/{meeting_id:int}/items/{item_id:int}/take-up", dependencies=[CheckedForm])
def take_up_item(
    request: Request, meeting_id: int, item_id: int, user: Runner, session: DbSession, now: Now
) -> Response:
    """The meeting takes the item up now: it gets the next § number in the minutes."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    item = meetings.get_item(session, meeting=meeting, item_id=item_id)
    attempt(
        request,
        lambda: conduct.take_up(session, meeting=meeting, item=item, now=now),
        fields=(),
        page=refused_on_meeting_page(
            request, session, meeting=meeting, user=user, form="take_up", status=409, item_id=item.id
        ),
    )
    return see_other(f"/meetings/{meeting.id}#item-{item.id}")


@router.post("/meetings/{meeting_id:int}/items/{item_id:int}/decision", dependencies=[CheckedForm])
def decide_item(
    request: Request,
    meeting_id: int,
    item_id: int,
    user: Runner,
    session: DbSession,
    now: Now,
    decision: Annotated[str, Form()] = "",
) -> Response:
    """The meeting's decision on the item without a vote (acclamation); a refusal is said by the item's
    field on the meeting page, with what was typed kept."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    item = meetings.get_item(session, meeting=meeting, item_id=item_id)
    values = {"decision": decision}

    def decide() -> None:
        data = DecisionCreate.model_validate(values)
        acclamation.decide(session, meeting=meeting, item=item, decision=data.decision, now=now)

    attempt(
        request,
        decide,
        fields=("decision",),
        page=refused_on_meeting_page(
            request,
            session,
            meeting=meeting,
            user=user,
            form="decision",
            status=422,
            item_id=item.id,
            values=values,
        ),
    )
    return see_other(f"/meetings/{meeting.id}#item-{item.id}")


CLOSE_CONFIRMATION = "confirm_items_not_dealt_with"
#: The items the confirmation page listed, its hidden fields; the service's refusals name this field.
LISTED = "items_not_dealt_with"


def _close_page(request: Request, meeting: Meeting, errors: dict[str, str], *, status: int = 200) -> Response:
    context = {"meeting": meeting, "not_dealt_with": meetings.items_not_dealt_with(meeting), "errors": errors}
    return show(request, "meetings/close.html", context, status=status)


@router.get("/meetings/{meeting_id:int}/close")
def close_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    """The second step of closing a meeting with agenda items not dealt with: which items, and a box to tick
    that the chair closes it anyway. A meeting that is not open has nothing to close: its page."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    if meeting.status != MeetingStatus.open:
        return see_other(f"/meetings/{meeting.id}")
    return _close_page(request, meeting, {})


@router.post("/meetings/{meeting_id:int}/close", dependencies=[CheckedForm])
def close_meeting(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    now: Now,
    confirm_items_not_dealt_with: Annotated[str, Form()] = "",
    items_not_dealt_with: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Close the meeting for good. With agenda items not dealt with the service refuses a close the chair has
    not confirmed (``items_not_dealt_with``), and a confirmation given on a list that has changed since the
    page showed it (``items_not_dealt_with_changed``: an item added, or one dealt with, meanwhile): the
    second step's page says it by the box, naming the items left now, and nothing changes. A close from the
    meeting page's one-tap form that finds items there (one added meanwhile) lands on that page too."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    attempt(
        request,
        lambda: meetings.close_meeting(
            session,
            meeting=meeting,
            now=now,
            # An unticked box is not sent at all: not confirmed. Ticked, the close names the items the page
            # listed (its hidden fields), so the service can tell whether they are still the ones left.
            items_left=_listed(items_not_dealt_with or []) if confirm_items_not_dealt_with else None,
        ),
        fields=(CLOSE_CONFIRMATION, LISTED),
        page=lambda errors: _refused_close(request, meeting, errors),
    )
    return see_other(f"/meetings/{meeting.id}#minutes")


def _refused_close(request: Request, meeting: Meeting, errors: dict[str, str]) -> Response:
    """The second step again, with the items left now. The refusals of the items left stand by the box the
    chair ticks, not by hidden fields she never sees; another refusal (a vote still open) for the page."""
    shown = {CLOSE_CONFIRMATION if name == LISTED else name: message for name, message in errors.items()}
    return _close_page(request, meeting, shown, status=422 if CLOSE_CONFIRMATION in shown else 409)


def _listed(ids: list[str]) -> list[int]:
    """The ids the confirmation page listed. A value that is no id (a tampered form) is kept as 0, an id no
    item has, so the list differs from the items left and the close is refused rather than let through."""
    return [stored_integer(text) or 0 for text in ids]


@router.post("/meetings/{meeting_id:int}/minutes", dependencies=[CheckedForm])
def draw_up_minutes(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    now: Now,
    correction_reason: Annotated[str, Form()] = "",
) -> Response:
    """Draw up the minutes' PDF (a draft for the adjusters), or redraw it; after they are locked, a
    correction is a new version with its reason."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"correction_reason": correction_reason}
    attempt(
        request,
        lambda: minutes_service.draw_up_minutes(
            session, meeting=meeting, correction_reason=blank(correction_reason), now=now
        ),
        fields=("correction_reason",),
        page=refused_on_meeting_page(
            request, session, meeting=meeting, user=user, form="minutes", status=422, values=values
        ),
    )
    return see_other(f"/meetings/{meeting.id}#minutes")
