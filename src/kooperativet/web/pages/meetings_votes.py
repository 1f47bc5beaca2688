"""Votes: a member casts an open vote, a secret ballot (her receipt shown once) or an election ballot, and
later checks her receipt against the published ballots; the board follows the turnout live and closes the
vote; everyone reads the result."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.auth.models import User
from kooperativet.errors import DomainError, RuleViolation
from kooperativet.governance import meetings, members, reads, results, statute_readings, verification, votes
from kooperativet.governance.board import voting_board
from kooperativet.governance.models import Meeting, Vote, VoteMethod, VoteStatus
from kooperativet.governance.schemas.votes import BallotCreate, VoteClose
from kooperativet.parties.models import Member
from kooperativet.web.dependencies import CheckedForm, WebUser
from kooperativet.web.form_attempt import attempt
from kooperativet.web.forms import PageRoute, stored_integer
from kooperativet.web.meeting_words import majority_words
from kooperativet.web.pages.meetings import Runner, see_other, show
from kooperativet.web.reads import meetings as read
from kooperativet.web.refusals import REFUSALS
from kooperativet.web.templating import gettext

router = APIRouter(include_in_schema=False, route_class=PageRoute)
RECEIPT = re.compile(r"^[0-9a-f]{64}$")
BOARD_VOTES = (VoteMethod.board, VoteMethod.per_capsulam)


def _meeting_of(session: DbSession, vote: Vote) -> Meeting | None:
    return meetings.get_meeting(session, meeting_id=vote.meeting_id) if vote.meeting_id is not None else None


def turnout(session: DbSession, *, vote: Vote, meeting: Meeting | None) -> dict[str, int]:
    """How many have voted, of how many may: those present or represented at a general meeting, the voting
    board for a board decision; the disqualified (jäv) not counted. A closed vote counts those its result
    counted: a member registered present after it closed could not vote in it, and the line must agree with
    the result's "Röstberättigade" below it."""
    eligible = (vote.result or {}).get("eligible") if vote.status == VoteStatus.closed else None
    if isinstance(eligible, int):
        return {"voted": votes.voted_count(session, vote=vote), "entitled": eligible}
    if vote.method in BOARD_VOTES:
        entitled = voting_board(session, on=votes.vote_day(vote, meeting))
    else:
        assert meeting is not None
        entitled = meetings.entitled_general(session, meeting=meeting)
    may_vote = len(set(entitled) - set(votes.excluded_of(vote)))
    return {"voted": votes.voted_count(session, vote=vote), "entitled": may_vote}


def _voters(session: DbSession, *, vote: Vote, member_id: int | None) -> tuple[list[int], str | None]:
    """Whom the signed-in member may still vote for here (herself and those whose proxy she holds), by the
    voter rules casting applies (``votes.voter_refusal``), so the page never offers a ballot it would refuse;
    and, when she has not voted and may not, the code of the rule that stops her."""
    if member_id is None or vote.status != VoteStatus.open:
        return [], None
    caster = session.get(Member, member_id)
    assert caster is not None
    held = (
        read.proxies_held(session, meeting_id=vote.meeting_id, member_id=member_id) if vote.meeting_id else []
    )
    candidates = [member_id, *held]
    voted = read.has_voted(session, vote=vote, member_ids=candidates)
    refusals = {
        i: votes.voter_refusal(session, vote=vote, caster=caster, voter_id=i, by_proxy=i != member_id)
        for i in candidates
        if i not in voted
    }
    own = refusals.get(member_id)
    return [i for i, refusal in refusals.items() if refusal is None], own.code if own else None


def _has_receipt(session: DbSession, *, vote: Vote, member_id: int | None) -> bool:
    """Whether the signed-in member holds a receipt of this secret ballot: one she cast herself, for herself
    or as another member's ombud. Whoever casts a ballot is shown its receipt, so a member whose ombud voted
    for her holds none (the roll does not say who cast a ballot, but a member with an ombud is not present to
    cast her own). Only she is offered to check "my receipt"; the check itself takes any receipt from anyone
    who has one."""
    if member_id is None or vote.method not in votes.SECRET_METHODS:
        return False
    cast_for = list(
        read.proxies_held(session, meeting_id=vote.meeting_id, member_id=member_id) if vote.meeting_id else []
    )
    if vote.meeting_id is None or not read.represented(
        session, meeting_id=vote.meeting_id, member_id=member_id
    ):
        cast_for.append(member_id)
    return bool(read.has_voted(session, vote=vote, member_ids=cast_for))


