"""Meetings and votes for everyone: the meetings, a meeting's agenda, votes and minutes, a member's motion,
the minutes' PDF and their approval by the adjusters. The board's preparation is in ``meetings_board``,
running a meeting in ``meetings_conduct``, opening votes in ``meetings_vote_setup``, the votes themselves in
``meetings_votes``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.downloads import file_response
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.governance import (
    acclamation,
    meetings,
    members,
    minutes_approval,
    minutes_text,
    reads,
    statute_readings,
)
from kooperativet.governance import minutes as minutes_service
from kooperativet.governance.models import AgendaItem, Meeting, MeetingStatus, RulebookVersion
from kooperativet.governance.rulebooks import DEFAULT_RULEBOOK_FROM, rulebook_of
from kooperativet.governance.rules.terms import MeetingKind, swedish_day
from kooperativet.governance.schemas.meetings import MeetingRead, MotionCreate
from kooperativet.web import notices
from kooperativet.web.dependencies import CheckedForm, WebUser, require_web_roles
from kooperativet.web.form_attempt import attempt
from kooperativet.web.forms import PageRoute
from kooperativet.web.meeting_words import WORDS, majority_words, rule_words
from kooperativet.web.reads import meetings as read
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Runner = Annotated[User, Depends(require_web_roles(*policy.MEETING_RUNNERS))]


def show(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> Response:
    """A meeting page: the governance words and the caller's role at hand in every template."""
    user = getattr(request.state, "web_user", None)
    runs = user is not None and user.has_any_role(*policy.MEETING_RUNNERS)
    return render(request, template, {"words": WORDS, "runs_meetings": runs, **context}, status=status)


