"""Every free-text field of every request body refuses control characters, and keeps emoji and any script.

The walk starts at the request bodies of the OpenAPI and follows nested schemas, so a new Create/Update
schema with a plain ``str`` field fails here until it uses ``api.types.Text`` or ``MultilineText``.
"""

from __future__ import annotations

from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from kooperativet.api.types import Schema
from kooperativet.auth.models import Role
from tests.openapi import openapi_spec

#: String fields that are not free text, each with what checks it instead.
NOT_FREE_TEXT = {
    "organisation_number": "core.identifiers: digits and a check digit",
    "personal_identity_number": "core.identifiers: digits and a check digit",
    "vat_number": "core.identifiers: country prefix and digits",
    "bankgiro": "core.identifiers: digits and a check digit",
    "iban": "core.identifiers: letters, digits and check digits",
    "bic": "core.identifiers: letters and digits",
    "bank_clearing_number": "core.identifiers: bankkonto",
    "bank_account_number": "core.identifiers: bankkonto",
    "bank_iban": "core.identifiers: python-stdnum IBAN (format and check digits), Swedish only",
    "password": "a secret: hashed, never written to a file",
    "current_password": "a secret: hashed, never written to a file",
    "new_password": "a secret: hashed, never written to a file",
    "tellers_passphrase": "a secret: derives the key that wraps the tally key, never written to a file",
    "refresh_token": "a token compared with the stored one",
    "phone": "api.types.PhoneNumber: digits, with + and spaces, hyphens, brackets, points or slashes",
}

MULTILINE = {
    ("AssignmentCreate", "description"), ("AssignmentUpdate", "description"), ("RejectionRequest", "reason"),
    ("AgendaItemCreate", "text"), ("MeetingOpen", "override_reason"), ("MinutesCreate", "correction_reason"),
    ("MotionAnswer", "board_answer"), ("MotionCreate", "text"), ("NoticeCreate", "text"),
    ("ParameterProposal", "value"), ("PerCapsulamCreate", "question"), ("VoteCreate", "question"),
    ("CreditNoteIssue", "reason"), ("ParameterValueCreate", "value"), ("TaxSettingCreate", "note"),
    ("TextBody", "body"), ("DecisionCreate", "decision"),
}  # fmt: skip


def _references(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if "$ref" in node else set()
        return found.union(*(_references(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_references(value) for value in node))
    return set()


def _request_schemas() -> dict[str, type[BaseModel]]:
    """Every component a request body reaches, by name, mapped to the pydantic class of that name."""
    spec = openapi_spec()
    components = spec["components"]["schemas"]
    pending = _references(
        [op.get("requestBody") for methods in spec["paths"].values() for op in methods.values()]
    )
    reached: set[str] = set()
    while pending:
        name = pending.pop()
        reached.add(name)
        pending |= _references(components[name]) - reached
    classes: dict[str, type[BaseModel]] = {}
    todo: list[type[BaseModel]] = [Schema]
    while todo:
        model = todo.pop()
        classes[model.__name__] = model
        todo += model.__subclasses__()
    return {name: classes[name] for name in sorted(reached) if name in classes}


def _is_text(annotation: Any) -> bool:
    """A ``str`` without a pattern: plain, optional or a list of it (``Text``, ``list[Text] | None`` …)."""
    return annotation is str or any(_is_text(argument) for argument in get_args(annotation))


def _free_text_fields() -> list[tuple[str, str, bool]]:
    fields = []
    for name, model in _request_schemas().items():
        for field, info in model.model_fields.items():
            patterned = any(getattr(rule, "pattern", None) for rule in info.metadata)
            if field not in NOT_FREE_TEXT and not patterned and _is_text(info.annotation):
                fields.append((name, field, "list" in str(info.annotation)))
    return fields


FIELDS = _free_text_fields()
MODELS = _request_schemas()


def _errors_at(model: str, field: str, is_list: bool, text: str) -> list[str]:
    value: Any = [text] if is_list else text
    try:
        MODELS[model].model_validate({field: value})
    except ValidationError as exc:
        location = (field, 0) if is_list else (field,)
        return [error["msg"] for error in exc.errors() if error["loc"] == location]
    return []


def test_the_walk_finds_the_free_text_fields_of_every_domain() -> None:
    found = {(model, field) for model, field, _ in FIELDS}
    assert {("ExpenseCreate", "description"), ("ClientCreate", "name"), ("MotionCreate", "text")} <= found
    assert {
        ("VoteCreate", "candidates"),
        ("UserCreate", "full_name"),
        ("CorrectionCreate", "reason"),
    } <= found
    assert found >= MULTILINE


@pytest.mark.parametrize(
    "character",
    ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85", "\u2028", "\u2029", "\ufdd0", "\uffff", "\ud800"],
)
@pytest.mark.parametrize(("model", "field", "is_list"), FIELDS, ids=[f"{m}.{f}" for m, f, _ in FIELDS])
def test_a_control_character_in_free_text_is_refused(
    model: str, field: str, is_list: bool, character: str
) -> None:
    errors = _errors_at(model, field, is_list, f"Anna{character}Lund")

    # pydantic itself refuses a lone surrogate ("unable to parse raw data as a unicode string")
    assert any(reason in message for message in errors for reason in ("not allowed in text", "unicode")), (
        errors
    )


@pytest.mark.parametrize(("model", "field", "is_list"), FIELDS, ids=[f"{m}.{f}" for m, f, _ in FIELDS])
def test_emoji_and_letters_of_any_script_are_accepted(model: str, field: str, is_list: bool) -> None:
    assert _errors_at(model, field, is_list, "Łódź 🎭 Дарья 李") == []


@pytest.mark.parametrize(("model", "field", "is_list"), FIELDS, ids=[f"{m}.{f}" for m, f, _ in FIELDS])
def test_only_multiline_text_keeps_line_feed_and_tab(model: str, field: str, is_list: bool) -> None:
    errors = _errors_at(model, field, is_list, "rad ett\n\trad två")

    assert (errors == []) == ((model, field) in MULTILINE), errors


def test_the_problem_names_the_field_with_the_control_character(
    api: TestClient, make_user: Any, cooperative: Any
) -> None:
    headers = make_user(Role.treasurer).headers

    response = api.post("/api/v1/clients", json={"name": "Teatern\x07 Łódź 🎭"}, headers=headers)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"] == [
        {"field": "name", "reason": "U+0007 (BEL) is not allowed in text; this field is one line"}
    ]
