"""The board prepares and runs meetings: a new meeting, its agenda and answers to motions, the notice
(kallelse), the officials, attendance and proxies (fullmakter), opening, putting questions to the vote,
closing, the minutes; and per capsulam decisions between meetings. Board members and the admin only."""

from __future__ import annotations

import random
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from kooperativet.api.dependencies import AppSettings, DbSession, Now, Today
from kooperativet.errors import RuleViolation
from kooperativet.governance import mail, meetings, votes
from kooperativet.governance import minutes as minutes_service
from kooperativet.governance.ballot_encryption import TALLY_KEY_BITS
from kooperativet.governance.models import AgendaItemKind, Meeting, VoteMethod
from kooperativet.governance.rules.terms import DecisionKind, MeetingKind
from kooperativet.governance.schemas.meetings import (
    AgendaItemCreate,
    MeetingCreate,
    MeetingOpen,
    MotionAnswer,
    NoticeCreate,
    OfficialsUpdate,
    ProxyCreate,
)
from kooperativet.governance.schemas.votes import PerCapsulamCreate, VoteCreate
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.form_attempt import attempt
from kooperativet.web.pages.meetings import Runner, meeting_page, see_other, show
from kooperativet.web.reads import meetings as read

router = APIRouter(include_in_schema=False)


def tally_key_bits() -> int:
    """The Paillier key size for a new secret ballot; a dependency so that page tests can use small keys."""
    return TALLY_KEY_BITS


TallyKeyBits = Annotated[int, Depends(tally_key_bits)]


def _blank(value: str) -> str | None:
    return value.strip() or None


# --- a new meeting ----------------------------------------------------------------------------------------

MEETING_FIELDS = ("kind", "title", "held_on", "location")


@router.get("/meetings/new")
def new_meeting_form(request: Request, user: Runner) -> Response:
    values = {"kind": MeetingKind.ANNUAL.value, "title": "", "held_on": "", "location": ""}
    return show(request, "meetings/new.html", {"errors": {}, "values": values})


@router.post("/meetings/new", dependencies=[CheckedForm])
def create_meeting(
    request: Request,
    user: Runner,
    session: DbSession,
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    held_on: Annotated[str, Form()] = "",
    location: Annotated[str, Form()] = "",
) -> Response:
    values = {"kind": kind, "title": title, "held_on": held_on, "location": location}

    def create() -> Meeting:
        data = MeetingCreate.model_validate({**values, "location": _blank(location)})
        return meetings.create_meeting(
            session, kind=data.kind, title=data.title, held_on=data.held_on, location=data.location
        )

    meeting = attempt(
        request,
        create,
        fields=MEETING_FIELDS,
        page=lambda errors: show(
            request, "meetings/new.html", {"errors": errors, "values": values}, status=422
        ),
    )
    return see_other(f"/meetings/{meeting.id}")


# --- the agenda -------------------------------------------------------------------------------------------

ITEM_KINDS = [kind for kind in AgendaItemKind if kind != AgendaItemKind.motion]


def _item_page(
    request: Request, meeting: Meeting, values: dict[str, str], errors: dict[str, str]
) -> Response:
    context = {"meeting": meeting, "values": values, "errors": errors, "kinds": ITEM_KINDS}
    return show(request, "meetings/item.html", context, status=422 if errors else 200)


