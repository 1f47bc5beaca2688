"""The board puts questions to the vote at a meeting (open votes, secret ballots, elections), and proposes
per capsulam decisions between meetings. Board members and the admin only."""

from __future__ import annotations

import random
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.governance import meetings, votes
from kooperativet.governance.models import Meeting, VoteMethod
from kooperativet.governance.rules.terms import DecisionKind, MeetingKind
from kooperativet.governance.schemas.votes import PerCapsulamCreate, VoteCreate
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.form_attempt import attempt
from kooperativet.web.forms import PageRoute, stored_integer
from kooperativet.web.pages.meetings import Runner, see_other, show
from kooperativet.web.pages.meetings_board import TallyKeyBits, blank
from kooperativet.web.reads import meetings as read

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# --- votes ------------------------------------------------------------------------------------------------

VOTE_FIELDS = (
    "method",
    "question",
    "decision_kind",
    "agenda_item_id",
    "seats",
    "candidates",
    "hide_results",
    "excluded_member_ids",
    "tellers_passphrase",
)


def _methods_for(meeting: Meeting) -> list[VoteMethod]:
    if meeting.kind == MeetingKind.BOARD:
        return [VoteMethod.board]
    return [VoteMethod.open, VoteMethod.secret, VoteMethod.election]


def _vote_form_page(
    request: Request, session: DbSession, meeting: Meeting, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    names = read.member_names(session)
    context: dict[str, Any] = {
        "meeting": meeting,
        "values": values,
        "errors": errors,
        "methods": _methods_for(meeting),
        "decision_kinds": [k for k in DecisionKind if k not in (DecisionKind.BOARD, DecisionKind.ELECTION)],
        # Who may be disqualified (jäv): those who would otherwise vote, present or represented.
        "voting_members": [
            (str(i), names.get(i, "–"))
            for i in sorted(
                meetings.entitled_general(session, meeting=meeting), key=lambda i: names.get(i, "")
            )
        ],
    }
    return show(request, "meetings/vote_new.html", context, status=422 if errors else 200)


@router.get("/meetings/{meeting_id:int}/votes/new")
def new_vote_form(request: Request, meeting_id: int, user: Runner, session: DbSession) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values: dict[str, Any] = dict.fromkeys(VOTE_FIELDS, "")
    values["method"] = _methods_for(meeting)[0].value
    values["decision_kind"] = DecisionKind.ORDINARY.value
    values["excluded_member_ids"] = []
    return _vote_form_page(request, session, meeting, values, {})


def _vote_payload(values: dict[str, Any]) -> dict[str, Any]:
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
        "agenda_item_id": blank(values["agenda_item_id"]),
        "hide_results": bool(values["hide_results"]) and method == VoteMethod.open,
        "tellers_passphrase": values["tellers_passphrase"] if secret else None,
    }
    if method == VoteMethod.board:
        payload["decision_kind"] = DecisionKind.BOARD
    if not election:
        # Jäv (SFS 2018:672 6 kap. 37 §): a member does not vote on her own matter, such as the board's
        # discharge. An election has none. A value that is no id (a tampered form) is kept as 0, an id no
        # member has, so that it is refused by the field rather than dropped.
        payload["excluded_member_ids"] = [stored_integer(i) or 0 for i in values["excluded_member_ids"]]
    if election:
        payload["seats"] = blank(values["seats"])
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
    excluded_member_ids: Annotated[list[str] | None, Form()] = None,
    tellers_passphrase: Annotated[str, Form()] = "",
) -> Response:
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    values: dict[str, Any] = {
        "method": method,
        "question": question,
        "decision_kind": decision_kind,
        "agenda_item_id": agenda_item_id,
        "seats": seats,
        "candidates": candidates,
        "hide_results": hide_results,
        "excluded_member_ids": excluded_member_ids or [],
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
        page=lambda errors: _vote_form_page(request, session, meeting, values, errors),
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
