"""Every day the workers forget the stored answers of requests sent more than a week ago: the API's
``Idempotency-Key`` answers and the web forms' keys (``web.once``), in ``idempotent_requests``. Both exist for
a retry or a second click that comes within minutes; kept for ever, the table would only grow, and an API
answer stored there may name a client or a member (docs/personal-data.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from kooperativet.api.idempotency import forget_answers
from kooperativet.db import clock_of
from kooperativet.jobs import JobContext, handler
from kooperativet.jobs.periodic import register_periodic

FORGET_ANSWERED_REQUESTS = "forget_answered_requests"

register_periodic(FORGET_ANSWERED_REQUESTS, timedelta(days=1))


@handler(FORGET_ANSWERED_REQUESTS)
def forget_answered_requests(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Forget what is older than a week by the session's clock; a second run the same day finds nothing."""
    forget_answers(context.session, now=clock_of(context.session))
    context.session.commit()
