"""Minutes (protokoll): a PDF per meeting from its committed record, first as a draft for the adjusters,
then, once both have approved it (``governance.minutes_approval``), as the adjusted minutes, locked for good.
A correction is a new version that refers to the previous one (the database refuses changes to locked
minutes). What the minutes say, in Swedish, is in ``governance.minutes_text``.

Minutes go through the document pipeline (``documents.pipeline``) like every issued document: the
transaction that draws them up, or locks them, stores their text (the HTML the template wrote, with the
audit chain's head of that moment) and leaves the PDF pending; ``MINUTES_PDF`` renders it from that text
after the commit and stores it with its SHA-256. A draft's PDF is replaced only with its text, when the
draft is redrawn or locked; a locked version's PDF is set once and never changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, TypeAlias

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import ChainHead, append_event, chain_head
from kooperativet.db import fetch_locked
from kooperativet.documents.pipeline import DocumentKind, register_kind, render_after_commit, stored_pdf
from kooperativet.documents.render import html_to_pdf, render_html
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.governance import minutes_text as text
from kooperativet.governance.meetings import quorum
from kooperativet.governance.minutes_rules import rules_applied
from kooperativet.governance.models import (
    AgendaItemKind,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesApproval,
    RulebookVersion,
    Vote,
    VoteMethod,
)
from kooperativet.governance.rulebooks import DEFAULT_RULEBOOK_FROM, rulebook_of
from kooperativet.governance.rules.terms import Choice, DecisionKind, MeetingKind, swedish_day
from kooperativet.governance.votes import SECRET_METHODS, cast_votes, excluded_of, votes_of
from kooperativet.parties.models import Cooperative, Member

TEMPLATE = "minutes/minutes.html"

METHOD_LABELS = {
    VoteMethod.open: "öppen omröstning",
    VoteMethod.secret: "sluten omröstning",
    VoteMethod.election: "val med slutna valsedlar",
    VoteMethod.board: "styrelsebeslut",
    VoteMethod.per_capsulam: "per capsulam",
}


#: Every member's name by id, read once for a text of the minutes (``_member_names``).
Names: TypeAlias = Mapping[int, str]


def _member_names(session: Session) -> dict[int, str]:
    """Every member's name in one statement: the minutes name those present and represented, and each open
    vote's voters, by the hundred at a large cooperative's meeting, where a query each would be thousands."""
    rows = session.execute(select(Member.id, Member.first_name, Member.last_name))
    return {member_id: f"{first} {last}" for member_id, first, last in rows}


def _name(names: Names, member_id: int | None) -> str:
    return names.get(member_id, "—") if member_id is not None else "—"


def held_day(meeting: Meeting) -> date:
    """The day the meeting was held: the Swedish calendar day it was opened (the planned day until then)."""
    return swedish_day(meeting.opened_at) if meeting.opened_at is not None else meeting.held_on


def _tie_break(result: dict[str, Any]) -> str | None:
    tie_break = result.get("tie_break")
    if tie_break == "lot":
        order = [text.CHOICES.get(Choice(o), o) if o in set(Choice) else o for o in result["lot"]["order"]]
        lot = f"Lika röstetal avgjordes genom lottning (slumptalsfrö {result['lot']['seed']})"
        return f"{lot}; dragen ordning: {text.names(order)}."
    if tie_break == "casting_vote":
        casting = text.CHOICES[Choice(result["casting_vote"])]
        return f"Lika röstetal avgjordes genom ordförandens utslagsröst ({casting})."
    return None


def _result_lines(result: dict[str, Any]) -> list[str]:
    """The counts and the rule, as sentences ("Ja 3 av 4 avgivna röster …")."""
    if "elected" in result:
        return [text.election_counts(result), f"Regel: {text.majority_rule(result)}."]
    if "yes" in result:
        lines = [text.yes_no_counts(result)]
        if "roll_count" in result:
            lines.append(f"Röstlängden tar upp {result['roll_count']}; valsedlar {result['ballot_count']}.")
        lines.append(text.majority_text(result, text.majority_rule(result)))
        return lines
    if "responses" in result:
        return [
            f"Svar från {result['responses']} av {result['eligible']} styrelseledamöter. "
            f"Krav: {text.majority_rule(result)}."
        ]
    return []


#: An open vote's record, one sentence per choice made: "Röstade ja: Alva Lindqvist och Cleo Nilsson."
CAST_HEADS: Final = {Choice.YES: "Röstade ja", Choice.NO: "Röstade nej", Choice.ABSTAIN: "Avstod"}


def _how_each_voted(session: Session, vote: Vote, names: Names) -> list[str]:
    """Who voted how in a vote that is not secret: the vote page tells members before they vote that the
    minutes record it, and the open vote stores each vote with its voter. A vote cast by an ombud names her.
    A secret ballot or an election stores no voter with a ballot, so it has none."""
    if vote.method in SECRET_METHODS:
        return []
    by_choice: dict[Choice, list[str]] = {}
    for cast in cast_votes(session, vote=vote):
        name = _name(names, cast.member_id)
        if cast.cast_by_member_id != cast.member_id:
            name = f"{name} (genom ombud: {_name(names, cast.cast_by_member_id)})"
        by_choice.setdefault(Choice(cast.choice), []).append(name)
    return [
        f"{CAST_HEADS[choice]}: {text.names(by_choice[choice])}." for choice in Choice if choice in by_choice
    ]


def _vote_context(
    session: Session, vote: Vote, names: Names, *, body: str, motion: bool = False
) -> dict[str, Any]:
    result = vote.result or {}
    parameter = (
        text.parameter_decision(vote.parameter_key, vote.parameter_value, vote.parameter_valid_from)
        if vote.parameter_key and vote.parameter_value and vote.parameter_valid_from
        else None
    )
    tie_break = _tie_break(result) if result else None
    return {
        "question": vote.question,
        "method": METHOD_LABELS[VoteMethod(vote.method)],
        # An election says it is one in its method already.
        "kind": None
        if vote.method == VoteMethod.election
        else text.DECISION_KINDS[DecisionKind(vote.decision_kind)],
        "counts": dict(sorted(result["counts"].items())) if "counts" in result else None,
        "lines": [*_result_lines(result), *([tie_break] if tie_break else [])],
        "cast": _how_each_voted(session, vote, names),
        "decision": text.decision_sentence(
            body=body,
            result=result,
            per_capsulam=vote.method == VoteMethod.per_capsulam,
            parameter=parameter if vote.parameter_value_id is not None else None,
            motion=motion,
        ),
        "excluded": [_name(names, i) for i in excluded_of(vote)],
        "commitment": vote.ballot_commitment,
        "encrypted": "decryption" in result,
    }


def _per_capsulam_since_last_board_meeting(session: Session, meeting: Meeting) -> list[Vote]:
    """Per capsulam decisions are recorded in the minutes of the next board meeting. Meetings are held on
    Swedish days, so a decision is placed on the Swedish day it closed (00:30 in Stockholm is the day after
    in UTC)."""
    previous = session.scalar(
        select(func.max(Meeting.held_on)).where(
            Meeting.kind == MeetingKind.BOARD, Meeting.held_on < meeting.held_on
        )
    )
    closed = session.scalars(
        select(Vote)
        .where(Vote.method == VoteMethod.per_capsulam, Vote.closed_at.is_not(None))
        .order_by(Vote.id)
    )
    return [
        v
        for v in closed
        if v.closed_at is not None
        and (previous is None or swedish_day(v.closed_at) > previous)
        and swedish_day(v.closed_at) <= meeting.held_on
    ]


def _sections(session: Session, meeting: Meeting, names: Names) -> tuple[list[dict[str, Any]], list[str]]:
    """The items in the order held, numbered § 1, § 2, … with each decision under its item; and the titles
    of the agenda items the meeting never took up. Minutes of meetings held before items were numbered as
    held (no ``held_as`` at all) keep the agenda's order."""
    body = text.DECIDING_BODY[MeetingKind(meeting.kind)]
    votes: dict[int | None, list[Vote]] = {}
    for vote in votes_of(session, meeting=meeting):
        votes.setdefault(vote.agenda_item_id, []).append(vote)
    numbered = any(item.held_as is not None for item in meeting.items)
    held = sorted(
        (item for item in meeting.items if item.held_as is not None or not numbered),
        key=lambda item: (item.held_as or 0, item.position),
    )
    sections: list[dict[str, Any]] = [
        {
            "title": item.title,
            "motion_by": _name(names, item.motion_by_member_id) if item.motion_by_member_id else None,
            "text": item.text,
            "board_answer": item.board_answer,
            "decision": text.acclamation_sentence(body=body, decision=item.decision)
            if item.decision
            else None,
            "votes": [
                _vote_context(session, v, names, body=body, motion=item.kind == AgendaItemKind.motion)
                for v in votes.get(item.id, [])
            ],
        }
        for item in held
    ]
    # Votes recorded without an item (before every vote had one) stand as items of their own.
    for vote in votes.get(None, []):
        context = _vote_context(session, vote, names, body=body)
        sections.append(
            {
                "title": vote.question,
                "motion_by": None,
                "text": None,
                "board_answer": None,
                "decision": None,
                "votes": [context],
            }
        )
    for number, section in enumerate(sections, start=1):
        section["number"] = number
    not_taken_up = [item.title for item in meeting.items if numbered and item.held_as is None]
    return sections, not_taken_up


