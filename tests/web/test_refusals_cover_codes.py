"""Every refusal a service raises has words in the reader's language (``web.refusals``): a page shows a
refusal by its ``code``, and a code with no sentence would show the service's English detail on a Swedish
page ("2027-02 lies in the future; …").

The test reads the source: every call of an error class (``RuleViolation(...)``, ``Conflict(...)`` …) with
the code it gives, or its class's ``default_code`` when it gives none. Each code must be in ``REFUSALS``, be
said by its status (``BY_STATUS``: not found, not allowed, not saved), or be listed below with the reason no
page shows it. A new refusal without words fails here, not in front of a member.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import kooperativet
from kooperativet.errors import DomainError
from kooperativet.governance.models import MeetingStatus
from kooperativet.governance.rules.terms import ProxyProblem
from kooperativet.web.i18n import translations
from kooperativet.web.refusals import BY_STATUS, REFUSALS

SOURCE = Path(kooperativet.__file__).parent

#: Codes no page shows, with the reason.
NOT_ON_A_PAGE = {
    "idempotency_key_reused": "the Idempotency-Key header is the API's; no page sends it",
    "idempotency_in_progress": "the Idempotency-Key header is the API's; no page sends it",
    "invalid_credentials": "the API's sign-in; the web's sign-in page says a wrong password in its own words",
    "invalid_refresh_token": "refresh tokens are the API's; the web signs in with a session",
    "invalid_token": "bearer tokens are the API's; the web signs in with a session",
    "not_authenticated": "a page without a session sends the reader to sign in (web.dependencies)",
    "session_ended": "a page sends a reader whose session ended to sign in (web.dependencies)",
    "too_many_requests": "the sign-in and forgot-password pages say a 429 in their own words",
}
#: Raises that pass on the code of the error they caught (``code=exc.code``).
PASSED_ON = {"exc.code"}
#: Codes made from a value, with every value the value can take.
MADE_CODES = {
    "f'meeting_{meeting.status}'": [f"meeting_{status}" for status in MeetingStatus],
    "f'proxy_{problem}'": [f"proxy_{problem}" for problem in ProxyProblem],
    "f'agi_{field}_format'": [
        "agi_contact_name_format",
        "agi_contact_email_format",
        "agi_contact_phone_format",
    ],
}
#: Refusals without a code of their own that a page says by the field they name, or that outside
#: this test's reach still fall back to the service's detail (file, the detail's first words: reason).
WITHOUT_A_CODE = {
    ("assignments/rules.py", "the period ends"): "commission form: by field (commission_refusals.RULE_WORDS)",
    ("assignments/rules.py", "{field} must be above zero"): "commission form: by field (ABOVE_ZERO, AMOUNT)",
    ("assignments/rules.py", "{field} has more than two"): "commission form: by field (AMOUNT)",
    ("assignments/rules.py", "an assignment needs at least"): "commission form: by field (RULE_WORDS lines)",
    ("assignments/rules.py", "{field}.vat_rate"): "commission form: by field (RULE_WORDS vat_rate)",
    ("assignments/rules.py", "the uploaded file is empty"): "commission form: by field (RULE_WORDS file)",
    ("payroll/router.py", "a tax table file is at most"): "the API's upload; no page uploads tax tables",
    ("payroll/tax_table_store.py", "year {year} is not"): "the API's and the command line's import only",
}


@dataclass(frozen=True)
class Raised:
    path: str
    line: int
    code: str
    status: int
    detail: str


def _error_classes() -> dict[str, type[DomainError]]:
    """Every error class by name (imported, so that each knows its own ``default_code`` and ``status``)."""
    import kooperativet.all_models  # every domain imported, so every error class is known
    import kooperativet.main  # noqa: F401  (the web and its errors, too)

    found: dict[str, type[DomainError]] = {}
    pending = [DomainError]
    while pending:
        kind = pending.pop()
        found[kind.__name__] = kind
        pending.extend(kind.__subclasses__())
    return found


def _detail_text(detail: ast.expr | None) -> str:
    """The detail as written, an f-string's values in braces (``the period ends ({end}) …``)."""
    if isinstance(detail, ast.Constant):
        return str(detail.value)
    if isinstance(detail, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in detail.values
            if isinstance(part, ast.Constant | ast.FormattedValue)
        )
    return ""


def _calls(
    tree: ast.Module, classes: dict[str, type[DomainError]]
) -> list[tuple[ast.Call, type[DomainError]]]:
    """Each call of an error class, and each ``super().__init__`` in an error class's own body."""
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
            calls.append((node, classes[node.func.id]))
        if isinstance(node, ast.ClassDef) and node.name in classes:
            calls.extend(
                (inner, classes[node.name])
                for inner in ast.walk(node)
                if isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "__init__"
                and any(keyword.arg == "code" for keyword in inner.keywords)
            )
    return calls


def _raised() -> list[Raised]:
    classes = _error_classes()
    raised: list[Raised] = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        for call, kind in _calls(ast.parse(path.read_text(encoding="utf-8")), classes):
            code = {keyword.arg: keyword.value for keyword in call.keywords}.get("code")
            if code is None:
                codes = [kind.default_code]
            elif isinstance(code, ast.Constant):
                codes = [str(code.value)]
            elif ast.unparse(code) in PASSED_ON:
                continue
            else:
                codes = MADE_CODES.get(ast.unparse(code), [f"<unknown: {ast.unparse(code)}>"])
            detail = _detail_text(call.args[0] if call.args else None)
            raised.extend(Raised(relative, call.lineno, each, kind.status, detail) for each in codes)
    return raised


def test_every_code_a_service_raises_has_words_on_the_page() -> None:
    unsaid = []
    for each in _raised():
        if each.code in REFUSALS or each.code in NOT_ON_A_PAGE:
            continue
        if each.detail.endswith("cannot be empty"):
            continue  # said as "Fyll i fältet." (refusals.FILL_IN)
        if each.status in BY_STATUS:
            continue  # said by its status: not found, not allowed, not saved
        if any(each.path == path and each.detail.startswith(start) for path, start in WITHOUT_A_CODE):
            continue
        unsaid.append(f"{each.path}:{each.line} {each.code} ({each.detail})")
    assert unsaid == []


def test_the_scan_sees_the_month_end_refusals_the_review_found_in_english() -> None:
    """The scan reads what it should: the AGI month in the future and the SIE range turned round."""
    codes = {(each.path, each.code) for each in _raised()}
    assert ("exports/service/period.py", "month_in_future") in codes
    assert ("exports/service/sie.py", "date_range_reversed") in codes


def test_the_exceptions_are_still_raised_somewhere() -> None:
    """A listed exception that nothing raises any more is taken off the list."""
    raised = _raised()
    codes = {each.code for each in raised}
    assert [code for code in NOT_ON_A_PAGE if code not in codes] == []
    stale = [
        key
        for key in WITHOUT_A_CODE
        if not any(each.path == key[0] and each.detail.startswith(key[1]) for each in raised)
    ]
    assert stale == []


def test_the_words_are_swedish_on_a_swedish_page() -> None:
    swedish = translations("sv")
    said_by_status = [text for text in BY_STATUS.values() if swedish.gettext(text) == text]
    assert said_by_status == []
    assert swedish.gettext(REFUSALS["month_in_future"]) == (
        "Månaden har inte börjat: dess fil kan göras från månadens första dag."
    )
