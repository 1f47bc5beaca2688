"""The voting rules a meeting was held under, in the minutes' Swedish: each rule named, not only where the
rules came from.

A reader of the minutes (a member, the auditor, a court) must be able to check a decision against the rules
it was taken under without the program at hand: "mer än hälften av de avgivna rösterna", "minst två
tredjedelar" for a change of the statutes, who may vote by proxy. So the minutes list the rules of the
rulebook in force on the meeting's day (``governance.rulebooks``) that bear on that kind of meeting, said here
from the pure ``Rulebook``. Nothing in this module touches the database.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Final

from kooperativet.governance.minutes_text import SHARE_WORDS
from kooperativet.governance.rules.rulebook import Majority, Quorum, Rulebook
from kooperativet.governance.rules.terms import DecisionKind, MeetingKind

#: The decisions a secret ballot may be asked for, as "vid …", elections first (the usual clause).
SECRET_BALLOT_KINDS: Final = {
    DecisionKind.ELECTION: "val",
    DecisionKind.ORDINARY: "vanliga beslut",
    DecisionKind.STATUTE_CHANGE: "ändringar av stadgarna",
    DecisionKind.STATUTE_CHANGE_RAISING_DUTIES: (
        "ändringar av stadgarna som ökar medlemmarnas betalningsskyldighet"
    ),
    DecisionKind.DISSOLUTION: "beslut om likvidation",
    DecisionKind.BOARD: "styrelsebeslut",
}
NUMBERS: Final = {1: "en", 2: "två", 3: "tre", 4: "fyra", 5: "fem"}


def _share(share: Fraction) -> str:
    if share == 1:
        return "samtliga"
    written = f"{share.numerator}/{share.denominator}"
    return SHARE_WORDS.get(written, written)


def majority(rule: Majority, *, of: str) -> str:
    """``mer än hälften av de avgivna rösterna``. Where the statutes ask consecutive meetings, the share is
    that of the last one (the earlier ones adopt by simple majority, docs/governance.md)."""
    words = f"{'minst' if rule.at_least else 'mer än'} {_share(rule.share)} av {of}"
    if rule.meetings > 1:
        words += f" på den sista av {NUMBERS.get(rule.meetings, str(rule.meetings))} stämmor i följd"
    return words


def quorum(rule: Quorum, *, body: str, of: str) -> str:
    """When ``body`` may decide: ``Stämman är beslutför oavsett hur många som deltar.`` for the law's none."""
    if rule.share == 0 and rule.minimum == 0:
        return f"{body} är beslutför oavsett hur många som deltar."
    parts = []
    if rule.share:
        parts.append(f"{'minst' if rule.at_least else 'mer än'} {_share(rule.share)} av {of}")
    if rule.minimum:
        parts.append(f"minst {rule.minimum}")
    return f"{body} är beslutför när {' och '.join(parts)} deltar."


def rules_applied(rulebook: Rulebook, kind: MeetingKind) -> list[str]:
    """The rules that bear on a meeting of ``kind``, one sentence each, in the order a meeting meets them."""
    if kind is MeetingKind.BOARD:
        return [
            quorum(rulebook.board_quorum, body="Styrelsen", of="ledamöterna"),
            "Styrelsens beslut fattas med "
            + majority(rulebook.board_decision, of="de närvarande ledamöternas röster")
            + ".",
        ]
    votes = "de avgivna rösterna"
    lines = [
        quorum(rulebook.general_meeting_quorum, body="Stämman", of="de röstberättigade"),
        f"Beslut fattas med {majority(rulebook.ordinary, of=votes)}; vid val är de med flest röster valda.",
        f"En ändring av stadgarna kräver {majority(rulebook.statute_change, of=votes)}, och "
        f"{majority(rulebook.statute_change_raising_duties, of=votes)} när den ökar medlemmarnas "
        "betalningsskyldighet.",
        f"Beslut om likvidation kräver {majority(rulebook.dissolution, of=votes)}.",
    ]
    if rulebook.proxies_allowed:
        count = rulebook.max_proxies_per_attendee
        members = "en medlem" if count == 1 else f"{NUMBERS.get(count, str(count))} medlemmar"
        lines.append(
            "En medlem får rösta genom ombud med skriftlig, daterad fullmakt som gäller högst "
            f"{rulebook.proxy_validity_months} månader; ett ombud företräder högst {members}."
        )
    else:
        lines.append("Ingen får rösta genom ombud.")
    secret = [words for k, words in SECRET_BALLOT_KINDS.items() if k in rulebook.secret_ballot_on_request]
    if secret:
        lines.append(f"Vid {' och '.join(secret)} hålls sluten omröstning om någon begär det.")
    return lines
