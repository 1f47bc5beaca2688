"""The minutes name the voting rules a meeting was held under (governance.minutes_rules), not only where they
came from: each rule of the rulebook that bears on that kind of meeting, in Swedish."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from kooperativet.governance.minutes_rules import rules_applied
from kooperativet.governance.rules.rulebook import Majority, Quorum, default_rulebook
from kooperativet.governance.rules.terms import DecisionKind, MeetingKind


def test_a_board_meeting_names_its_quorum_and_majority() -> None:
    assert rules_applied(default_rulebook(), MeetingKind.BOARD) == [
        "Styrelsen är beslutför när mer än hälften av ledamöterna deltar.",
        "Styrelsens beslut fattas med mer än hälften av de närvarande ledamöternas röster.",
    ]


def test_a_cooperatives_own_rules_are_named_as_they_are() -> None:
    own = replace(
        default_rulebook(),
        general_meeting_quorum=Quorum(share=Fraction(1, 4), at_least=True, minimum=5),
        statute_change=Majority(share=Fraction(2, 3), at_least=True, meetings=2),
        proxies_allowed=False,
        max_proxies_per_attendee=0,
        secret_ballot_on_request=frozenset({DecisionKind.ELECTION, DecisionKind.DISSOLUTION}),
    )
    rules = rules_applied(own, MeetingKind.ANNUAL)
    assert rules[0] == "Stämman är beslutför när minst 1/4 av de röstberättigade och minst 5 deltar."
    assert rules[2].startswith(
        "En ändring av stadgarna kräver minst två tredjedelar av de avgivna rösterna på den sista av två "
        "stämmor i följd"
    )
    assert "Ingen får rösta genom ombud." in rules
    assert rules[-1] == "Vid val och beslut om likvidation hålls sluten omröstning om någon begär det."