@router.get("/meetings/{meeting_id:int}/items")
def agenda_item_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"kind": AgendaItemKind.board_proposal.value, "title": "", "text": "", "statute_change": ""}
    return _item_page(request, meeting, values, {})


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
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"kind": kind, "title": title, "text": text, "statute_change": statute_change}

    def add() -> None:
        data = AgendaItemCreate.model_validate(
            {"kind": kind, "title": title, "text": _blank(text), "statute_change": bool(statute_change)}
        )
        meetings.add_agenda_item(session, meeting=meeting, data=data)

    attempt(
        request,
        add,
        fields=("kind", "title", "text", "statute_change"),
        page=lambda errors: _item_page(request, meeting, values, errors),
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
    return see_other(f"/meetings/{meeting.id}#agenda")


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
    """As the API does: the notice is recorded and committed first, then mailed; the mail's outcome is
    recorded on the meeting, so a mail failure never loses the notice."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {"text": text}

    def give() -> None:
        data = NoticeCreate.model_validate(values)
        meetings.give_notice(session, meeting=meeting, text=data.text, today=today)

    attempt(
        request,
        give,
        fields=("text",),
        page=lambda errors: show(
            request,
            "meetings/notice.html",
            {"meeting": meeting, "values": values, "errors": errors},
            status=422,
        ),
    )
    recipients = meetings.notice_recipients(session, meeting=meeting, today=today)
    session.commit()
    outcome = mail.send_notice(
        settings,
        recipients=recipients,
        subject=f"Kallelse: {meeting.title}, {meeting.held_on.isoformat()}",
        body=text,
    )
    meetings.record_notice_mail(session, meeting=meeting, status=outcome.status, detail=outcome.detail)
    return see_other(f"/meetings/{meeting.id}#notice")


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


ATTENDANCE_FIELDS = ("present_member_id", "principal_member_id", "attendee_member_id", "dated")


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
        if not present_member_id.isdigit():
            raise RuleViolation("choose a member", code="unknown_member", field="member_id")
        meetings.register_attendance(session, meeting=meeting, member_id=int(present_member_id))

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
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {
        "present_member_id": "",
        "principal_member_id": principal_member_id,
        "attendee_member_id": attendee_member_id,
        "dated": dated,
    }

    def register() -> None:
        data = ProxyCreate.model_validate(
            {
                "principal_member_id": principal_member_id,
                "attendee_member_id": attendee_member_id,
                "dated": dated,
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
            {"override_reason": _blank(override_reason), "early_opening_reason": _blank(early_opening_reason)}
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


@router.post("/meetings/{meeting_id:int}/close", dependencies=[CheckedForm])
def close_meeting(request: Request, meeting_id: int, user: Runner, session: DbSession, now: Now) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    attempt(
        request,
        lambda: meetings.close_meeting(session, meeting=meeting, now=now),
        fields=(),
        page=lambda errors: meeting_page(
            request,
            session,
            meeting=meeting,
            user=user,
            failed={"form": "close", "errors": errors, "values": {}},
            status=409,
        ),
    )
    return see_other(f"/meetings/{meeting.id}#minutes")


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
            session, meeting=meeting, correction_reason=_blank(correction_reason), now=now
        ),
        fields=("correction_reason",),
        page=lambda errors: meeting_page(
            request,
            session,
            meeting=meeting,
            user=user,
            failed={"form": "minutes", "errors": errors, "values": values},
            status=422,
        ),
    )
    return see_other(f"/meetings/{meeting.id}#minutes")


# --- votes ------------------------------------------------------------------------------------------------

VOTE_FIELDS = (
    "method",
    "question",
    "decision_kind",
    "agenda_item_id",
    "seats",
    "candidates",
    "hide_results",
    "tellers_passphrase",
)


def _methods_for(meeting: Meeting) -> list[VoteMethod]:
    if meeting.kind == MeetingKind.BOARD:
        return [VoteMethod.board]
    return [VoteMethod.open, VoteMethod.secret, VoteMethod.election]


def _vote_form_page(
    request: Request, meeting: Meeting, values: dict[str, str], errors: dict[str, str]
) -> Response:
    context: dict[str, Any] = {
        "meeting": meeting,
        "values": values,
        "errors": errors,
        "methods": _methods_for(meeting),
        "decision_kinds": [k for k in DecisionKind if k not in (DecisionKind.BOARD, DecisionKind.ELECTION)],
    }
    return show(request, "meetings/vote_new.html", context, status=422 if errors else 200)


@router.get("/meetings/{meeting_id:int}/votes/new")
def new_vote_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = dict.fromkeys(VOTE_FIELDS, "")
    values["method"] = _methods_for(meeting)[0].value
    values["decision_kind"] = DecisionKind.ORDINARY.value
    return _vote_form_page(request, meeting, values, {})


def _vote_payload(values: dict[str, str]) -> dict[str, Any]:
    """The form as the API's ``VoteCreate`` reads it: candidates one per line, empty fields left out."""
    method = values["method"]
    election = method == VoteMethod.election
    secret = method in (VoteMethod.secret, VoteMethod.election)
    payload: dict[str, Any] = {
        "method": method,
        "question": values["question"],
        "decision_kind": DecisionKind.ELECTION
        if election
        else values["decision_kind"] or DecisionKind.ORDINARY,
        "agenda_item_id": _blank(values["agenda_item_id"]),
        "hide_results": bool(values["hide_results"]) and method == VoteMethod.open,
        "tellers_passphrase": values["tellers_passphrase"] if secret else None,
    }
    if method == VoteMethod.board:
        payload["decision_kind"] = DecisionKind.BOARD
    if election:
        payload["seats"] = _blank(values["seats"])
        payload["candidates"] = [line.strip() for line in values["candidates"].splitlines() if line.strip()]
    return payload


@router.post("/meetings/{meeting_id:int}/votes/new", dependencies=[CheckedForm])
def open_vote(
    request: Request,
    meeting_id: int,
    user: Runner,
    session: DbSession,
    now: Now,
    bits: TallyKeyBits,
    method: Annotated[str, Form()] = "",
    question: Annotated[str, Form()] = "",
    decision_kind: Annotated[str, Form()] = "",
    agenda_item_id: Annotated[str, Form()] = "",
    seats: Annotated[str, Form()] = "",
    candidates: Annotated[str, Form()] = "",
    hide_results: Annotated[str, Form()] = "",
    tellers_passphrase: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values = {
        "method": method,
        "question": question,
        "decision_kind": decision_kind,
        "agenda_item_id": agenda_item_id,
        "seats": seats,
        "candidates": candidates,
        "hide_results": hide_results,
        "tellers_passphrase": "",  # never sent back to the browser
    }

    def put_to_vote() -> int:
        data = VoteCreate.model_validate(_vote_payload({**values, "tellers_passphrase": tellers_passphrase}))
        vote = votes.open_vote(
            session, meeting=meeting, data=data, now=now, tally_key_bits=bits, rng=random.SystemRandom()
        )
        return vote.id

    vote_id = attempt(
        request,
        put_to_vote,
        fields=VOTE_FIELDS,
        page=lambda errors: _vote_form_page(request, meeting, values, errors),
    )
    return see_other(f"/meetings/votes/{vote_id}")


@router.get("/meetings/per-capsulam")
def per_capsulam_form(request: Request, user: Runner) -> Response:
    return show(request, "meetings/per_capsulam.html", {"values": {"question": ""}, "errors": {}})


@router.post("/meetings/per-capsulam", dependencies=[CheckedForm])
def propose_per_capsulam(
    request: Request,
    user: Runner,
    session: DbSession,
    now: Now,
    today: Today,
    question: Annotated[str, Form()] = "",
) -> Response:
    """A board decision between meetings: adopted only when every board member answers and agrees."""
    values = {"question": question}

    def propose() -> int:
        data = PerCapsulamCreate.model_validate(values)
        return votes.propose_per_capsulam(session, data=data, now=now, today=today).id

    vote_id = attempt(
        request,
        propose,
        fields=("question",),
        page=lambda errors: show(
            request, "meetings/per_capsulam.html", {"values": values, "errors": errors}, status=422
        ),
    )
    return see_other(f"/meetings/votes/{vote_id}")
