"""The rule of an election as the minutes print it: one seat, the usual election of a chair or an auditor,
reads "kandidaten med flest röster", as the vote page says it, not "de 1 kandidater med flest röster"."""

from __future__ import annotations

import pytest

from kooperativet.governance import minutes
from kooperativet.governance.minutes_text import majority_in_swedish
from kooperativet.governance.rules.required_majority import RequiredMajority


@pytest.mark.parametrize(
    ("seats", "swedish"),
    [(1, "kandidaten med flest röster"), (2, "de 2 kandidater med flest röster")],
)
def test_an_elections_rule_reads_in_swedish_for_one_seat_and_for_more(seats: int, swedish: str) -> None:
    assert majority_in_swedish(RequiredMajority.most_votes(seats=seats)) == swedish


def test_the_minutes_of_an_election_of_one_say_its_rule_in_the_singular() -> None:
    result = {
        "counts": {"Revisionsbyrån Öst": 1, "Anna Berg": 2},
        "elected": ["Anna Berg"],
        "blank": 1,
        "ballot_count": 4,
        "roll_count": 4,
        "turnout": {"fraction": "1/1"},
        "majority": RequiredMajority.most_votes(seats=1).as_json(),
    }
    lines = minutes._result_lines(result)
    assert lines[-1] == "Regel: kandidaten med flest röster."
    assert "de 1 kandidater" not in " ".join(lines)
