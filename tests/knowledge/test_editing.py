"""A cooperative's own bank: versions with author and date, hide, reset to the default, facts by date."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.knowledge import editing
from kooperativet.knowledge.bank import Source, Text, default_bank
from kooperativet.knowledge.models import ArticleSource, VersionKind
from kooperativet.knowledge.reads import effective_bank, facts_on, shown
from kooperativet.parameters import service as parameters

API = "/api/v1/knowledge"
SLUG = "commission-to-salary"  # a default article that names {{ param.fee_rate }}
NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture
def board(make_user):
    return make_user(Role.board).user


def test_an_unedited_article_is_the_default_file_and_has_no_row(session: Session) -> None:
    article = effective_bank(session)[SLUG]
    assert article.texts == default_bank()[SLUG].texts
    assert article.edited == frozenset()
    assert editing.history(session, slug=SLUG) == []


def test_an_edit_is_a_version_with_author_and_date_and_the_other_language_stays_default(
    session: Session, board
) -> None:
    text = Text(
        title="Vår egen rubrik", summary="Kort.", body="Ny text.\n", sources=(Source("K", "https://k.se"),)
    )
    version = editing.edit(session, slug=SLUG, language="sv", text=text, author=board)
    assert version.author_id == board.id
    assert version.author_name == board.full_name
    assert version.created_at is not None
    assert version.based_on == default_bank()[SLUG].texts["sv"].fingerprint()
    article = effective_bank(session)[SLUG]
    assert article.texts["sv"] == text
    assert article.texts["en"] == default_bank()[SLUG].texts["en"]
    assert article.edited == frozenset({"sv"})
    assert article.source is ArticleSource.default


def test_reset_goes_back_to_the_default_and_keeps_the_history(session: Session, board) -> None:
    editing.edit(session, slug=SLUG, language="sv", text=Text("A", "", "a\n"), author=board)
    editing.edit(session, slug=SLUG, language="sv", text=Text("B", "", "b\n"), author=board)
    editing.reset(session, slug=SLUG, language="sv", author=board)
    assert effective_bank(session)[SLUG].texts["sv"] == default_bank()[SLUG].texts["sv"]
    kinds = [(v.kind, v.title) for v in editing.history(session, slug=SLUG)]
    assert kinds[0][0] == VersionKind.reset
    assert kinds[1:] == [(VersionKind.edit, "B"), (VersionKind.edit, "A")]


def test_hide_and_show(session: Session, board) -> None:
    editing.set_hidden(session, slug=SLUG, hidden=True)
    assert effective_bank(session)[SLUG].hidden
    editing.set_hidden(session, slug=SLUG, hidden=False)
    assert not effective_bank(session)[SLUG].hidden


def test_a_hidden_article_is_404_for_a_member_and_for_the_treasurer_but_listed_for_the_board(
    api: TestClient, make_user, make_member
) -> None:
    editor = make_user(Role.board)
    hidden = api.put(f"{API}/articles/{SLUG}/hidden", json={"hidden": True}, headers=editor.headers)
    assert hidden.status_code == 200, hidden.text
    for reader in (make_member(), make_user(Role.treasurer)):
        assert api.get(f"{API}/articles/{SLUG}", headers=reader.headers).status_code == 404
        assert SLUG not in {a["slug"] for a in api.get(f"{API}/articles", headers=reader.headers).json()}
    assert api.get(f"{API}/articles/{SLUG}", headers=editor.headers).json()["hidden"] is True
    assert SLUG in {a["slug"] for a in api.get(f"{API}/articles", headers=editor.headers).json()}


def test_a_new_article_of_the_cooperatives_own(session: Session, board) -> None:
    editing.add(
        session,
        slug="var-replokal",
        category="office-routines",
        audience="member",
        texts={"sv": Text("Vår replokal", "Nycklar.", "Hämta nyckeln på kansliet.\n")},
        author=board,
    )
    article = effective_bank(session)["var-replokal"]
    assert article.source is ArticleSource.local
    assert article.texts["en"].title == "Vår replokal"  # one language falls back to the other
    with pytest.raises(Conflict):
        editing.add(
            session,
            slug=SLUG,
            category="pay",
            audience="member",
            texts={"sv": Text("x", "", "")},
            author=board,
        )
    with pytest.raises(RuleViolation):
        editing.reset(session, slug="var-replokal", language="sv", author=board)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (Text("", "", "x"), "title"),
        (Text("T", "", "Avgiften är {{ param.no_such_rate }}."), "body"),
        (Text("T", "", "x", sources=(Source("S", "javascript:alert(1)"),)), "sources"),
    ],
)
def test_a_bad_text_is_refused_by_its_field(session: Session, board, text: Text, field: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        editing.edit(session, slug=SLUG, language="sv", text=text, author=board)
    assert refused.value.extra["field"] == field


def test_an_unknown_article_or_language(session: Session, board) -> None:
    with pytest.raises(NotFound):
        editing.edit(session, slug="no-such-guide", language="sv", text=Text("T", "", ""), author=board)
    with pytest.raises(NotFound):
        editing.edit(session, slug=SLUG, language="de", text=Text("T", "", ""), author=board)


def test_the_article_shows_the_fee_in_force_and_a_new_dated_value_changes_it(session: Session, board) -> None:
    parameters.seed_defaults(session)
    editing.edit(
        session,
        slug=SLUG,
        language="sv",
        text=Text(
            "Avgift {{ param.fee_rate }}",
            "",
            "Avgiften är {{ param.fee_rate }} från {{ param.fee_rate.valid_from }}.\n",
        ),
        author=board,
    )
    parameters.add_value(
        session, key="fee_rate", valid_from=date(2027, 1, 1), value="0.065", source="Årsmötet 2026"
    )
    bank = effective_bank(session)
    before = shown(bank[SLUG], "sv", facts_on(session, date(2026, 12, 31)), bank)
    after = shown(bank[SLUG], "sv", facts_on(session, date(2027, 1, 1)), bank)
    current = parameters.value_in_force(session, key="fee_rate", on=date(2026, 12, 31))
    assert current.value == "0.06"  # the seeded fee
    assert (
        before.html
        == f"<p>Avgiften är 6{NBSP}% från {current.valid_from.day} januari {current.valid_from.year}.</p>\n"
    )
    assert f"Avgiften är 6,5{NBSP}% från 1 januari 2027." in after.html
    assert after.title == f"Avgift 6,5{NBSP}%"
