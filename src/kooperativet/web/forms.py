"""Forms: read a posted form into the API's own schemas, and turn refusals into messages by the fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Mapping
from decimal import Decimal
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from kooperativet.api.types import PHONE_PATTERN
from kooperativet.core.money import TOO_MANY_DIGITS
from kooperativet.documents.render import quantity
from kooperativet.errors import DomainError
from kooperativet.web import once
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.templating import gettext

Schema = TypeVar("Schema", bound=BaseModel)
#: The largest id a table can hold (a signed 64-bit integer): a larger number, in the address or tampered
#: into a form, names nothing, and the database refuses even to look it up.
LARGEST_ID = 2**63 - 1


def beyond_any_id(text: str) -> bool:
    """Whether ``text`` is a whole number larger than ``LARGEST_ID``."""
    digits = text.strip()
    significant = digits.lstrip("0")
    # By the length first: Python refuses to read a number of more than 4 300 digits.
    return digits.isdecimal() and (
        len(significant) > len(str(LARGEST_ID))
        or (len(significant) == len(str(LARGEST_ID)) and int(significant) > LARGEST_ID)
    )


def stored_integer(text: str) -> int | None:
    """The whole number ``text`` holds if an integer column can hold it (an id, a version), else None.
    ``str.isdigit`` alone is not enough: ``²`` is a digit to it and not to ``int``, and ``int`` refuses a
    number of more than 4 300 digits."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or beyond_any_id(digits):
        return None
    return int(digits.lstrip("0") or "0")


class FormRejected(Exception):
    """A form that a rule or a validator refused, with the page that shows it again (``errors``)."""

    def __init__(self, page: Response) -> None:
        super().__init__("form rejected")
        self.page = page


class BrowserRequest(Request):
    """A request whose posted form reads with the line ends the services keep (``\\n``). A browser sends a
    textarea's line breaks as CR LF (HTML normalises every newline in a submitted form to CR LF), and the
    API's free text refuses CR; the API's own clients still send ``\\n`` themselves."""

    async def _get_form(
        self,
        *,
        max_files: int | float = 1000,
        max_fields: int | float = 1000,
        max_part_size: int = 1024 * 1024,
    ) -> FormData:
        # Starlette's one place that parses a form, for ``request.form()`` and FastAPI's ``Form()`` alike.
        form = await super()._get_form(
            max_files=max_files, max_fields=max_fields, max_part_size=max_part_size
        )
        self._form = with_line_feeds(form)
        return self._form


def with_line_feeds(form: FormData) -> FormData:
    """Every text of ``form`` with CR LF and a lone CR written as LF; files as they came."""
    return FormData(
        [
            (name, value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value)
            for name, value in form.multi_items()
        ]
    )


class PageRoute(APIRoute):
    """The route of every page (``APIRouter(route_class=PageRoute)``): however a handler reads the posted
    form (``Posted``, ``Form()`` parameters, the form-token check), it reads it as a ``BrowserRequest``; and
    a form is carried out once however often it is sent (``once``). The handler below is called inside the
    request's transaction (FastAPI ends it when this returns), so what ``once`` stores or undoes is part of
    it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def as_a_browser_sent_it(request: Request) -> Response:
            browser = BrowserRequest(request.scope, request.receive)
            try:
                response = await handler(browser)
            except (DomainError, FormRejected):
                earlier = await once.refused(browser)
                if earlier is not None:
                    raise once.RepeatedForm(earlier) from None
                raise
            return await once.settled(browser, response)

        return as_a_browser_sent_it


async def posted_form(request: Request) -> FormData:
    """The posted form, for a handler with more fields than it is worth naming one by one (numbered rows).
    Starlette reads the body once; the form-token check has usually read it already."""
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]

#: Pydantic's error types, said in words a person understands; anything else falls back to a general message.
MESSAGES = {
    "missing": N_("Please fill in this field."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long."),
    "too_long": N_("There are too many rows here: at most %(limit)s."),
    "string_pattern_mismatch": N_("This is not in the expected form."),
    "value_error": N_("This value is not valid."),
    "decimal_parsing": N_("Write a number, e.g. 1250.50."),
    "decimal_max_places": N_("Too many decimals."),
    "int_parsing": N_("Write a whole number."),
    "date_from_datetime_parsing": N_("Write a date as YYYY-MM-DD."),
    "date_parsing": N_("Write a date as YYYY-MM-DD."),
    "datetime_parsing": N_("Write a date and time as YYYY-MM-DD HH:MM."),
    # Said with the limit when the error names it (``BOUNDS``); a validator's own refusal may not.
    "greater_than": N_("This must be larger."),
    "greater_than_equal": N_("This must be larger."),
    "less_than": N_("This is too large."),
    "less_than_equal": N_("This is too large."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "money": N_("Write an amount in kronor and öre, e.g. 1,250.50."),
}
#: A number outside the limits the schema holds it to (``Field(gt=…, ge=…, lt=…, le=…)``), said with the limit
#: it crossed, which pydantic's error carries in its ``ctx`` under the constraint's name.
BOUNDS: Final = {
    "greater_than": ("gt", N_("This must be more than %(limit)s.")),
    "greater_than_equal": ("ge", N_("This must be at least %(limit)s.")),
    "less_than": ("lt", N_("This must be less than %(limit)s.")),
    "less_than_equal": ("le", N_("This must be at most %(limit)s.")),
}
#: What a value must look like, by the pattern the schema holds it to.
PATTERNS = {
    r"^[A-Z]{2}$": N_("Two letters, e.g. SE for Sweden."),
    PHONE_PATTERN: N_("Write a phone number in digits, e.g. 070-123 45 67."),
}
#: An amount beyond what any money column holds (``core.money.TOO_LARGE``): its writing is not the problem.
TOO_LARGE_AMOUNT: Final = N_("This amount is too large: at most twelve digits of kronor.")
#: A text longer than its field holds. Pydantic checks the length of a text type with validators of its own
#: (``api.types.Text``) after them and calls it "too_long", as for a list: not "too many rows".
TOO_LONG_TEXT: Final = N_("This is too long: at most %(limit)s characters.")
#: A text shorter than its field asks for (a passphrase), said with the length it needs.
TOO_SHORT_TEXT: Final = N_("This is too short: at least %(limit)s characters.")
#: The error types of a text's length, with the ``ctx`` key of the length the schema holds it to. A message
#: that names no limit leaves her to guess it, one try at a time.
TEXT_LENGTHS: Final = {
    "too_long": ("max_length", TOO_LONG_TEXT),
    "string_too_long": ("max_length", TOO_LONG_TEXT),
    "string_too_short": ("min_length", TOO_SHORT_TEXT),
}


def too_large_amount(error: Any) -> bool:
    """Whether a schema's ``error`` refuses an amount for its size alone (``core.money.parse_amount``)."""
    return error["type"] == "money" and TOO_MANY_DIGITS in str(error.get("msg", ""))


