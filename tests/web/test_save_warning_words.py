"""Every SÄVA warning a commission can carry is said in words, to the member and to the office.

The pages look a warning up by its code and fall back to the service's English sentence: a code with no
words would put English on a Swedish page."""

from __future__ import annotations

import pytest

from kooperativet.employments.counter import SaveThreshold
from kooperativet.employments.service.save import THRESHOLD_WARNINGS
from kooperativet.web.i18n import translations
from kooperativet.web.pages.office_billing import words as office_words
from kooperativet.web.reads import commissions as member_words


@pytest.mark.parametrize("threshold", list(SaveThreshold))
@pytest.mark.parametrize("said", [member_words.WARNINGS, office_words.WARNINGS], ids=["member", "office"])
def test_each_threshold_has_words_in_swedish(threshold: SaveThreshold, said: dict[str, str]) -> None:
    code, _consequence = THRESHOLD_WARNINGS[threshold]
    english = said[code]
    swedish = translations("sv").gettext(english)
    assert swedish != english
    assert "LAS" in swedish
