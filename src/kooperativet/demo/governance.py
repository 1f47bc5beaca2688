"""Demo step: the annual meeting. An open vote (with jäv), a fee decision from a future date, a secret
ballot on a member's motion (taken up before the election, so the minutes number the items as held), an
election with a tie settled by lot; minutes approved by both adjusters and locked, and published ballots.

Everything random in production (the tally keys and the ballots' encryption randomness, the lot, the
ballot shuffle) is derived here from a demo constant with HMAC, so two runs give identical files. Never do
this outside the demo: production draws from ``random.SystemRandom``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from kooperativet.auth.models import User
from kooperativet.demo import DemoContext
from kooperativet.governance import (
    acclamation,
    board,
    meetings,
    minutes_approval,
    results,
    rulebooks,
    verification,
    votes,
)
from kooperativet.governance import minutes as minutes_service
from kooperativet.governance.ballot_encryption import TALLY_KEY_BITS
from kooperativet.governance.models import AgendaItemKind, BoardRole, Vote, VoteMethod
from kooperativet.governance.rules.terms import Choice, MeetingKind
from kooperativet.governance.schemas.board import BoardAssignmentCreate
from kooperativet.governance.schemas.meetings import (
    AgendaItemCreate,
    MotionCreate,
    OfficialsUpdate,
)
from kooperativet.governance.schemas.votes import BallotCreate, ParameterProposal, VoteCreate
from kooperativet.parties.models import Member

DEMO_KEY = b"kooperativet demo: annual meeting 2026"
TELLERS_PASSPHRASE = "rösträknarnas lösenfras i demon"  # noqa: S105 - a demo constant, printed in no file
AUDITORS = ["Revisionsbyrån Norr", "Revisionsbyrån Syd", "Revisionsbyrån Väst"]


def _derived(label: str) -> bytes:
    return hmac.new(DEMO_KEY, label.encode(), hashlib.sha256).digest()


def _seed(label: str) -> int:
    return int.from_bytes(_derived(label)[:8], "big")


def _demo_rng(label: str) -> random.Random:
    """A seeded generator standing in for ``random.SystemRandom`` so that the demo repeats byte for byte."""
    return random.Random(_derived(label))  # noqa: S311 - demo only, never in production


def run(context: DemoContext) -> None:
    session = context.session
    rulebooks.seed_default_rulebook(session)
    alva, bertil, cleo, dagny = (
        session.get(Member, context.ids[f"member:{name}"]) for name in ("alva", "bertil", "cleo", "dagny")
    )
    assert alva is not None
    assert bertil is not None
    assert cleo is not None
    assert dagny is not None
    chair_user = session.get(User, context.ids["user:chair"])
    assert chair_user is not None
    for member, role in ((alva, BoardRole.chair), (bertil, BoardRole.treasurer), (cleo, BoardRole.secretary)):
        board.appoint_board_member(
            session,
            data=BoardAssignmentCreate(
                member_id=member.id, role=role, term_from=date(2026, 5, 1), decision_reference="årsmötet 2026"
            ),
        )
    held_on = context.today
    now = datetime.combine(held_on, time(18, 0), tzinfo=UTC)
    meeting = meetings.create_meeting(
        session,
        kind=MeetingKind.ANNUAL,
        title="Årsmöte 2026",
        held_on=held_on,
        starts_at=time(18, 30),
        location="Kulturgatan 7, Stockholm",
    )
    items = {
        key: meetings.add_agenda_item(
            session, meeting=meeting, data=AgendaItemCreate(kind=kind, title=title, text=text)
        )
        for key, kind, title, text in [
            ("opening", AgendaItemKind.procedural, "Mötets öppnande och val av funktionärer", None),
            (
                "discharge",
                AgendaItemKind.board_proposal,
                "Ansvarsfrihet för styrelsen",
                "Revisorerna tillstyrker.",
            ),
            (
                "fee",
                AgendaItemKind.board_proposal,
                "Sänkt administrativ avgift",
                "Styrelsen föreslår att avgiften sänks från 6 % till 5,5 % från och med den 1 januari 2027.",
            ),
            ("auditors", AgendaItemKind.election, "Val av två revisorer", None),
        ]
    }
    motion = meetings.submit_motion(
        session,
        meeting=meeting,
        member=dagny,
        data=MotionCreate(
            title="Gemensam replokal", text="Föreningen hyr en gemensam replokal från hösten 2027."
        ),
        today=held_on - timedelta(days=40),
    )
    meetings.answer_motion(
        session,
        meeting=meeting,
        item=motion,
        answer="Styrelsen ser positivt på motionen och föreslår bifall.",
    )
    meetings.give_notice(
        session,
        meeting=meeting,
        text="Välkommen till årsmötet. Dagordning och handlingar bifogas.",
        today=held_on - timedelta(days=30),
    )
    meetings.record_notice_mail(
        session, meeting=meeting, status="not_configured", detail="demo: no SMTP server"
    )
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=now)
    meetings.set_officials(
        session,
        meeting=meeting,
        data=OfficialsUpdate(
            chair_member_id=alva.id,
            secretary_member_id=cleo.id,
            adjuster1_member_id=bertil.id,
            adjuster2_member_id=dagny.id,
        ),
    )
    # Dagny comes herself: the board is disqualified (jäv) on its own discharge, and a board member may not
    # vote on it as her proxy either (SFS 2018:672 6 kap. 37 §), so her vote is the only one it can have.
    for member in (alva, bertil, cleo, dagny):
        meetings.register_attendance(session, meeting=meeting, member_id=member.id)
    # The officials are chosen the usual way: the chair proposes, nobody asks for a vote (acclamation).
    acclamation.decide(
        session,
        meeting=meeting,
        item=items["opening"],
        decision=(
            f"välja {alva.full_name} till ordförande, {cleo.full_name} till sekreterare och "
            f"{bertil.full_name} och {dagny.full_name} till justerare tillika rösträknare"
        ),
        now=now,
    )

    def cast(vote: Vote, voter: Member, **body: object) -> None:
        votes.cast_vote(
            session,
            vote=vote,
            caster=voter,
            data=BallotCreate(**body),
            now=now,
            rng=_demo_rng(f"ballot {vote.id} {voter.id}"),
        )

    def close(vote: Vote) -> None:
        results.close_vote(
            session,
            vote=vote,
            chair_casting_vote=None,
            now=now,
            lot_seed=_seed(f"lot {vote.id}"),
            shuffle_seed=_seed(f"shuffle {vote.id}"),
            actor=chair_user,
            tellers_passphrase=TELLERS_PASSPHRASE if vote.method in votes.SECRET_METHODS else None,
        )

    discharge = votes.open_vote(
        session,
        meeting=meeting,
        data=VoteCreate(
            method=VoteMethod.open,
            question="Beviljas styrelsen ansvarsfrihet för 2025?",
            agenda_item_id=items["discharge"].id,
            excluded_member_ids=[alva.id, bertil.id, cleo.id],
        ),
        now=now,
        tally_key_bits=TALLY_KEY_BITS,
        rng=_demo_rng("tally key discharge"),
    )
    cast(discharge, dagny, choice=Choice.YES)
    close(discharge)

    fee = votes.open_vote(
        session,
        meeting=meeting,
        data=VoteCreate(
            method=VoteMethod.open,
            question="Sänks den administrativa avgiften till 5,5 % från den 1 januari 2027?",
            agenda_item_id=items["fee"].id,
            sets_parameter=ParameterProposal(key="fee_rate", value="0.055", valid_from=date(2027, 1, 1)),
        ),
        now=now,
        tally_key_bits=TALLY_KEY_BITS,
        rng=_demo_rng("tally key fee"),
    )
    for voter, choice in ((alva, Choice.YES), (bertil, Choice.YES), (cleo, Choice.YES), (dagny, Choice.NO)):
        cast(fee, voter, choice=choice)
    close(fee)

    secret = votes.open_vote(
        session,
        meeting=meeting,
        data=VoteCreate(
            method=VoteMethod.secret,
            tellers_passphrase=TELLERS_PASSPHRASE,
            question="Bifalls motionen om en gemensam replokal? (sluten omröstning på begäran)",
            agenda_item_id=motion.id,
        ),
        now=now,
        tally_key_bits=TALLY_KEY_BITS,
        rng=_demo_rng("tally key secret"),
    )
    for voter, choice in ((alva, Choice.YES), (bertil, Choice.NO), (cleo, Choice.YES), (dagny, Choice.YES)):
        cast(secret, voter, choice=choice)
    close(secret)

    election = votes.open_vote(
        session,
        meeting=meeting,
        data=VoteCreate(
            method=VoteMethod.election,
            tellers_passphrase=TELLERS_PASSPHRASE,
            question="Val av två revisorer för 2027",
            agenda_item_id=items["auditors"].id,
            seats=2,
            candidates=AUDITORS,
        ),
        now=now,
        tally_key_bits=TALLY_KEY_BITS,
        rng=_demo_rng("tally key election"),
    )
    north, south, west = AUDITORS
    for voter, names in (
        (alva, [north, south]),
        (bertil, [west, north]),
        (cleo, [north]),
        (dagny, [south, west]),
    ):
        cast(election, voter, candidates=names)
    close(election)

    meetings.close_meeting(session, meeting=meeting, now=now + timedelta(hours=2))
    minutes = minutes_service.draw_up_minutes(
        session, meeting=meeting, correction_reason=None, now=now + timedelta(hours=3)
    )
    # The draft is committed and its PDF rendered for the adjusters to read, as its own request and the
    # worker after it would.
    context.commit_and_run_jobs()
    # The adjusters elected at the meeting approve the draft, each from their own account; the second
    # approval locks the minutes as adjusted, and their PDF is rendered after the step's commit.
    for adjuster, after in ((bertil, timedelta(days=6)), (dagny, timedelta(days=7))):
        minutes_approval.approve_minutes(session, minutes=minutes, member=adjuster, now=now + after)
    assert minutes.locked_at is not None
    context.write_after_commit(
        "governance/arsmote-2026-protokoll.pdf",
        partial(getattr, minutes, "pdf"),
        kind="minutes_pdf",
        document_id=f"minutes-{meeting.id}-v{minutes.version}",
    )
    published = {
        "meeting": meeting.title,
        "held_on": meeting.held_on.isoformat(),
        "votes": [
            {
                "vote_id": vote.id,
                "question": vote.question,
                "method": str(vote.method),
                "commitment": vote.ballot_commitment,
                "roll_count": votes.voted_count(session, vote=vote),
                "decryption": verification.published_decryption(vote),
                "ballots": [
                    {"content": b.content, "receipt": b.receipt}
                    for b in votes.published_ballots(session, vote=vote)
                ],
            }
            for vote in (secret, election)
        ],
    }
    context.write(
        "governance/arsmote-2026-valsedlar.json",
        (json.dumps(published, indent=2, ensure_ascii=False) + "\n").encode(),
        kind="ballots_json",
        document_id=f"ballots-meeting-{meeting.id}",
    )
    context.ids["meeting:annual"] = meeting.id