def minutes_context(
    session: Session,
    *,
    meeting: Meeting,
    version: int,
    audit_head: ChainHead,
    approvals: Sequence[MinutesApproval] = (),
    final: bool = False,
    correction: str | None = None,
) -> dict[str, Any]:
    cooperative = session.scalar(select(Cooperative).order_by(Cooperative.id).limit(1))
    rulebook = session.get(RulebookVersion, meeting.rulebook_id)
    names = _member_names(session)
    per_capsulam = (
        [
            _vote_context(session, v, names, body="Styrelsen")
            for v in _per_capsulam_since_last_board_meeting(session, meeting)
        ]
        if meeting.kind == MeetingKind.BOARD
        else []
    )
    sections, not_taken_up = _sections(session, meeting, names)
    day = held_day(meeting)
    name = cooperative.name if cooperative else ""
    return {
        "cooperative": name,
        "title": meeting.title,
        # The running footer's line beside "Sida 2 av 3": a long title is cut there, never wrapped beside it.
        "footer_title": text.footer_title(
            meeting.title, beside=f"Protokoll:  · {text.on_day(day)} · version {version} · {name}"
        ),
        "held_on": text.on_day(day),
        # The time it was called for; printed with the day it was held only when that is the day called for.
        "starts_at": text.at_time(meeting.starts_at) if meeting.starts_at else None,
        "location": meeting.location,
        "kind": text.MEETING_KINDS[MeetingKind(meeting.kind)],
        "called_for": text.on_day(meeting.held_on) if meeting.held_on != day else None,
        "early_opening_reason": meeting.early_opening_reason,
        "noticed_on": text.on_day(meeting.noticed_on) if meeting.noticed_on else None,
        "notice_override_reason": meeting.notice_override_reason,
        "rulebook_from": text.on_day(rulebook.valid_from) if rulebook else None,
        # The rules seeded with an empty database have no date of their own (their valid_from only puts them
        # before every meeting): the minutes name them for what they are, not "i lydelse från 1 januari 2000".
        "rulebook_is_default": rulebook is not None and rulebook.valid_from == DEFAULT_RULEBOOK_FROM,
        # Each rule named, so that a decision can be checked against the minutes alone.
        "rules": rules_applied(rulebook_of(session, rulebook.id), MeetingKind(meeting.kind))
        if rulebook
        else [],
        "version": version,
        "final": final,
        "correction": correction,
        "present": [_name(names, a.member_id) for a in meeting.attendance],
        "proxies": [
            {
                "principal": _name(names, p.principal_member_id),
                "attendee": _name(names, p.attendee_member_id),
                "fullmakt": text.fullmakt(dated=p.dated, signed=p.signed),
            }
            for p in meeting.proxies
        ],
        "quorum": quorum(session, meeting=meeting),
        "chair": _name(names, meeting.chair_member_id),
        "secretary": _name(names, meeting.secretary_member_id),
        "adjusters": [
            _name(names, meeting.adjuster1_member_id),
            _name(names, meeting.adjuster2_member_id),
        ],
        "sections": sections,
        "not_taken_up": not_taken_up,
        "per_capsulam": per_capsulam,
        "approvals": [
            {"name": _name(names, a.member_id), "day": text.on_day(swedish_day(a.approved_at))}
            for a in approvals
        ],
        "audit_head": audit_head,
    }