def see_other(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


@router.get("/meetings")
def meeting_list(request: Request, user: WebUser, session: DbSession, today: Today) -> Response:
    rows = read.meeting_rows(session)
    member_id = read.member_id_of(session, user_id=user.id)
    runs = user.has_any_role(*policy.MEETING_RUNNERS)
    return show(
        request,
        "meetings/list.html",
        {
            # Split by the day as well as the status: a planned meeting whose day has passed is not coming.
            "upcoming": [r for r in reversed(rows) if read.is_coming(r, today=today)],
            "past": [r for r in rows if not read.is_coming(r, today=today)],
            "awaiting": read.votes_awaiting(session, member_id=member_id, today=today) if member_id else [],
            "per_capsulam": read.per_capsulam_votes(session) if runs else [],
        },
    )


def meeting_context(session: DbSession, *, meeting: Meeting, user: User) -> dict[str, Any]:
    """Everything the meeting page shows: the API's read of the meeting, names, votes and the notice check."""
    shown = reads.meeting_read(session, meeting)
    member_id = read.member_id_of(session, user_id=user.id)
    latest = shown.minutes[-1] if shown.minutes else None
    adjusters = minutes_approval.adjusters_of(meeting)
    may_approve = (
        latest is not None
        and latest.locked_at is None
        and member_id in adjusters
        and all(a.member_id != member_id for a in latest.approvals)
    )
    rulebook = rulebook_of(session, meeting.rulebook_id)
    version = session.get(RulebookVersion, meeting.rulebook_id)
    readings = statute_readings.item_readings(session, meeting=meeting, rulebook=rulebook)
    return {
        "meeting": shown,
        "member_id": member_id,
        "names": read.member_names(session),
        "votes": read.meeting_votes(session, meeting_id=meeting.id),
        # Which items have a vote, open or closed: those are decided by it, not without one.
        "item_votes": acclamation.vote_states(session, meeting=meeting),
        # Each decision without a vote as it follows "… beslutade att" (the minutes' words).
        "decided": {i.id: minutes_text.decision_clause(i.decision) for i in meeting.items if i.decision},
        # Statutes asking for two meetings: each statute change's reading, and the rule a first adoption
        # still needs at the next general meeting.
        "readings": readings,
        "reading_rules": {
            item_id: majority_words({"majority": reading.confirmation_majority})
            for item_id, reading in readings.items()
            if reading.confirmation_majority
        },
        "notice": meetings.check_notice(session, meeting=meeting) if meeting.noticed_on else None,
        "notice_queued_for": meeting.notice_mail_queued,
        "time_change_queued_for": meeting.time_change_mail_queued,
        "unreached": _unreached(session, meeting=meeting, shown=shown, user=user),
        # The rules the meeting is held under, each named, and where they come from.
        "rules": rule_words(rulebook, meeting.kind),
        "rules_from": None
        if version is None or version.valid_from == DEFAULT_RULEBOOK_FROM
        else version.valid_from,
        "latest_minutes": latest,
        "may_approve": may_approve,
        # What closing the meeting would leave undealt with: then "Close the meeting" leads to the step that
        # lists it and asks to confirm.
        "not_dealt_with": meetings.items_not_dealt_with(meeting),
        "may_submit_motion": member_id is not None
        and meeting.status == MeetingStatus.planned
        and meeting.kind != MeetingKind.BOARD,
        "failed": {"form": None, "errors": {}, "values": {}},
        # A sentence said in an item's card rather than above the page (``_said_by_the_motion``).
        "done_by_item": None,
    }


def _unreached(session: DbSession, *, meeting: Meeting, shown: MeetingRead, user: User) -> list[str]:
    """For the board, when the notice's e-mail, or the one with a changed start time, left members out for
    having no address: those entitled to the notice who still have none, by name, whom the board calls or
    tells another way (it sees members' names anyway). Read as they are now, among those the latest of the two
    went to (a member who joined after the notice was told of the change); the counts recorded say how many
    each left out then."""
    if meeting.noticed_on is None or not (shown.notice_without_address or shown.time_change_without_address):
        return []
    if not user.has_any_role(*policy.MEETING_RUNNERS):
        return []
    today = swedish_day(meeting.time_changed_at) if meeting.time_changed_at else meeting.noticed_on
    return meetings.notice_reach(session, meeting=meeting, today=today).unreached


def meeting_page(
    request: Request,
    session: DbSession,
    *,
    meeting: Meeting,
    user: User,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = meeting_context(session, meeting=meeting, user=user)
    # Whether a new start time can be told by e-mail: with no mail server nothing is queued (governance.mail).
    context["mail_server_set"] = request.app.state.settings.smtp_host is not None
    if failed is not None:
        context["failed"] = failed
    context.update(_said_by_the_motion(request, meeting=meeting, member_id=context["member_id"]))
    return show(request, "meetings/meeting.html", context, status=status)


#: The ``?done=`` key of a submitted motion, and the query parameter that names the motion.
MOTION_SUBMITTED = "motion_submitted"
MOTION = "motion"


def _said_by_the_motion(request: Request, *, meeting: Meeting, member_id: int | None) -> dict[str, Any]:
    """A submitted motion's sentence ("Your motion is submitted …") in her motion's card, where the page
    opens (``#done``), instead of above a long page she would not see it on. Only in the card of her own
    motion of this meeting; an address naming no such motion says it above the page, as ``base.html``."""
    if request.query_params.get(notices.PARAMETER) != MOTION_SUBMITTED:
        return {}
    named = request.query_params.get(MOTION, "")
    mine = next(
        (
            item.id
            for item in meeting.items
            if str(item.id) == named and member_id is not None and item.motion_by_member_id == member_id
        ),
        None,
    )
    if mine is None:
        return {}
    return {"done": None, "done_by_item": (mine, notices.DONE[MOTION_SUBMITTED])}


def refused_on_meeting_page(
    request: Request,
    session: DbSession,
    *,
    meeting: Meeting,
    user: User,
    form: str,
    status: int,
    values: dict[str, str] | None = None,
    item_id: int | None = None,
) -> Callable[[dict[str, str]], Response]:
    """The meeting page again with a form's refusal said by it (``attempt``'s ``page``): which form, for
    which item, with what was typed kept."""
    where = {} if item_id is None else {"item_id": item_id}

    def page(errors: dict[str, str]) -> Response:
        failed = {"form": form, **where, "errors": errors, "values": values or {}}
        return meeting_page(request, session, meeting=meeting, user=user, failed=failed, status=status)

    return page


@router.get("/meetings/{meeting_id:int}")
def meeting_detail(request: Request, meeting_id: int, user: WebUser, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    return meeting_page(request, session, meeting=meeting, user=user)


MOTION_FIELDS = ("title", "text")


@router.get("/meetings/{meeting_id:int}/motion")
def motion_form(request: Request, meeting_id: int, user: WebUser, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = dict.fromkeys(MOTION_FIELDS, "")
    return show(request, "meetings/motion.html", {"meeting": meeting, "errors": {}, "values": values})


@router.post("/meetings/{meeting_id:int}/motion", dependencies=[CheckedForm])
def submit_motion(
    request: Request,
    meeting_id: int,
    user: WebUser,
    session: DbSession,
    today: Today,
    title: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"title": title, "text": text}

    def submit() -> AgendaItem:
        data = MotionCreate.model_validate(values)
        member = members.member_of(session, user=user)
        return meetings.submit_motion(session, meeting=meeting, member=member, data=data, today=today)

    item = attempt(
        request,
        submit,
        fields=MOTION_FIELDS,
        page=lambda errors: show(
            request,
            "meetings/motion.html",
            {"meeting": meeting, "errors": errors, "values": values},
            status=422,
        ),
    )
    # Her motion on the agenda, where the board's answer will stand, not the agenda's first item, with the
    # sentence that it was received in its card, where the page opens (``#done``).
    return see_other(
        notices.done(f"/meetings/{meeting.id}?{MOTION}={item.id}#item-{item.id}", MOTION_SUBMITTED)
    )


@router.get("/meetings/minutes/{minutes_id:int}/pdf")
def minutes_pdf(minutes_id: int, user: WebUser, session: DbSession) -> Response:
    minutes = minutes_service.get_minutes(session, minutes_id=minutes_id)
    return file_response(
        minutes_service.minutes_pdf(session, minutes=minutes),
        media_type="application/pdf",
        filename=minutes_service.minutes_pdf_filename(minutes),
        disposition="inline",
    )


@router.post("/meetings/minutes/{minutes_id:int}/approve", dependencies=[CheckedForm])
def approve_minutes(
    request: Request,
    minutes_id: int,
    user: WebUser,
    session: DbSession,
    now: Now,
    draft_sha256: Annotated[str, Form()] = "",
) -> Response:
    """An adjuster approves (justerar) the draft she has read, from her own login: the form carries the
    SHA-256 of the draft the page offered her, so a draft redrawn meanwhile is refused, not approved."""
    minutes = minutes_service.get_minutes(session, minutes_id=minutes_id)
    meeting = meetings.get_meeting(session, meeting_id=minutes.meeting_id)

    def approve() -> None:
        member = members.member_of(session, user=user)
        minutes_approval.approve_minutes(
            session, minutes=minutes, member=member, now=now, read_sha256=draft_sha256 or None
        )

    attempt(
        request,
        approve,
        fields=(),
        page=refused_on_meeting_page(
            request, session, meeting=meeting, user=user, form="approve", status=422
        ),
    )
    return see_other(f"/meetings/{meeting.id}#minutes")
