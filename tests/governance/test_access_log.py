"""Ballot casting leaves no line in the HTTP access log; every other request still does."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI

from kooperativet.governance.access_log import ACCESS_LOGGER, BallotCastingFilter

#: Uvicorn's access-log call: format and arguments (client address, method, path, HTTP version, status).
UVICORN_FORMAT = '%s - "%s %s HTTP/%s" %d'


def log_request(method: str, path: str) -> None:
    logging.getLogger(ACCESS_LOGGER).info(UVICORN_FORMAT, "192.0.2.7:51234", method, path, "1.1", 201)


@pytest.mark.usefixtures("app")
def test_the_app_keeps_ballot_casting_out_of_uvicorns_access_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    log_request("POST", "/api/v1/governance/votes/12/ballots")
    log_request("POST", "/api/v1/governance/votes/12/ballots?x=1")
    log_request("POST", "/meetings/votes/12/ballot")  # the web page members vote from
    assert caplog.records == []
    log_request("GET", "/api/v1/governance/votes/12")
    log_request("POST", "/api/v1/governance/votes/12/close")
    log_request("GET", "/meetings/votes/12")
    log_request("POST", "/meetings/votes/12/close")
    assert [r.getMessage() for r in caplog.records] == [
        '192.0.2.7:51234 - "GET /api/v1/governance/votes/12 HTTP/1.1" 201',
        '192.0.2.7:51234 - "POST /api/v1/governance/votes/12/close HTTP/1.1" 201',
        '192.0.2.7:51234 - "GET /meetings/votes/12 HTTP/1.1" 201',
        '192.0.2.7:51234 - "POST /meetings/votes/12/close HTTP/1.1" 201',
    ]


def test_the_filter_is_installed_once_however_many_apps_are_made(app: FastAPI) -> None:
    from kooperativet.main import create_app

    create_app(app.state.settings)
    filters = logging.getLogger(ACCESS_LOGGER).filters
    assert sum(isinstance(f, BallotCastingFilter) for f in filters) == 1


def test_records_that_are_not_uvicorns_access_lines_pass() -> None:
    record = logging.LogRecord(ACCESS_LOGGER, logging.INFO, __file__, 1, "plain message", None, None)
    assert BallotCastingFilter().filter(record)
