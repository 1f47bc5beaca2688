"""Sign-in, the session cookie, form tokens, sign-out and password change on the web interface."""

from __future__ import annotations

from sqlalchemy import select

from kooperativet.api.idempotency import IdempotentRequest
from kooperativet.auth.models import Role
from kooperativet.config import Environment, Settings
from kooperativet.main import create_app
from kooperativet.web.once import SUBMISSION_FIELD
from tests.conftest import PASSWORD
from tests.web.conftest import form_token, sign_in


def test_a_page_sends_a_stranger_to_sign_in_and_back_afterwards(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    answer = browser_client.get("/account/password")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=%2Faccount%2Fpassword"
    token = form_token(browser_client.get(answer.headers["location"]).text)
    signed_in = browser_client.post(
        "/signin",
        data={
            "email": actor.user.email,
            "password": PASSWORD,
            "next": "/account/password",
            "csrf_token": token,
        },
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/account/password"
    assert browser_client.get("/account/password").status_code == 200


def test_the_session_cookie_is_http_only_and_same_site_lax(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    token = form_token(browser_client.get("/signin").text)
    answer = browser_client.post(
        "/signin", data={"email": actor.user.email, "password": PASSWORD, "csrf_token": token}
    )
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("kooperativet_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # development and tests are served over plain http


def test_production_cookies_are_secure(settings: Settings) -> None:
    assert settings.model_copy(update={"env": Environment.production}).cookies_are_secure
    assert not settings.cookies_are_secure
    assert settings.model_copy(update={"secure_cookies": True}).cookies_are_secure


def test_a_form_without_its_token_is_refused_and_changes_nothing(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    browser_client.get("/signin")
    answer = browser_client.post("/signin", data={"email": actor.user.email, "password": PASSWORD})
    assert answer.status_code == 403
    assert "Formuläret har gått ut" in answer.text
    assert "kooperativet_session" not in answer.headers.get("set-cookie", "")


def test_a_token_from_another_session_is_refused(app, browser_client, make_user) -> None:
    actor = make_user(Role.member)
    sign_in(browser_client, actor.user.email)
    from fastapi.testclient import TestClient

    other = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(other, actor.user.email)
    foreign = form_token(other.get("/account/password").text)
    answer = browser_client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a new password 2026", "csrf_token": foreign},
    )
    assert answer.status_code == 403


def test_a_wrong_password_is_shown_on_the_form_with_the_e_mail_kept(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    token = form_token(browser_client.get("/signin").text)
    answer = browser_client.post(
        "/signin", data={"email": actor.user.email, "password": "wrong", "csrf_token": token}
    )
    assert answer.status_code == 401
    assert "Fel e-post eller lösenord." in answer.text
    assert f'value="{actor.user.email}"' in answer.text


def test_sign_in_is_throttled_like_the_api(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    token = form_token(browser_client.get("/signin").text)
    statuses = [
        browser_client.post(
            "/signin", data={"email": actor.user.email, "password": "wrong", "csrf_token": token}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [401, 401, 401, 401, 401, 429]  # the test settings allow five failures per window


def test_signing_out_ends_the_session_on_the_server(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    sign_in(browser_client, actor.user.email)
    stolen = browser_client.cookies.get("kooperativet_session")
    token = form_token(browser_client.get("/").text)
    assert browser_client.post("/signout", data={"csrf_token": token}).status_code == 303
    browser_client.cookies.set("kooperativet_session", stolen)
    assert browser_client.get("/").status_code == 303


def test_signing_out_says_so_on_the_page_she_lands_on(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    sign_in(browser_client, actor.user.email)
    token = form_token(browser_client.get("/").text)

    landed = browser_client.post("/signout", data={"csrf_token": token}, follow_redirects=True)

    assert landed.url.path == "/signin"
    assert '<div class="notice" role="status">Du är utloggad.</div>' in landed.text
    assert "Du är utloggad." not in browser_client.get("/signin").text


def test_changing_the_password_signs_out_other_browsers_but_not_this_one(
    app, browser_client, make_user
) -> None:
    actor = make_user(Role.member)
    sign_in(browser_client, actor.user.email)
    from fastapi.testclient import TestClient

    other = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(other, actor.user.email)
    token = form_token(browser_client.get("/account/password").text)
    answer = browser_client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a new password 2026", "csrf_token": token},
    )
    assert answer.status_code == 303
    assert "Ditt lösenord är bytt" in browser_client.get(answer.headers["location"]).text
    assert browser_client.get("/").status_code == 200
    assert other.get("/").status_code == 303


def test_a_changed_password_is_said_on_a_page_of_its_own_that_reloads_without_sending_the_form_again(
    browser_client, session, make_user
) -> None:
    """Answered with a page, the change was the browser's last form: reloading that page (or a phone bringing
    the tab back) sent it again with the token of the session the change had ended, and "Inte tillåtet: the
    form has expired" replaced the confirmation. The browser is sent on to a page that says it instead."""
    actor = make_user(Role.member)
    sign_in(browser_client, actor.user.email)
    page = browser_client.get("/account/password").text
    assert "Ditt lösenord är bytt" not in page
    answer = browser_client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a new password 2026",
            "csrf_token": form_token(page),
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account/password?changed=true"
    for _reload in range(2):
        shown = browser_client.get(answer.headers["location"])
        assert shown.status_code == 200
        said = "Ditt lösenord är bytt. Andra enheter har loggats ut."
        assert f'<div class="notice" role="status">{said}</div>' in shown.text
        # The page's own sentence, not base.html's box for an action's key (web.notices) saying "True".
        assert 'id="done"' not in shown.text
        assert ">True<" not in shown.text
    # No digest of the passwords is kept to tell a second sending from the first (web.once): the form has
    # no key, and nothing about it is stored.
    form = page[page.index('action="/account/password"') :].partition("</form>")[0]
    assert 'name="current_password"' in form
    assert f'name="{SUBMISSION_FIELD}"' not in form
    stored = select(IdempotentRequest).where(IdempotentRequest.operation == "web POST /account/password")
    assert session.scalars(stored).all() == []


def test_a_wrong_current_password_is_shown_next_to_its_field(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    sign_in(browser_client, actor.user.email)
    token = form_token(browser_client.get("/account/password").text)
    answer = browser_client.post(
        "/account/password",
        data={"current_password": "wrong", "new_password": "a new password 2026", "csrf_token": token},
    )
    assert answer.status_code == 422
    assert 'id="e-current_password">Det nuvarande lösenordet är fel.' in answer.text


def test_only_a_path_on_this_site_may_follow_sign_in(browser_client, make_user) -> None:
    actor = make_user(Role.member)
    token = form_token(browser_client.get("/signin").text)
    answer = browser_client.post(
        "/signin",
        data={
            "email": actor.user.email,
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": token,
        },
    )
    assert answer.headers["location"] == "/"


def test_pages_answer_in_html_and_the_api_keeps_problem_details(browser_client) -> None:
    page = browser_client.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    api = browser_client.get("/api/v1/no-such-thing")
    assert api.headers["content-type"] == "application/problem+json"


def test_the_api_docs_use_only_assets_the_app_serves(settings: Settings) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(create_app(settings))
    pages = {
        "/docs": "/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js",
        "/redoc": "/static/vendor/redoc-2.5.4/redoc.standalone.js",
    }
    for path, asset in pages.items():
        html = client.get(path).text
        assert asset in html
        assert "cdn." not in html
        assert "fonts.googleapis" not in html
        assert client.get(asset).status_code == 200
