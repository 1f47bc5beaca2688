"""Every page of the web interface, asked for with what a person could type into the address bar or a tampered
link could hold (Hypothesis): the values of the form sweep (``sweeping``) in every query parameter a page
reads, parameters missing, repeated or unknown, and ids of real rows, of none and beyond any id in the path.
No answer is a 500; a refusal answers as a page (HTML), never the API's JSON; a page's references to its own
elements hold (``sweeping.broken_references``); and a page that sends the browser on sends it to an address
of this site, never to one a link chose (``next``).

The parameters a page reads are found by asking for it and recording what it asked the address for — the
parameters its handler declares and those a handler or template reads itself (``?done=…``) — once with none
and again with each found one set, since a template may read one only when another is there. The signed-in
person holds every office role and is a member on the board, so that every page reaches its handler."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette import requests

from tests.web.sweeps.sweeping import (
    PAGES,
    Browser,
    World,
    address,
    broken_references,
    cases,
    ids_of,
    is_a_page,
    parameters,
    real_address,
    recording,
    text_values,
)

#: Names no page reads, sent beside the ones it does: a page must not trip on what it does not know.
UNKNOWN = ["x", "page[]", "", "utm_source", "%", "a.b", "å"]
REDIRECTS = (301, 302, 303, 307, 308)
#: The longest value sent: uvicorn refuses a request whose first line is longer than 16 KiB (h11's limit)
#: before any page sees it, and a value is sent percent-encoded, up to six times as long.
LONGEST = 1_000
#: How many times a page is asked for with every parameter found so far set, to find those read only
#: beside another.
ROUNDS = 3


def read_parameters(client: TestClient, route: APIRoute, path: str, monkeypatch) -> list[str]:
    """The query parameters the page at ``path`` reads: declared by its handler or read by it or its
    template, found by asking for it with none and then with every one found so far."""
    declared = {param.alias for param in route.dependant.query_params}
    with recording(monkeypatch, requests, "QueryParams") as asked:
        answer = client.get(path)
        assert answer.status_code < 500, answer.text[:500]
        for _ in range(ROUNDS):
            before = set(asked)
            client.get(path, params=dict.fromkeys(before | declared, "1"))
            if asked == before:
                break
    return sorted(asked | declared)


def is_on_this_site(location: str) -> bool:
    """An address the browser is sent to stays on this site: a path of it (not ``//host``, which a browser
    reads as another site, nor ``/\\host``, which some read so) or the site's own host."""
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "testserver"
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.slow
@pytest.mark.parametrize("route", cases(PAGES))
def test_a_page_asked_for_with_anything_in_its_address_gets_a_page_never_a_server_error(
    browser_client: TestClient,
    everyone,
    pages_world: World,
    monkeypatch: pytest.MonkeyPatch,
    route: APIRoute,
) -> None:
    browser = Browser(browser_client, everyone.user.email)
    names = parameters(route)
    read = read_parameters(browser_client, route, real_address(route, pages_world), monkeypatch)
    path_values = st.fixed_dictionaries(
        {
            name: st.sampled_from(3 * ids_of("real", pages_world, name) + ids_of("absent", pages_world, name))
            for name in names
        }
    )
    values = text_values(pages_world.every_id()).map(lambda value: value[:LONGEST])
    value_lists = st.lists(values, min_size=0, max_size=2)
    queries = st.fixed_dictionaries(
        {},
        optional={
            **{name: st.lists(values, min_size=1, max_size=2) for name in read},
            **dict.fromkeys(UNKNOWN, value_lists),
        },
    )

    @given(path=path_values, query=queries)
    @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def asked_for(path: dict[str, str], query: dict[str, list[str]]) -> None:
        url = address(route, path)
        browser.signed_in()  # again, if a page signed her out
        answer = browser_client.get(url, params=query)
        shown = f"{url} {query!r:.300} -> {answer.status_code} {answer.headers} {answer.text[:500]}"
        assert answer.status_code < 500, shown
        if answer.status_code in REDIRECTS:
            assert is_on_this_site(answer.headers["location"]), shown
        elif answer.status_code >= 400:
            assert is_a_page(answer), shown
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert broken_references(answer.text) == [], shown

    asked_for()


def test_every_page_is_swept_and_the_parameters_a_template_reads_are_found(
    browser_client: TestClient, everyone, pages_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(PAGES) > 75
    member = next(route for route in PAGES if route.path == "/office/members/{member_id:int}")
    path = address(member, {"member_id": pages_world.ids["member_id"][0]})
    # The member's page declares no query parameter: "done" is read by every page's frame (web.notices).
    assert "done" in read_parameters(browser_client, member, path, monkeypatch)


@pytest.mark.parametrize(
    ("location", "on_site"),
    [
        ("/office", True),
        ("http://testserver/me", True),
        ("//evil.example/x", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("office", False),
    ],
)
def test_an_address_on_this_site_is_told_from_one_elsewhere(location: str, on_site: bool) -> None:
    assert is_on_this_site(location) is on_site
