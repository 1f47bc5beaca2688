"""Ballot casting stays out of the HTTP access log.

Uvicorn's access log writes a line per request with the client's address, in the order requests arrive. For
``POST /api/v1/governance/votes/{id}/ballots`` (the API) and ``POST /meetings/votes/{id}/ballot`` (the web
page members vote from, ``web.pages.meetings_votes``) those lines put the voters' addresses in casting order,
the same order in which a copy of the database's write-ahead log holds the ballots; together they would link
a ballot to its voter. The filter drops exactly those lines; every other request is logged as before.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
_BALLOT_CASTING = re.compile(
    r"^(/api/v1/governance/votes/[^/?]+/ballots|/meetings/votes/[^/?]+/ballot)/?(\?.*)?$"
)


class BallotCastingFilter(logging.Filter):
    """Refuses uvicorn access records (client, method, path, HTTP version, status) that cast a ballot."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple) or len(args) < 3:
            return True
        method, path = args[1], args[2]
        return not (method == "POST" and isinstance(path, str) and _BALLOT_CASTING.match(path))


def keep_ballots_out_of_access_log() -> None:
    """Install the filter on uvicorn's access logger once per process (the app factory calls it)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, BallotCastingFilter) for f in logger.filters):
        logger.addFilter(BallotCastingFilter())
