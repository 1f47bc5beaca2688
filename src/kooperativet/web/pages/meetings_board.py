"""The board prepares a meeting: a new meeting, its agenda and answers to motions, the notice (kallelse).
Running it is in ``meetings_conduct``, putting questions to the vote in ``meetings_vote_setup``. Board
members and the admin only."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from kooperativet.api.dependencies import AppSettings, DbSession, Now, Today
from kooperativet.errors import RuleViolation
from kooperativet.governance import mail, meetings, standard_agenda, start_time, statute_readings
from kooperativet.governance.ballot_encryption import TALLY_KEY_BITS
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting, MeetingStatus
from kooperativet.governance.rulebooks import rulebook_of
from kooperativet.governance.rules.readings import statutes_need_two_meetings
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.meetings import (
    HH_MM,
    AgendaItemCreate,
    MeetingCreate,
    MeetingTimeUpdate,
    MotionAnswer,
    NoticeCreate,
)
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.form_attempt import attempt
from kooperativet.web.forms import FormRejected, PageRoute, stored_integer
from kooperativet.web.i18n import request_language
from kooperativet.web.pages.meetings import Runner, meeting_page, refused_on_meeting_page, see_other, show
from kooperativet.web.templating import gettext, short_date

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def tally_key_bits() -> int:
    """The Paillier key size for a new secret ballot; a dependency so that page tests can use small keys."""
    return TALLY_KEY_BITS


TallyKeyBits = Annotated[int, Depends(tally_key_bits)]


def blank(value: str) -> str | None:
    return value.strip() or None


# --- a new meeting ----------------------------------------------------------------------------------------

MEETING_FIELDS = ("kind", "title", "held_on", "starts_at", "location")


@router.get("/meetings/new")
def new_meeting_form(request: Request, user: Runner) -> Response:
    values = {"kind": MeetingKind.ANNUAL.value, "title": "", "held_on": "", "starts_at": "", "location": ""}
    return show(request, "meetings/new.html", {"errors": {}, "values": values})


def start_time_error(request: Request, starts_at: str) -> str | None:
    """The web asks every new meeting for its time, since the notice tells members when to come (the API
    may leave it out); a missing or unreadable one is said by the field, not as "not valid"."""
    if not starts_at.strip():
        return gettext(request, "Give the time the meeting starts, for example 18:30.")
    if not HH_MM.fullmatch(starts_at.strip()):
        return gettext(request, "Write the time as hours and minutes, for example 18:30.")
    return None


@router.post("/meetings/new", dependencies=[CheckedForm])
def create_meeting(
    request: Request,
    user: Runner,
    session: DbSession,
    today: Today,
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    held_on: Annotated[str, Form()] = "",
    starts_at: Annotated[str, Form()] = "",
    location: Annotated[str, Form()] = "",
) -> Response:
    values = {"kind": kind, "title": title, "held_on": held_on, "starts_at": starts_at, "location": location}

    time_problem = start_time_error(request, starts_at)

    def again(errors: dict[str, str]) -> Response:
        # The time's own message, rather than the schema's "not valid", next to its field.
        shown = {**errors, "starts_at": time_problem} if time_problem else errors
        return show(request, "meetings/new.html", {"errors": shown, "values": values}, status=422)

    def create() -> Meeting:
        data = MeetingCreate.model_validate(
            {**values, "starts_at": blank(starts_at), "location": blank(location)}
        )
        if time_problem:
            raise FormRejected(again({}))
        return meetings.plan_meeting(
            session,
            kind=data.kind,
            title=data.title,
            held_on=data.held_on,
            starts_at=data.starts_at,
            location=data.location,
            today=today,
        )

    meeting = attempt(request, create, fields=MEETING_FIELDS, page=again)
    return see_other(f"/meetings/{meeting.id}")


@router.post("/meetings/{meeting_id:int}/starts-at", dependencies=[CheckedForm])
def change_start_time(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    settings: AppSettings,
    clock: Now,
    starts_at: Annotated[str, Form()] = "",
) -> Response:
    """As the API does: a planned meeting's new time, told by e-mail to those the notice went to once it has
    gone out. A missing or unreadable time, or a meeting that has opened, is said by the field on the meeting
    page with the typing kept; the same time again changes nothing and says so."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"starts_at": starts_at}
    time_problem = start_time_error(request, starts_at)

    def again(errors: dict[str, str]) -> Response:
        shown = {**errors, "starts_at": time_problem} if time_problem else errors
        if "form" in shown and meeting.status == MeetingStatus.open:
            # Said for this form: the general refusal speaks of things done before or after the meeting.
            shown["form"] = gettext(
                request, "The meeting has opened: its start time can no longer be changed."
            )
        failed = {"form": "starts_at", "errors": shown, "values": values}
        status = 409 if "form" in shown else 422
        return meeting_page(request, session, meeting=meeting, user=user, failed=failed, status=status)

    def change() -> bool:
        if time_problem:
            raise FormRejected(again({}))
        data = MeetingTimeUpdate.model_validate({"starts_at": starts_at.strip()})
        return start_time.change_start_time(
            session,
            meeting=meeting,
            starts_at=data.starts_at,
            by_user_id=user.id,
            now=clock,
            settings=settings,
        )

    changed = attempt(request, change, fields=("starts_at",), page=again)
    return see_other(f"/meetings/{meeting.id}?time={'changed' if changed else 'same'}")


