"""The framework-free error tree. Services raise these; one handler in ``api.problems`` renders them.

Each error carries its HTTP status and a stable machine-readable ``code`` so that clients can act on it.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    default_code: ClassVar[str] = "bad_request"
    #: When true the request's transaction commits what was flushed before the error (e.g. a revocation).
    keeps_changes: ClassVar[bool] = False
    #: Seconds after which the same request may succeed (the ``Retry-After`` header), when that is known.
    retry_after: int | None = None

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.extra = extra


class NotAuthenticated(DomainError):
    status = 401
    title = "Not authenticated"
    default_code = "not_authenticated"


class PermissionDenied(DomainError):
    status = 403
    title = "Permission denied"
    default_code = "permission_denied"


class NotFound(DomainError):
    status = 404
    title = "Not found"
    default_code = "not_found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"
    default_code = "conflict"


class RuleViolation(DomainError):
    """Well-formed input that a business rule refuses; names the field when there is one."""

    status = 422
    title = "Rule violation"
    default_code = "rule_violation"


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"
    default_code = "too_many_requests"


class NotSaved(DomainError):
    """The database refused to commit the request's work: nothing was saved and the client may try again."""

    status = 503
    title = "Not saved"
    default_code = "not_saved"
    retry_after = 1
