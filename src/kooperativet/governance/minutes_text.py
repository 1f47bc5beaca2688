"""The minutes' Swedish: what each recorded value reads as on paper.

The API speaks in keys and enum values (``fee_rate``, ``0.055``, ``ordinary``, ``not_reached``); the minutes
are read by members, so every such value is put into Swedish words here, numbers with a decimal comma and
dates as Swedes write them ("1 januari 2027"). Nothing in this module touches the database.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any, Final

from kooperativet.documents.render import long_date, money, ordinal, percent
from kooperativet.governance.rules.required_majority import MajorityBase, MajorityRule, RequiredMajority
from kooperativet.governance.rules.terms import Choice, DecisionKind, MeetingKind, PerCapsulamReason
from kooperativet.governance.schemas.results import percent_of, vacant_seats
from kooperativet.parameters.catalog import ValueKind, spec_for

MEETING_KINDS: Final = {
    MeetingKind.BOARD: "styrelsemöte",
    MeetingKind.ANNUAL: "ordinarie föreningsstämma (årsmöte)",
    MeetingKind.EXTRA: "extra föreningsstämma",
}

#: Who decides at each kind of meeting, as the subject of "… beslutade".
DECIDING_BODY: Final = {
    MeetingKind.BOARD: "Styrelsen",
    MeetingKind.ANNUAL: "Stämman",
    MeetingKind.EXTRA: "Stämman",
}

DECISION_KINDS: Final = {
    DecisionKind.ORDINARY: "vanligt beslut",
    DecisionKind.STATUTE_CHANGE: "stadgeändring",
    DecisionKind.STATUTE_CHANGE_RAISING_DUTIES: "stadgeändring som ökar medlemmarnas betalningsskyldighet",
    DecisionKind.DISSOLUTION: "beslut om att föreningen ska träda i likvidation",
    DecisionKind.BOARD: "styrelsebeslut",
    DecisionKind.ELECTION: "val",
}

#: What a majority's share is a share of, as in "mer än 1/2 av avgivna röster".
MAJORITY_BASES: Final = {
    MajorityBase.VOTES_CAST: "avgivna röster",
    MajorityBase.BOARD_MEMBERS_PRESENT: "närvarande styrelseledamöter",
}

CHOICES: Final = {Choice.YES: "ja", Choice.NO: "nej", Choice.ABSTAIN: "avstår"}

PER_CAPSULAM_REASONS: Final = {
    PerCapsulamReason.NOT_QUORATE: "för många ledamöter var jäviga för att styrelsen skulle vara beslutför",
    PerCapsulamReason.NOT_REACHED: "alla styrelseledamöter nåddes inte",
    PerCapsulamReason.NOT_UNANIMOUS: "styrelseledamöterna var inte eniga",
}

#: How a decision on each parameter (``parameters.catalog``) begins, followed by the value: "avgiften 5,5 %
#: från den 1 januari 2027", "lön betalas ut när kunden har betalat från den 1 januari 2027".
PARAMETER_NAMES: Final = {
    "fee_rate": "avgiften",
    "holiday_pay_rate": "semesterersättningen",
    "sink_rate": "skattesatsen för SINK",
    "asink_rate": "skattesatsen för A-SINK",
    "table_surcharge_rate": "tillägget på tabellskatten när skatteuppgift saknas",
    "employer_contribution_rules": "reglerna för arbetsgivaravgifter",
    "minimum_day_rate": "den lägsta dagsersättningen",
    "invoice_rounding": "fakturabelopp avrundas",
    "pay_on": "lön betalas ut",
    "pay_day": "lön betalas ut",
    "account_map": "kontoplanen för bokföringsexporten",
}

CHOICE_VALUES: Final = {
    ("invoice_rounding", "krona"): "till hela kronor",
    ("invoice_rounding", "none"): "inte",
    ("pay_on", "payment"): "när kunden har betalat",
    ("pay_on", "invoice"): "när fakturan har skickats",
}


def percent_text(value: Decimal) -> str:
    """``Decimal("100.00")`` → ``100 %``, ``Decimal("66.67")`` → ``66,67 %`` (with a no-break space)."""
    return percent(value)


def on_day(day: date) -> str:
    """``1 januari 2027``."""
    return long_date(day)


def at_time(starts_at: time) -> str:
    """``kl. 18.30``: a time of day with a full stop, as Svenska skrivregler write it (and the e-mails)."""
    return f"kl.\N{NO-BREAK SPACE}{starts_at:%H.%M}"


#: What one line of the running footer (8 pt, 80 % of the page's width beside "Sida 2 av 3") holds: about 90
#: characters of Swedish text fit. A line of wide letters that still overflows is cut at its edge (the
#: template's ``text-overflow``), never wrapped.
FOOTER_CHARACTERS: Final = 88
#: The least of a long title the footer keeps, however long the rest of its line.
FOOTER_TITLE_AT_LEAST: Final = 24


def footer_title(title: str, *, beside: str) -> str:
    """The meeting's title as the running footer prints it before ``beside`` (its day, version and the
    cooperative): whole when the line holds it, else cut at a word with "…". The day and the version stay
    whole: they tell which minutes a page parted from the others belongs to."""
    room = max(FOOTER_TITLE_AT_LEAST, FOOTER_CHARACTERS - len(beside))
    if len(title) <= room:
        return title
    cut = title[: room - 1]
    at_word = cut.rsplit(" ", 1)[0] if " " in cut[room // 2 :] else cut
    return at_word.rstrip(" ,;:–-") + "…"


def fullmakt(*, dated: date, signed: bool | None) -> str:
    """``daterad 1 november 2026, undertecknad av medlemmen``; a proxy registered before the signature was
    asked for (``signed`` None) only with its date: the minutes say nothing that was not recorded."""
    day = f"daterad {on_day(dated)}"
    return f"{day}, undertecknad av medlemmen" if signed else day


def parameter_value_text(key: str, value: str) -> str:
    """A parameter's value as the minutes print it: ``fee_rate`` ``0.055`` → ``5,5 %``."""
    spec = spec_for(key)
    if spec.kind is ValueKind.fraction:
        return percent_text(Decimal(value) * 100)
    if spec.kind is ValueKind.amount:
        return f"{money(Decimal(value))} kr"
    if spec.kind is ValueKind.choice:
        return CHOICE_VALUES.get((key, value), value)
    if spec.kind is ValueKind.integer and key == "pay_day":
        return f"den {ordinal(int(value))} i månaden"  # "den 1:a", "den 25:e"
    if spec.kind is ValueKind.integer:
        return value
    return "enligt bilaga till protokollet"


