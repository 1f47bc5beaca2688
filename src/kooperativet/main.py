"""The application factory: routers, the problem-details handler and request limits."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from sqlalchemy import text

from kooperativet import __version__, all_jobs, encryption
from kooperativet.api.body_limit import BodySizeLimit
from kooperativet.api.edge import install_edge
from kooperativet.api.problems import document_problems, install_problem_handlers, problem_response
from kooperativet.assignments.router import router as assignments_router
from kooperativet.audit.router import router as audit_router
from kooperativet.auth.reset_throttle import ResetThrottle
from kooperativet.auth.router import router as auth_router
from kooperativet.auth.throttle import LoginThrottle
from kooperativet.config import JobsMode, Settings, get_settings
from kooperativet.db import READ_ONLY, make_engine, make_session_factory, write_lock_for
from kooperativet.employments.router import router as employments_router
from kooperativet.exports.router import router as exports_router
from kooperativet.governance.access_log import keep_ballots_out_of_access_log
from kooperativet.governance.board_router import router as board_router
from kooperativet.governance.meetings_router import router as meetings_router
from kooperativet.governance.minutes_router import router as minutes_router
from kooperativet.governance.rulebooks_router import router as rulebooks_router
from kooperativet.governance.votes_router import router as votes_router
from kooperativet.invoices.bank_entries_router import router as bank_entries_router
from kooperativet.invoices.mailing.router import router as invoice_mailing_router
from kooperativet.invoices.router import router as invoices_router
from kooperativet.jobs.embedded import EmbeddedWorker, wake_on_commit
from kooperativet.jobs.runner import run_inline
from kooperativet.knowledge.router import router as knowledge_router
from kooperativet.notifications.router import router as notifications_router
from kooperativet.parameters.router import router as parameters_router
from kooperativet.parties.router import router as parties_router
from kooperativet.payroll.router import router as payroll_router
from kooperativet.privacy.router import router as privacy_router
from kooperativet.web.i18n import LANGUAGE_COOKIE
from kooperativet.web.install import install_web
from kooperativet.workflows.accounts_router import router as accounts_router
from kooperativet.workflows.clients_router import router as clients_router
from kooperativet.workflows.commission_router import router as commission_router
from kooperativet.workflows.jobs_router import router as jobs_router
from kooperativet.workflows.logins_router import router as logins_router
from kooperativet.workflows.mail_router import router as mail_router

DESCRIPTION = """
Back office for a Swedish employment cooperative (anställningskooperativ): members register commissions,
the treasurer invoices clients and runs payroll, and the members govern the cooperative.

* Authenticate with `POST /api/v1/auth/token` (OAuth2 password flow) and send `Authorization: Bearer …`.
* Errors are RFC 9457 problem details (`application/problem+json`) with a machine-readable `code`; a body
  that cannot be read (not JSON, not UTF-8) is a 422 naming the field `body`.
* Money is a string with two decimals (`"12772.57"`); whole kronor may be a JSON integer (`3000`), never a
  JSON number with decimals. Answers always write the string.
* Dates and moments are ISO 8601 text (`"2026-01-31"`, `"2026-12-20T18:00:00+01:00"`), never numbers.
* Collections take `limit` (at most 100) and `offset` and return the `total`.
* Updates carry the `version` you read; a stale version is refused with 409 `version_conflict`.
"""


def _operation_id(route: APIRoute) -> str:
    return route.name


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The embedded worker runs while the application serves (docs/workers.md)."""
    worker: EmbeddedWorker | None = app.state.embedded_worker
    if worker is not None:
        worker.start()
    if getattr(app.state, "serving", False):
        _freeze_start_up_objects()
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()


def _freeze_start_up_objects() -> None:
    """Leave what start-up built (modules, mappers, schemas, routes: some 280 000 objects) out of every later
    garbage collection. A full collection walks all of them with the GIL held, 150–300 ms in which no request
    moves, and under load one came every few seconds: the worst of P3's tail. Collected first, so that no
    garbage is kept with them.

    Only in the server process (``create_served_app``): a process that makes many apps, as the tests do,
    would keep every app's objects frozen for good."""
    gc.collect()
    gc.freeze()


