"""The anställningsbevis writes the pay day as a Swedish ordinal: "den 25:e", but "den 1:a" and "den 21:a"
(``pay_day`` may be any day from the 1st to the 28th), never "den 1:e"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from kooperativet.documents.render import ordinal
from kooperativet.parameters import service as parameters_service
from tests.employments.test_certificate import certificate_text, issued_on  # noqa: F401 (fixtures)


@pytest.mark.parametrize(
    ("number", "written"),
    [(1, "1:a"), (2, "2:a"), (3, "3:e"), (10, "10:e"), (11, "11:e"), (12, "12:e"), (21, "21:a"),
     (22, "22:a"), (25, "25:e"), (28, "28:e"), (31, "31:a"), (101, "101:a"), (111, "111:e")],
)  # fmt: skip
def test_an_ordinal_takes_a_after_first_and_second_and_e_after_the_others(number: int, written: str) -> None:
    assert ordinal(number) == written


@pytest.mark.parametrize(("pay_day", "written"), [("1", "den 1:a"), ("22", "den 22:a"), ("25", "den 25:e")])
def test_the_anstallningsbevis_writes_the_pay_day_as_an_ordinal(
    session: Session,
    certificate_text: Callable[..., str],  # noqa: F811 (fixture)
    pay_day: str,
    written: str,
) -> None:
    if pay_day != "25":  # the default
        parameters_service.add_value(
            session, key="pay_day", valid_from=date(2026, 1, 1), value=pay_day, source="Styrelsebeslut"
        )
        session.flush()
    text = certificate_text()
    assert f"Lönen betalas ut en gång per månad, {written} (närmast föregående bankdag" in text
