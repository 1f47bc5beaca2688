"""A form is carried out once, however often the browser sends it.

A double click on "Registrera betalning", a reload of the answer, or the back button and "send" again all
send the same form a second time, often while the first is still being carried out: without a guard the
treasurer records the same payment twice, the freelancer on her phone registers the commission twice. So
every form a page renders carries a key of its own (``submission``, a random value made with the page,
``submission_field``), and the web routes (``forms.PageRoute``) settle each signed-in person's form here,
still inside the request's transaction:

- a form answered by sending the browser on (303, the web's answer to work done) has its key stored with a
  digest of its fields and the address it was sent to, in ``idempotent_requests`` (the table of the API's
  ``Idempotency-Key``), in the same transaction as the work: both are committed, or neither;
- a form whose key and fields are stored already is not carried out again: whatever its own handling did is
  rolled back, and the browser is sent where the first sending went. Two sendings in flight at once end the
  same way: the second's claim waits for the first's commit (PostgreSQL's unique index; SQLite's writers take
  turns), and a refusal that the first one's work caused ("already invoiced") gives way to the first's answer.

A refused form (422) stores nothing, so the form sent again after a correction is carried out. The same key
with other fields (the back button, another amount, "send") is a new form and carried out. A form that
answers with a page or a file (a ballot's receipt, a download) is not stored: a ballot is refused a second
time by the vote itself.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Final

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from kooperativet.api.idempotency import IdempotentRequest, insert_unless_taken
from kooperativet.db import utcnow

SUBMISSION_FIELD: Final = "submission"
#: The fields that are the same for every sending of every form, left out of its digest.
NOT_THE_FORM: Final = frozenset({SUBMISSION_FIELD, "csrf_token"})
#: Fields whose values are secrets (a new user's password, the tellers' passphrase of a secret ballot): left
#: out of the stored digest, which is a plain SHA-256 anyone reading the table could try guesses against.
SECRET_WORDS: Final = ("password", "passphrase")
#: ``idempotent_requests.operation`` holds 100 characters.
LONGEST_OPERATION: Final = 100


class RepeatedForm(Exception):
    """A form carried out before: the browser is sent where its first sending went (``errors``)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def submission_field() -> Markup:
    """The hidden field that tells this form's sendings apart from every other form's: a new key each time a
    page renders a form."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        SUBMISSION_FIELD, secrets.token_urlsafe(18)
    )


async def settled(request: Request, response: Response) -> Response:
    """``response`` to a form carried out now, its key stored if it sent the browser on; or, for a form
    carried out before, ``RepeatedForm`` (rolling this sending's work back)."""
    claim = await _claim(request)
    if claim is None:
        return response
    session, row = claim
    location = response.headers.get("location") if response.status_code == 303 else None
    earlier = await run_in_threadpool(_earlier_or_stored, session, row, location)
    if earlier is not None:
        raise RepeatedForm(earlier)
    return response


async def refused(request: Request) -> str | None:
    """Where the first sending of this form went, when a refusal of this sending is the first one's doing
    (the invoice it issued is no longer to be issued), else None."""
    try:
        claim = await _claim(request)
        return None if claim is None else await run_in_threadpool(_earlier, *claim)
    except SQLAlchemyError:
        # A transaction the refusal left unable to read (a flush the database refused outside a savepoint):
        # the refusal is said as it came, rather than a server error for the look that could not be made.
        return None


async def _claim(request: Request) -> tuple[Session, dict[str, object]] | None:
    """The request's transaction and the row that would store its form, for a signed-in person's form with a
    key; None for anything else (sign-in, a GET, a form from before the keys)."""
    session: Session | None = getattr(request.state, "web_transaction", None)
    user = getattr(request.state, "web_user", None)
    if request.method != "POST" or session is None or user is None:
        return None
    form = await request.form()
    key = form.get(SUBMISSION_FIELD)
    if not isinstance(key, str) or not 8 <= len(key) <= 64:
        return None
    digest = _digest(form)
    return session, {
        "user_id": user.id,
        "operation": _operation(request),
        "key": f"{key}:{digest[:32]}",
        "request_sha256": digest,
        "created_at": utcnow(),
    }


def _earlier_or_stored(session: Session, row: dict[str, object], location: str | None) -> str | None:
    """The address a first sending went to; else, if this one sends the browser on, its own key stored."""
    earlier = _earlier(session, row)
    if earlier is not None or location is None:
        return earlier
    claimed = session.scalar(insert_unless_taken(session), {**row, "response_json": _answer(location)})
    if claimed is None:  # sent at the same moment, and committed first
        return _earlier(session, row)
    return None


def _earlier(session: Session, row: dict[str, object]) -> str | None:
    stored = session.scalar(
        select(IdempotentRequest.response_json).where(
            IdempotentRequest.user_id == row["user_id"],
            IdempotentRequest.operation == row["operation"],
            IdempotentRequest.key == row["key"],
        )
    )
    if stored is None:
        return None
    location: str = json.loads(stored)["location"]
    return location


def _answer(location: str) -> str:
    return json.dumps({"status": 303, "location": location})


def _operation(request: Request) -> str:
    operation = f"web POST {request.url.path}"
    if len(operation) <= LONGEST_OPERATION:
        return operation
    return f"web POST sha256:{hashlib.sha256(request.url.path.encode()).hexdigest()}"


def _digest(form: FormData) -> str:
    """The form's fields and files, in order, as one SHA-256."""
    fields = [
        [name, value if isinstance(value, str) else _file(value)]
        for name, value in form.multi_items()
        if name not in NOT_THE_FORM and not any(word in name for word in SECRET_WORDS)
    ]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def _file(upload: UploadFile) -> str:
    return f"file {upload.filename!r} of {upload.size} bytes"