def parameter_decision(key: str, value: str, valid_from: date) -> str:
    """``avgiften 5,5 % från den 1 januari 2027``."""
    name = PARAMETER_NAMES.get(key, "värdet")
    return f"{name} {parameter_value_text(key, value)} från den {on_day(valid_from)}"


def yes_no_counts(result: dict[str, Any]) -> str:
    """``Ja 3 av 4 avgivna röster, nej 1; 1 avstod. Röstberättigade 5, valdeltagande 100 %.``"""
    abstained = f"{result['abstentions']} avstod"
    return (
        f"Ja {result['yes']} av {result['votes_cast']} avgivna röster, nej {result['no']}; {abstained}. "
        f"Röstberättigade {result['eligible']}, valdeltagande "
        f"{percent_text(percent_of(result['turnout']['fraction']))}."
    )


def majority_in_swedish(majority: RequiredMajority) -> str:
    """``mer än 1/2 av avgivna röster``, ``alla styrelseledamöter nådda och eniga``, ``de 2 kandidater med
    flest röster``, ``kandidaten med flest röster``."""
    if majority.rule is MajorityRule.UNANIMOUS_BOARD:
        return "alla styrelseledamöter nådda och eniga"
    if majority.rule is MajorityRule.MOST_VOTES:
        # One seat is the usual election (a chair, an auditor): "de 1 kandidater" is not Swedish.
        if majority.seats == 1:
            return "kandidaten med flest röster"
        return f"de {majority.seats} kandidater med flest röster"
    assert majority.share is not None  # RequiredMajority checks a share rule has both
    assert majority.base is not None
    share = f"{majority.share.numerator}/{majority.share.denominator}"
    return f"{'minst' if majority.at_least else 'mer än'} {share} av {MAJORITY_BASES[majority.base]}"


def majority_rule(result: dict[str, Any]) -> str:
    """The rule a stored result records (``result["majority"]``), in Swedish."""
    return majority_in_swedish(RequiredMajority.from_json(result["majority"]))


def majority_text(result: dict[str, Any], majority_sv: str) -> str:
    needed = result.get("votes_needed")
    votes = "ja-röst" if needed == 1 else "ja-röster"
    suffix = f", det vill säga minst {needed} {votes}" if needed is not None else ""
    return f"Krav för bifall: {majority_sv}{suffix}."


def election_counts(result: dict[str, Any]) -> str:
    """``Avgivna valsedlar 4 av 4 i röstlängden, varav blanka 0; valdeltagande 100 %.``"""
    return (
        f"Avgivna valsedlar {result['ballot_count']} av {result['roll_count']} i röstlängden, "
        f"varav blanka {result['blank']}; valdeltagande "
        f"{percent_text(percent_of(result['turnout']['fraction']))}."
    )


