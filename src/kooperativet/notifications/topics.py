"""Every kind of message the cooperative sends on its own accord, who gets it, and whether she may decline it.

A topic is required when the law or the statutes oblige the cooperative to tell her (the anställningsbevis,
LAS 6 c §) or when not telling her would hide a possible fraud from her (a changed bank account). The others
are on until she turns them off (docs/notifications.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Audience(StrEnum):
    member = "member"  # the member the message is about
    treasurer = "treasurer"  # every active user with the treasurer role


@dataclass(frozen=True)
class Topic:
    key: str  # also the template folder under mail/templates
    audience: Audience
    #: What the message tells, for the preferences page, by language.
    description: dict[str, str]
    #: Why she cannot turn it off, by language; ``None`` for a topic she may decline.
    required_because: dict[str, str] | None = None

    @property
    def required(self) -> bool:
        return self.required_because is not None

    def describe(self, language: str) -> str:
        return self.description.get(language, self.description["sv"])

    def reason(self, language: str) -> str | None:
        if self.required_because is None:
            return None
        return self.required_because.get(language, self.required_because["sv"])


COMMISSION_APPROVED: Final = "commission_approved"
COMMISSION_REJECTED: Final = "commission_rejected"
PAYSLIP_READY: Final = "payslip_ready"
MEMBER_DETAILS_CHANGED: Final = "member_details_changed"
VOTE_OPENED: Final = "vote_opened"
COMMISSION_SUBMITTED: Final = "commission_submitted"
PAYMENT_UNMATCHED: Final = "payment_unmatched"

_TOPICS: Final = (
    Topic(
        COMMISSION_APPROVED,
        Audience.member,
        {
            "sv": "Ditt uppdrag har godkänts – med anställningsbeviset bifogat",
            "en": "Your commission was approved – with the employment certificate attached",
        },
        {
            "sv": "Anställningsbeviset är den skriftliga information som arbetsgivaren måste lämna enligt "
            "6 c § lagen (1982:80) om anställningsskydd.",
            "en": "The employment certificate is the written information the employer must give under "
            "section 6 c of the Employment Protection Act (1982:80).",
        },
    ),
    Topic(
        COMMISSION_REJECTED,
        Audience.member,
        {
            "sv": "Ditt uppdrag har avslagits – med skälet",
            "en": "Your commission was rejected – with the reason",
        },
    ),
    Topic(
        PAYSLIP_READY,
        Audience.member,
        {
            "sv": "Din lönespecifikation är klar – bifogad som PDF",
            "en": "Your payslip is ready – attached as a PDF",
        },
    ),
    Topic(
        MEMBER_DETAILS_CHANGED,
        Audience.member,
        {
            "sv": "Ditt bankkonto, namn eller personnummer har ändrats",
            "en": "Your bank account, name or personal identity number was changed",
        },
        {
            "sv": "Ett säkerhetsmeddelande: en ändring du inte själv känner till kan vara ett försök att "
            "leda din lön till någon annan.",
            "en": "A security notice: a change you do not know of may be an attempt to send your salary "
            "to someone else.",
        },
    ),
    Topic(
        VOTE_OPENED,
        Audience.member,
        {
            "sv": "En omröstning eller ett val som du får delta i har öppnats",
            "en": "A vote or an election you may take part in has opened",
        },
    ),
    Topic(
        COMMISSION_SUBMITTED,
        Audience.treasurer,
        {
            "sv": "Ett uppdrag har lämnats in för beslut (kassör)",
            "en": "A commission was submitted for decision (treasurer)",
        },
    ),
    Topic(
        PAYMENT_UNMATCHED,
        Audience.treasurer,
        {
            "sv": "En bankfil innehöll inbetalningar som inte kunde matchas (kassör)",
            "en": "A bank file held payments that could not be matched (treasurer)",
        },
    ),
)

TOPICS: Final[dict[str, Topic]] = {topic.key: topic for topic in _TOPICS}


def topic(key: str) -> Topic:
    try:
        return TOPICS[key]
    except KeyError:
        raise LookupError(f"no notification topic {key!r}") from None
