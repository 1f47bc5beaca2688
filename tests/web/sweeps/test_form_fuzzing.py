"""Every form of the web interface, posted with what a person could type or a tampered form could hold
(Hypothesis): empty and blank fields, 10 000 characters, control characters, unusual letters, numbers with
Swedish and English separators, huge and negative numbers, impossible dates, fields missing or repeated, ids
of real rows, of none and beyond any id. No answer is a 500, and a page answers as a page (HTML), never the
API's JSON, unless it sends a file or sends the browser on; its references to its own elements hold (each
error names its field, ``sweeping.broken_references``).

The fields a handler reads are found by posting its form once empty and recording what the handler asked the
form for (a handler reads its fields before it judges them); a handler that reads numbered rows by walking
the form (the commission form) names its fields in ``ROW_FIELDS``. The signed-in person holds every office
role and is a member on the board, so that every form reaches its handler."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kooperativet.web import commission_form as cf
from kooperativet.web import forms
from kooperativet.web.dependencies import CSRF_FIELD
from tests.web.sweeps.sweeping import (
    POSTED,
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

#: A handler that walks the form for its numbered rows (``commission_form.read_form``) reads no field by name:
#: its fields are the form's own, with a first row of each kind and a line far beyond any row.
COMMISSION_FIELDS = (
    *cf.COMMISSION_FIELDS,
    "version",
    *(f"client.{name}" for name in cf.CLIENT_FIELDS),
    *(f"lines.0.{name}" for name in cf.LINE_FIELDS),
    "lines.7.quantity",
    *(f"expenses.0.{name}" for name in (*cf.EXPENSE_FIELDS, "receipt")),
)
ROW_FIELDS = {
    "/commissions/new": COMMISSION_FIELDS,
    "/commissions/{assignment_id}/edit": COMMISSION_FIELDS,
}
#: Fields that take a file: each example sends either text or bytes in them.
FILE_FIELDS = {"file", "receipt", "bundle", "expenses.0.receipt"}

FILES = st.one_of(
    st.binary(max_size=2_000),
    st.sampled_from(
        [
            b"",
            b"<?xml version='1.0'?><Document/>",
            b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>",
            b"PK\x03\x04" + b"\x00" * 100,
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            b"{}",
            b"\xff\xfe\x00\x00",
        ]
    ),
)


@st.composite
def forms_for(
    draw: st.DrawFn, fields: list[str], ids: list[str]
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """A form over ``fields``: each field missing, sent once, or repeated; a file field as text or bytes."""
    data: dict[str, list[str]] = {}
    files: dict[str, Any] = {}
    for field in fields:
        is_file = field in FILE_FIELDS or field.startswith(f"{cf.SAVED_RECEIPT}.")
        if is_file and draw(st.booleans()):
            files[field] = ("x.xml", draw(FILES), draw(st.sampled_from(["text/xml", "application/pdf", ""])))
            continue
        count = draw(st.sampled_from([0, 1, 1, 1, 2]))
        if count:
            data[field] = [draw(text_values(ids)) for _ in range(count)]
    return data, files


@pytest.mark.slow
@pytest.mark.parametrize("route", cases(POSTED))
def test_a_form_with_anything_in_it_gets_a_page_never_a_server_error(
    browser_client: TestClient,
    everyone,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    route: APIRoute,
) -> None:
    browser = Browser(browser_client, everyone.user.email)
    names = parameters(route)
    with recording(monkeypatch, forms, "FormData") as asked:
        probe = browser_client.post(real_address(route, world), data={"csrf_token": browser.token()})
        named = {field: world.named[field] for field in asked if field in world.named}
        if named:
            browser_client.post(real_address(route, world), data={**named, "csrf_token": browser.token()})
    assert probe.status_code < 500, probe.text[:500]
    fields = sorted((asked | set(ROW_FIELDS.get(route.path, ()))) - {CSRF_FIELD})
    if route.path in ROW_FIELDS:  # the receipt of the world's draft's saved expense, a file of the edit form
        fields.append(cf.saved_receipt_field(int(world.ids["expense_id"][0])))
    # The address names a real row (mostly), none, or one beyond any id, drawn anew for each form: one world
    # per route, since building it (an issued invoice among its rows) costs more than the forms posted to it.
    path_values = st.fixed_dictionaries(
        {
            name: st.sampled_from(3 * ids_of("real", world, name) + ids_of("absent", world, name))
            for name in names
        }
    )

    @given(path=path_values, form=forms_for(fields, world.every_id()))
    @settings(
        max_examples=10,  # about 750 forms a run, in CI on each database
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def posted(path: dict[str, str], form: tuple[dict[str, list[str]], dict[str, Any]]) -> None:
        data, files = form
        url = address(route, path)
        answer = browser_client.post(url, data={**data, "csrf_token": browser.token()}, files=files or None)
        assert answer.status_code < 500, f"{url} {data!r:.300} -> {answer.text[:800]}"
        if answer.status_code not in (301, 302, 303, 307) and "attachment" not in answer.headers.get(
            "content-disposition", ""
        ):
            assert is_a_page(answer), f"{url} {data!r:.300} -> {answer.headers} {answer.text[:300]}"
            assert broken_references(answer.text) == [], f"{url} {data!r:.300}"

    posted()


def test_every_posted_form_is_swept() -> None:
    assert len(POSTED) > 70
    assert {route.path for route in POSTED} >= set(ROW_FIELDS)


def test_the_fields_a_handler_reads_are_found_by_recording(
    browser_client: TestClient, everyone, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep posts what a handler reads: the password form's two fields (FastAPI ``Form()`` parameters,
    read from the same form) are found by posting it empty."""
    browser = Browser(browser_client, everyone.user.email)
    token = browser.token()
    with recording(monkeypatch, forms, "FormData") as asked:
        browser_client.post("/account/password", data={"csrf_token": token})
    assert {"current_password", "new_password"} <= asked