#: Put before a number ``decimal_text`` cannot read without guessing, so that the schema refuses it (no number
#: begins so) and ``field_errors`` says why (``UNCLEAR_NUMBER``) by the field, with what was typed kept.
UNCLEAR_MARK: Final = "unclear:"
UNCLEAR_NUMBER: Final = N_("Write decimals with a point (1.5) and thousands with a comma or a space (1,500).")


def unclear_number(error: Any) -> bool:
    """Whether a schema's ``error`` refuses a number ``decimal_text`` could not read without guessing."""
    typed = error.get("input")
    return isinstance(typed, str) and typed.startswith(UNCLEAR_MARK)


#: pydantic's words for an address ``EmailStr`` refuses (its error type is the general ``value_error``).
NOT_AN_EMAIL = "value is not a valid email address"


#: The error types of a required box left empty, by the kind of value it asks for: it was not filled in,
#: which is what she is told, not how to write a date or a number she never typed.
LEFT_EMPTY: Final = frozenset(
    {"string_too_short", "int_parsing", "decimal_parsing", "date_parsing", "date_from_datetime_parsing",
     "datetime_parsing"}
)  # fmt: skip

#: pydantic's words for a date written as YYYY-MM-DD whose day or month does not exist (2026-02-30).
_NOT_IN_THE_CALENDAR: Final = re.compile(r"^(day|month) value is outside expected range")
NO_SUCH_DAY: Final = N_("There is no such day in the calendar: check the day and the month.")

UNREADABLE = N_("The address or the form holds a value we cannot read.")
CHOOSE = N_("Choose one of the options.")
EMAIL = N_("This is not an e-mail address: write it as name@example.se.")


def field_errors(
    request: Request, exc: ValidationError, *, units: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The first message per field, keyed by the field's dotted path (``lines.0.quantity``). The version a
    form was read at is a hidden field nobody types: a refusal of it is said for the whole form.

    A limit a message names is written as the page's language writes numbers (``100 000`` with a no-break
    space in Swedish, ``100,000`` in English), followed by the field's unit in ``units`` when the form gives
    one (``{"extra_monthly_tax": "kr"}``: "högst 100 000 kr")."""
    language = request_language(request)
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "form"
        said, message = _said(field, error)
        limits = _limits(error, language, (units or {}).get(field)) if said == field else {}
        errors.setdefault(said, (message, limits))
    return {field: gettext(request, message, **limits) for field, (message, limits) in errors.items()}


def _limits(error: Any, language: str, unit: str | None) -> dict[str, Any]:
    """The limit a message names: a list's length (pydantic's ``max_length``), or the bound a number
    crossed (``BOUNDS``), with its unit."""
    ctx = error.get("ctx") or {}
    length = TEXT_LENGTHS.get(error["type"])
    if length is not None and ctx.get(length[0]) is not None:
        return {"limit": _number(ctx[length[0]], language)}
    bound = BOUNDS.get(error["type"])
    if bound is not None and ctx.get(bound[0]) is not None:
        limit = _number(ctx[bound[0]], language)
        return {"limit": f"{limit}\N{NO-BREAK SPACE}{unit}" if unit else limit}
    return {}


def _number(value: Any, language: str) -> str:
    """A limit as the page's language writes a number: ``100 000`` (sv, a no-break space), ``12,5``."""
    return quantity(Decimal(str(value)), language)


