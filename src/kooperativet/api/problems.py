"""RFC 9457 problem details: the one place where errors become HTTP responses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from kooperativet.db import is_unique_violation
from kooperativet.errors import DomainError, NotAuthenticated

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger(__name__)


class FieldError(BaseModel):
    field: str = Field(examples=["personal_identity_number"])
    reason: str = Field(examples=["invalid check digit"])


class Problem(BaseModel):
    """An error response (RFC 9457) with a machine-readable ``code``."""

    type: str = Field(examples=["urn:kooperativet:problem:not_found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["member 42 does not exist"])
    code: str = Field(examples=["not_found"])
    instance: str | None = Field(default=None, examples=["/api/v1/members/42"])
    errors: list[FieldError] | None = None


def problem_response(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    code: str,
    retry_after: int | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:kooperativet:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
        **extra,
    }
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(location[-1] if location else "")


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    extra = dict(exc.extra)
    if "field" in extra and "errors" not in extra:
        extra["errors"] = [{"field": extra["field"], "reason": exc.detail}]
    return problem_response(
        request,
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        code=exc.code,
        retry_after=extra.get("retry_after_seconds", exc.retry_after),
        **extra,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field_error(err, exc.body) for err in exc.errors()]
    return _invalid_request(request, errors)


def _invalid_request(request: Request, errors: list[dict[str, str]]) -> JSONResponse:
    summary = "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5])
    return problem_response(
        request,
        status=422,
        title="Invalid request",
        detail=summary or "the request is not valid",
        code="validation_failed",
        errors=errors,
    )


def _field_error(err: dict[str, Any], body: Any) -> dict[str, str]:
    if err.get("type") == "json_invalid":
        # FastAPI puts the character offset where the JSON broke into the location, where a field's name
        # goes; the body is what is wrong, and the offset is said in words.
        location = err.get("loc", ())
        offset = location[-1] if location and isinstance(location[-1], int) else None
        return {"field": "body", "reason": _not_json(str(err.get("ctx", {}).get("error", "")), body, offset)}
    return {"field": _field_path(err.get("loc", ())), "reason": _reason(err)}


def _not_json(error: str, body: Any, offset: int | None) -> str:
    """Where and why a body is not JSON: "Expecting value at line 1, column 15"."""
    reason = "the body is not valid JSON"
    if error:
        reason += f": {error}"
    if offset is not None and isinstance(body, str):
        line = body.count("\n", 0, offset) + 1
        column = offset - body.rfind("\n", 0, offset)
        reason += f" at line {line}, column {column}"
    return reason


def _reason(err: dict[str, Any]) -> str:
    message = str(err.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


def _unreadable_body(exc: StarletteHTTPException) -> str:
    """Why a body could not be read at all. FastAPI raises its 400 "There was an error parsing the body" from
    the error of reading it (``__cause__``); Starlette's form parser raises its 400 while handling a
    ``MultiPartException`` (``__context__``), with that error's words as the detail."""
    cause = exc.__cause__
    if isinstance(cause, UnicodeDecodeError):
        # JSON may also come as UTF-16 or UTF-32 with its byte-order mark; a position is said only in UTF-8.
        where = f" (byte {cause.start + 1} cannot be read)" if cause.encoding in ("utf-8", "utf_8") else ""
        return f"the body is not valid JSON: it is not UTF-8 text{where}"
    if isinstance(cause, RecursionError):
        return "the body is not valid JSON: it is nested too deeply to read"
    if isinstance(cause, ValueError):  # a number of more digits than Python reads (4 300)
        return "the body is not valid JSON: it holds a number too long to read"
    if isinstance(exc.__context__, MultiPartException):
        return f"the body is not a readable multipart form: {exc.detail}"
    return "the body could not be read"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # No route raises this 400 (a ``DomainError`` of 400 has its own handler): FastAPI and Starlette do
        # when they cannot read the body at all (bytes that are not UTF-8, a broken multipart form). It is
        # answered as a body that is not JSON is, and as the OpenAPI documents for every operation that
        # takes a body: a 422 naming the body, not an undocumented 400.
        return _invalid_request(request, [{"field": "body", "reason": _unreadable_body(exc)}])
    code = {
        401: "not_authenticated",
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
    }.get(exc.status_code, "http_error")
    return problem_response(
        request, status=exc.status_code, title=str(exc.detail), detail=str(exc.detail), code=code
    )


async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
    # The database refused a number the schema allowed (an id beyond its integer column): a bad request.
    return problem_response(
        request,
        status=422,
        title="Invalid request",
        detail="a number or date in the request is out of range",
        code="value_out_of_range",
    )


async def _statement_error(request: Request, exc: Exception) -> JSONResponse:
    # A value that overflowed while it was made ready for the database: SQLAlchemy wraps the OverflowError
    # (a moment in year 9999 with a negative offset is in year 10000 in UTC), so the handler above never
    # sees it. Anything else wrapped so is unexpected.
    assert isinstance(exc, StatementError)
    if isinstance(exc.orig, OverflowError):
        return await _out_of_range(request, exc)
    return await _unexpected_error(request, exc)


async def _refused_by_the_database(request: Request, exc: Exception) -> JSONResponse:
    # Two requests did the same at the same moment and the database's unique constraint let one through
    # (services check first, so this is a race, not bad input): the other is told to read again, not a 500.
    assert isinstance(exc, IntegrityError)
    if not is_unique_violation(exc):
        return await _unexpected_error(request, exc)
    # Not the database's message: it holds the key's values (a member's id on a ballot roll, say).
    log.warning("a unique constraint refused %s %s", request.method, request.url.path)
    return problem_response(
        request,
        status=409,
        title="Conflict",
        detail="another request did the same at the same moment; nothing of this one was saved: read again "
        "and retry if it is still needed",
        code="concurrent_change",
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        request,
        status=500,
        title="Internal error",
        detail="an unexpected error occurred; nothing was saved",
        code="internal_error",
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(StatementError, _statement_error)
    app.add_exception_handler(IntegrityError, _refused_by_the_database)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problem statuses an operation can return."""
    described = {401, 403, 404, 409, 412, 422, 429, 503}
    return {
        status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}
        for status in statuses
        if status in described
    }


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Make the OpenAPI tell the truth about errors: every 4xx/5xx is ``application/problem+json``.

    FastAPI documents its own 422 as ``application/json`` with its validation-error shape; ours is a problem
    document. Operations that read parameters or a body can always answer 422 (a body that is not JSON, or
    cannot be read at all, included: ``_http_error``), and those with a body 413.
    """
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(components["Problem"].pop("$defs", {}))
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault("422", {"description": "Invalid request"})
            if operation.get("requestBody"):
                responses.setdefault("413", {"description": "Payload too large"})
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = {PROBLEM_MEDIA_TYPE: problem}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


__all__ = ["NotAuthenticated", "Problem", "install_problem_handlers", "problem_responses"]