# --- the agenda -------------------------------------------------------------------------------------------

ITEM_KINDS = [kind for kind in AgendaItemKind if kind != AgendaItemKind.motion]


ITEM_FIELDS = ("kind", "title", "text", "statute_change", "is_closing", "confirms_item_id")


def _first_adoptions(session: DbSession, meeting: Meeting) -> list[statute_readings.FirstAdoption] | None:
    """The first adoptions the item may confirm, for the select (labelled by the proposal's title and the
    day of the first meeting). None when the statutes have one meeting decide a change: no select then."""
    rulebook = rulebook_of(session, meeting.rulebook_id)
    if meeting.kind == MeetingKind.BOARD or not statutes_need_two_meetings(rulebook):
        return None
    return statute_readings.open_first_adoptions(session, meeting=meeting)


def _item_page(
    request: Request, session: DbSession, meeting: Meeting, values: dict[str, str], errors: dict[str, str]
) -> Response:
    context = {
        "meeting": meeting,
        "values": values,
        "errors": errors,
        "kinds": ITEM_KINDS,
        "first_adoptions": _first_adoptions(session, meeting),
    }
    return show(request, "meetings/item.html", context, status=422 if errors else 200)


@router.get("/meetings/{meeting_id:int}/items")
def agenda_item_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"kind": AgendaItemKind.board_proposal.value, "title": "", "text": "", "statute_change": ""}
    return _item_page(request, session, meeting, {**values, "is_closing": "", "confirms_item_id": ""}, {})


def _proposal(session: DbSession, *, text: str, confirms: int | None) -> str | None:
    """The item's text; a second reading left empty takes the proposal as the first meeting adopted it, so
    the board need not type it again word for word."""
    first = statute_readings.first_adoption(session, item_id=confirms) if confirms is not None else None
    return blank(text) or (first.item.text if first is not None else None)