def write_minutes(
    session: Session, *, minutes: Minutes, meeting: Meeting, final: bool, now: datetime
) -> Minutes:
    """(Re)write the text of ``minutes``: a draft, or with ``final`` the adjusted minutes with their
    approvals. The text prints the audit chain's head as it stands now, and records it on the row; the PDF
    is rendered from the text after the commit (``MINUTES_PDF``)."""
    anchor = chain_head(session)
    context = minutes_context(
        session,
        meeting=meeting,
        version=minutes.version,
        audit_head=anchor,
        approvals=minutes.approvals if final else (),
        final=final,
        correction=minutes.correction_reason,
    )
    minutes.html = render_html(TEMPLATE, context)
    minutes.pdf = None
    minutes.sha256 = None
    minutes.audit_head_hash = anchor.hash
    if not final:
        minutes.created_at = now
    session.add(minutes)
    session.flush()
    render_after_commit(session, MINUTES_PDF, [minutes.id])
    return minutes


def _render(html: str) -> bytes:
    return html_to_pdf(html)


def _text(minutes: Minutes) -> str:
    if minutes.html is None:
        raise ValueError(f"minutes {minutes.id} have no text to render")
    return minutes.html


#: Minutes in the document pipeline: the PDF from the text written when drawn up or locked, after the commit.
MINUTES_PDF: Final = DocumentKind(
    name="minutes",
    model=Minutes,
    pdf_column="pdf",
    sha256_column="sha256",
    snapshot=_text,
    render=_render,
    describe=lambda minutes: {
        "meeting_id": minutes.meeting_id,
        "version": minutes.version,
        "adjusted": minutes.locked_at is not None,
    },
)
register_kind(MINUTES_PDF)


