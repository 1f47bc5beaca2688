"""Put the web interface into the application: pages, assets, offline API docs and page errors."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH
from kooperativet.web.errors import install_page_errors
from kooperativet.web.navigation import areas_for, current_area
from kooperativet.web.pages.account import router as account_router
from kooperativet.web.pages.admin import router as admin_router
from kooperativet.web.pages.commission_downloads import router as commission_downloads_router
from kooperativet.web.pages.commissions import router as commissions_router
from kooperativet.web.pages.home import router as home_router
from kooperativet.web.pages.knowledge import router as knowledge_router
from kooperativet.web.pages.knowledge_edit import router as knowledge_edit_router
from kooperativet.web.pages.knowledge_share import router as knowledge_share_router
from kooperativet.web.pages.me import router as me_router
from kooperativet.web.pages.me_notifications import router as me_notifications_router
from kooperativet.web.pages.meetings import router as meetings_router
from kooperativet.web.pages.meetings_board import router as meetings_board_router
from kooperativet.web.pages.meetings_conduct import router as meetings_conduct_router
from kooperativet.web.pages.meetings_vote_setup import router as meetings_vote_setup_router
from kooperativet.web.pages.meetings_votes import router as meetings_votes_router
from kooperativet.web.pages.office_audit import router as office_audit_router
from kooperativet.web.pages.office_billing import router as office_billing_router
from kooperativet.web.pages.office_jobs import router as office_jobs_router
from kooperativet.web.pages.office_mail import router as office_mail_router
from kooperativet.web.pages.office_member_tax import router as office_member_tax_router
from kooperativet.web.pages.office_members import router as office_members_router
from kooperativet.web.pages.office_members_new import router as office_members_new_router
from kooperativet.web.pages.office_month_end import router as office_month_end_router
from kooperativet.web.pages.office_parameters import router as office_parameters_router
from kooperativet.web.pages.office_payroll import router as office_payroll_router
from kooperativet.web.pages.password import router as password_router
from kooperativet.web.pages.pay import router as pay_router
from kooperativet.web.templating import environment

STATIC_DIR = Path(__file__).resolve().parent / "static"
SWAGGER = "/static/vendor/swagger-ui-5.35.0"
REDOC = "/static/vendor/redoc-2.5.4"
PAGE_ROUTERS = (
    account_router,
    password_router,
    home_router,
    commissions_router,
    commission_downloads_router,
    office_billing_router,
    office_payroll_router,
    office_month_end_router,
    office_members_router,
    office_member_tax_router,
    office_parameters_router,
    office_jobs_router,
    office_audit_router,
    meetings_board_router,
    meetings_conduct_router,
    meetings_vote_setup_router,
    meetings_router,
    meetings_votes_router,
    admin_router,
    pay_router,
    me_router,
    me_notifications_router,
    office_members_new_router,
    office_mail_router,
    # Before the article page: /kb/share and /kb/new are not article addresses.
    knowledge_share_router,
    knowledge_edit_router,
    knowledge_router,
)


def install_web(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in PAGE_ROUTERS:
        app.include_router(router)
    for language in ("sv", "en"):
        environment(language).globals.update(
            areas_for=areas_for, current_area=current_area, min_password_length=MIN_PASSWORD_LENGTH
        )
    install_page_errors(app)
    _serve_docs_offline(app)


def _serve_docs_offline(app: FastAPI) -> None:
    """``/docs`` and ``/redoc`` with the assets the app serves itself, so they work on a closed network."""
    redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="kooperativet – API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            oauth2_redirect_url=redirect,
        )

    @app.get(redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="kooperativet – API",
            redoc_js_url=f"{REDOC}/redoc.standalone.js",
            redoc_favicon_url="/static/favicon.svg",
            with_google_fonts=False,
        )
