"""The words a page uses for the governance domain's keys (kinds, statuses, methods, outcomes), and a vote's
majority rule in words, whichever shape the stored result holds it in.

Each value is an English message id; the template translates it (``{{ _(words.meeting_kinds[m.kind]) }}``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from kooperativet.governance.rules.rulebook import Majority, Rulebook
from kooperativet.web.i18n import N_

MEETING_KINDS: Final = {
    "annual": N_("Annual general meeting"),
    "extra": N_("Extra general meeting"),
    "board": N_("Board meeting"),
}
MEETING_STATUSES: Final = {"planned": N_("Planned"), "open": N_("In session"), "closed": N_("Closed")}
ITEM_KINDS: Final = {
    "procedural": N_("Procedural item"),
    "decision": N_("Matter for decision"),
    "board_proposal": N_("Board proposal"),
    "motion": N_("Motion"),
    "election": N_("Election"),
    "report": N_("Report"),
}
VOTE_METHODS: Final = {
    "open": N_("Open vote"),
    "secret": N_("Secret ballot"),
    "election": N_("Election by secret ballot"),
    "board": N_("Board decision"),
    "per_capsulam": N_("Per capsulam decision"),
}
DECISION_KINDS: Final = {
    "ordinary": N_("Ordinary decision"),
    "statute_change": N_("Change of the statutes"),
    "statute_change_raising_duties": N_("Change of the statutes raising members' fees"),
    "dissolution": N_("Dissolution of the cooperative"),
    "board": N_("Board decision"),
    "election": N_("Election"),
}
#: A vote's own words: "Closed" is said of a meeting (ett möte: avslutat), a vote is en omröstning (avslutad).
VOTE_STATUSES: Final = {"open": N_("Open for voting"), "closed": N_("Voting closed")}
CHOICES: Final = {"yes": N_("Yes"), "no": N_("No"), "abstain": N_("Abstain")}
#: A decided vote's result as the minutes say it ("bifalla"/"avslå"): in Swedish "Bifall" and "Avslag" (not
#: the assignments' "Rejected", which is another word in Swedish).
OUTCOMES: Final = {"adopted": N_("Adopted"), "rejected": N_("Not adopted"), "elected": N_("Elected")}
TIE_BREAKS: Final = {
    "casting_vote": N_("The votes were tied; the chair's casting vote decided."),
    "lot": N_("The votes were tied; the lot decided."),
}
PER_CAPSULAM_REASONS: Final = {
    "not_quorate": N_("Too many board members were disqualified to decide."),
    "not_reached": N_("Not every board member answered."),
    "not_unanimous": N_("Not every board member agreed."),
}
NOTICE_PROBLEMS: Final = {
    "too_late": N_("The notice went out too late for the rulebook."),
    "too_early": N_("The notice went out too early for the rulebook."),
}
MAIL_STATUSES: Final = {
    "queued": N_(
        "Queued as e-mail to each member with an address; the office's mail page shows when it went out."
    ),
    "no_recipients": N_(
        "Not sent by e-mail: nobody entitled has an e-mail address. Send the notice another way."
    ),
    "sent": N_("Sent by e-mail."),
    "not_configured": N_("Not sent by e-mail: no mail server is set up. Send the notice another way."),
    "failed": N_("Sending the e-mail failed. Send the notice another way."),
}
#: The e-mail that tells those the notice went to of a changed start time (``governance.start_time``).
TIME_CHANGE_MAIL_STATUSES: Final = {
    "queued": N_(
        "Those the notice went to are told the new time by e-mail; the office's mail page shows when it "
        "went out."
    ),
    "no_recipients": N_(
        "Nobody the notice went to has an e-mail address: tell them the new time another way."
    ),
    "not_configured": N_(
        "Not sent by e-mail: no mail server is set up. Tell those the notice went to the new time another "
        "way."
    ),
}
ROLES: Final = {
    "member": N_("Member"),
    "treasurer": N_("Treasurer"),
    "board": N_("Board"),
    "admin": N_("Administrator"),
    "auditor": N_("Auditor"),
}


@dataclass(frozen=True, slots=True)
class MajorityWords:
    """A message id and its values, for the template to translate: ``_(m.message, **m.values)``."""

    message: str
    values: Mapping[str, object]


_SHARE_WORDS: Final = {
    (False, "votes_cast"): N_("more than %(share)s of the votes cast"),
    (True, "votes_cast"): N_("at least %(share)s of the votes cast"),
    (False, "board_members_present"): N_("more than %(share)s of the board members present"),
    (True, "board_members_present"): N_("at least %(share)s of the board members present"),
}
_BASES_IN_ENGLISH: Final = {"votes cast": "votes_cast", "board members present": "board_members_present"}
_ENGLISH_SHARE = re.compile(r"^(more than|at least) (\d+/\d+) of (votes cast|board members present)$")
_ENGLISH_SEATS = re.compile(r"^the (\d+) candidate\(s\) with most votes$")
UNANIMOUS: Final = N_("every board member reached and agreeing")
MOST_VOTES: Final = N_("the %(seats)s candidates with the most votes")
MOST_VOTES_ONE: Final = N_("the candidate with the most votes")


def majority_words(result: Mapping[str, Any] | None) -> MajorityWords | None:
    """The rule a closed vote was decided by. A result holds it as data (``majority``: ``{"rule": "share",
    "share": "1/2", "at_least": false, "base": "votes_cast"}``, ``{"rule": "most_votes", "seats": 2}``,
    ``{"rule": "unanimous_board"}``) or, in results stored before that, as English prose
    (``majority_required``); both become the same words."""
    if not result:
        return None
    rule = result.get("majority")
    if not isinstance(rule, Mapping):
        rule = _rule_from_english(str(result.get("majority_required") or ""))
    if rule is None:
        return None
    if rule.get("rule") == "unanimous_board":
        return MajorityWords(UNANIMOUS, {})
    if rule.get("rule") == "most_votes":
        seats = rule.get("seats")
        return (
            MajorityWords(MOST_VOTES_ONE, {}) if seats == 1 else MajorityWords(MOST_VOTES, {"seats": seats})
        )
    message = _SHARE_WORDS.get((bool(rule.get("at_least")), str(rule.get("base"))))
    return None if message is None else MajorityWords(message, {"share": rule.get("share")})


def _rule_from_english(text: str) -> dict[str, Any] | None:
    if text == "every board member reached and agreeing":
        return {"rule": "unanimous_board"}
    if seats := _ENGLISH_SEATS.match(text):
        return {"rule": "most_votes", "seats": int(seats.group(1))}
    if share := _ENGLISH_SHARE.match(text):
        return {
            "rule": "share",
            "share": share.group(2),
            "at_least": share.group(1) == "at least",
            "base": _BASES_IN_ENGLISH[share.group(3)],
        }
    return None


#: Where the voting rules of a meeting come from, said under their heading on the meeting page.
RULES_MODELLED_ON_THE_LAW: Final = N_(
    "Modelled on the Economic Associations Act (lag 2018:672): the cooperative has not entered the rules of "
    "its own statutes."
)
RULES_OF_THE_STATUTES: Final = N_("The statutes' rules as they read from %(day)s.")
PROXIES: Final = N_(
    "Written and dated, valid at most %(months)s months. Members per proxy: at most %(count)s."
)
NO_PROXIES: Final = N_("Nobody may vote by proxy.")


def rule_words(rulebook: Rulebook, kind: str) -> list[tuple[str, MajorityWords]]:
    """The voting rules a meeting is held under, each named with what it asks, as the minutes list them
    (``governance.minutes_rules``): a reader sees which majority a decision needs before it is taken."""

    def share(rule: Majority, base: str) -> MajorityWords:
        written = f"{rule.share.numerator}/{rule.share.denominator}"
        return MajorityWords(_SHARE_WORDS[(rule.at_least, base)], {"share": written})

    if kind == "board":
        return [(N_("Board decisions"), share(rulebook.board_decision, "board_members_present"))]
    proxies = (
        MajorityWords(
            PROXIES, {"months": rulebook.proxy_validity_months, "count": rulebook.max_proxies_per_attendee}
        )
        if rulebook.proxies_allowed
        else MajorityWords(NO_PROXIES, {})
    )
    return [
        (N_("Decisions"), share(rulebook.ordinary, "votes_cast")),
        (N_("A change of the statutes"), share(rulebook.statute_change, "votes_cast")),
        (N_("Dissolution"), share(rulebook.dissolution, "votes_cast")),
        (N_("Proxies"), proxies),
    ]


WORDS: Final = {
    "meeting_kinds": MEETING_KINDS,
    "meeting_statuses": MEETING_STATUSES,
    "item_kinds": ITEM_KINDS,
    "vote_methods": VOTE_METHODS,
    "decision_kinds": DECISION_KINDS,
    "vote_statuses": VOTE_STATUSES,
    "choices": CHOICES,
    "outcomes": OUTCOMES,
    "tie_breaks": TIE_BREAKS,
    "per_capsulam_reasons": PER_CAPSULAM_REASONS,
    "notice_problems": NOTICE_PROBLEMS,
    "mail_statuses": MAIL_STATUSES,
    "time_change_mail_statuses": TIME_CHANGE_MAIL_STATUSES,
    "roles": ROLES,
    "rules_of_the_statutes": RULES_OF_THE_STATUTES,
    "rules_modelled_on_the_law": RULES_MODELLED_ON_THE_LAW,
}
