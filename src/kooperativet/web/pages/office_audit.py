"""The office's log page (Händelselogg): its entries a page at a time, newest first, with a filter by kind and
by Swedish days, and the audit chain checked when the reader asks for it (the button "Kontrollera kedjan",
optionally against a head typed in), with the moment of the check. The same services as ``/api/v1/audit``; it
only reads, so the auditor (revisor) sees exactly what the treasurer and the admin see (docs/audit.md).

The check is asked for, not run on every view: it recomputes every entry of the chain, which for a log of
millions of entries takes a while, while a page of the list takes two statements however long the log is.
It is a GET (``?verify=1``) like the filter: it reads, in the request's read-only transaction, so it is no
form that acts, and the auditor may run it.

The log names people by id; the page shows each login and member by name, read for the whole page in at most
three more statements (``web/reads/audit_people.py``), with the id beside a name only where two bear it. A
removed member is never named again (docs/personal-data.md), nor a login that was ever hers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Window
from kooperativet.audit import reading, service
from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import Anchor
from kooperativet.db import clock_of
from kooperativet.documents.render import percent
from kooperativet.errors import DomainError
from kooperativet.parameters.catalog import CATALOG, ValueKind
from kooperativet.web import parameter_words
from kooperativet.web.audit_words import AMOUNTS, DAYS, FIELDS, KINDS, LOGINS, MEMBERS, PERCENTS, VALUES
from kooperativet.web.forms import PageRoute
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.pages.office_billing.common import OfficeReader, paging
from kooperativet.web.reads.audit_people import People, Person, people, person_ids
from kooperativet.web.templating import day_markup, environment, gettext, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

DAY_FORMAT = N_("Write a date as YYYY-MM-DD.")
BAD_ANCHOR = N_(
    "Write the head as printed in the minutes or the export batch: N:HASH, or the 64-digit hash alone."
)
REVERSED = N_("The last day comes before the first.")
#: A login or member by name, with the id where another bears the same name; by id only where the name may
#: not be shown; a removed member as her pseudonym reads (``privacy.removal``).
NAMED = {"login": N_("%(name)s (login %(id)s)"), "member": N_("%(name)s (member %(id)s)")}
UNNAMED = {"login": N_("login %(id)s"), "member": N_("member %(id)s")}
REMOVED_MEMBER = N_("Removed member %(id)s")


@dataclass(frozen=True)
class ChainCheck:
    """The chain checked on the reader's request: the verification (with the stored head it was compared
    with) and the moment it was made (the session's clock)."""

    verification: service.Verification
    checked_at: datetime


@router.get("/office/audit")
def audit_log(
    request: Request,
    user: OfficeReader,
    session: DbSession,
    window: Window,
    kind: str = "",
    from_: Annotated[str, Query(alias="from")] = "",
    to: str = "",
    anchor: str = "",
    verify: str = "",
) -> Response:
    values = {"kind": kind.strip(), "from": from_.strip(), "to": to.strip(), "anchor": anchor.strip()}
    errors: dict[str, str] = {}
    days = {name: _day(request, values[name], name, errors) for name in ("from", "to")}
    parsed = _anchor(request, values["anchor"], errors)
    # Checked when asked with the button, or for a head typed in (a head means nothing unchecked).
    check = _check(session, parsed) if (verify or parsed is not None) and "anchor" not in errors else None
    rows: list[AuditEvent] = []
    total = 0
    if not errors:
        try:
            rows, total = reading.list_events(
                session,
                kind=values["kind"] or None,
                from_day=days["from"],
                to_day=days["to"],
                limit=window.limit,
                offset=window.offset,
            )
        except DomainError:  # its only refusal: the last day before the first
            errors["to"] = gettext(request, REVERSED)
    payloads = [json.loads(event.payload) for event in rows]
    named = people(session, payloads)
    context = {
        "check": check,
        "anchor": reading.anchor_text(parsed),
        "rows": [
            (event, _readable(request, event.kind, payload, named))
            for event, payload in zip(rows, payloads, strict=True)
        ],
        "paging": paging(window, total),
        "values": values,
        "errors": errors,
        "kinds": sorted(KINDS.items(), key=lambda item: gettext(request, item[1]).casefold()),
        "kind_words": KINDS,
        "field_words": FIELDS,
        "amounts": AMOUNTS,
        "value_words": VALUES,
        "query": _query(values),
    }
    return render(request, "office_audit/list.html", context, status=422 if errors else 200)


def _readable(request: Request, kind: str, payload: dict[str, Any], named: People) -> dict[str, Any]:
    """A payload in the words its reader uses: a login or member by name, a day and a percent as every page
    writes them (``32,5 %``, not ``32.5``), and a parameter as the parameter pages name it, with its value as
    they write it (``5,5 %``, not ``0.055``) and an old English decision reference in words. The log itself
    keeps the keys and values as they were written."""
    shown = {name: _written(request, name, value, named) for name, value in payload.items()}
    if kind != "parameter_value_added":
        return shown
    key = str(payload.get("key"))
    if key in parameter_words.NAMES:
        shown["key"] = gettext(request, parameter_words.NAMES[key][0])
    spec = CATALOG.get(key)  # a parameter no longer in the catalogue keeps its value as it was written
    if spec is not None and isinstance(payload.get("value"), str):
        shown["value"] = parameter_words.shown(request, spec.kind, payload["value"])
        if spec.kind is ValueKind.json and (table := _value_table(request, key, payload)) is not None:
            shown["value"] = table
    if isinstance(payload.get("source"), str):
        shown["source"] = parameter_words.source(request, payload["source"])
    if isinstance(payload.get("decision_reference"), str):
        shown["decision_reference"] = parameter_words.decision_reference(
            request, payload["decision_reference"]
        )
    return shown


def _value_table(request: Request, key: str, payload: dict[str, Any]) -> Markup | None:
    """A JSON parameter's value as the parameter's page shows it, a table in words (the account map, the
    contribution categories), instead of the JSON; None for one it cannot read, which is shown as written."""
    try:
        valid_from = date.fromisoformat(str(payload.get("valid_from")))
    except ValueError:
        return None
    table = parameter_words.value_table(request, key, payload["value"], valid_from)
    if table is None:
        return None
    macros = environment(request_language(request)).get_template("macros/parameter_value.html")
    # A macro of an autoescaping environment answers Markup: the cells are escaped, the table's tags are not.
    rendered: Markup = macros.module.value_table(table)  # type: ignore[attr-defined]
    return rendered


def _day_or_as_is(request: Request, value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return day_markup(date.fromisoformat(value), request_language(request))
    except ValueError:
        return value


def _written(request: Request, name: str, value: object, named: People) -> object:
    if name in LOGINS:
        return _people(request, value, named.logins, "login")
    if name in MEMBERS:
        return _people(request, value, named.members, "member")
    if name in DAYS:
        return _day_or_as_is(request, value)
    if name in PERCENTS:
        return _percent_or_as_is(request, value)
    return value


def _people(request: Request, value: object, found: Mapping[int, Person], which: str) -> object:
    """One id or a list of ids as the people they name; an id the page does not know (its row gone, or a
    value that is no id) as it was written."""
    if not person_ids(value):
        return value
    if isinstance(value, list):
        return [_person(request, item, found, which) for item in value]
    return _person(request, value, found, which)


def _person(request: Request, value: object, found: Mapping[int, Person], which: str) -> object:
    person = found.get(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if person is None:
        return value
    if person.removed:
        return gettext(request, REMOVED_MEMBER, id=value)
    if person.name is None:
        return gettext(request, UNNAMED[which], id=value)
    if person.namesake:
        return gettext(request, NAMED[which], name=person.name, id=value)
    return person.name


def _percent_or_as_is(request: Request, value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return percent(Decimal(value), request_language(request))
    except InvalidOperation:
        return value


def _check(session: Session, anchor: Anchor | None) -> ChainCheck:
    return ChainCheck(service.verify(session, anchor=anchor), checked_at=clock_of(session))


def _day(request: Request, text: str, name: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = gettext(request, DAY_FORMAT)
        return None


def _anchor(request: Request, text: str, errors: dict[str, str]) -> Anchor | None:
    try:
        return reading.parse_anchor(text)
    except DomainError:
        errors["anchor"] = gettext(request, BAD_ANCHOR)
        return None


def _query(values: dict[str, str]) -> str:
    """The list's address with its filters, ending in ``&`` for the pager: without the check or its head, so
    that turning a page does not run the check again."""
    kept = {name: value for name, value in values.items() if value and name != "anchor"}
    return "/office/audit?" + (urlencode(kept) + "&" if kept else "")