def _ombud_of(meeting: Meeting | None, member_id: int | None) -> int | None:
    """The member who votes for this one at the meeting under a registered fullmakt, if any."""
    if meeting is None or member_id is None:
        return None
    return next((p.attendee_member_id for p in meeting.proxies if p.principal_member_id == member_id), None)


def vote_context(session: DbSession, *, vote: Vote, user: User) -> dict[str, Any]:
    meeting = _meeting_of(session, vote)
    shown = reads.vote_read(session, vote)
    member_id = read.member_id_of(session, user_id=user.id)
    voters, not_voting = _voters(session, vote=vote, member_id=member_id)
    names = read.member_names(session)
    # A member represented by an ombud is absent, so "only those present vote" (before) and "you have voted"
    # (after her ombud voted) would both mislead her: she is told who votes for her, and whether it is done.
    # Not when another rule stops her vote (jäv): her ombud may not cast it either, and that rule is said.
    ombud = _ombud_of(meeting, member_id) if not_voting in (None, "not_present") else None
    return {
        "vote": shown,
        "meeting": meeting,
        "names": names,
        "ombud": names.get(ombud, "–") if ombud is not None else None,
        "turnout": turnout(session, vote=vote, meeting=meeting),
        "member_id": member_id,
        "voters": voters,
        #: Why she does not vote herself (a ``web.refusals`` code), when she has not voted and may not.
        "not_voting": REFUSALS.get(not_voting) if not_voting else None,
        "majority": majority_words(shown.result),
        # A first adoption: the rule the next general meeting needs to confirm it.
        "confirmation": majority_words({"majority": (shown.result or {}).get("confirmation_majority")}),
        # A first adoption a later meeting has confirmed: by which meeting and item, and from when.
        "confirmed": statute_readings.confirmation_of_vote(session, vote),
        "turnout_percent": _turnout_percent(shown.result),
        "secret": vote.method in votes.SECRET_METHODS,
        "has_receipt": _has_receipt(session, vote=vote, member_id=member_id),
        "failed": {"form": None, "errors": {}, "values": {}},
    }


def _turnout_percent(result: dict[str, Any] | None) -> Decimal | None:
    turnout = (result or {}).get("turnout")
    return Decimal(str(turnout["percent"])) if isinstance(turnout, dict) and "percent" in turnout else None


