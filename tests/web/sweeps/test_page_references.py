"""Every page's own references hold: no id is given twice, and each label, description, control and in-page
link names an id that is on the page. A label that names no field leaves the field without a name for a
screen reader, and a field's error that names the wrong id is read for the wrong field; axe checks the pages
the browser tests visit, this checks all of them (as the page sweep reaches them: ``test_query_fuzzing``)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.sweeps.sweeping import PAGES, World, broken_references, posted_forms, real_address


def test_every_page_names_only_ids_it_has_and_gives_each_once(
    browser_client: TestClient, pages_world: World
) -> None:
    checked = 0
    broken = {}
    for route in PAGES:
        url = real_address(route, pages_world)
        answer = browser_client.get(url)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        checked += 1
        if problems := broken_references(answer.text):
            broken[url] = problems
    assert broken == {}
    assert checked > 60


def test_the_check_finds_a_label_of_nothing_and_an_id_given_twice() -> None:
    html = (
        '<label for="amount">Belopp</label><input id="price">'
        '<p id="e-price">Fel</p><p id="e-price">Fel</p><input aria-describedby="e-price e-note">'
    )
    assert broken_references(html) == [
        "id e-price given 2 times",
        "label for=amount names no element",
        "input aria-describedby=e-note names no element",
    ]


#: Forms that carry no key, and why. A form carried out once is stored with a digest of its fields
#: (``web.once``): the password change's fields are her current and new passwords, whose plain SHA-256
#: must not be kept. The page ignores a second click on it instead (``data-send-once``), and a reload after
#: it sends nothing again (post/redirect/get).
WITHOUT_A_KEY = {"/account/password"}


def test_every_form_a_page_posts_carries_a_key_of_its_own(
    browser_client: TestClient, pages_world: World
) -> None:
    """Each form is carried out once however often it is sent (``web.once``): every form of every page holds
    one ``submission`` key, and no two forms, on one page or two, hold the same."""
    keys: list[str] = []
    without: list[str] = []
    for route in PAGES:
        url = real_address(route, pages_world)
        answer = browser_client.get(url)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        for action, held in posted_forms(answer.text):
            if action in WITHOUT_A_KEY and not held:
                continue
            if len(held) != 1 or len(held[0]) < 16:
                without.append(f"{url}: the form to {action} holds {held}")
            keys += held
    assert without == []
    assert len(keys) > 100
    assert len(set(keys)) == len(keys)
