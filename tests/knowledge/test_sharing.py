"""Sharing between two cooperatives, each with its own database: export, import, nothing lost, diff, take."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet import migrate
from kooperativet.auth.models import Role, User, UserRole
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.errors import RuleViolation
from kooperativet.knowledge import editing, sharing
from kooperativet.knowledge.bank import Source, Text, default_bank
from kooperativet.knowledge.models import Article, ArticleVersion, VersionKind
from kooperativet.knowledge.reads import effective_bank
from kooperativet.parties.models import Cooperative
from tests.conftest import TEST_AUDIT_KEY

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SLUG = "commission-to-salary"
OTHER = "what-the-fee-pays"


def _database(path: Path, name: str) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    with transaction(factory) as session:
        cooperative = session.scalar(select(Cooperative))
        if cooperative is None:
            session.add(Cooperative(name=name))
        else:
            cooperative.name = name
        user = User(email=f"board@{path.stem}.se", full_name=f"Styrelsen {name}", password_hash="x")
        user.role_rows = [UserRole(role=Role.board)]
        session.add(user)
    yield factory
    engine.dispose()


@pytest.fixture
def first(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    yield from _database(tmp_path / "first.sqlite3", "Första kooperativet")


@pytest.fixture
def second(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    yield from _database(tmp_path / "second.sqlite3", "Andra kooperativet")


def _board(session: Session) -> User:
    user = session.scalar(select(User))
    assert user is not None
    return user


def _adapt_first(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        board = _board(session)
        text = Text(
            "Från uppdrag till lön hos oss",
            "Vår version.",
            "Vi tar {{ param.fee_rate }}.\n",
            sources=(Source("Stadgarna", "https://example.se/stadgar"),),
        )
        editing.edit(session, slug=SLUG, language="sv", text=text, author=board)
        editing.edit(session, slug=SLUG, language="sv", text=Text("Andra", "", "två\n"), author=board)
        editing.reset(session, slug=SLUG, language="sv", author=board)
        editing.edit(session, slug=SLUG, language="sv", text=text, author=board)
        editing.edit(
            session, slug=SLUG, language="en", text=Text("Our way", "Ours.", "We take it.\n"), author=board
        )
        editing.set_hidden(session, slug=OTHER, hidden=True)
        editing.add(
            session,
            slug="var-replokal",
            category="office-routines",
            audience="office",
            texts={
                "sv": Text("Replokalen", "Nycklar.", "Hämta nyckeln.\n"),
                "en": Text("The room", "Keys.", "Get the key.\n"),
            },
            author=board,
        )


def test_export_import_round_trip_between_two_databases_loses_nothing(first, second) -> None:
    _adapt_first(first)
    with transaction(first) as session:
        bundle = sharing.export_bundle(session, slugs=None, now=NOW)
        rows = {a.slug: a for a in session.scalars(select(Article))}
        versions = list(session.scalars(select(ArticleVersion).order_by(ArticleVersion.id)))
    wire = json.loads(json.dumps(bundle))  # as a file carries it
    # The bundle holds every field of every version the first cooperative saved, authors by name.
    exported = {a["slug"]: a for a in wire["articles"]}
    assert set(exported) == set(default_bank()) | {"var-replokal"}
    for version in versions:
        slug = next(s for s, row in rows.items() if row.id == version.article_id)
        assert {
            "language": version.language,
            "kind": str(version.kind),
            "title": version.title,
            "summary": version.summary,
            "body": version.body,
            "sources": json.loads(version.sources),
            "author": "Styrelsen Första kooperativet",
            "created_at": version.created_at.isoformat(),
            "based_on": version.based_on,
            "note": version.note,
        } in exported[slug]["versions"]
    assert [v["kind"] for v in exported[SLUG]["versions"]] == ["edit", "edit", "reset", "edit", "edit"]
    assert exported[OTHER]["hidden"] is True
    assert exported["var-replokal"]["source"] == "local"
    assert exported[SLUG]["texts"]["sv"]["sources"] == [
        {"title": "Stadgarna", "url": "https://example.se/stadgar"}
    ]

    with transaction(second) as session:
        row = sharing.import_bundle(session, wire, importer=_board(session), importer_name="Styrelsen Andra")
        import_id = row.id
        own = effective_bank(session)
    with transaction(second) as session:
        assert sharing.bundle_of_import(session, import_id) == wire  # nothing lost
        assert effective_bank(session) == own  # and nothing of the second cooperative's changed
        assert "var-replokal" not in own


def test_the_second_cooperative_sees_what_differs_and_takes_what_it_wants(first, second) -> None:
    _adapt_first(first)
    with transaction(first) as session:
        bundle = sharing.export_bundle(session, slugs=[SLUG, "var-replokal"], now=NOW)
    with transaction(second) as session:
        board = _board(session)
        bank_import = sharing.import_bundle(session, bundle, importer=board, importer_name=board.full_name)
        proposals = {p.slug: p for p in sharing.proposals_of(session, bank_import.id)}
        assert set(proposals) == {SLUG, "var-replokal"}
        ours = effective_bank(session)[SLUG]
        _, _, document = sharing.proposal(session, proposals[SLUG].id)
        diff = sharing.differences(ours, document, origin="Första kooperativet")
        assert "-# " + default_bank()[SLUG].texts["sv"].title in diff["sv"]
        assert "+# Från uppdrag till lön hos oss" in diff["sv"]
        assert diff["en"]
        assert "+# Our way" in diff["en"]

        versions = sharing.take(session, proposal_id=proposals[SLUG].id, languages=["sv"], importer=board)
        assert [(v.kind, v.author_id, v.language) for v in versions] == [(VersionKind.take, board.id, "sv")]
        assert "Första kooperativet" in versions[0].note
        sharing.take(
            session, proposal_id=proposals["var-replokal"].id, languages=["sv", "en"], importer=board
        )
    with transaction(second) as session:
        bank = effective_bank(session)
        assert bank[SLUG].texts["sv"].title == "Från uppdrag till lön hos oss"
        assert bank[SLUG].texts["en"] == default_bank()[SLUG].texts["en"]  # not taken
        assert str(bank["var-replokal"].source) == "imported"
        assert bank["var-replokal"].texts["en"].title == "The room"
        _, _, document = sharing.proposal(session, proposals[SLUG].id)
        assert sharing.differences(bank[SLUG], document, origin="x")["sv"] == []


TWICE = {"slug": "var-rutin", "texts": {"sv": {"title": "T"}, "en": {"title": "T"}}}


@pytest.mark.parametrize(
    "bundle",
    [
        {"format": sharing.BUNDLE_FORMAT, "format_version": 1, "articles": [TWICE, TWICE]},
        {"format": "something-else"},
        {"format": sharing.BUNDLE_FORMAT, "format_version": 99, "articles": []},
        {
            "format": sharing.BUNDLE_FORMAT,
            "format_version": 1,
            "articles": [{"slug": "var-rutin", "texts": {"sv": {}}}],
        },
        {"format": sharing.BUNDLE_FORMAT, "format_version": 1, "articles": "many"},
    ],
)
def test_a_file_that_is_not_a_bundle_is_refused(session: Session, make_user, bundle: dict) -> None:
    board = make_user(Role.board).user
    with pytest.raises(RuleViolation) as refused:
        sharing.import_bundle(session, bundle, importer=board, importer_name="x")
    assert refused.value.extra["field"] == "bundle"


# --- over the API: what a bundle may bring in -------------------------------------------------------------

API = "/api/v1/knowledge"
OFFICE_ROUTINE = "month-end-routine"  # a default article for the office only
THEIR_TEXT = {"title": "Månadsskiftet", "summary": "", "body": "Så gör vi.", "sources": []}


def _their_bundle(slug: str, **article) -> dict:
    return {
        "format": sharing.BUNDLE_FORMAT,
        "format_version": 1,
        "origin": "Grannkooperativet",
        "exported_at": "2026-12-01T10:00:00+00:00",
        "articles": [
            {
                "slug": slug,
                "category": "pay",
                "audience": "member",
                "related": ["what-the-fee-pays"],
                "texts": {"sv": THEIR_TEXT, "en": {**THEIR_TEXT, "title": "Month end"}},
                "versions": [],
                **article,
            }
        ],
    }


def test_taking_a_text_for_an_office_routine_does_not_show_it_to_members(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    """'Take' makes their text a new version of our article; its audience, category and related articles
    stay ours, even for a default article never edited here. A bundle saying ``audience: member`` for an
    office routine must not open it to every member."""
    ours = default_bank()[OFFICE_ROUTINE]
    assert ours.audience == "office"
    board, member = make_user(Role.board), make_member()
    imported = api.post(f"{API}/imports", json=_their_bundle(OFFICE_ROUTINE), headers=board.headers)
    assert imported.status_code == 201, imported.text
    proposal_id = imported.json()["proposals"][0]["id"]
    taken = api.post(f"{API}/proposals/{proposal_id}/take", json={"languages": ["sv"]}, headers=board.headers)
    assert taken.status_code == 200, taken.text
    assert api.get(f"{API}/articles/{OFFICE_ROUTINE}", headers=member.headers).status_code == 404
    listed = api.get(f"{API}/articles", headers=member.headers).json()
    assert OFFICE_ROUTINE not in {a["slug"] for a in listed}
    article = effective_bank(session)[OFFICE_ROUTINE]
    assert (article.audience, article.category, article.related) == (
        ours.audience,
        ours.category,
        tuple(ours.related),
    )
    assert str(article.source) == "default"
    assert article.texts["sv"].title == "Månadsskiftet"


@pytest.mark.parametrize("slug", ["Vår Replokal", "a", "x" * 81, "-replokal-"])
def test_an_imported_article_needs_an_address_a_new_article_could_have(
    api: TestClient, make_user, slug: str
) -> None:
    """``POST /articles`` refuses these slugs (lower-case letters, digits and hyphens, 3–80); a bundle must
    not bring one in by the back door."""
    board = make_user(Role.board)
    written = api.post(
        f"{API}/articles",
        json={"slug": slug, "category": "pay", "texts": {"sv": THEIR_TEXT}},
        headers=board.headers,
    )
    assert written.status_code == 422
    imported = api.post(f"{API}/imports", json=_their_bundle(slug), headers=board.headers)
    assert imported.status_code == 422, imported.text
    assert imported.json()["code"] == "knowledge_bundle_invalid"
    assert slug not in {a["slug"] for a in api.get(f"{API}/articles", headers=board.headers).json()}


@pytest.mark.parametrize(
    "texts",
    [
        {"sv": {**THEIR_TEXT, "sources": ["https://example.se"]}},
        {"sv": {**THEIR_TEXT, "sources": [{"title": "x", "url": "javascript:alert(1)"}]}},
        {"sv": "only a string"},
        {"sv": {**THEIR_TEXT, "title": None}},
    ],
)
def test_a_malformed_text_in_a_bundle_is_a_422_at_import_or_take_never_a_500(
    api: TestClient, make_user, texts: dict
) -> None:
    board = make_user(Role.board)
    bundle = _their_bundle("var-egen-rutin", texts={"en": {**THEIR_TEXT, "title": "Ours"}, **texts})
    imported = api.post(f"{API}/imports", json=bundle, headers=board.headers)
    assert imported.status_code in (201, 422), imported.text
    if imported.status_code == 201:
        proposal_id = imported.json()["proposals"][0]["id"]
        taken = api.post(
            f"{API}/proposals/{proposal_id}/take", json={"languages": ["sv"]}, headers=board.headers
        )
        assert taken.status_code in (200, 422), taken.text
        diff = api.get(f"{API}/proposals/{proposal_id}/diff", headers=board.headers)
        assert diff.status_code in (200, 422), diff.text