def _said(field: str, error: Any) -> tuple[str, str]:
    """The field an error is shown by, and its message id."""
    kind, typed = error["type"], error.get("input")
    blank = isinstance(typed, str) and not typed.strip()
    message = MESSAGES.get(kind, "This value is not valid.")
    if field == "version":
        return "form", UNREADABLE
    if unclear_number(error):
        return field, UNCLEAR_NUMBER
    if field.rsplit(".", 1)[-1].endswith("_id") and (kind == "missing" or blank):
        message = CHOOSE  # an id is chosen from a list (left at "Välj …"), never typed
    elif blank and kind in LEFT_EMPTY:
        message = MESSAGES["missing"]  # a required box left empty is not filled in, not "too short"
    elif kind == "date_from_datetime_parsing" and _NOT_IN_THE_CALENDAR.match(str(_ctx(error).get("error"))):
        message = NO_SUCH_DAY  # 2026-02-30 is written as asked: the day itself does not exist
    elif (
        kind in TEXT_LENGTHS and isinstance(typed, str) and _ctx(error).get(TEXT_LENGTHS[kind][0]) is not None
    ):
        message = TEXT_LENGTHS[kind][1]
    elif kind == "string_pattern_mismatch":
        message = PATTERNS.get(str(error.get("ctx", {}).get("pattern")), message)
    elif kind == "value_error" and str(error.get("msg", "")).startswith(NOT_AN_EMAIL):
        message = EMAIL
    elif too_large_amount(error):
        message = TOO_LARGE_AMOUNT
    elif kind in BOUNDS and (error.get("ctx") or {}).get(BOUNDS[kind][0]) is not None:
        message = BOUNDS[kind][1]
    return field, message


def domain_errors(request: Request, exc: DomainError) -> dict[str, str]:
    """A rule's refusal, by its field when it names one, else for the whole form."""
    field = str(exc.extra.get("field") or "form")
    return {field: gettext(request, exc.detail)}


def parse(schema: type[Schema], data: Mapping[str, Any]) -> Schema:
    return schema.model_validate(data)


#: Thousands grouped by ``separator``: one to three digits not starting with 0 (no one groups 0.500 as
#: thousands: it is a half), then groups of exactly three.
_GROUPED: Final = {separator: re.compile(rf"[1-9]\d{{0,2}}(\{separator}\d{{3}})+") for separator in ",."}


def decimal_text(value: str, language: str) -> str:
    """A number as the person types it (``1 250,50`` in Swedish, ``1,250.50`` in English) in the form the
    schemas read (``1250.50``).

    A separator the page's language does not use for decimals is read as grouping thousands only where it
    can be nothing else; a number that could be read two ways is marked ``UNCLEAR_MARK``, never guessed.
    In Swedish "1.500" may be one and a half (a phone's keyboard) or fifteen hundred (as some write it);
    in English "12,50" is twelve and a half to someone used to a decimal comma, and was read as 1250."""
    digits = value.strip().replace("\N{NO-BREAK SPACE}", "").replace(" ", "")
    decimal, grouping = (",", ".") if language == "sv" else (".", ",")
    sign, unsigned = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
    whole, point, fraction = unsigned.partition(decimal)
    if grouping in whole:
        if not _GROUPED[grouping].fullmatch(whole):
            # Not thousands: in Swedish a decimal point (1.5, 12.75), unless another decimal sign follows.
            if language == "sv" and not point and whole.count(".") == 1:
                return sign + whole
            return UNCLEAR_MARK + digits
        if language == "sv" and not point and whole.count(".") == 1:
            return UNCLEAR_MARK + digits  # "1.500": a decimal point or thousands, nobody can tell
        whole = whole.replace(grouping, "")
    return sign + whole + ("." if point else "") + fraction


def amount_text(value: str, language: str) -> str:
    """An amount of money as ``decimal_text``, also when it is written with its currency after it, as the
    pages show amounts and people write them: ``2 315 kr``, ``389 kr``."""
    typed = value.strip()
    if typed[-2:].lower() == "kr":
        typed = typed[:-2]
    return decimal_text(typed, language)


def _ctx(error: Any) -> dict[str, Any]:
    """The context pydantic gives an error (its limits, its reason), empty when it gives none."""
    return dict(error.get("ctx") or {})