def minutes_pdf(session: Session, *, minutes: Minutes) -> bytes:
    """The minutes' PDF as stored; one still pending is rendered and stored first."""
    return stored_pdf(session, MINUTES_PDF, minutes)


def minutes_pdf_filename(minutes: Minutes) -> str:
    """The name the minutes' PDF is downloaded under, from the web and the API alike: ``protokoll-7-v2.pdf``
    (meeting 7, version 2; ASCII, as the other documents' names)."""
    return f"protokoll-{minutes.meeting_id}-v{minutes.version}.pdf"


def draw_up_minutes(
    session: Session, *, meeting: Meeting, correction_reason: str | None, now: datetime
) -> Minutes:
    """Draw up the minutes of a closed meeting as a draft for the adjusters. A draft is redrawn in place (and
    any approval of the earlier draft falls: the adjusters approve what they read); after the latest version
    is locked, a new version is a correction: it needs a reason and refers to the previous one."""
    if meeting.status != MeetingStatus.closed:
        raise Conflict("minutes are drawn up after the meeting is closed", code=f"meeting_{meeting.status}")
    if None in (
        meeting.chair_member_id,
        meeting.secretary_member_id,
        meeting.adjuster1_member_id,
        meeting.adjuster2_member_id,
    ):
        raise Conflict(
            "the meeting chose no chair, secretary and two adjusters: no one could sign or adjust minutes",
            code="officials_missing",
        )
    # Locked: an adjuster's approval of the draft waits for the redraw, and then reads the new draft.
    latest = fetch_locked(
        session,
        select(Minutes).where(Minutes.meeting_id == meeting.id).order_by(Minutes.version.desc()).limit(1),
    )
    reason = (correction_reason or "").strip() or None
    if latest is not None and latest.locked_at is not None and reason is None:
        raise RuleViolation(
            "the minutes are adjusted and locked; a correction needs a reason",
            code="correction_reason_required",
            field="correction_reason",
        )
    if latest is not None and latest.locked_at is None:
        minutes = latest
        _withdraw_approvals(session, minutes=minutes, now=now)
    else:
        minutes = Minutes(
            meeting_id=meeting.id,
            version=latest.version + 1 if latest else 1,
            refers_to_id=latest.id if latest is not None else None,
            correction_reason=reason if latest is not None else None,
        )  # added to the session once written: its text and audit head are required
    return write_minutes(session, minutes=minutes, meeting=meeting, final=False, now=now)


def _withdraw_approvals(session: Session, *, minutes: Minutes, now: datetime) -> None:
    """A redrawn draft is a new text: approvals of the old one no longer hold, and the log says so."""
    withdrawn = [a.member_id for a in minutes.approvals]
    if not withdrawn:
        return
    session.execute(delete(MinutesApproval).where(MinutesApproval.minutes_id == minutes.id))
    session.expire(minutes, ["approvals"])
    append_event(
        session,
        kind="minutes_approvals_withdrawn",
        payload={"minutes_id": minutes.id, "draft_sha256": minutes.sha256, "member_ids": withdrawn},
        now=now,
    )


def get_minutes(session: Session, *, minutes_id: int) -> Minutes:
    minutes = session.get(Minutes, minutes_id)
    if minutes is None:
        raise NotFound(f"minutes {minutes_id} do not exist")
    return minutes


def list_minutes(session: Session, *, meeting: Meeting) -> list[Minutes]:
    return list(
        session.scalars(select(Minutes).where(Minutes.meeting_id == meeting.id).order_by(Minutes.version))
    )
