"""vote result's majority as data: the rule a closed vote applied, not an English sentence

A closed vote's result (``votes.result``, JSON) stated the majority it required as English prose
(``"majority_required": "more than 1/2 of votes cast"``), which the minutes translated into Swedish. It now
records the rule as data (``"majority": {"rule": "share", "share": "1/2", "at_least": false, "base":
"votes_cast"}``, ``{"rule": "unanimous_board"}``, ``{"rule": "most_votes", "seats": 2}``) and the API and
the minutes put it in words. The upgrade rewrites every stored result from the sentence to the rule, in the
same place among the keys; the downgrade writes the sentence back. Every sentence was made from one of three
templates, so each one parses; one that does not stops the migration rather than lose what it said. Nothing
hashed covers the column (see cddb685e0b37), and issued minutes keep their PDF.

Revision ID: 3b60ebb69e86
Revises: 5d0c1e7a2b94
Create Date: 2026-12-01 06:20:00.000000+00:00
"""

import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "3b60ebb69e86"
down_revision: str | None = "5d0c1e7a2b94"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VOTES = sa.table("votes", sa.column("id", sa.Integer), sa.column("result", sa.JSON))

BASES = {"votes cast": "votes_cast", "board members present": "board_members_present"}
UNANIMOUS_BOARD = "every board member reached and agreeing"
SHARE = re.compile(r"(more than|at least) (\d+/\d+) of (votes cast|board members present)")
MOST_VOTES = re.compile(r"the (\d+) candidate\(s\) with most votes")


def upgrade() -> None:
    _rewrite(old="majority_required", new="majority", convert=_rule_of)


def downgrade() -> None:
    _rewrite(old="majority", new="majority_required", convert=_sentence_of)


def _rule_of(vote_id: int, sentence: str) -> dict[str, Any]:
    if sentence == UNANIMOUS_BOARD:
        return {"rule": "unanimous_board"}
    if (share := SHARE.fullmatch(sentence)) is not None:
        words, fraction, base = share.groups()
        return {"rule": "share", "share": fraction, "at_least": words == "at least", "base": BASES[base]}
    if (most := MOST_VOTES.fullmatch(sentence)) is not None:
        return {"rule": "most_votes", "seats": int(most.group(1))}
    raise RuntimeError(f"vote {vote_id}: the majority {sentence!r} is not one this migration knows")


def _sentence_of(vote_id: int, rule: dict[str, Any]) -> str:
    if rule["rule"] == "unanimous_board":
        return UNANIMOUS_BOARD
    if rule["rule"] == "most_votes":
        return f"the {rule['seats']} candidate(s) with most votes"
    words = "at least" if rule["at_least"] else "more than"
    base = {code: text for text, code in BASES.items()}[rule["base"]]
    return f"{words} {rule['share']} of {base}"


def _rewrite(*, old: str, new: str, convert: Callable[[int, Any], Any]) -> None:
    """Replace the key ``old`` of every stored result by ``new`` in its place, its value converted."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(VOTES.c.id, VOTES.c.result).where(VOTES.c.result.is_not(None))).all()
    for vote_id, result in rows:
        if not isinstance(result, dict) or old not in result:
            continue
        rewritten = {
            (new if key == old else key): (convert(vote_id, value) if key == old else value)
            for key, value in result.items()
        }
        bind.execute(sa.update(VOTES).where(VOTES.c.id == vote_id).values(result=rewritten))