@router.post("/meetings/{meeting_id:int}/items", dependencies=[CheckedForm])
def add_agenda_item(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    statute_change: Annotated[str, Form()] = "",
    is_closing: Annotated[str, Form()] = "",
    confirms_item_id: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {
        "kind": kind,
        "title": title,
        "text": text,
        "statute_change": statute_change,
        "is_closing": is_closing,
        "confirms_item_id": confirms_item_id,
    }

    def add() -> AgendaItem:
        confirms = stored_integer(confirms_item_id)
        if confirms is None and confirms_item_id.strip():  # a tampered choice names no first adoption
            raise RuleViolation(
                "the chosen item is no first adoption", code="not_a_first_adoption", field="confirms_item_id"
            )
        data = AgendaItemCreate.model_validate(
            {
                "kind": kind,
                "title": title,
                "text": _proposal(session, text=text, confirms=confirms),
                "statute_change": bool(statute_change),
                "is_closing": bool(is_closing),
                "confirms_item_id": confirms,
            }
        )
        return meetings.add_agenda_item(session, meeting=meeting, data=data)

    item = attempt(
        request,
        add,
        fields=ITEM_FIELDS,
        page=lambda errors: _item_page(request, session, meeting, values, errors),
    )
    return see_other(f"/meetings/{meeting.id}#item-{item.id}")


@router.post("/meetings/{meeting_id:int}/agenda/standard", dependencies=[CheckedForm])
def add_standard_agenda(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    """The usual agenda of an annual meeting in one go; refused (409, said on the meeting page) once the
    agenda has items or the meeting has opened."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    attempt(
        request,
        lambda: standard_agenda.add_standard_agenda(session, meeting=meeting),
        fields=(),
        page=refused_on_meeting_page(
            request, session, meeting=meeting, user=user, form="standard_agenda", status=409
        ),
    )
    return see_other(f"/meetings/{meeting.id}#agenda")


@router.get("/meetings/{meeting_id:int}/items/{item_id:int}/answer")
def answer_form(
    request: Request, meeting_id: int, item_id: int, user: Runner, session: DbSession
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    item = meetings.get_item(session, meeting=meeting, item_id=item_id)
    values = {"board_answer": item.board_answer or ""}
    return show(
        request, "meetings/answer.html", {"meeting": meeting, "item": item, "values": values, "errors": {}}
    )


@router.post("/meetings/{meeting_id:int}/items/{item_id:int}/answer", dependencies=[CheckedForm])
def answer_motion(
    request: Request,
    meeting_id: int,
    item_id: int,
    user: Runner,
    session: DbSession,
    board_answer: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    item = meetings.get_item(session, meeting=meeting, item_id=item_id)
    values = {"board_answer": board_answer}

    def answer() -> None:
        data = MotionAnswer.model_validate(values)
        meetings.answer_motion(session, meeting=meeting, item=item, answer=data.board_answer)

    attempt(
        request,
        answer,
        fields=("board_answer",),
        page=lambda errors: show(
            request,
            "meetings/answer.html",
            {"meeting": meeting, "item": item, "values": values, "errors": errors},
            status=422,
        ),
    )
    return see_other(f"/meetings/{meeting.id}#item-{item.id}")


# --- notice, officials, attendance and proxies, opening -----------------------------------------------------


@router.get("/meetings/{meeting_id:int}/notice")
def notice_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"text": meeting.notice_text or ""}
    return show(request, "meetings/notice.html", {"meeting": meeting, "values": values, "errors": {}})


@router.post("/meetings/{meeting_id:int}/notice", dependencies=[CheckedForm])
def give_notice(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    settings: AppSettings,
    today: Today,
    text: Annotated[str, Form()] = "",
) -> Response:
    """As the API does: the notice is recorded and its e-mail queued, one message per member, in one
    transaction; the mail worker sends them (the office's mail page shows what went out)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"text": text}

    def again(errors: dict[str, str]) -> Response:
        context = {"meeting": meeting, "values": values, "errors": errors}
        return show(request, "meetings/notice.html", context, status=422)

    def give() -> None:
        data = NoticeCreate.model_validate(values)
        try:
            mail.send_notice(session, meeting=meeting, text=data.text, settings=settings, today=today)
        except RuleViolation as exc:
            if exc.code != "notice_too_early":
                raise
            # Said with the first day it may go out, which the table's words cannot name.
            raise FormRejected(again({"form": too_early(request, exc)})) from exc

    attempt(request, give, fields=("text",), page=again)
    return see_other(f"/meetings/{meeting.id}#notice")


def too_early(request: Request, exc: RuleViolation) -> str:
    """A notice refused as too early, with the first day it may go out (``earliest`` in the refusal)."""
    first = date.fromisoformat(str(exc.extra["earliest"]))
    return gettext(
        request,
        "It is too early to send the notice: under the rulebook it may go out on %(day)s at the earliest. "
        "A notice sent earlier is not valid notice. Nothing was sent or saved.",
        day=short_date(first, language=request_language(request)),
    )