def vote_page(
    request: Request,
    session: DbSession,
    *,
    vote: Vote,
    user: User,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = vote_context(session, vote=vote, user=user)
    if failed is not None:
        context["failed"] = failed
    return show(request, "meetings/vote.html", context, status=status)


@router.get("/meetings/votes/{vote_id:int}")
def vote_detail(request: Request, vote_id: int, user: WebUser, session: DbSession) -> Response:
    return vote_page(request, session, vote=votes.get_vote(session, vote_id=vote_id), user=user)


@router.get("/meetings/votes/{vote_id:int}/turnout")
def turnout_fragment(request: Request, vote_id: int, user: WebUser, session: DbSession) -> Response:
    """The live count the vote page polls every five seconds while the vote is open."""
    vote = votes.get_vote(session, vote_id=vote_id)
    context = {
        "vote": vote,
        "turnout": turnout(session, vote=vote, meeting=_meeting_of(session, vote)),
        "polled": True,
    }
    return show(request, "meetings/_turnout.html", context)


@router.post("/meetings/votes/{vote_id:int}/ballot", dependencies=[CheckedForm])
def cast_ballot(
    request: Request,
    vote_id: int,
    user: WebUser,
    session: DbSession,
    now: Now,
    choice: Annotated[str, Form()] = "",
    candidates: Annotated[list[str] | None, Form()] = None,
    voter: Annotated[str, Form()] = "",
) -> Response:
    """Cast a vote. A secret ballot's receipt is this answer's page itself, not a redirect: it is shown
    once, never put in an address, a cookie or the database next to her name. A ballot cast as another
    member's ombud says for whom, so that she tells her two receipts apart: the name comes from this request
    (the member she chose to vote for), as nothing stored links a ballot to a member
    (docs/ballot-secrecy.md)."""
    vote = votes.get_vote(session, vote_id=vote_id)
    values = {"choice": choice, "candidates": candidates or [], "voter": voter}

    def cast() -> tuple[str | None, int | None]:
        caster = members.member_of(session, user=user)
        voter_id = stored_integer(voter)
        if voter_id is None and voter.strip():  # a tampered choice names no member she holds a proxy for
            raise RuleViolation("you hold no proxy for this member", code="no_proxy", field="voter")
        on_behalf = voter_id if voter_id is not None and voter_id != caster.id else None
        payload: dict[str, Any] = {"on_behalf_of_member_id": on_behalf}
        if vote.method == VoteMethod.election:
            payload["candidates"] = candidates or []
        else:
            payload["choice"] = choice or None
        data = BallotCreate.model_validate(payload)
        receipt, _ballot = votes.cast_vote(
            session, vote=vote, caster=caster, data=data, now=now, rng=random.SystemRandom()
        )
        return receipt, on_behalf

    receipt, on_behalf = attempt(
        request,
        cast,
        fields=("choice", "candidates", "voter"),
        code_fields={"no_proxy": "voter"},
        page=lambda errors: vote_page(
            request,
            session,
            vote=vote,
            user=user,
            failed={"form": "ballot", "errors": errors, "values": values},
            status=422,
        ),
    )
    if receipt is None:
        return see_other(f"/meetings/votes/{vote.id}")
    principal = session.get(Member, on_behalf) if on_behalf is not None else None
    cast_for = principal.full_name if principal is not None else None
    page = show(request, "meetings/receipt.html", {"vote": vote, "receipt": receipt, "cast_for": cast_for})
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/meetings/votes/{vote_id:int}/close", dependencies=[CheckedForm])
def close_vote(
    request: Request,
    vote_id: int,
    user: Runner,
    session: DbSession,
    now: Now,
    chair_casting_vote: Annotated[str, Form()] = "",
    tellers_passphrase: Annotated[str, Form()] = "",
) -> Response:
    vote = votes.get_vote(session, vote_id=vote_id)
    values = {"chair_casting_vote": chair_casting_vote}

    def close() -> None:
        data = VoteClose.model_validate(
            {
                "chair_casting_vote": chair_casting_vote or None,
                "tellers_passphrase": tellers_passphrase if vote.method in votes.SECRET_METHODS else None,
            }
        )
        results.close_vote(
            session,
            vote=vote,
            chair_casting_vote=data.chair_casting_vote,
            now=now,
            lot_seed=random.SystemRandom().getrandbits(64),
            shuffle_seed=random.SystemRandom().getrandbits(64),
            actor=user,
            tellers_passphrase=data.tellers_passphrase,
        )

    attempt(
        request,
        close,
        fields=("chair_casting_vote", "tellers_passphrase"),
        code_fields={"tellers_passphrase_required": "tellers_passphrase"},
        page=lambda errors: vote_page(
            request,
            session,
            vote=vote,
            user=user,
            failed={"form": "close", "errors": errors, "values": values},
            status=422,
        ),
    )
    return see_other(f"/meetings/votes/{vote.id}#result")


@router.get("/meetings/votes/{vote_id:int}/check")
def receipt_form(request: Request, vote_id: int, user: WebUser, session: DbSession) -> Response:
    vote = votes.get_vote(session, vote_id=vote_id)
    return show(
        request, "meetings/check.html", {"vote": vote, "values": {"receipt": ""}, "errors": {}, "found": None}
    )


@router.post("/meetings/votes/{vote_id:int}/check", dependencies=[CheckedForm])
def check_receipt(
    request: Request, vote_id: int, user: WebUser, session: DbSession, receipt: Annotated[str, Form()] = ""
) -> Response:
    """Whether a receipt is among the published ballots, and whether the published count holds. A check
    changes nothing, so its answer is the page itself; a POST keeps the receipt out of the address."""
    vote = votes.get_vote(session, vote_id=vote_id)
    given = "".join(receipt.split()).lower()
    context: dict[str, Any] = {"vote": vote, "values": {"receipt": receipt}, "errors": {}, "found": None}
    if not RECEIPT.match(given):
        context["errors"] = {
            "receipt": gettext(request, "A receipt is 64 characters, the digits 0–9 and the letters a–f.")
        }
        return show(request, "meetings/check.html", context, status=422)
    try:
        published = verification.publication(session, vote=vote)
        recount = verification.recount(session, vote=vote)
    except DomainError as exc:
        if exc.status == 404:
            raise
        context["errors"] = {
            "form": gettext(request, "Ballots are published when the vote closes. Check again then.")
        }
        return show(request, "meetings/check.html", context, status=409)
    context["found"] = {
        "counted": any(b.receipt == given for b in published.ballots),
        "ballots": len(published.ballots),
        "roll_count": published.roll_count,
        "recount_ok": recount.ok,
    }
    return show(request, "meetings/check.html", context)