def create_served_app() -> FastAPI:
    """The app as ``kooperativet serve`` runs it: one per server process, start-up objects frozen."""
    app = create_app()
    app.state.serving = True
    return app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper())
    keep_ballots_out_of_access_log()
    app = FastAPI(
        title="kooperativet",
        version=__version__,
        description=DESCRIPTION,
        generate_unique_id_function=_operation_id,
        # Served by web.install from the app's own assets instead of a CDN.
        docs_url=None,
        redoc_url=None,
        license_info={"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        lifespan=_lifespan,
    )
    # A few connections more than session slots, for /health and background work.
    engine = make_engine(
        settings.resolved_database_url,
        pool_size=settings.db_pool_size,
        max_overflow=10,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    app.state.engine = engine
    app.state.write_lock = write_lock_for(engine)
    assert all_jobs  # every job handler is registered before the first job runs
    use_settings(app, settings)
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes, language_cookie=LANGUAGE_COOKIE)
    app.include_router(auth_router)
    app.include_router(accounts_router)
    app.include_router(logins_router)
    app.include_router(parties_router)
    app.include_router(clients_router)
    app.include_router(privacy_router)
    app.include_router(notifications_router)
    app.include_router(parameters_router)
    app.include_router(assignments_router)
    app.include_router(commission_router)
    app.include_router(employments_router)
    app.include_router(invoices_router)
    app.include_router(bank_entries_router)
    app.include_router(invoice_mailing_router)
    app.include_router(rulebooks_router)
    app.include_router(board_router)
    app.include_router(meetings_router)
    app.include_router(votes_router)
    app.include_router(minutes_router)
    app.include_router(payroll_router)
    app.include_router(exports_router)
    app.include_router(audit_router)
    app.include_router(mail_router)
    app.include_router(jobs_router)
    app.include_router(knowledge_router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/health", tags=["health"])
    def health(request: Request) -> Any:
        """Liveness and database reachability, for load balancers and Docker."""
        try:
            with request.app.state.engine.connect() as connection:
                connection.execution_options(**{READ_ONLY: True}).execute(text("SELECT 1"))
        except Exception:  # any database failure means "not healthy"; the body says which part
            return problem_response(
                request,
                status=503,
                title="Unavailable",
                detail="the database is not reachable",
                code="unavailable",
            )
        return {"status": "ok", "version": __version__}

    install_web(app)
    install_edge(app, settings=settings)
    return app


def use_settings(app: FastAPI, settings: Settings) -> None:
    """What of the app is made from its settings beside its routes and middleware: the keys, the sessions,
    the jobs' mode and fresh login and reset throttles.

    Apart so that the tests can give one app the settings of test after test: FastAPI builds an app's
    routes on its first request (about half a second for ours), which an app per test paid every time."""
    encryption.configure(settings)
    app.state.settings = settings
    app.state.session_factory = make_session_factory(
        app.state.engine, audit_key=settings.audit_signing_key, public_url=settings.public_url
    )
    app.state.embedded_worker = None
    if settings.resolved_jobs_mode is JobsMode.inline:
        run_inline(app.state.session_factory, settings)
    elif settings.resolved_jobs_mode is JobsMode.embedded:
        app.state.embedded_worker = EmbeddedWorker(
            settings, audit_key=settings.audit_signing_key, write_lock=app.state.write_lock
        )
        wake_on_commit(app.state.session_factory, app.state.embedded_worker.wake)
    app.state.login_throttle = LoginThrottle(
        attempts=settings.login_attempts_per_window,
        attempts_per_address=settings.login_attempts_per_address,
        window_seconds=settings.login_window_seconds,
    )
    app.state.reset_throttle = ResetThrottle(
        attempts=settings.password_reset_requests_per_account,
        attempts_per_address=settings.password_reset_requests_per_address,
        window_seconds=settings.password_reset_window_seconds,
    )