def names(items: list[str]) -> str:
    """``A``, ``A och B``, ``A, B och C``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} och {items[-1]}" if items else ""


def vacant_sentence(result: dict[str, Any]) -> list[str]:
    """``2 platser är inte tillsatta.``: an election's seats nobody was elected to, if any (they stay vacant
    until a fyllnadsval); nothing when every seat is filled."""
    vacant = vacant_seats(result)
    if not vacant:
        return []
    return ["1 plats är inte tillsatt." if vacant == 1 else f"{vacant} platser är inte tillsatta."]


def decision_sentence(
    *, body: str, result: dict[str, Any], per_capsulam: bool, parameter: str | None, motion: bool = False
) -> str:
    """What was decided, in one sentence under the item: ``Stämman beslutade att bifalla förslaget:
    avgiften 5,5 % från den 1 januari 2027.`` An election that left seats vacant says how many in a second:
    ``Stämman valde Anna Berg. 2 platser är inte tillsatta.``"""
    proposal = "motionen" if motion else "förslaget"
    outcome = result.get("outcome")
    if "reading" in result and outcome in ("adopted", "rejected"):
        return reading_sentence(body=body, result=result, parameter=parameter, proposal=proposal)
    if outcome == "elected":
        # A seat nobody voted for stays vacant (rules/elections.py): with no votes for anyone nobody is
        # elected, and "Stämman valde ." would name no one.
        if not result["elected"]:
            elected = f"{body} valde ingen: ingen kandidat fick någon röst."
        else:
            elected = f"{body} valde {names(list(result['elected']))}."
        return " ".join([elected, *vacant_sentence(result)])
    how = " per capsulam" if per_capsulam else ""
    if outcome == "adopted":
        return f"{body} beslutade{how} att bifalla {proposal}" + (f": {parameter}." if parameter else ".")
    if outcome == "rejected":
        reason = result.get("reason")
        why = f" ({PER_CAPSULAM_REASONS[PerCapsulamReason(reason)]})" if reason else ""
        return f"{body} beslutade{how} att avslå {proposal}{why}."
    return "Omröstningen avslutades inte; inget beslut fattades."


def decision_clause(decision: str) -> str:
    """A decision taken without a vote, as it follows "… beslutade att": on one line, without a leading
    "att" or a final full stop (either may have been typed): ``att välja Anna Berg.`` → ``välja Anna
    Berg``."""
    clause = " ".join(decision.split())
    if clause[:4].lower() == "att " and clause[4:].strip():
        clause = clause[4:].lstrip()
    while clause.endswith(".") and not clause.endswith("..."):
        clause = clause[:-1].rstrip()
    return clause


def acclamation_sentence(*, body: str, decision: str) -> str:
    """What was decided without a vote, in one sentence under the item, as a vote's decision reads but with
    no count: ``Stämman beslutade att välja Anna Berg till ordförande för stämman.``"""
    clause = decision_clause(decision)
    return f"{body} beslutade att {clause}" + ("" if clause.endswith(("!", "?", "...")) else ".")


#: Shares as words, for the statute-change sentences ("minst två tredjedelar av de avgivna rösterna").
SHARE_WORDS: Final = {
    "1/2": "hälften",
    "2/3": "två tredjedelar",
    "3/4": "tre fjärdedelar",
    "9/10": "nio tiondelar",
}


def share_in_words(majority: RequiredMajority) -> str:
    """``minst två tredjedelar av de avgivna rösterna``; a share without a word stays a fraction."""
    assert majority.share is not None
    share = f"{majority.share.numerator}/{majority.share.denominator}"
    words = "samtliga" if majority.share == 1 else SHARE_WORDS.get(share, share)
    return f"{'minst' if majority.at_least else 'mer än'} {words} av de avgivna rösterna"


def reading_sentence(*, body: str, result: dict[str, Any], parameter: str | None, proposal: str) -> str:
    """A statute change the statutes have two consecutive meetings adopt (``result["reading"]``): the first
    adoption decides nothing yet; the second reading is the decision and names the first meeting."""
    if result["reading"] == "first":
        if result["outcome"] != "adopted":
            return f"{body} beslutade att avslå {proposal} till stadgeändring i första behandlingen."
        needed = share_in_words(RequiredMajority.from_json(result["confirmation_majority"]))
        return (
            f"{body} antog {proposal} till stadgeändring i en första behandling. Ändringen gäller när nästa "
            f"stämma antar samma förslag med {needed}."
        )
    first = result.get("first_adoption")
    earlier = (
        f"; {proposal} antogs första gången vid stämman den {on_day(date.fromisoformat(first['held_on']))}"
        if first
        else ""
    )
    if result["outcome"] == "adopted":
        decided = f"bifalla {proposal}" + (f": {parameter}" if parameter else "")
        return f"{body} beslutade, i andra behandlingen, att {decided}{earlier}."
    return f"{body} beslutade, i andra behandlingen, att avslå {proposal}{earlier}. Stadgarna ändras inte."
